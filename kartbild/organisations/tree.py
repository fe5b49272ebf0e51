"""The unit tree of one organisation, read in one query and walked in memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kartbild.organisations.models import Organisation, Unit


@dataclass(frozen=True)
class TreeNode:
    unit: Unit
    depth: int


class UnitTree:
    def __init__(self, units: list[Unit]) -> None:
        self.units = {u.pk: u for u in units}
        self.children: dict[int | None, list[Unit]] = {}
        for unit in sorted(units, key=lambda u: u.name.lower()):
            self.children.setdefault(unit.parent_id, []).append(unit)

    @classmethod
    def of(cls, organisation: Organisation) -> UnitTree:
        return cls(list(Unit.objects.filter(organisation=organisation)))

    def walk(self, root: int | None = None, depth: int = 0) -> Iterator[TreeNode]:
        """Depth-first, children in name order: the order a tree is read on a page."""
        for child in self.children.get(root, []):
            yield TreeNode(child, depth)
            yield from self.walk(child.pk, depth + 1)

    def descendant_ids(self, unit_id: int) -> set[int]:
        """The unit and everything below it."""
        found = {unit_id}
        stack = [unit_id]
        while stack:
            for child in self.children.get(stack.pop(), []):
                found.add(child.pk)
                stack.append(child.pk)
        return found

    def headcount(self, unit_id: int) -> int:
        """Headcount of a subtree: a unit's own staff plus everyone below it."""
        return sum(self.units[i].headcount for i in self.descendant_ids(unit_id))

    def path(self, unit_id: int) -> list[Unit]:
        path = []
        unit: Unit | None = self.units[unit_id]
        while unit is not None:
            path.append(unit)
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
        return list(reversed(path))

    def label(self, unit_id: int) -> str:
        return " › ".join(u.name for u in self.path(unit_id))
