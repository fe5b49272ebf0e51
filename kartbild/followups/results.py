"""The results of a follow-up round, gated: what the results pages and every export show.

`load_round` is the one adapter from stored responses to the analysis core's arrays;
`follow_up_report` returns frozen dataclasses in which every number has passed the anonymity
gate. Pages and exports render these and never read responses themselves.

How the gate is applied, as in reports for a mapping's employees: the round's respondents form
one tree of groups, the organisation as root and its unit tree below it (a respondent without a
unit counts at the root only), and `AnonymityPolicy.gate_tree` decides the whole tree at once —
threshold and complementary suppression — so the same set of units is shown on every page and in
every export. Within a shown group an index is shown only when at least k respondents answered
it ("vet ej" and blanks do not count), so that an index never rests on fewer than k answers.

Trend: the round, its `previous_round`, that round's previous round, and so on; each round is
gated on its own tree. Values are matched across värdegrund versions through `carried_from`
(a value is followed back to the first version it appeared in), statements likewise through
their behaviours. Consecutive rounds are compared as independent samples (Welch's t-test,
analysis/likert.py).

Second signal: the latest closed mapping of the organisation; for each värdegrund value, the
share of employees choosing each of its linked catalogue values as current and as desired
culture (workplace frame when asked), from the gated kartbild of `reports.report` for the same
scope (the organisation, or the unit subtree)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Q
from django.utils.translation import gettext as _

from kartbild.analysis import likert
from kartbild.analysis.ballots import QuestionKind
from kartbild.analysis.gate import AnonymityPolicy, GateResult, WithheldReason
from kartbild.analysis.groups import NO_PARENT, GroupTree
from kartbild.analysis.likert import Difference, IndexEstimate
from kartbild.corevalues.models import Behaviour, CoreValue
from kartbild.followups.models import FollowUp, FollowUpResponse, Statement
from kartbild.mappings.models import Mapping, Perspective, QuestionFrame
from kartbild.organisations.models import Unit
from kartbild.organisations.tree import TreeNode, UnitTree

ROOT = "organisation"
UNIT_GROUP = "unit-{}"
NO_UNIT = -1
# Rounds shown in a trend: a värdegrund followed yearly for a decade.
MAX_TREND_ROUNDS = 10


# -- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RoundData:
    """A round's answers as arrays, its group tree and the gate's decision on it."""

    follow_up: FollowUp
    statements: tuple[Statement, ...]
    values: tuple[CoreValue, ...]
    # statement j belongs to values[statement_values[j]]
    statement_values: npt.NDArray[np.intp]
    answers: npt.NDArray[np.uint8]  # respondents × statements
    tree: UnitTree
    nodes: tuple[TreeNode, ...]
    groups: GroupTree
    gate: GateResult
    policy: AnonymityPolicy
    # The first version of each value and of each statement's behaviour (None: no behaviour),
    # which match them across värdegrund versions.
    value_lineages: tuple[int, ...]
    statement_lineages: tuple[int | None, ...]

    @property
    def respondents(self) -> int:
        return int(self.answers.shape[0])

    def rows(self, group: str) -> npt.NDArray[np.intp]:
        return self.groups.respondents_of(self.groups.index(group))

    def group_size(self, group: str) -> int:
        return int(self.rows(group).size)


def load_round(follow_up: FollowUp, policy: AnonymityPolicy | None = None) -> RoundData:
    policy = policy or AnonymityPolicy()
    statements = tuple(follow_up.asked_statements().select_related("core_value", "behaviour"))
    values: list[CoreValue] = []
    position: dict[int, int] = {}
    for statement in sorted(statements, key=lambda s: (s.core_value.position, s.core_value_id)):
        if statement.core_value_id not in position:
            position[statement.core_value_id] = len(values)
            values.append(statement.core_value)
    statement_values = np.array([position[s.core_value_id] for s in statements], dtype=np.intp)
    rows = list(
        FollowUpResponse.objects.filter(follow_up=follow_up).values_list("unit_id", "answers")
    )
    width = len(statements)
    answers = (
        np.frombuffer(b"".join(bytes(a) for _unit, a in rows), dtype=np.uint8).reshape(-1, width)
        if rows and width
        else np.zeros((len(rows), width), dtype=np.uint8)
    )
    units = np.array([NO_UNIT if u is None else u for u, _a in rows], dtype=np.int64)
    tree = UnitTree.of(follow_up.organisation)
    nodes = tuple(tree.walk())
    groups = unit_groups(nodes, units)
    return RoundData(
        follow_up,
        statements,
        tuple(values),
        statement_values,
        answers,
        tree,
        nodes,
        groups,
        policy.gate_tree(groups),
        policy,
        tuple(value_lineage(v) for v in values),
        tuple(behaviour_lineage(s.behaviour_id) for s in statements),
    )


def unit_groups(nodes: Iterable[TreeNode], units: npt.NDArray[np.int64]) -> GroupTree:
    """The organisation as root and its unit tree below it; a response whose unit is not (or no
    longer) in the tree counts at the root only."""
    node_list = list(nodes)
    position = {node.unit.pk: i + 1 for i, node in enumerate(node_list)}
    names = (ROOT, *(UNIT_GROUP.format(node.unit.pk) for node in node_list))
    parents = np.array(
        [NO_PARENT]
        + [
            position.get(node.unit.parent_id, 0) if node.unit.parent_id else 0 for node in node_list
        ],
        dtype=np.intp,
    )
    membership = np.fromiter(
        (0 if u == NO_UNIT else position.get(int(u), 0) for u in units),
        dtype=np.intp,
        count=units.shape[0],
    )
    return GroupTree(names, parents, membership)


# -- lineage across värdegrund versions -------------------------------------------------------


def value_lineage(value: CoreValue) -> int:
    """The id of the first version of a value, following `carried_from` back."""
    seen = {value.pk}
    current = value
    while current.carried_from_id is not None and current.carried_from_id not in seen:
        seen.add(current.carried_from_id)
        parent = CoreValue.objects.filter(pk=current.carried_from_id).first()
        if parent is None:
            break
        current = parent
    return current.pk


def behaviour_lineage(behaviour_id: int | None) -> int | None:
    if behaviour_id is None:
        return None
    seen = {behaviour_id}
    current = (
        Behaviour.objects.filter(pk=behaviour_id).values_list("carried_from_id", flat=True).first()
    )
    found = behaviour_id
    while current is not None and current not in seen:
        seen.add(current)
        found = current
        current = (
            Behaviour.objects.filter(pk=current).values_list("carried_from_id", flat=True).first()
        )
    return found


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """An index that may be shown, or the Swedish reason it is not."""

    estimate: IndexEstimate | None
    reason: str = ""

    @property
    def shown(self) -> bool:
        return self.estimate is not None


@dataclass(frozen=True)
class StatementLine:
    statement_id: int
    text: str
    index: Shown
    change: Difference | None = None


@dataclass(frozen=True)
class TrendPoint:
    follow_up_id: int
    name: str
    period: str
    index: Shown
    # Against the point before it (None for the first, or when either is not shown).
    change: Difference | None


@dataclass(frozen=True)
class CatalogueShare:
    name: str
    current: float | None
    desired: float | None


@dataclass(frozen=True)
class CultureSignal:
    mapping_name: str
    shares: tuple[CatalogueShare, ...]
    reason: str = ""


@dataclass(frozen=True)
class ValueLine:
    value_id: int
    name: str
    index: Shown
    statements: tuple[StatementLine, ...]
    trend: tuple[TrendPoint, ...]
    signal: CultureSignal | None


@dataclass(frozen=True)
class UnitLine:
    unit_id: int
    label: str
    depth: int
    respondents: int | None
    values: tuple[Shown, ...]
    reason: str = ""


@dataclass(frozen=True)
class FollowUpReport:
    follow_up_id: int
    name: str
    organisation: str
    framework: str
    scope: str
    unit_id: int | None
    min_group: int
    respondents: int | None
    reason: str
    values: tuple[ValueLine, ...]
    units: tuple[UnitLine, ...]
    mapping_name: str

    @property
    def shown(self) -> bool:
        return self.respondents is not None


def withheld_label(reason: WithheldReason | None) -> str:
    return (
        {
            WithheldReason.NO_ANSWERS: _("inga svar"),
            WithheldReason.DERIVABLE: _(
                "för få svar (döljs också så att en mindre grupp inte kan räknas fram)"
            ),
        }.get(reason, _("för få svar"))
        if reason
        else _("för få svar")
    )


def _group_reason(data: RoundData, group: str) -> str:
    if data.group_size(group) == 0:
        return withheld_label(WithheldReason.NO_ANSWERS)
    return withheld_label(data.gate.reason(group) or WithheldReason.TOO_FEW)


def _shown(estimate: IndexEstimate, policy: AnonymityPolicy) -> Shown:
    if estimate.respondents == 0:
        return Shown(None, _("inga svar"))
    if not policy.shows(estimate.respondents):
        return Shown(None, _("för få svar"))
    return Shown(estimate)


def _value_samples(
    data: RoundData, rows: npt.NDArray[np.intp], value: int
) -> npt.NDArray[np.float64]:
    columns = np.flatnonzero(data.statement_values == value)
    return (
        likert.respondent_indices(data.answers[np.ix_(rows, columns)]) if rows.size else np.zeros(0)
    )


def _item_samples(
    data: RoundData, rows: npt.NDArray[np.intp], column: int
) -> npt.NDArray[np.float64]:
    return likert.scores(data.answers[rows, column])


def _scope_group(unit: Unit | None) -> str:
    return ROOT if unit is None else UNIT_GROUP.format(unit.pk)


def _rounds(follow_up: FollowUp) -> list[FollowUp]:
    """The round and the ones before it, oldest first."""
    chain = [follow_up]
    seen = {follow_up.pk}
    while len(chain) < MAX_TREND_ROUNDS:
        earlier_id = chain[-1].previous_round_id
        if earlier_id is None or earlier_id in seen:
            break
        earlier = FollowUp.objects.filter(
            pk=earlier_id, organisation_id=follow_up.organisation_id
        ).first()
        if earlier is None:
            break
        seen.add(earlier.pk)
        chain.append(earlier)
    return list(reversed(chain))


def _period(follow_up: FollowUp) -> str:
    day = follow_up.closes_on or follow_up.opens_on
    return day.isoformat() if day else ""


def follow_up_report(
    follow_up: FollowUp,
    unit: Unit | None = None,
    visible_units: set[int] | None = None,
    data: RoundData | None = None,
) -> FollowUpReport:
    """The gated results of a round for the organisation (`unit` None) or a unit subtree.
    `visible_units` limits the unit rows (a unit manager's subtree; None: all)."""
    data = data or load_round(follow_up)
    policy = data.policy
    group = _scope_group(unit)
    scope = (
        data.tree.label(unit.pk)
        if unit is not None and unit.pk in data.tree.units
        else (unit.name if unit is not None else follow_up.organisation.name)
    )
    units = _unit_lines(data, unit, visible_units)
    mapping = latest_mapping(follow_up)
    base: dict[str, Any] = {
        "follow_up_id": follow_up.pk,
        "name": follow_up.name,
        "organisation": follow_up.organisation.name,
        "framework": str(follow_up.framework),
        "scope": scope,
        "unit_id": unit.pk if unit else None,
        "min_group": policy.min_group,
        "mapping_name": mapping.name if mapping else "",
    }
    if group not in data.groups.names or not data.gate.is_shown(group):
        reason = (
            withheld_label(WithheldReason.NO_ANSWERS)
            if group not in data.groups.names
            else _group_reason(data, group)
        )
        return FollowUpReport(**base, respondents=None, reason=reason, values=(), units=units)
    rows = data.rows(group)
    history = [load_round(r, policy) for r in _rounds(follow_up)[:-1]]
    previous = history[-1] if history else None
    signals = culture_signals(mapping, data.values, unit) if mapping else {}
    values = []
    for index, value in enumerate(data.values):
        statements = []
        for column in np.flatnonzero(data.statement_values == index):
            statement = data.statements[column]
            items = _item_samples(data, rows, int(column))
            shown = _shown(likert.statement_index(data.answers[rows, column]), policy)
            change = None
            if previous is not None and shown.shown:
                earlier = _matching_statement(previous, data.statement_lineages[column])
                if (
                    earlier is not None
                    and group in previous.groups.names
                    and previous.gate.is_shown(group)
                ):
                    before = _item_samples(previous, previous.rows(group), earlier)
                    if policy.shows(int((~np.isnan(before)).sum())):
                        change = likert.compare(before, items)
            statements.append(StatementLine(statement.pk, statement.text, shown, change))
        value_shown = _shown(
            likert.value_index(
                data.answers[np.ix_(rows, np.flatnonzero(data.statement_values == index))]
            ),
            policy,
        )
        trend = _trend([*history, data], group, data.value_lineages[index])
        values.append(
            ValueLine(
                value.pk,
                value.name,
                value_shown,
                tuple(statements),
                trend,
                signals.get(value.pk),
            )
        )
    return FollowUpReport(
        **base,
        respondents=int(rows.size),
        reason="",
        values=tuple(values),
        units=units,
    )


def _matching_statement(data: RoundData, lineage: int | None) -> int | None:
    if lineage is None:
        return None
    return next((c for c, found in enumerate(data.statement_lineages) if found == lineage), None)


def _trend(rounds: list[RoundData], group: str, lineage: int) -> tuple[TrendPoint, ...]:
    points: list[TrendPoint] = []
    previous_samples: npt.NDArray[np.float64] | None = None
    for data in rounds:
        follow_up = data.follow_up
        match = next((i for i, v in enumerate(data.value_lineages) if v == lineage), None)
        samples: npt.NDArray[np.float64] | None = None
        if match is None:
            shown = Shown(None, _("värdet fanns inte med"))
        elif group not in data.groups.names or not data.gate.is_shown(group):
            shown = Shown(
                None,
                _group_reason(data, group) if group in data.groups.names else _("inga svar"),
            )
        else:
            samples = _value_samples(data, data.rows(group), match)
            shown = _shown(likert.mean_interval(samples), data.policy)
            if not shown.shown:
                samples = None
        change = (
            likert.compare(previous_samples, samples)
            if previous_samples is not None and samples is not None
            else None
        )
        points.append(TrendPoint(follow_up.pk, follow_up.name, _period(follow_up), shown, change))
        previous_samples = samples
    return tuple(points)


def _unit_lines(
    data: RoundData, scope: Unit | None, visible: set[int] | None
) -> tuple[UnitLine, ...]:
    allowed = visible
    if scope is not None:
        subtree = data.tree.descendant_ids(scope.pk) if scope.pk in data.tree.units else set()
        allowed = subtree if allowed is None else subtree & allowed
    lines = []
    for node in data.nodes:
        if allowed is not None and node.unit.pk not in allowed:
            continue
        name = UNIT_GROUP.format(node.unit.pk)
        if not data.gate.is_shown(name):
            lines.append(
                UnitLine(
                    node.unit.pk, node.unit.name, node.depth, None, (), _group_reason(data, name)
                )
            )
            continue
        rows = data.rows(name)
        lines.append(
            UnitLine(
                node.unit.pk,
                node.unit.name,
                node.depth,
                int(rows.size),
                tuple(
                    _shown(
                        likert.value_index(
                            data.answers[np.ix_(rows, np.flatnonzero(data.statement_values == i))]
                        ),
                        data.policy,
                    )
                    for i in range(len(data.values))
                ),
            )
        )
    return tuple(lines)


# -- the mapping as a second signal -----------------------------------------------------------


def latest_mapping(follow_up: FollowUp) -> Mapping | None:
    """The organisation's latest closed mapping whose answers are still kept."""
    return (
        Mapping.objects.filter(
            organisation_id=follow_up.organisation_id,
            status=Mapping.Status.CLOSED,
            purged_on__isnull=True,
        )
        .filter(Q(perspectives__perspective=Perspective.EMPLOYEES))
        .select_related("organisation", "catalogue")
        .order_by("-closed_on", "-closes_on", "-pk")
        .first()
    )


def culture_signals(
    mapping: Mapping, values: Iterable[CoreValue], unit: Unit | None
) -> dict[int, CultureSignal]:
    """Per värdegrund value, the shares of employees choosing its linked catalogue values as
    current and desired culture, from the mapping's gated kartbild for the same scope."""
    from kartbild.reports import report

    data = report.load_mapping(mapping)
    employees = data.perspective(Perspective.EMPLOYEES)
    value_list = list(values)
    if employees is None:
        return {}
    group = employees.root if unit is None else report.UNIT_GROUP.format(unit.pk)
    result = employees.kartbild.groups.get(group)
    keys = list(employees.keys)
    current = [k for k in keys if k.kind is QuestionKind.CURRENT]
    frame = next((k.frame for k in current if k.frame == QuestionFrame.WORKPLACE), None)
    frame = frame if frame is not None else (current[0].frame if current else None)
    current_key = next((k for k in current if k.frame == frame), None)
    desired_key = next(
        (k for k in keys if k.kind is QuestionKind.DESIRED and k.frame == frame), None
    )
    slugs = {info.slug: info.index for info in data.values}
    signals = {}
    for value in value_list:
        linked = list(value.catalogue_values.all())
        if not linked:
            continue
        if result is None:
            reason = (
                withheld_label(employees.kartbild.gate.reason(group))
                if group in employees.groups.names
                else _("inga svar")
            )
            signals[value.pk] = CultureSignal(mapping.name, (), reason)
            continue
        shares = []
        for catalogue_value in linked:
            index = slugs.get(catalogue_value.slug)

            def share(key: object, index: int | None = index) -> float | None:
                if key is None or index is None or key not in result.questions:
                    return None
                return float(result.question(key).table.shares[index])  # type: ignore[arg-type]

            shares.append(
                CatalogueShare(catalogue_value.name, share(current_key), share(desired_key))
            )
        signals[value.pk] = CultureSignal(mapping.name, tuple(shares))
    return signals
