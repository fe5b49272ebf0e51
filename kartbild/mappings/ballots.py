"""The one adapter from stored responses to the analysis core's arrays.

Picks are stored as one bytes column per response and decoded in a single numpy call. Days that
have ended are kept packed in one BallotBlock row each, so loading a perspective reads a row per
day plus today's responses, not a row per response."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, connections, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from kartbild.analysis.catalogue import Catalogue, CatalogueValue, Polarity, ValueType
from kartbild.catalogue.models import ValueCatalogue
from kartbild.mappings.models import BallotBlock, MappingPerspective, Question, Response

# Responses without a unit (citizens, elected officials, employees who did not say).
NO_UNIT = -1


@dataclass(frozen=True)
class PerspectiveBallots:
    questions: list[Question]
    # (respondents, questions, picks) catalogue positions.
    picks: np.ndarray
    # (respondents,) unit primary keys, NO_UNIT where none was given.
    units: np.ndarray

    @property
    def respondents(self) -> int:
        return int(self.picks.shape[0])

    def question_picks(self, index: int) -> np.ndarray:
        return self.picks[:, index, :]


def load_ballots(
    mapping_perspective: MappingPerspective,
    picks_per_question: int,
    today: datetime.date | None = None,
) -> PerspectiveBallots:
    """Every response of a perspective, as arrays.

    Days that have ended are read from their BallotBlock, one row a day; a block is built the
    first time its day is read after midnight. Today's responses are read row by row. Each read
    counts the perspective's responses; when the blocks and today's rows do not add up to that
    count (the first read after midnight, a paper import dated back, a deletion), the responses
    are counted per day and every block whose count no longer matches is rebuilt, so a block can
    be stale for no longer than one query."""
    questions = list(mapping_perspective.questions.all())
    today = today or timezone.localdate()
    responses = Response.objects.filter(mapping_perspective=mapping_perspective)
    stored = BallotBlock.objects.filter(
        mapping_perspective=mapping_perspective, day__lt=today
    ).values_list("day", "respondents", "picks", "units")
    blocks = {
        _day(day): (respondents, bytes(picks), bytes(units))
        for day, respondents, picks, units in _fetch(stored)
    }
    recent = _read_packed(responses.filter(submitted_on__gte=today))
    packed = sum(block[0] for block in blocks.values()) + sum(b[0] for b in recent.values())
    if responses.count() != packed:
        counts: dict[datetime.date, int] = dict(
            responses.filter(submitted_on__lt=today)
            .order_by()
            .values_list("submitted_on")
            .annotate(n=Count("*"))
        )
        stale = [day for day, block in blocks.items() if counts.get(day) != block[0]]
        if stale:
            BallotBlock.objects.filter(
                mapping_perspective=mapping_perspective, day__in=stale
            ).delete()
        for day in stale:
            del blocks[day]
        unread = [day for day in counts if day not in blocks]
        ended = _read_packed(responses.filter(submitted_on__in=unread)) if unread else {}
        for day, block in ended.items():
            _seal(mapping_perspective, day, block)
            blocks[day] = block
    blocks.update(recent)
    days = sorted(blocks)
    picks_blob = b"".join(blocks[day][1] for day in days)
    units_blob = b"".join(blocks[day][2] for day in days)
    respondents = sum(blocks[day][0] for day in days)
    picks = np.frombuffer(picks_blob, dtype="<u2").astype(np.int32)
    picks = picks.reshape(respondents, len(questions), picks_per_question)
    units = np.frombuffer(units_blob, dtype="<i8").astype(np.int64)
    return PerspectiveBallots(questions, picks, units)


Block = tuple[int, bytes, bytes]


def _read_packed(responses: QuerySet[Response]) -> dict[datetime.date, Block]:
    """The given responses packed per day, in primary key order within a day."""
    query = responses.order_by("submitted_on", "id").values_list("submitted_on", "picks", "unit_id")
    rows = _fetch(query)
    packed: dict[datetime.date, Block] = {}
    for day, day_rows in itertools.groupby(rows, key=lambda row: row[0]):
        day_list = list(day_rows)
        units = np.fromiter(
            (NO_UNIT if u is None else u for _d, _p, u in day_list),
            dtype="<i8",
            count=len(day_list),
        )
        packed[_day(day)] = (
            len(day_list),
            b"".join(bytes(p) for _d, p, _u in day_list),
            units.tobytes(),
        )
    return packed


def _fetch(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a query, fetched on the database cursor.

    The ORM writes the query, but Django's per-row conversion costs three times the read itself
    at a million responses. On PostgreSQL the rows come in binary, on a cursor of the same
    connection (so in the same transaction): bytea then arrives as bytes rather than as hex
    text to decode, which was most of a read from blocks (docs/benchmarks.md)."""
    sql, params = query.query.sql_with_params()
    connection = connections[query.db]
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _day(value: datetime.date | str) -> datetime.date:
    """A date column as read on the cursor: SQLite gives its ISO text."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _seal(mapping_perspective: MappingPerspective, day: datetime.date, block: Block) -> None:
    respondents, picks, units = block
    try:
        with transaction.atomic():
            BallotBlock.objects.create(
                mapping_perspective=mapping_perspective,
                day=day,
                respondents=respondents,
                picks=picks,
                units=units,
            )
    except IntegrityError:
        # Another request sealed the same day a moment ago; its block holds the same rows.
        pass


def analysis_catalogue(catalogue: ValueCatalogue) -> Catalogue:
    """The catalogue version as the analysis core sees it: value index = stored position."""
    values = list(catalogue.values.order_by("position"))
    if [v.position for v in values] != list(range(len(values))):
        raise ValueError(f"catalogue {catalogue.pk} has gaps in its value positions")
    return Catalogue(
        values=tuple(
            CatalogueValue(
                slug=v.slug,
                level=v.level,
                polarity=Polarity(v.polarity),
                type=ValueType(v.type),
                name_sv=v.name_sv,
                name_en=v.name_en,
            )
            for v in values
        )
    )
