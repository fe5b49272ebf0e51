from __future__ import annotations

import calendar
import secrets
import uuid
from datetime import date

import numpy as np
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kartbild.catalogue.models import ValueCatalogue
from kartbild.lib.rounds import within_dates
from kartbild.organisations.models import Organisation, Unit


class Perspective(models.TextChoices):
    CITIZENS = "medborgare", _("Medborgare")
    ELECTED = "fortroendevalda", _("Förtroendevalda")
    EMPLOYEES = "medarbetare", _("Medarbetare")


class QuestionKind(models.TextChoices):
    PERSONAL = "personal", _("Personliga värderingar")
    CURRENT = "current", _("Rådande kultur")
    DESIRED = "desired", _("Önskad kultur")


class QuestionFrame(models.TextChoices):
    WORKPLACE = "workplace", _("arbetsplatsen")
    COMMUNITY = "community", _("kommunen som plats")
    SWEDEN = "sweden", _("Sverige")


# The catalogue describes which words fit which frame; Sweden as a whole is a society frame.
CATALOGUE_FRAME = {
    QuestionFrame.WORKPLACE: "workplace",
    QuestionFrame.COMMUNITY: "community",
    QuestionFrame.SWEDEN: "community",
}

AGE_BANDS = [
    ("-29", _("29 år eller yngre")),
    ("30-44", _("30–44 år")),
    ("45-59", _("45–59 år")),
    ("60-", _("60 år eller äldre")),
]
TENURE_BANDS = [
    ("0-2", _("Mindre än 2 år")),
    ("2-5", _("2–4 år")),
    ("5-10", _("5–9 år")),
    ("10-", _("10 år eller mer")),
]

# Values per question: the method's convention is 10; fewer than 3 says nothing about a culture,
# more than 15 dilutes the choice.
DEFAULT_PICKS = 10
MIN_PICKS = 3
MAX_PICKS = 15

# Months after closing that raw responses are kept: long enough to compare with the next round
# (organisations measure every two to three years), not longer. Ten years is the most anyone may
# choose; the aggregated results are kept after the raw answers are gone.
DEFAULT_RETENTION_MONTHS = 36
MAX_RETENTION_MONTHS = 120


class MappingQuerySet(models.QuerySet["Mapping"]):
    def for_organisation(self, organisation: Organisation) -> MappingQuerySet:
        return self.filter(organisation=organisation)


class Mapping(models.Model):
    """One measurement (kartläggning): catalogue version, perspectives, questions and dates."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        OPEN = "open", _("Öppen")
        CLOSED = "closed", _("Stängd")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="mappings")
    catalogue = models.ForeignKey(ValueCatalogue, models.PROTECT, related_name="mappings")
    name = models.CharField(_("namn"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    opens_on = models.DateField(_("öppnar"), null=True, blank=True)
    closes_on = models.DateField(_("stänger"), null=True, blank=True)
    picks = models.PositiveSmallIntegerField(_("antal val per fråga"), default=DEFAULT_PICKS)
    ask_unit = models.BooleanField(_("fråga om enhet"), default=True)
    ask_age = models.BooleanField(_("fråga om ålder"), default=False)
    ask_tenure = models.BooleanField(_("fråga om anställningstid"), default=False)
    # Citizens' districts, one per line; empty means the question is not asked.
    districts = models.TextField(_("områden för medborgare"), blank=True)
    open_question = models.CharField(_("öppen fråga"), max_length=300, blank=True)
    english_enabled = models.BooleanField(_("svar på engelska tillåts"), default=True)
    previous_round = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="later_rounds"
    )
    retention_months = models.PositiveSmallIntegerField(
        _("gallring av svar (månader efter stängning)"), default=DEFAULT_RETENTION_MONTHS
    )
    # The day the mapping was closed; retention counts from it.
    closed_on = models.DateField(null=True, blank=True, editable=False)
    # The day the raw responses were deleted (gallrade); only the result snapshot remains.
    purged_on = models.DateField(null=True, blank=True, editable=False)

    objects = MappingQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def district_list(self) -> list[str]:
        return [d.strip() for d in self.districts.splitlines() if d.strip()]

    def is_answerable(self, today: date | None = None) -> bool:
        return self.status == self.Status.OPEN and within_dates(
            self.opens_on, self.closes_on, today or timezone.localdate()
        )

    @property
    def is_editable(self) -> bool:
        """Questions and settings change only before the first answer can arrive."""
        return self.status == self.Status.DRAFT

    def purge_due_on(self) -> date | None:
        """The first day the raw responses may no longer be kept, or None while not closed."""
        closed = self.closed_on or self.closes_on
        if self.status != self.Status.CLOSED or closed is None:
            return None
        months = closed.month - 1 + self.retention_months
        year, month = closed.year + months // 12, months % 12 + 1
        # The same day of the month, or the month's last day when it is shorter (31 → 30).
        return date(year, month, min(closed.day, calendar.monthrange(year, month)[1]))


def new_link_token() -> str:
    # 96 random bits: an open link cannot be found by trying.
    return secrets.token_urlsafe(12)


class MappingPerspective(models.Model):
    """A perspective taking part in a mapping, with its open answer link."""

    mapping = models.ForeignKey(Mapping, models.CASCADE, related_name="perspectives")
    perspective = models.CharField(_("perspektiv"), max_length=20, choices=Perspective.choices)
    open_link = models.BooleanField(_("öppen länk"), default=True)
    # The secret part of the open link; random so that links cannot be guessed from each other.
    token = models.CharField(max_length=32, unique=True, default=new_link_token)

    class Meta:
        ordering = ["mapping_id", "perspective"]
        constraints = [
            models.UniqueConstraint(fields=["mapping", "perspective"], name="perspective_once"),
        ]

    def __str__(self) -> str:
        return f"{self.mapping} – {self.get_perspective_display()}"


class Question(models.Model):
    mapping_perspective = models.ForeignKey(
        MappingPerspective, models.CASCADE, related_name="questions"
    )
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    # Empty for personal values, which are about the respondent, not a place.
    frame = models.CharField(max_length=10, choices=QuestionFrame.choices, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["mapping_perspective_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["mapping_perspective", "kind", "frame"], name="question_once"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        """The analysis core's name for the question: personal, current:workplace, ..."""
        return self.kind if not self.frame else f"{self.kind}:{self.frame}"

    @property
    def catalogue_frame(self) -> str:
        return "personal" if not self.frame else CATALOGUE_FRAME[QuestionFrame(self.frame)]


def new_response_id() -> uuid.UUID:
    return uuid.uuid4()


class Response(models.Model):
    """One anonymous respondent's answer.

    What is stored is what DESIGN.md allows: the picks, the perspective, the background answers
    and the date. The primary key is random, so that not even insertion order can be matched
    against the time an invitation code was used."""

    id = models.UUIDField(primary_key=True, default=new_response_id, editable=False)
    mapping_perspective = models.ForeignKey(
        MappingPerspective, models.CASCADE, related_name="responses"
    )
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    age_band = models.CharField(max_length=8, blank=True, choices=AGE_BANDS)
    tenure_band = models.CharField(max_length=8, blank=True, choices=TENURE_BANDS)
    district = models.CharField(max_length=80, blank=True)
    submitted_on = models.DateField()
    # The picks of every question in question order, as little-endian uint16 catalogue positions:
    # compact (20 bytes a question), and read into numpy without touching each value.
    picks = models.BinaryField()

    class Meta:
        indexes = [
            models.Index(fields=["mapping_perspective", "unit"]),
            models.Index(fields=["mapping_perspective", "submitted_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.mapping_perspective} – {self.submitted_on}"

    def pick_matrix(self, question_count: int) -> np.ndarray:
        return np.frombuffer(bytes(self.picks), dtype="<u2").reshape(question_count, -1)


class BallotBlock(models.Model):
    """The responses of one perspective and one past day, packed for reading in one piece.

    A cache, never the record: `ballots.load_ballots` builds a block for each day that has ended
    and checks it against the day's ResponseCount on every read, so a block whose day has changed
    since is rebuilt rather than trusted. Rows are packed in the order of their content
    (ballots._in_order_of_content), so a block keeps no order of answering at all."""

    mapping_perspective = models.ForeignKey(
        MappingPerspective, models.CASCADE, related_name="ballot_blocks"
    )
    day = models.DateField()
    respondents = models.PositiveIntegerField()
    # The day's picks by column: every response's first pick of the first question, then every
    # response's second pick, … (ballots._seal), as uint16, or a byte per pick when every
    # position is below 256 (the length tells which).
    picks = models.BinaryField()
    # The unit primary key of each response (-1 where no unit was given), as the distinct keys
    # and a small code per response (ballots.pack_units).
    units = models.BinaryField()
    # The day's ResponseCount.changes when its responses were read: the block holds exactly the
    # day's responses while that number has not moved.
    changes = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mapping_perspective", "day"], name="one_ballot_block_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mapping_perspective} – {self.day} ({self.respondents})"


class ResponseCount(models.Model):
    """How many responses a perspective has on a day, and how many times that day's responses
    have changed, kept by the database itself: triggers on the response table (migration 0006)
    add to it in the same transaction as every insert, delete and update, however it is made
    (a submission, a paper import, a cascade, raw SQL). A day is spread over a few rows (shards)
    so that concurrent submissions on PostgreSQL do not queue for one row's lock; a day's figures
    are the sums over its shards.

    It lets `ballots.load_ballots` know whether a day's BallotBlock is still exact by reading a
    row or a few per day instead of counting every response."""

    mapping_perspective = models.ForeignKey(MappingPerspective, models.CASCADE, related_name="+")
    day = models.DateField()
    shard = models.SmallIntegerField()
    # Per shard these may go below zero (a delete is subtracted from the day's first shard);
    # their sums over a day are exact.
    responses = models.IntegerField()
    # Rows inserted, deleted or updated: only ever grows, so a block sealed at one value cannot
    # match again after a change, even one that leaves the count as it was.
    changes = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mapping_perspective", "day", "shard"], name="one_response_count_per_shard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mapping_perspective} – {self.day} ({self.shard})"


class OpenAnswer(models.Model):
    """An answer to the open question, stored apart from the response so that free text can
    never be joined to background answers."""

    mapping_perspective = models.ForeignKey(
        MappingPerspective, models.CASCADE, related_name="open_answers"
    )
    text = models.TextField(max_length=2000)

    def __str__(self) -> str:
        return self.text[:60]


class CodeBatch(models.Model):
    """Invitation codes generated together for one perspective and (optionally) one unit."""

    mapping_perspective = models.ForeignKey(
        MappingPerspective, models.CASCADE, related_name="batches"
    )
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    size = models.PositiveIntegerField()
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return f"{self.mapping_perspective} – {self.size}"


class InvitationCode(models.Model):
    """A single-use code. It knows its perspective and unit; a used code only records that it is
    used — never when, and never which response it became."""

    batch = models.ForeignKey(CodeBatch, models.CASCADE, related_name="codes")
    code = models.CharField(max_length=20, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.code


class Draft(models.Model):
    """Unfinished answers, so that a respondent can stop and resume. Deleted in the same
    transaction that stores the response, so nothing links the code to the answers afterwards."""

    key = models.CharField(max_length=64, unique=True)
    mapping_perspective = models.ForeignKey(MappingPerspective, models.CASCADE, related_name="+")
    code = models.OneToOneField(
        InvitationCode, models.CASCADE, null=True, blank=True, related_name="draft"
    )
    # Seeds the per-respondent order of the values; never stored with the response.
    shuffle_seed = models.BigIntegerField()
    answers = models.JSONField(default=dict)
    updated_on = models.DateField(auto_now=True)
    # When answering began: a submission faster than a person can read is refused (protection.py).
    # Deleted with the draft, so it never reaches the response.
    started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"draft {self.pk}"


class ResultSnapshot(models.Model):
    """The aggregated results of a mapping, kept when its raw responses are deleted after the
    retention period: the kartbild of every perspective as computed by the analysis core and
    passed through the anonymity gate (only shown groups carry numbers). See purge.py."""

    mapping = models.OneToOneField(Mapping, models.CASCADE, related_name="snapshot")
    created_on = models.DateField()
    document = models.JSONField()

    def __str__(self) -> str:
        return f"{self.mapping} ({self.created_on})"


class RateCounter(models.Model):
    """A counter for one rate limit and one time window, shared by every application process.

    The key is a keyed hash (HMAC with the secret key) of what is counted, including the window,
    so it reveals neither the client's address nor links one window to the next; the row is
    deleted after it expires. Never stored with, or next to, a response (protection.py)."""

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count}"


class BurstEvent(models.Model):
    """A window in which one perspective of a mapping received suspiciously many submissions
    through its open link, or many refused ones. Counts only: no client, no response."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Många inskickade svar")
        REFUSED = "refused", _("Många avvisade försök")

    mapping_perspective = models.ForeignKey(
        MappingPerspective, models.CASCADE, related_name="burst_events"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-window_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["mapping_perspective", "kind", "window_start"], name="one_burst_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mapping_perspective} {self.kind} {self.window_start:%Y-%m-%d %H:%M} ({self.count})"
