"""What the follow-up view and the compass page show: per indicator its values against the
target and its actions, per värdegrund value the mapping's signal and its actions, and the
organisation's latest mapping and follow-up round.

Every mapping number comes from kartbild.reports.report (read-only), so it has passed the
anonymity gate: a withheld perspective contributes nothing but its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Prefetch

from kartbild.analysis.ballots import QuestionKind
from kartbild.corevalues.models import CoreValue, CoreValueFramework
from kartbild.followups.models import FollowUp
from kartbild.mappings.models import Mapping, Perspective
from kartbild.organisations.models import Organisation
from kartbild.reports import report as reports
from kartbild.steering.models import Direction, Indicator, IndicatorValue
from kartbild.workshops.models import Action

# The compass names the five most chosen values of the current and the desired culture: the
# heart of the picture, short enough to read on a phone. The kartbild pages show all ten.
COMPASS_TOP = 5


# -- the mapping -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingPicture:
    """The latest mapping as the compass shows it: one perspective (the employees when shown),
    its current and desired culture of the same frame."""

    mapping: Mapping
    perspective: reports.PerspectiveReport | None
    current: reports.QuestionReport | None
    desired: reports.QuestionReport | None
    withheld: tuple[reports.PerspectiveReport, ...]

    @property
    def current_top(self) -> tuple[reports.ValueLine, ...]:
        return self.current.top[:COMPASS_TOP] if self.current else ()

    @property
    def desired_top(self) -> tuple[reports.ValueLine, ...]:
        return self.desired.top[:COMPASS_TOP] if self.desired else ()

    def share(self, question: reports.QuestionReport | None, slug: str) -> float | None:
        """A value's share of respondents in a question's top list, None when not in it."""
        if question is None:
            return None
        line = next((line for line in question.top if line.value.slug == slug), None)
        return line.share if line is not None else None


def latest_mapping(organisation: Organisation) -> Mapping | None:
    """The organisation's most recent mapping that has opened (open or closed)."""
    return (
        Mapping.objects.for_organisation(organisation)
        .exclude(status=Mapping.Status.DRAFT)
        .filter(purged_on__isnull=True)
        .select_related("catalogue", "organisation")
        .order_by(F("opens_on").desc(nulls_last=True), "-pk")
        .first()
    )


def mapping_picture(mapping: Mapping) -> MappingPicture:
    kartbild = reports.kartbild_report(mapping)
    shown = kartbild.shown
    lead = next((p for p in shown if p.perspective == Perspective.EMPLOYEES), None)
    if lead is None and shown:
        lead = shown[0]
    current = lead.main_current if lead is not None else None
    desired = None
    if lead is not None and current is not None:
        desired = next(
            (
                question
                for question in lead.questions
                if question.key.kind is QuestionKind.DESIRED
                and question.key.frame == current.key.frame
            ),
            None,
        )
    withheld = tuple(p for p in kartbild.perspectives if not p.shown)
    return MappingPicture(mapping, lead, current, desired, withheld)


# -- indicators -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    values: tuple[IndicatorValue, ...]
    actions: tuple[Action, ...]

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None

    @property
    def previous(self) -> IndicatorValue | None:
        return self.values[-2] if len(self.values) > 1 else None

    @property
    def meets_target(self) -> bool | None:
        return self.indicator.meets(self.latest.value) if self.latest else None

    @property
    def trend(self) -> str:
        """ "better", "worse" or "same" since the value before, or "" with fewer than two."""
        if self.latest is None or self.previous is None:
            return ""
        change = self.latest.value - self.previous.value
        if change == 0:
            return "same"
        improved = change > 0 if self.indicator.direction == Direction.HIGHER else change < 0
        return "better" if improved else "worse"


def indicator_rows(organisation: Organisation) -> list[IndicatorRow]:
    indicators = (
        Indicator.objects.filter(goal__organisation=organisation)
        .select_related("goal")
        .prefetch_related("values", Prefetch("actions", Action.objects.order_by("due_on")))
        .order_by("goal__position", "goal__name", "name", "pk")
    )
    return [
        IndicatorRow(indicator, tuple(indicator.values.all()), tuple(indicator.actions.all()))
        for indicator in indicators
    ]


# -- värdegrund values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueSignal:
    """A catalogue value linked to a värdegrund value, and its share of respondents in the
    current and the desired culture's top lists (None: not among them)."""

    name: str
    current: float | None
    desired: float | None


@dataclass(frozen=True)
class CoreValueRow:
    core_value: CoreValue
    signals: tuple[ValueSignal, ...]
    actions: tuple[Action, ...]


def published_framework(organisation: Organisation) -> CoreValueFramework | None:
    return (
        CoreValueFramework.objects.filter(
            organisation=organisation, status=CoreValueFramework.Status.PUBLISHED
        )
        .order_by(F("published_on").desc(nulls_last=True), "-version", "-pk")
        .first()
    )


def core_value_rows(
    framework: CoreValueFramework | None, picture: MappingPicture | None
) -> list[CoreValueRow]:
    if framework is None:
        return []
    values = framework.values.prefetch_related(
        "catalogue_values", Prefetch("actions", Action.objects.order_by("due_on"))
    )
    rows = []
    for core_value in values:
        signals = tuple(
            ValueSignal(
                value.name_sv,
                picture.share(picture.current, value.slug) if picture else None,
                picture.share(picture.desired, value.slug) if picture else None,
            )
            for value in core_value.catalogue_values.all()
        )
        rows.append(CoreValueRow(core_value, signals, tuple(core_value.actions.all())))
    return rows


def latest_follow_up(organisation: Organisation) -> FollowUp | None:
    """The most recent follow-up round that has opened."""
    return (
        FollowUp.objects.filter(organisation=organisation)
        .exclude(status=FollowUp.Status.DRAFT)
        .order_by(F("opens_on").desc(nulls_last=True), "-pk")
        .first()
    )


# -- the whole picture ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpView:
    picture: MappingPicture | None
    framework: CoreValueFramework | None
    follow_up: FollowUp | None
    indicators: list[IndicatorRow]
    core_values: list[CoreValueRow]
    actions_without_measure: list[Action] = field(default_factory=list)

    @property
    def indicators_without_actions(self) -> list[IndicatorRow]:
        return [row for row in self.indicators if not row.actions]

    @property
    def core_values_without_actions(self) -> list[CoreValueRow]:
        return [row for row in self.core_values if not row.actions]


def follow_up_view(organisation: Organisation) -> FollowUpView:
    mapping = latest_mapping(organisation)
    picture = mapping_picture(mapping) if mapping is not None else None
    framework = published_framework(organisation)
    return FollowUpView(
        picture,
        framework,
        latest_follow_up(organisation),
        indicator_rows(organisation),
        core_value_rows(framework, picture),
        list(
            Action.objects.filter(organisation=organisation)
            .without_measure()
            .select_related("goal", "session__workshop", "mapping", "follow_up")
            .order_by("due_on", "pk")
        ),
    )


def open_actions(organisation: Organisation, today: date) -> tuple[list[Action], list[Action]]:
    """The organisation's unfinished actions: those not yet due, and the overdue ones."""
    unfinished = list(
        Action.objects.filter(organisation=organisation)
        .unfinished()
        .select_related("goal", "indicator")
        .order_by("due_on", "pk")
    )
    overdue = [action for action in unfinished if action.is_overdue(today)]
    return [action for action in unfinished if not action.is_overdue(today)], overdue
