from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kartbild.organisations.models import Organisation, Unit


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisationsadministratör")
    ANALYST = "analyst", _("Analytiker")
    UNIT_MANAGER = "unit_manager", _("Chef")
    FACILITATOR = "facilitator", _("Värdegrundsledare")


class Membership(models.Model):
    """A user's role in one organisation. A unit manager also has the unit whose subtree they see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_org"),
            models.CheckConstraint(
                condition=models.Q(role="unit_manager", unit__isnull=False)
                | ~models.Q(role="unit_manager"),
                name="unit_manager_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def can_manage(self) -> bool:
        """Set up units, mappings and codes."""
        return self.role == Role.ADMIN

    @property
    def can_read_all_results(self) -> bool:
        return self.role in (Role.ADMIN, Role.ANALYST)
