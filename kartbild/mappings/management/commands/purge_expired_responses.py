"""`manage.py purge_expired_responses [--dry-run]`: delete the raw answers of every closed mapping
whose retention period has ended, keeping its gated result snapshot (see mappings/purge.py).
Also deletes open-link drafts abandoned for 30 days and ended rate-limit counters. Meant to run once a day from cron or a systemd timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kartbild.mappings.models import RateCounter
from kartbild.mappings.purge import delete_abandoned_drafts, expired_mappings, purge_mapping


class Command(BaseCommand):
    help = "Delete raw responses of mappings past their retention period; keep aggregates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be purged, change nothing"
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        due = expired_mappings()
        for mapping in due:
            label = f"{mapping.organisation.slug}: {mapping.name} (id {mapping.pk})"
            if dry_run:
                self.stdout.write(f"would purge {label}, due {mapping.purge_due_on()}")
                continue
            purged = purge_mapping(mapping)
            self.stdout.write(
                f"purged {label}: {purged.responses} responses, "
                f"{purged.open_answers} open answers; result snapshot kept"
            )
        if not due:
            self.stdout.write("nothing to purge")
        if not dry_run:
            drafts = delete_abandoned_drafts()
            if drafts:
                self.stdout.write(f"deleted {drafts} abandoned open-link drafts")
            # Rate-limit counters go when their window ends if anyone comes by; this catches the
            # rest, so that no hashed client key outlives its day.
            RateCounter.objects.filter(expires_at__lte=timezone.now()).delete()
