"""Response rates per perspective and per unit, for the organisation admin while a mapping runs.

Counts of answers leave the system like any other number: through the anonymity gate. A unit
with fewer than k answers shows none, and neither does a sibling whose count would let the hidden
one be worked out by subtracting from the parent."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext as _

from kartbild.analysis.gate import AnonymityPolicy, GateResult, WithheldReason
from kartbild.analysis.groups import NO_PARENT, GroupTree
from kartbild.mappings.models import CodeBatch, Mapping, Perspective, Response
from kartbild.organisations.tree import UnitTree


@dataclass(frozen=True)
class Rate:
    label: str
    depth: int
    responses: int
    # What the responses are counted against: headcount for employees, codes issued otherwise.
    base: int
    base_kind: str
    # Why the count is not shown, in Swedish; empty when it is.
    withheld: str

    @property
    def share(self) -> float | None:
        return self.responses / self.base if self.base and not self.withheld else None


def _explain(result: GateResult, name: str, policy: AnonymityPolicy) -> str:
    reason = result.reason(name)
    if reason is None:
        return ""
    if reason == WithheldReason.DERIVABLE:
        return _("dolt, annars kan en mindre grupp räknas ut")
    return _("färre än %(k)s") % {"k": policy.min_group}


def _gate(
    names: list[str], parents: list[int], own: list[int], policy: AnonymityPolicy
) -> GateResult:
    membership = np.repeat(np.arange(len(names)), own)
    tree = GroupTree(tuple(names), np.asarray(parents), membership)
    return policy.gate_tree(tree)


def perspective_rates(mapping: Mapping, policy: AnonymityPolicy | None = None) -> list[Rate]:
    policy = policy or AnonymityPolicy()
    counts = dict(
        Response.objects.filter(mapping_perspective__mapping=mapping)
        .values_list("mapping_perspective__perspective")
        .annotate(n=Count("id"))
    )
    issued = dict(
        CodeBatch.objects.filter(mapping_perspective__mapping=mapping)
        .values_list("mapping_perspective__perspective")
        .annotate(n=Count("codes"))
    )
    headcount = sum(u.headcount for u in UnitTree.of(mapping.organisation).units.values())
    perspectives = list(mapping.perspectives.all())
    names = [mp.perspective for mp in perspectives]
    gate = _gate(names, [NO_PARENT] * len(names), [counts.get(n, 0) for n in names], policy)
    rates = []
    for mp in perspectives:
        if mp.perspective == Perspective.EMPLOYEES and headcount:
            base, kind = headcount, "headcount"
        else:
            base, kind = issued.get(mp.perspective, 0), "codes"
        count = counts.get(mp.perspective, 0)
        withheld = _explain(gate, mp.perspective, policy) if count else ""
        rates.append(Rate(mp.get_perspective_display(), 0, count, base, kind, withheld))
    return rates


def unit_rates(mapping: Mapping, policy: AnonymityPolicy | None = None) -> list[Rate]:
    """Employees' responses per unit subtree against the subtree's headcount. The employees'
    total (shown on the same page) is the root, so that answers without a unit count too."""
    policy = policy or AnonymityPolicy()
    tree = UnitTree.of(mapping.organisation)
    nodes = list(tree.walk())
    if not nodes:
        return []
    own = dict(
        Response.objects.filter(
            mapping_perspective__mapping=mapping,
            mapping_perspective__perspective=Perspective.EMPLOYEES,
        )
        .values_list("unit")
        .annotate(n=Count("id"))
    )
    position = {node.unit.pk: i + 1 for i, node in enumerate(nodes)}
    names = ["employees"] + [f"unit-{node.unit.pk}" for node in nodes]
    parents = [NO_PARENT] + [
        position[node.unit.parent_id] if node.unit.parent_id else 0 for node in nodes
    ]
    own_counts = [own.get(None, 0)] + [own.get(node.unit.pk, 0) for node in nodes]
    gate = _gate(names, parents, own_counts, policy)
    totals = GroupTree(
        tuple(names), np.asarray(parents), np.repeat(np.arange(len(names)), own_counts)
    ).roll_up(np.asarray(own_counts, dtype=np.int64))
    rates = []
    for i, node in enumerate(nodes, start=1):
        count = int(totals[i])
        withheld = _explain(gate, names[i], policy) if count else ""
        rates.append(
            Rate(
                node.unit.name,
                node.depth,
                count,
                tree.headcount(node.unit.pk),
                "headcount",
                withheld,
            )
        )
    return rates
