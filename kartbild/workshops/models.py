"""Dialogue workshops: planning (series, sessions, attendees), live sessions (statements, votes,
reflections, words) and their outcomes (actions).

Two kinds of data live here and never meet:

- Attendance is personal data about staff (name, optional e-mail, unit) and says only who took
  part in which session.
- Live data is anonymous: a `LiveParticipant` is a random token held in the participant's
  browser, with no name, no user, no address and no link to an `Attendee` or to a survey
  response. Statements, reflections and words do not point at the participant who wrote them.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kartbild.catalogue.models import Value
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Organisation, Unit

# Join codes are read off a projector and typed on a phone: no 0/O, 1/I/L, 2/Z, 5/S or 8/B.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
# 25**6 is about 244 million codes: guessing a live one at random is hopeless, and a failed
# guess is rate limited per client.
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_participant_token() -> str:
    return secrets.token_urlsafe(16)


class Workshop(models.Model):
    """A workshop series (dialog): sessions about one mapping, or later about a värdegrund."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="workshops")
    name = models.CharField(_("namn"), max_length=120)
    description = models.TextField(_("beskrivning"), blank=True, max_length=2000)
    # Optional: a series about the värdegrund has no mapping. The compass app adds its link.
    mapping = models.ForeignKey(
        Mapping,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("kartläggning"),
    )
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["-created_on", "name"]
        verbose_name = _("workshopserie")
        verbose_name_plural = _("workshopserier")

    def __str__(self) -> str:
        return self.name


class Step(models.TextChoices):
    """What the room is doing in a live session; the facilitator steps through them."""

    LOBBY = "lobby", _("Välkommen")
    KARTBILD = "kartbild", _("Kartbilden")
    STATEMENTS = "statements", _("Påståenden")
    REFLECTION = "reflection", _("Reflektion")
    WORD_CLOUD = "words", _("Ett ord")
    OPINION_GROUPS = "groups", _("Åsiktsgrupper")


class WorkshopSessionQuerySet(models.QuerySet["WorkshopSession"]):
    def for_user(self, user: Any) -> WorkshopSessionQuerySet:
        return self.filter(facilitators=user)


class WorkshopSession(models.Model):
    """One meeting of a series, led by two facilitators, which can be run live."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        LIVE = "live", _("Pågår")
        ENDED = "ended", _("Avslutad")

    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="sessions")
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("börjar"))
    end_time = models.TimeField(_("slutar"), null=True, blank=True)
    place = models.CharField(_("plats"), max_length=120, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_sessions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    # Set when the session is opened; kept after it ends so that a late participant is told the
    # session is over rather than that the code is wrong.
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, blank=True)
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.LOBBY)
    # Which kartbild slide the room is looking at, counted from 0.
    slide = models.PositiveSmallIntegerField(default=0)
    reflection_prompt = models.CharField(
        _("reflektionsfråga"),
        max_length=200,
        default="Vad tar du med dig från kartbilden?",
    )
    # The last opinion-group result, kept so that groups stay put between updates in whichever
    # application process serves the next one (see live.py).
    opinion_state = models.JSONField(default=dict)

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["join_code"], condition=~models.Q(join_code=""), name="join_code_unique"
            ),
        ]
        verbose_name = _("workshoptillfälle")
        verbose_name_plural = _("workshoptillfällen")

    def __str__(self) -> str:
        return f"{self.workshop} {self.date:%Y-%m-%d}"

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE


class Attendee(models.Model):
    """A person who is invited to or attends workshop sessions: as little as coverage needs."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="attendees")
    name = models.CharField(_("namn"), max_length=120)
    email = models.EmailField(_("e-post"), blank=True)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="attendees", verbose_name=_("enhet")
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An attendee invited to a session, and whether they came."""

    session = models.ForeignKey(WorkshopSession, models.CASCADE, related_name="invitations")
    attendee = models.ForeignKey(Attendee, models.CASCADE, related_name="invitations")
    attended = models.BooleanField(_("närvarade"), default=False)

    class Meta:
        ordering = ["attendee__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "attendee"], name="invited_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} – {self.session}"


class LiveParticipant(models.Model):
    """A phone in the room: a random token in a signed cookie, nothing personal.

    The counters let the session limit how many statements one participant proposes and make
    sure free text is shown only when enough people wrote; they say nothing about what was
    written."""

    session = models.ForeignKey(WorkshopSession, models.CASCADE, related_name="participants")
    token = models.CharField(max_length=32, unique=True, default=new_participant_token)
    proposals = models.PositiveSmallIntegerField(default=0)
    proposal_window_start = models.DateTimeField(null=True)
    proposals_in_window = models.PositiveSmallIntegerField(default=0)
    reflections = models.PositiveSmallIntegerField(default=0)
    gave_word = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.session_id}/{self.pk}"


class Statement(models.Model):
    """Something the room agrees or disagrees with. A participant's proposal waits for the
    facilitator; only shown statements can be voted on."""

    class Origin(models.TextChoices):
        PREPARED = "prepared", _("Förberett")
        KARTBILD = "kartbild", _("Från kartbilden")
        PARTICIPANT = "participant", _("Från en deltagare")

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SHOWN = "shown", _("Visas")
        HIDDEN = "hidden", _("Dold")

    session = models.ForeignKey(WorkshopSession, models.CASCADE, related_name="statements")
    text = models.CharField(_("påstående"), max_length=200)
    origin = models.CharField(max_length=12, choices=Origin.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    value = models.ForeignKey(Value, models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    class Choice(models.IntegerChoices):
        AGREE = 1, _("Håller med")
        DISAGREE = -1, _("Håller inte med")
        PASS = 0, _("Pass")

    participant = models.ForeignKey(LiveParticipant, models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, models.CASCADE, related_name="votes")
    choice = models.SmallIntegerField(choices=Choice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.statement_id} {self.choice}"


class Reflection(models.Model):
    """An open reflection, kept without its writer."""

    session = models.ForeignKey(WorkshopSession, models.CASCADE, related_name="reflections")
    text = models.TextField(max_length=1000)

    def __str__(self) -> str:
        return self.text[:40]


class Word(models.Model):
    """One word for the culture we want, normalised to lower case, kept without its writer."""

    session = models.ForeignKey(WorkshopSession, models.CASCADE, related_name="words")
    word = models.CharField(max_length=40)

    def __str__(self) -> str:
        return self.word


class ActionQuerySet(models.QuerySet["Action"]):
    def unfinished(self) -> ActionQuerySet:
        return self.exclude(status=Action.Status.DONE)

    def overdue(self, today: date | None = None) -> ActionQuerySet:
        return self.unfinished().filter(due_on__lt=today or timezone.localdate())

    def without_measure(self) -> ActionQuerySet:
        """Actions that follow up nothing measured: no indicator and no värdegrund value."""
        return self.filter(indicator__isnull=True, core_values__isnull=True)


class Action(models.Model):
    """An åtgärd: a commitment with an owner and a due date, linked to the values it is about
    and to the session it came from. The follow-up issue tracks these over time."""

    class Status(models.TextChoices):
        OPEN = "open", _("Planerad")
        STARTED = "started", _("Påbörjad")
        DONE = "done", _("Klar")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="actions")
    session = models.ForeignKey(
        WorkshopSession, models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    what = models.CharField(_("åtgärd"), max_length=300)
    owner = models.CharField(_("ansvarig"), max_length=120)
    due_on = models.DateField(_("klart senast"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    values = models.ManyToManyField(Value, blank=True, verbose_name=_("värden"))
    created_at = models.DateTimeField(auto_now_add=True)
    # What caused it, besides a session (kartbild/steering/README.md): a finding in a mapping's
    # kartbild, a follow-up round, an indicator or a goal; and the värdegrund values it serves.
    mapping = models.ForeignKey(
        Mapping,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("kartläggning"),
    )
    finding = models.CharField(_("iakttagelse"), max_length=300, blank=True)
    follow_up = models.ForeignKey(
        "followups.FollowUp",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("uppföljning"),
    )
    indicator = models.ForeignKey(
        "steering.Indicator",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("indikator"),
    )
    goal = models.ForeignKey(
        "steering.Goal",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("mål"),
    )
    core_values = models.ManyToManyField(
        "corevalues.CoreValue",
        blank=True,
        related_name="actions",
        verbose_name=_("värden i värdegrunden"),
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")

    def __str__(self) -> str:
        return self.what

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status != self.Status.DONE and self.due_on < (today or timezone.localdate())

    @property
    def has_cause(self) -> bool:
        return bool(
            self.session_id
            or self.mapping_id
            or self.finding
            or self.follow_up_id
            or self.indicator_id
            or self.goal_id
        )
