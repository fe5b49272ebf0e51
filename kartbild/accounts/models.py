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


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role in one organisation. A unit manager also has the unit whose subtree they see.

    A deactivated membership is kept (the audit log names its user) but gives no access."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    objects = MembershipQuerySet.as_manager()

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
        """Set up units, mappings, codes and accounts."""
        return self.role == Role.ADMIN

    @property
    def can_read_all_results(self) -> bool:
        return self.role in (Role.ADMIN, Role.ANALYST)


class Network(models.Model):
    """Organisations that compare themselves with each other, e.g. an SKR network. Its
    coordinators see one aggregate per organisation and nothing finer."""

    name = models.CharField(_("namn"), max_length=120)
    slug = models.SlugField(_("kortnamn"), unique=True, max_length=60)
    organisations = models.ManyToManyField(Organisation, related_name="networks", blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_networks", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("nätverk")
        verbose_name_plural = _("nätverk")

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who viewed or exported what, and changes to accounts. Staff only: a respondent is never
    recorded, and nothing here points at a response."""

    # The user is kept as a name as well, so the log still reads after an account is deleted.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    username = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, null=True, related_name="audit_events"
    )
    # A key of kartbild.accounts.audit.ACTIONS; not a database choice, so that a new action
    # needs no migration.
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_label}"


class LoginFailure(models.Model):
    """One failed sign-in, kept for the throttling window only. `key` is a keyed hash of either
    the username or the client address of a staff sign-in: neither is stored in the clear, and
    respondents never sign in."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.at:%Y-%m-%d %H:%M}"
