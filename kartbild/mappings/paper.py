"""Paper answers typed into a spreadsheet: validated whole, stored whole or not at all.

One row per paper form. Columns (header names are case-insensitive):
    perspektiv                     medarbetare, medborgare or förtroendevalda
    enhet                          unit code (optional)
    ålder, anställningstid, område background answers (optional)
    <question> 1 … <question> N    one value per column, e.g. "personal 1", "current:workplace 3";
                                   a value is its slug or its Swedish or English name
    öppet svar                     the answer to the open question (optional)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kartbild.lib.tabular import Table
from kartbild.mappings.actions import AnswerContext, Answers, answer_errors, encode_picks
from kartbild.mappings.models import (
    AGE_BANDS,
    TENURE_BANDS,
    Mapping,
    MappingPerspective,
    OpenAnswer,
    Perspective,
    Response,
)
from kartbild.organisations.models import Unit

PERSPECTIVE_NAMES = {
    "medarbetare": Perspective.EMPLOYEES,
    "medborgare": Perspective.CITIZENS,
    "förtroendevalda": Perspective.ELECTED,
    "fortroendevalda": Perspective.ELECTED,
}


@dataclass(frozen=True)
class PaperAnswer:
    mapping_perspective: MappingPerspective
    answers: Answers


def parse_paper_answers(mapping: Mapping, table: Table) -> tuple[list[PaperAnswer], list[str]]:
    """Every row as answers, and every problem with its line number."""
    if "perspektiv" not in table.header:
        return [], [_("Kolumnen perspektiv saknas i rubrikraden.")]
    perspectives = {mp.perspective: mp for mp in mapping.perspectives.all()}
    contexts = {p: AnswerContext.of(mp) for p, mp in perspectives.items()}
    units = dict(Unit.objects.filter(organisation=mapping.organisation).values_list("code", "pk"))
    ages = {k for k, _label in AGE_BANDS}
    tenures = {k for k, _label in TENURE_BANDS}
    # Every name a value is known by in this catalogue, so that a typist can write what the
    # paper says.
    by_name: dict[str, str] = {}
    for value in mapping.catalogue.values.filter(hidden=False):
        for name in (value.slug, value.name_sv, value.name_en):
            by_name[name.strip().lower()] = value.slug

    parsed: list[PaperAnswer] = []
    errors: list[str] = []
    for row in table.rows:
        perspective = PERSPECTIVE_NAMES.get(row.cells.get("perspektiv", "").lower())
        if perspective is None or perspective not in perspectives:
            errors.append(
                _("Rad %(line)s: perspektivet ”%(value)s” ingår inte i kartläggningen.")
                % {"line": row.line, "value": row.cells.get("perspektiv", "")}
            )
            continue
        context = contexts[perspective]
        answers = Answers()
        row_errors: list[str] = []
        for question in context.questions:
            picked = []
            for i in range(1, context.picks + 1):
                cell = row.cells.get(f"{question.key} {i}", "")
                if not cell:
                    continue
                slug = by_name.get(cell.lower())
                if slug is None:
                    row_errors.append(
                        _("kolumn %(column)s: okänt värde ”%(value)s”")
                        % {"column": f"{question.key} {i}", "value": cell}
                    )
                else:
                    picked.append(slug)
            answers.picks[question.pk] = picked
        unit_code = row.cells.get("enhet", "")
        if unit_code:
            if unit_code not in units:
                row_errors.append(_("okänd enhet ”%(value)s”") % {"value": unit_code})
            else:
                answers.unit_id = units[unit_code]
        answers.age_band = row.cells.get("ålder", "")
        answers.tenure_band = row.cells.get("anställningstid", "")
        answers.district = row.cells.get("område", "")
        answers.open_answer = row.cells.get("öppet svar", "")
        if answers.age_band and answers.age_band not in ages:
            row_errors.append(_("okänd åldersgrupp ”%(value)s”") % {"value": answers.age_band})
            answers.age_band = ""
        if answers.tenure_band and answers.tenure_band not in tenures:
            row_errors.append(
                _("okänd anställningstid ”%(value)s”") % {"value": answers.tenure_band}
            )
            answers.tenure_band = ""
        if not row_errors:
            row_errors = answer_errors(perspectives[perspective], answers, context)
        if row_errors:
            errors.extend(
                _("Rad %(line)s: %(problem)s") % {"line": row.line, "problem": problem}
                for problem in row_errors
            )
        else:
            parsed.append(PaperAnswer(perspectives[perspective], answers))
    if not table.rows:
        errors.append(_("Filen har inga svar under rubrikraden."))
    return parsed, errors


def import_paper_answers(mapping: Mapping, rows: list[PaperAnswer]) -> int:
    """Store every parsed row in one transaction; returns the number stored."""
    today = timezone.localdate()
    contexts = {mp.pk: AnswerContext.of(mp) for mp in mapping.perspectives.all()}
    responses = []
    open_answers = []
    for row in rows:
        answers = row.answers
        responses.append(
            Response(
                mapping_perspective=row.mapping_perspective,
                unit_id=answers.unit_id,
                age_band=answers.age_band,
                tenure_band=answers.tenure_band,
                district=answers.district,
                submitted_on=today,
                picks=encode_picks(contexts[row.mapping_perspective.pk], answers),
            )
        )
        if answers.open_answer.strip():
            open_answers.append(
                OpenAnswer(
                    mapping_perspective=row.mapping_perspective, text=answers.open_answer.strip()
                )
            )
    with transaction.atomic():
        Response.objects.bulk_create(responses, batch_size=1000)
        OpenAnswer.objects.bulk_create(open_answers, batch_size=1000)
    return len(responses)
