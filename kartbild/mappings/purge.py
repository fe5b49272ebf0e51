"""Retention (gallring): after a closed mapping's retention period the raw answers are deleted and
only aggregated results are kept.

What is deleted: every response, every answer to the open question, the packed BallotBlock
copies of the responses, any draft, and the invitation codes (a used code says that the person
the letter went to has answered).

What is kept ("aggregates"): a `ResultSnapshot`, the kartbild of every perspective computed by
the analysis core over the whole perspective and its unit tree, passed through the anonymity gate
(the default policy): only groups that could be shown carry numbers, withheld groups are listed
with the reason and no count. The document is the analysis core's JSON (docs/analysis.md) per
perspective, plus the names of the units. The mapping, its questions and settings stay too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from kartbild.analysis.ballots import Ballots, QuestionKey
from kartbild.analysis.ballots_csv import BallotFile
from kartbild.analysis.cli_kartbild import kartbild_document
from kartbild.analysis.engine import compute_kartbild
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.groups import NO_PARENT, GroupTree
from kartbild.mappings.ballots import NO_UNIT, analysis_catalogue, load_ballots
from kartbild.mappings.models import (
    BallotBlock,
    CodeBatch,
    Draft,
    Mapping,
    MappingPerspective,
    OpenAnswer,
    Response,
    ResultSnapshot,
)
from kartbild.organisations.models import Unit

# Bumped when the snapshot document changes shape, so that readers can tell versions apart.
SNAPSHOT_FORMAT = 1
# An answer started through an open link and untouched this long is abandoned: its key lived
# only in one browser's address bar. Drafts of invitation codes stay until the mapping closes,
# since a code lets its holder resume on any day.
ABANDONED_DRAFT_DAYS = 30


@dataclass(frozen=True)
class Purged:
    mapping: Mapping
    responses: int
    open_answers: int


def expired_mappings(today: date | None = None) -> list[Mapping]:
    """Closed mappings whose retention period has ended and whose answers are still there."""
    today = today or timezone.localdate()
    candidates = Mapping.objects.filter(
        status=Mapping.Status.CLOSED, purged_on=None
    ).select_related("organisation")
    return [m for m in candidates if (due := m.purge_due_on()) is not None and due <= today]


def delete_abandoned_drafts(today: date | None = None) -> int:
    """Open-link drafts not touched for ABANDONED_DRAFT_DAYS; their number."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=ABANDONED_DRAFT_DAYS)
    deleted, _kinds = Draft.objects.filter(code=None, updated_on__lt=cutoff).delete()
    return deleted


def purge_mapping(mapping: Mapping, today: date | None = None) -> Purged:
    """Keep the gated result snapshot, then delete the raw answers, in one transaction: either
    the snapshot exists and the answers are gone, or nothing changed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        mapping = Mapping.objects.select_for_update().select_related("catalogue").get(pk=mapping.pk)
        if mapping.purged_on is not None:
            return Purged(mapping, 0, 0)
        ResultSnapshot.objects.update_or_create(
            mapping=mapping,
            defaults={"created_on": today, "document": snapshot_document(mapping, today)},
        )
        responses, _kinds = Response.objects.filter(mapping_perspective__mapping=mapping).delete()
        open_answers, _kinds = OpenAnswer.objects.filter(
            mapping_perspective__mapping=mapping
        ).delete()
        BallotBlock.objects.filter(mapping_perspective__mapping=mapping).delete()
        Draft.objects.filter(mapping_perspective__mapping=mapping).delete()
        CodeBatch.objects.filter(mapping_perspective__mapping=mapping).delete()
        mapping.purged_on = today
        mapping.save(update_fields=["purged_on"])
    return Purged(mapping, responses, open_answers)


def snapshot_document(mapping: Mapping, today: date | None = None) -> dict[str, Any]:
    """The gated kartbild of every perspective of a mapping, as JSON-ready data."""
    policy = AnonymityPolicy()
    catalogue = analysis_catalogue(mapping.catalogue)
    units = list(Unit.objects.filter(organisation=mapping.organisation))
    perspectives = {
        mp.perspective: _perspective_document(mp, mapping.picks, catalogue, units, policy)
        for mp in mapping.perspectives.prefetch_related("questions")
    }
    return {
        "format": SNAPSHOT_FORMAT,
        "mapping": mapping.name,
        "catalogue": {"name": mapping.catalogue.name, "version": mapping.catalogue.version},
        "opens_on": mapping.opens_on.isoformat() if mapping.opens_on else None,
        "closed_on": (
            mapping.closed_on or mapping.closes_on or today or timezone.localdate()
        ).isoformat(),
        "min_group": policy.min_group,
        "perspectives": perspectives,
    }


def _perspective_document(
    mp: MappingPerspective,
    picks: int,
    catalogue: Any,
    units: list[Unit],
    policy: AnonymityPolicy,
) -> dict[str, Any]:
    ballots = load_ballots(mp, picks)
    keys = [QuestionKey.parse(q.key) for q in ballots.questions]
    analysis_ballots = Ballots.of(
        {key: ballots.picks[:, i, :] for i, key in enumerate(keys)} if keys else {}
    )
    groups, unit_names = _group_tree(mp.perspective, ballots.units, units)
    kartbild = compute_kartbild(catalogue, analysis_ballots, groups, policy)
    document = kartbild_document(
        kartbild, BallotFile(analysis_ballots, groups, {}, respondent_ids=())
    )
    document["units"] = unit_names
    return document


def _group_tree(
    perspective: str, respondent_units: np.ndarray, units: list[Unit]
) -> tuple[GroupTree, dict[str, str]]:
    """The perspective as the root group and, when any respondent named a unit, the unit tree
    under it. Groups are named by unit code (unique in an organisation, unlike names)."""
    names = [perspective]
    parents = [NO_PARENT]
    index_of_unit: dict[int, int] = {}
    unit_names: dict[str, str] = {}
    if (respondent_units != NO_UNIT).any():
        by_id = {u.pk: u for u in units}
        ordered: list[Unit] = []
        # Parents before children, so that every parent has an index when its child is added.
        pending = sorted(units, key=lambda u: (u.parent_id is not None, u.pk))
        placed: set[int] = set()
        while pending:
            rest = []
            for unit in pending:
                if unit.parent_id is None or unit.parent_id in placed:
                    ordered.append(unit)
                    placed.add(unit.pk)
                else:
                    rest.append(unit)
            if len(rest) == len(pending):
                break
            pending = rest
        for unit in ordered:
            index_of_unit[unit.pk] = len(names)
            names.append(f"unit:{unit.code}")
            parent = by_id.get(unit.parent_id) if unit.parent_id else None
            parents.append(index_of_unit[parent.pk] if parent else 0)
            unit_names[f"unit:{unit.code}"] = unit.name
    membership = np.array([index_of_unit.get(int(u), 0) for u in respondent_units], dtype=np.intp)
    tree = GroupTree(
        names=tuple(names),
        parents=np.array(parents, dtype=np.intp),
        membership=membership,
        perspectives=(perspective,) * len(names),
    )
    return tree, unit_names
