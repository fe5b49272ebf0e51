"""The one adapter from stored responses to the analysis core's arrays.

Picks are stored as one bytes column per response and decoded in a single numpy call. Days that
have ended are kept packed in one BallotBlock row each, so loading a perspective reads a row per
day plus today's responses, not a row per response, and checks the blocks against the counts the
database keeps per day (ResponseCount), not against a count of every response."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, connections, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from kartbild.analysis.catalogue import Catalogue, CatalogueValue, Polarity, ValueType
from kartbild.catalogue.models import ValueCatalogue
from kartbild.mappings.models import (
    BallotBlock,
    MappingPerspective,
    Question,
    Response,
    ResponseCount,
)

# Responses without a unit (citizens, elected officials, employees who did not say).
NO_UNIT = -1


@dataclass(frozen=True)
class PerspectiveBallots:
    questions: list[Question]
    # (questions, picks, respondents) catalogue positions as int16: each question's picks lie
    # together, one pick column after another. That is the layout the analysis core reads
    # fastest: checking and counting a question walks its columns, which would otherwise be
    # strided through every other question's picks (ten times slower at a million responses).
    by_question: np.ndarray
    # (respondents,) unit primary keys, NO_UNIT where none was given.
    units: np.ndarray

    @property
    def respondents(self) -> int:
        return int(self.units.shape[0])

    @property
    def picks(self) -> np.ndarray:
        """(respondents, questions, picks): a view, nothing is copied."""
        return self.by_question.transpose(2, 0, 1)

    def question_picks(self, index: int) -> np.ndarray:
        """(respondents, picks) of one question: a column-major view."""
        return self.by_question[index].T


def load_ballots(
    mapping_perspective: MappingPerspective,
    picks_per_question: int,
    today: datetime.date | None = None,
) -> PerspectiveBallots:
    """Every response of a perspective, as arrays.

    Days that have ended are read from their BallotBlock, one row a day; a block is built the
    first time its day is read after it ended, so the first read after midnight packs only the
    day before. Today's responses are read row by row. Each block carries the number of changes
    its day had had when its responses were read (ResponseCount, kept by the database in the
    same transaction as every write), and a block whose day has changed since (a paper import
    dated back, a deletion, a submission that straddled midnight) is rebuilt: a block is never
    trusted beyond that number. The numbers are read before any response, so a change that
    lands during a read leaves a block older than its day, never newer."""
    questions = list(mapping_perspective.questions.all())
    today = today or timezone.localdate()
    responses = Response.objects.filter(mapping_perspective=mapping_perspective)
    days = {
        _day(day): (n, changes)
        for day, n, changes in _fetch(
            ResponseCount.objects.filter(mapping_perspective=mapping_perspective)
            .order_by()
            .values_list("day")
            .annotate(n=Sum("responses"), changes=Sum("changes"))
        )
        if n
    }
    blocks: dict[datetime.date, Block] = {}
    stale: list[datetime.date] = []
    if any(day < today for day in days):
        stored = BallotBlock.objects.filter(
            mapping_perspective=mapping_perspective, day__lt=today
        ).values_list("day", "respondents", "changes", "picks", "units")
        for day, respondents, changes, picks, units in _fetch(stored):
            if days.get(_day(day)) == (respondents, changes):
                blocks[_day(day)] = (respondents, bytes(picks), bytes(units))
            else:
                stale.append(_day(day))
    if stale:
        BallotBlock.objects.filter(mapping_perspective=mapping_perspective, day__in=stale).delete()
    unread = [day for day in days if day < today and day not in blocks]
    if unread:
        columns = len(questions) * picks_per_question
        for day, block in _read_packed(responses.filter(submitted_on__in=unread)).items():
            blocks[day] = _seal(mapping_perspective, day, block, columns, days[day][1])
    ordered = [(*blocks[day], True) for day in sorted(blocks)]
    if any(day >= today for day in days):
        ordered.append((*_read_recent(responses.filter(submitted_on__gte=today)), False))
    return _assemble(questions, picks_per_question, ordered)


# Rows transposed per step when assembling today's responses: a step's source and target stay
# in the CPU cache, which makes the transposing copy two to three times faster than one pass.
_COPY_ROWS = 65_536


def _assemble(
    questions: list[Question], picks_per_question: int, blocks: list[tuple[int, bytes, bytes, bool]]
) -> PerspectiveBallots:
    """The blocks' picks copied once, straight into the question-major layout, and their units
    into one array: no joined copy of the blobs, no conversion of the whole array afterwards.
    A block is either by column (a sealed day: already question-major, so each pick column is
    one contiguous copy) or by row (today's responses, as Response.picks stores them).
    Stored positions are uint16 below 32768 (a catalogue has a few hundred values), which int16
    reads unchanged."""
    respondents = sum(block[0] for block in blocks)
    shape = (len(questions), picks_per_question)
    by_question = np.empty((*shape, respondents), dtype=np.int16)
    units = np.empty(respondents, dtype=np.int64)
    start = 0
    for count, picks, unit_bytes, by_column in blocks:
        # A sealed block of a catalogue with fewer than 256 values keeps a byte per pick.
        width = len(picks) // max(count * shape[0] * shape[1], 1)
        values = np.frombuffer(picks, dtype="u1" if width == 1 else "<i2")
        if by_column:
            by_question[:, :, start : start + count] = values.reshape(*shape, count)
        else:
            rows = values.reshape(count, *shape)
            for first in range(0, count, _COPY_ROWS):
                part = rows[first : first + _COPY_ROWS]
                end = start + first + part.shape[0]
                by_question[:, :, start + first : end] = part.transpose(1, 2, 0)
        if by_column:
            units[start : start + count] = unpack_units(unit_bytes, count)
        else:
            units[start : start + count] = np.frombuffer(unit_bytes, dtype="<i8")
        start += count
    return PerspectiveBallots(questions, by_question, units)


Block = tuple[int, bytes, bytes]


def _read_recent(responses: QuerySet[Response]) -> Block:
    """Today's responses as one block, in the order of their content. Without their date:
    converting a date column costs more per row than the rest of the row."""
    return _in_order_of_content(_fetch(responses.order_by().values_list("picks", "unit_id")))


def _read_packed(responses: QuerySet[Response]) -> dict[datetime.date, Block]:
    """The given responses packed per day, each day in the order of its content."""
    query = responses.order_by("submitted_on").values_list("submitted_on", "picks", "unit_id")
    return {
        _day(day): _in_order_of_content([row[1:] for row in day_rows])
        for day, day_rows in itertools.groupby(_fetch(query), key=lambda row: row[0])
    }


def _in_order_of_content(rows: list[tuple[Any, ...]]) -> Block:
    """(picks, unit id) rows as a block sorted by their bytes: picks first, then unit.

    The order of the arrays is then a function of the responses alone: the same on SQLite and
    PostgreSQL, the same for today's rows as for their block after midnight, and the same after
    a backup is restored, so everything seeded downstream (bootstrap intervals) gives the same
    numbers for the same answers. It keeps no trace of the order of answering. One sort of
    fixed-width records in numpy costs less than the database ordering by primary key."""
    count = len(rows)
    if not count:
        return 0, b"", b""
    picks = np.frombuffer(b"".join([p for p, _u in rows]), dtype="u1").reshape(count, -1)
    width = picks.shape[1]
    records = np.empty((count, width + 8), dtype="u1")
    records[:, :width] = picks
    records[:, width:] = (
        np.fromiter((NO_UNIT if u is None else u for _p, u in rows), dtype="<i8", count=count)
        .view("u1")
        .reshape(count, 8)
    )
    order = np.argsort(records.view(f"V{width + 8}").ravel(), kind="stable")
    ordered = records[order]
    return count, ordered[:, :width].tobytes(), ordered[:, width:].tobytes()


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


def _seal(
    mapping_perspective: MappingPerspective,
    day: datetime.date,
    block: Block,
    columns: int,
    changes: int,
) -> Block:
    """Keep a day's block, and return it as kept: by column (every respondent's first pick of
    the first question, then their second pick, …), the layout `_assemble` copies in one piece
    per column, and with a byte per pick when every pick is below 256 (catalogues have about a
    hundred values): half the bytes to read every time. `_assemble` tells the two widths apart
    by the block's length."""
    respondents, picks, units = block
    positions = np.frombuffer(picks, dtype="<u2").reshape(respondents, columns).T
    narrow = positions.size and int(positions.max()) < 256
    picks = np.ascontiguousarray(positions, dtype="u1" if narrow else "<u2").tobytes()
    units = pack_units(np.frombuffer(units, dtype="<i8"))
    try:
        with transaction.atomic():
            BallotBlock.objects.create(
                mapping_perspective=mapping_perspective,
                day=day,
                respondents=respondents,
                changes=changes,
                picks=picks,
                units=units,
            )
    except IntegrityError:
        # Another request sealed the same day a moment ago; its block holds the same rows.
        pass
    return respondents, picks, units


def pack_units(units: np.ndarray) -> bytes:
    """A block's unit ids as the distinct ids and a code per respondent: the number of distinct
    ids (uint32), the ids (int64), then the codes, a byte each when there are at most 256
    distinct ids (a unit tree is a few dozen units), else two or four. Eight bytes per
    respondent become one, a fifth of what a block holds."""
    distinct, codes = np.unique(units, return_inverse=True)
    code_type = "u1" if len(distinct) <= 1 << 8 else "<u2" if len(distinct) <= 1 << 16 else "<u4"
    return (
        np.uint32(len(distinct)).astype("<u4").tobytes()
        + distinct.astype("<i8").tobytes()
        + codes.astype(code_type).tobytes()
    )


def unpack_units(packed: bytes, count: int) -> np.ndarray:
    """The int64 unit id of each of `count` respondents from `pack_units`' bytes."""
    distinct_count = int(np.frombuffer(packed, dtype="<u4", count=1)[0])
    distinct = np.frombuffer(packed, dtype="<i8", count=distinct_count, offset=4)
    if not count:
        return np.empty(0, dtype=np.int64)
    start = 4 + 8 * distinct_count
    width = (len(packed) - start) // count
    codes = np.frombuffer(packed, dtype={1: "u1", 2: "<u2", 4: "<u4"}[width], offset=start)
    return distinct[codes]


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
