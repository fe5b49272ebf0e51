"""Response rates per perspective and per unit, for the organisation admin while a mapping runs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

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

    @property
    def share(self) -> float | None:
        return self.responses / self.base if self.base else None


def perspective_rates(mapping: Mapping) -> list[Rate]:
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
    rates = []
    for mp in mapping.perspectives.all():
        if mp.perspective == Perspective.EMPLOYEES and headcount:
            base, kind = headcount, "headcount"
        else:
            base, kind = issued.get(mp.perspective, 0), "codes"
        rates.append(
            Rate(mp.get_perspective_display(), 0, counts.get(mp.perspective, 0), base, kind)
        )
    return rates


def unit_rates(mapping: Mapping) -> list[Rate]:
    """Employees' responses per unit subtree against the subtree's headcount."""
    tree = UnitTree.of(mapping.organisation)
    own = Counter(
        dict(
            Response.objects.filter(
                Q(mapping_perspective__mapping=mapping),
                Q(mapping_perspective__perspective=Perspective.EMPLOYEES),
                unit__isnull=False,
            )
            .values_list("unit")
            .annotate(n=Count("id"))
        )
    )
    rates = []
    for node in tree.walk():
        subtree = tree.descendant_ids(node.unit.pk)
        rates.append(
            Rate(
                node.unit.name,
                node.depth,
                sum(own[i] for i in subtree),
                tree.headcount(node.unit.pk),
                "headcount",
            )
        )
    return rates
