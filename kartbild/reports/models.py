from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kartbild.mappings.models import Mapping, Perspective
from kartbild.organisations.models import Organisation, Unit

# --- Reference sets (the pages engineer's part of this file) -------------------------------


class ReferenceSet(models.Model):
    """A national or network table to compare a kartbild with (DESIGN.md "referensdata"), as
    uploaded: CSV `question,value,share,n` read by `analysis.reference.read_reference_csv`. Kept
    as text and parsed against each mapping's catalogue when compared, since a reference names
    values by slug and organisations use different catalogue versions."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="reference_sets")
    name = models.CharField(_("namn"), max_length=120)
    csv = models.TextField()
    uploaded_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["name", "-id"]

    def __str__(self) -> str:
        return self.name


# --- Exports (the exports engineer's part of this file) ------------------------------------

# An export is a copy of aggregated results taken at one moment. It is kept long enough to be
# downloaded and passed on, and then deleted, so that old copies do not pile up in the database
# after the results have changed or the mapping has been deleted (docs/reports.md, "Exports").
EXPORT_RETENTION = timedelta(days=7)
# A running job updates `updated_at` at least at every progress step, which for the largest
# export is a few seconds apart. A job that has not moved for this long belonged to a process
# that died (a restarted web process that ran it in a thread, a killed worker).
EXPORT_STALE_AFTER = timedelta(minutes=10)


class ExportKind(models.TextChoices):
    PDF = "pdf", _("Rapport (PDF)")
    SLIDES = "pptx", _("Bildspel för dialogmöten (PowerPoint)")
    WORKBOOK = "xlsx", _("Tabeller (Excel)")
    CSV = "csv", _("Tabeller (CSV, zip)")
    GUIDE = "guide", _("Samtalsunderlag (PDF)")


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def expired(self, now: datetime | None = None) -> ExportJobQuerySet:
        return self.filter(created_at__lt=(now or timezone.now()) - EXPORT_RETENTION)

    def stale(self, now: datetime | None = None) -> ExportJobQuerySet:
        return self.filter(
            status=ExportJob.Status.RUNNING,
            updated_at__lt=(now or timezone.now()) - EXPORT_STALE_AFTER,
        )


class ExportJob(models.Model):
    """One export of a mapping's kartbild (or of a unit subtree's), made outside the request.

    The result is kept in the database, not on a local disk, so that any web process behind a
    load balancer can serve the download, whichever process or worker made it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="export_jobs")
    mapping = models.ForeignKey(Mapping, models.CASCADE, related_name="export_jobs")
    # The unit subtree exported; null for the whole organisation.
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(_("format"), max_length=8, choices=ExportKind.choices)
    # Whether the export has the unit rows (heat map, unit table): only for those who may see
    # units. A facilitator's organisation-wide export has none, and may not download one that has.
    unit_detail = models.BooleanField(default=True)
    # The audience of a dialogue guide; empty for the other kinds.
    perspective = models.CharField(max_length=20, choices=Perspective.choices, blank=True)
    language = models.CharField(max_length=8, default="sv")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    result = models.BinaryField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Why the job failed, in Swedish, for the person who asked for it.
    error = models.CharField(max_length=300, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.mapping} – {self.kind} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


# --- Computed kartbild reports (the page-speed engineer's part of this file) ---------------


class CachedReport(models.Model):
    """A kartbild report as computed for one scope (the organisation, or one unit subtree) and
    one language, kept so that a page does not read and compute every answer again.

    Shared by every web process, since it lives in the database. `version` is a hash of
    everything the report depends on (`report.answers_version`: the number of responses per
    perspective, the mapping's settings and state, the unit tree, the catalogue version's
    values, the invitation codes and the anonymity policy), read on every request, so a report
    is never served once any of those changed; rows of other versions are deleted when a new
    version is stored. `document` is the pickled `report.KartbildReport` (about 10 KB):
    numbers that have already passed the anonymity gate, never individual answers."""

    mapping = models.ForeignKey(Mapping, models.CASCADE, related_name="+")
    version = models.CharField(max_length=32)
    language = models.CharField(max_length=8)
    # The unit whose subtree the report covers; 0 for the whole organisation.
    scope = models.PositiveIntegerField()
    document = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "version", "language", "scope"], name="one_cached_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mapping_id} {self.version} {self.language} {self.scope}"
