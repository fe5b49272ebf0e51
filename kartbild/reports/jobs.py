"""Export jobs: exports are made outside the request that asks for them.

A request only stores an `ExportJob` (status "queued") and answers at once; a runner claims the
job, renders it with progress, and stores the file in the job's row. Two runners exist:

- `manage.py run_export_jobs`, a worker process: the right choice for a deployment with several
  web processes or machines (`EXPORT_RUNNER=worker`).
- a background thread in the web process that stored the job (`EXPORT_RUNNER=thread`, the
  default), so that the demo and a single-process deployment work without a second process.

Whichever runs, a job is claimed by one conditional UPDATE (`status = queued` → `running`), so a
job is never rendered twice even when threads of several web processes and a worker all look
for work. A thread dies with its process (a restart, a deploy): its job stops moving, and after
`EXPORT_STALE_AFTER` it is marked failed, so the person who asked sees that and can ask again.
A worker does not have that weakness while it runs, which is why multi-process deployments
should use it. Results live in the database, so any web process can serve any download.

Old jobs and their files are deleted after `EXPORT_RETENTION` (7 days), each time a job is
created and each time the worker looks for work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kartbild.accounts.models import Membership
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Unit
from kartbild.reports.models import ExportJob, ExportKind

logger = logging.getLogger(__name__)

# Progress is written to the database at most this often (in percentage points), so that a
# renderer may report fine-grained steps without a write for each.
PROGRESS_STEP = 5

RUNNER_THREAD = "thread"
RUNNER_WORKER = "worker"


def runner() -> str:
    return getattr(settings, "EXPORT_RUNNER", RUNNER_THREAD)


def create_job(
    membership: Membership,
    mapping: Mapping,
    kind: ExportKind | str,
    unit: Unit | None = None,
    perspective: str = "",
    unit_detail: bool = True,
) -> ExportJob:
    """Store a queued export of `mapping` (or of `unit`'s subtree) for `membership`'s user and
    hand it to the runner. The caller has checked that the user may see what is exported,
    including the unit rows unless `unit_detail` is off."""
    purge_expired()
    job = ExportJob.objects.create(
        organisation=mapping.organisation,
        mapping=mapping,
        unit=unit,
        unit_detail=unit_detail,
        kind=ExportKind(kind),
        perspective=perspective,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=membership.user,
    )
    if runner() == RUNNER_THREAD:
        transaction.on_commit(start_thread)
    return job


def claim_next() -> ExportJob | None:
    """Take the oldest queued job for this runner, or None. Safe to call from any number of
    processes at once: only the runner whose UPDATE changes the row gets the job."""
    while True:
        candidate = (
            ExportJob.objects.filter(status=ExportJob.Status.QUEUED)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        claimed = ExportJob.objects.filter(pk=candidate, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.RUNNING, updated_at=timezone.now()
        )
        if claimed:
            return ExportJob.objects.select_related("mapping", "unit", "organisation").get(
                pk=candidate
            )


def run_job(job: ExportJob) -> None:
    """Render a claimed job and store its file, or store why it failed."""
    # Imported here: the renderers load WeasyPrint, python-pptx and matplotlib, which only a
    # runner needs, not every web request that imports this module.
    from kartbild.reports.exports import render_export

    reported = {"progress": 0}

    def progress(percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        if percent - reported["progress"] >= PROGRESS_STEP:
            reported["progress"] = percent
            ExportJob.objects.filter(pk=job.pk).update(progress=percent, updated_at=timezone.now())

    try:
        with translation.override(job.language):
            export = render_export(job, progress)
    # A runner must outlive any one export: whatever went wrong is logged with its traceback
    # for the operator, and the person who asked is told that it failed.
    except Exception:  # noqa: BLE001
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=_("Exporten kunde inte skapas. Försök igen eller kontakta administratören."),
            updated_at=timezone.now(),
        )
        return
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=100,
        result=export.content,
        filename=export.filename,
        content_type=export.content_type,
        updated_at=timezone.now(),
    )


def run_pending(limit: int | None = None, on_job: Callable[[ExportJob], None] | None = None) -> int:
    """Run queued jobs until none are left (or `limit` have run); the number run."""
    fail_stale()
    done = 0
    while limit is None or done < limit:
        job = claim_next()
        if job is None:
            break
        run_job(job)
        done += 1
        if on_job is not None:
            on_job(job)
    return done


def fail_stale() -> int:
    """Mark running jobs whose runner died as failed."""
    return ExportJob.objects.stale().update(
        status=ExportJob.Status.FAILED,
        error=_("Exporten avbröts innan den blev klar. Beställ den igen."),
        updated_at=timezone.now(),
    )


def purge_expired() -> int:
    """Delete jobs, and with them their files, older than the retention time."""
    deleted, _per_model = ExportJob.objects.expired().delete()
    return deleted


# One thread per process drains the queue; a second request while it runs only makes sure it
# looks again, so two WeasyPrint renders never compete for the web process' CPU.
_thread_lock = threading.Lock()
_thread: threading.Thread | None = None
_look_again = threading.Event()


def start_thread() -> None:
    """Make sure this process has a thread draining the queue."""
    global _thread
    with _thread_lock:
        _look_again.set()
        if _thread is not None:
            return
        _thread = threading.Thread(target=_drain, name="kartbild-export", daemon=True)
        _thread.start()


def _drain() -> None:
    global _thread
    try:
        while True:
            with _thread_lock:
                if not _look_again.is_set():
                    _thread = None
                    return
                _look_again.clear()
            close_old_connections()
            run_pending()
    finally:
        connections.close_all()
        with _thread_lock:
            if _thread is threading.current_thread():
                _thread = None
