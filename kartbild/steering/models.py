"""Steering (styrning): the goal tree (vision → mål → delmål → aktiviteter) linked to the
värdegrund, and the indicators that measure the goals, with their values over time.

Actions (åtgärder) live in kartbild.workshops (`Action`), where the first ones are made; they
point at the goals, indicators, follow-ups and values that caused them."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from kartbild.corevalues.models import CoreValue
from kartbild.organisations.models import Organisation


class Level(models.TextChoices):
    """The levels of the goal tree, from the long view to what is done this year."""

    VISION = "vision", _("Vision")
    GOAL = "goal", _("Mål")
    SUBGOAL = "subgoal", _("Delmål")
    ACTIVITY = "activity", _("Aktivitet")


# The order of the levels: a goal's parent is on a level above it.
LEVEL_ORDER = {level: depth for depth, level in enumerate(Level.values)}


class GoalQuerySet(models.QuerySet["Goal"]):
    def of(self, organisation: Organisation) -> GoalQuerySet:
        return self.filter(organisation=organisation)


class Goal(models.Model):
    """A node of the goal tree: a vision, a goal, a sub-goal or an activity."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="goals")
    # Deleting a goal with goals below it is refused by actions.delete_goal; the cascade is
    # for deleting a whole organisation.
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("ligger under"),
    )
    level = models.CharField(_("nivå"), max_length=10, choices=Level.choices)
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True, max_length=4000)
    owner = models.CharField(_("ansvarig"), max_length=120, blank=True)
    starts_on = models.DateField(_("från"), null=True, blank=True)
    ends_on = models.DateField(_("till"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    core_values = models.ManyToManyField(
        CoreValue, blank=True, related_name="goals", verbose_name=_("värden i värdegrunden")
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return LEVEL_ORDER[self.level]


class Direction(models.TextChoices):
    HIGHER = "higher", _("Högre är bättre")
    LOWER = "lower", _("Lägre är bättre")


class Indicator(models.Model):
    """A measure of a goal: what is measured, in which unit, which way is better, and the target."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="indicators")
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True, max_length=2000)
    unit = models.CharField(_("enhet"), max_length=40, blank=True, help_text=_("t.ex. %, antal"))
    direction = models.CharField(
        _("riktning"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    target_value = models.DecimalField(
        _("målvärde"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("målår"), null=True, blank=True)
    kolada_kpi = models.CharField(
        _("nyckeltal i Kolada"),
        max_length=12,
        blank=True,
        help_text=_("Nyckeltalets id i Kolada, t.ex. N00945. Lämna tomt om det inte finns där."),
    )

    class Meta:
        ordering = ["goal_id", "name", "pk"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")

    def __str__(self) -> str:
        return self.name

    def meets(self, value: Decimal) -> bool | None:
        """Whether a value reaches the target, or None without a target."""
        if self.target_value is None:
            return None
        if self.direction == Direction.LOWER:
            return value <= self.target_value
        return value >= self.target_value


class Source(models.TextChoices):
    MANUAL = "manual", _("Inmatat")
    CSV = "csv", _("CSV-import")
    KOLADA = "kolada", _("Kolada")


class IndicatorValue(models.Model):
    """The actual value of an indicator for a year (and optionally a period within it)."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("år"))
    # Empty for the whole year; otherwise e.g. "T1" or "2026-03", as the organisation reports.
    period = models.CharField(_("period"), max_length=20, blank=True)
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=4)
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices)
    recorded_on = models.DateField(auto_now=True)

    class Meta:
        ordering = ["indicator_id", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "period"], name="indicator_value_once"
            ),
        ]
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.label} {self.value}"

    @property
    def label(self) -> str:
        return f"{self.year} {self.period}".strip()
