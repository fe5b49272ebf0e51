"""Follow-up rounds (uppföljning): Likert statements generated from a published värdegrund's
behaviours, answered anonymously, reported as an index 0–100 per value, behaviour and unit."""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework
from kartbild.lib.rounds import within_dates
from kartbild.organisations.models import Organisation, Unit


def new_link_token() -> str:
    # 96 random bits: an open link cannot be found by trying.
    return secrets.token_urlsafe(12)


class FollowUp(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        OPEN = "open", _("Öppen")
        CLOSED = "closed", _("Stängd")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="follow_ups")
    framework = models.ForeignKey(
        CoreValueFramework, models.PROTECT, related_name="follow_ups", verbose_name=_("värdegrund")
    )
    name = models.CharField(_("namn"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    opens_on = models.DateField(_("öppnar"), null=True, blank=True)
    closes_on = models.DateField(_("stänger"), null=True, blank=True)
    previous_round = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("föregående omgång"),
    )
    # The secret part of the open answer link.
    token = models.CharField(max_length=32, unique=True, default=new_link_token)
    open_link = models.BooleanField(_("öppen länk"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["organisation_id", "-opens_on", "pk"]
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")

    def __str__(self) -> str:
        return self.name

    def is_answerable(self, today: date | None = None) -> bool:
        return self.status == self.Status.OPEN and within_dates(
            self.opens_on, self.closes_on, today or timezone.localdate()
        )

    @property
    def is_editable(self) -> bool:
        """Statements change only before the first answer can arrive."""
        return self.status == self.Status.DRAFT

    def asked_statements(self) -> models.QuerySet[Statement]:
        """The statements respondents see, in the order answers are stored."""
        return self.statements.filter(included=True).order_by("position", "pk")


class Statement(models.Model):
    """A Likert statement of a round: a snapshot of a behaviour's text (reworded if the admin
    chose to), so that a later edit of the värdegrund does not change what was asked."""

    follow_up = models.ForeignKey(FollowUp, models.CASCADE, related_name="statements")
    core_value = models.ForeignKey(CoreValue, models.PROTECT, related_name="+")
    behaviour = models.ForeignKey(
        Behaviour, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("påstående"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    included = models.BooleanField(_("ingår"), default=True)

    class Meta:
        ordering = ["follow_up_id", "position", "pk"]
        verbose_name = _("påstående")
        verbose_name_plural = _("påståenden")

    def __str__(self) -> str:
        return self.text


def new_response_id() -> uuid.UUID:
    return uuid.uuid4()


class FollowUpResponse(models.Model):
    """One anonymous respondent's answers: the unit, the date (no time of day) and one byte per
    asked statement in `FollowUp.asked_statements()` order (0 blank, 1–5, 6 "vet ej"; see
    analysis/likert.py). Nothing links it to a person or a code; the key is random so that not
    even insertion order can be matched against when a code was used."""

    id = models.UUIDField(primary_key=True, default=new_response_id, editable=False)
    follow_up = models.ForeignKey(FollowUp, models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    submitted_on = models.DateField()
    answers = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["follow_up", "unit"])]

    def __str__(self) -> str:
        return f"{self.follow_up} – {self.submitted_on}"


class FollowUpCodeBatch(models.Model):
    """Invitation codes generated together for one round and (optionally) one unit."""

    follow_up = models.ForeignKey(FollowUp, models.CASCADE, related_name="batches")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    size = models.PositiveIntegerField()
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return f"{self.follow_up} – {self.size}"


class FollowUpCode(models.Model):
    """A single-use code. A used code only records that it is used: never when, never which
    response it became."""

    batch = models.ForeignKey(FollowUpCodeBatch, models.CASCADE, related_name="codes")
    code = models.CharField(max_length=20, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.code


class FollowUpDraft(models.Model):
    """An answer under way, addressed by a random key in the URL. Deleted in the transaction
    that stores the response, so nothing links a code or a start time to the answers."""

    key = models.CharField(max_length=64, unique=True)
    follow_up = models.ForeignKey(FollowUp, models.CASCADE, related_name="+")
    code = models.OneToOneField(
        FollowUpCode, models.CASCADE, null=True, blank=True, related_name="draft"
    )
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_on = models.DateField(auto_now=True)

    def __str__(self) -> str:
        return f"draft {self.pk}"
