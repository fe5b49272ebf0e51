"""Paper answers of a follow-up round typed into a spreadsheet: checked whole, stored whole or
not at all, every problem with its line number.

One row per paper form. Columns (header names are case-insensitive):
    enhet                          the unit's code (optional)
    påstående 1 … påstående N      the answer to each statement in the order of the form:
                                   1–5, "vet ej", or empty when left blank
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kartbild.analysis.likert import DONT_KNOW
from kartbild.followups.actions import Answers, encode_answers
from kartbild.followups.models import FollowUp, FollowUpResponse
from kartbild.lib.tabular import Table
from kartbild.organisations.models import Unit

COLUMN = "påstående {}"
DONT_KNOW_WORDS = {"vet ej", "vetej", "vet inte", "6"}


def parse_paper_answers(follow_up: FollowUp, table: Table) -> tuple[list[Answers], list[str]]:
    """Every row as answers, and every problem with its line number."""
    statements = list(follow_up.asked_statements().values_list("pk", flat=True))
    columns = [COLUMN.format(i) for i in range(1, len(statements) + 1)]
    missing = [c for c in columns if c not in table.header]
    if missing:
        return [], [
            _("Kolumnen ”%(column)s” saknas i rubrikraden.") % {"column": column}
            for column in missing
        ]
    units = dict(Unit.objects.filter(organisation=follow_up.organisation).values_list("code", "pk"))
    parsed: list[Answers] = []
    errors: list[str] = []
    for row in table.rows:
        answers = Answers({})
        problems: list[str] = []
        for pk, column in zip(statements, columns, strict=True):
            cell = row.cells.get(column, "").strip().lower()
            if not cell:
                continue
            if cell in DONT_KNOW_WORDS:
                answers.codes[pk] = DONT_KNOW
            elif cell in {"1", "2", "3", "4", "5"}:
                answers.codes[pk] = int(cell)
            else:
                problems.append(
                    _("kolumn %(column)s: ”%(value)s” är inte 1–5 eller ”vet ej”")
                    % {"column": column, "value": row.cells.get(column, "")}
                )
        unit_code = row.cells.get("enhet", "")
        if unit_code:
            if unit_code in units:
                answers.unit_id = units[unit_code]
            else:
                problems.append(_("okänd enhet ”%(value)s”") % {"value": unit_code})
        if not problems and not answers.codes:
            problems.append(_("raden har inga svar"))
        if problems:
            errors.extend(
                _("Rad %(line)s: %(problem)s") % {"line": row.line, "problem": problem}
                for problem in problems
            )
        else:
            parsed.append(answers)
    if not table.rows:
        errors.append(_("Filen har inga svar under rubrikraden."))
    return parsed, errors


def import_paper_answers(follow_up: FollowUp, rows: list[Answers]) -> int:
    """Store every parsed row in one transaction; returns the number stored."""
    today = timezone.localdate()
    order = list(follow_up.asked_statements().values_list("pk", flat=True))
    responses = [
        FollowUpResponse(
            follow_up=follow_up,
            unit_id=answers.unit_id,
            submitted_on=today,
            answers=encode_answers(follow_up, answers, order),
        )
        for answers in rows
    ]
    with transaction.atomic():
        FollowUpResponse.objects.bulk_create(responses, batch_size=1000)
    return len(responses)
