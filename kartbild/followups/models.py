"""Follow-up rounds (uppföljning): Likert statements generated from a published värdegrund's
behaviours, answered anonymously, reported as an index 0–100 per value, behaviour and unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kartbild.corevalues.models import CoreValueFramework
from kartbild.organisations.models import Organisation


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

    class Meta:
        ordering = ["organisation_id", "-opens_on", "pk"]
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")

    def __str__(self) -> str:
        return self.name
