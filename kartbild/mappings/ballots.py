"""The one adapter from stored responses to the analysis core's arrays.

Picks are read as one bytes column per response and decoded in a single numpy call, so loading a
perspective costs one query and no per-value Python work."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connections

from kartbild.analysis.catalogue import Catalogue, CatalogueValue, Polarity, ValueType
from kartbild.catalogue.models import ValueCatalogue
from kartbild.mappings.models import MappingPerspective, Question, Response

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
    mapping_perspective: MappingPerspective, picks_per_question: int
) -> PerspectiveBallots:
    questions = list(mapping_perspective.questions.all())
    query = Response.objects.filter(mapping_perspective=mapping_perspective).values_list(
        "picks", "unit_id"
    )
    # The ORM writes the query; the rows are fetched on the cursor, because Django's per-row
    # conversion costs three times the read itself at a million responses (docs/benchmarks.md).
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    blob = b"".join(picks for picks, _unit in rows)
    picks = np.frombuffer(blob, dtype="<u2").astype(np.int32)
    picks = picks.reshape(len(rows), len(questions), picks_per_question)
    units = np.fromiter(
        (NO_UNIT if u is None else u for _p, u in rows), dtype=np.int64, count=len(rows)
    )
    return PerspectiveBallots(questions, picks, units)


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
