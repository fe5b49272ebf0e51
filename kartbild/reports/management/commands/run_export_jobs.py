"""The export worker: renders queued export jobs outside the web processes (EXPORT_RUNNER=worker).

python manage.py run_export_jobs           run forever, looking for work every few seconds
python manage.py run_export_jobs --once    run what is queued now, then stop (cron, tests)
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from kartbild.reports import jobs
from kartbild.reports.models import ExportJob

# How long an idle worker waits before looking again: the progress page refreshes every few
# seconds too, so a shorter wait would not be noticed, and a longer one would.
POLL_SECONDS = 2.0


class Command(BaseCommand):
    help = "Render queued exports (PDF, slides, tables, dialogue guides) outside the web process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued, then stop")
        parser.add_argument(
            "--poll", type=float, default=POLL_SECONDS, help="seconds between looks"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            jobs.purge_expired()
            jobs.run_pending(on_job=self._report)
            if options["once"]:
                return
            time.sleep(options["poll"])
            # Between looks, drop a connection the database closed meanwhile. Not before the
            # first: inside a caller's transaction (a test, a script) it would close that one.
            close_old_connections()

    def _report(self, job: ExportJob) -> None:
        job.refresh_from_db(fields=["status"])
        self.stdout.write(f"export job {job.pk} ({job.kind}): {job.status}")
