from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A tenant: one kommun or region."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("Kommun")
        REGION = "region", _("Region")

    name = models.CharField(_("namn"), max_length=100)
    slug = models.SlugField(_("kortnamn"), unique=True, max_length=60)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    # The official code: four digits for a kommun (e.g. 1286 Ystad), two for a region (e.g. 12).
    code = models.CharField(_("kommun- eller regionkod"), max_length=4)
    # The accessibility statement (tillgänglighetsredogörelse) the law requires of a public body
    # names where to report a problem or ask for content in another format; see accessibility.py.
    accessibility_email = models.EmailField(_("e-post för tillgänglighetsfrågor"), blank=True)
    accessibility_phone = models.CharField(
        _("telefon för tillgänglighetsfrågor"), max_length=40, blank=True
    )
    accessibility_statement_on = models.DateField(
        _("datum för tillgänglighetsredogörelsen"), null=True, blank=True
    )
    accessibility_reviewed_on = models.DateField(
        _("senaste granskning av tillgängligheten"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node in the organisation's unit tree: förvaltning → avdelning → enhet."""

    class Level(models.TextChoices):
        ADMINISTRATION = "forvaltning", _("Förvaltning")
        DEPARTMENT = "avdelning", _("Avdelning")
        TEAM = "enhet", _("Enhet")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("namn"), max_length=120)
    level = models.CharField(_("nivå"), max_length=12, choices=Level.choices)
    # The organisation's own identifier, used to match rows when the tree is imported again.
    code = models.CharField(_("enhetskod"), max_length=40)
    headcount = models.PositiveIntegerField(_("antal anställda"), default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique"),
        ]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name

    # The expected child level of each level; an enhet has no children.
    CHILD_LEVEL: dict[str | None, str] = {
        None: Level.ADMINISTRATION,
        Level.ADMINISTRATION: Level.DEPARTMENT,
        Level.DEPARTMENT: Level.TEAM,
    }
