from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kartbild.organisations.models import Organisation


class PrivacyContact(models.Model):
    """Who answers for the organisation's personal data, as its privacy notice names them."""

    organisation = models.OneToOneField(
        Organisation, models.CASCADE, related_name="privacy_contact"
    )
    controller = models.CharField(
        _("personuppgiftsansvarig"),
        max_length=200,
        blank=True,
        help_text=_("Till exempel: Kommunstyrelsen i Ystads kommun."),
    )
    contact = models.CharField(
        _("kontakt för frågor om kartläggningen"),
        max_length=200,
        blank=True,
        help_text=_("E-postadress eller telefonnummer."),
    )
    data_protection_officer = models.CharField(
        _("dataskyddsombud"),
        max_length=200,
        blank=True,
        help_text=_("Hur man når organisationens dataskyddsombud."),
    )

    def __str__(self) -> str:
        return f"{self.organisation}: {self.controller}"
