"""The workflows of a follow-up round: create it from a published värdegrund, adjust its
statements, open and close it, generate invitation codes, and store an anonymous answer.

Views, the paper import, the demo and tests all call these; each checks its own rules and raises
`Rejected` with a Swedish message when a rule is broken, changing nothing."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kartbild.analysis.likert import DONT_KNOW, NO_ANSWER
from kartbild.corevalues.models import Behaviour, CoreValueFramework
from kartbild.followups.models import (
    FollowUp,
    FollowUpCode,
    FollowUpCodeBatch,
    FollowUpDraft,
    FollowUpResponse,
    Statement,
)
from kartbild.mappings import codes
from kartbild.organisations.models import Organisation, Unit

# A batch is printed as letters; ten thousand is a large municipality's staff at once.
MAX_BATCH = 10_000


class Rejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def create_follow_up(
    organisation: Organisation,
    framework: CoreValueFramework,
    name: str,
    *,
    previous_round: FollowUp | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> FollowUp:
    """A draft round with one statement per behaviour of a published värdegrund (its text as it
    is today, in the värdegrund's order)."""
    if framework.organisation_id != organisation.pk or (
        previous_round is not None and previous_round.organisation_id != organisation.pk
    ):
        raise Rejected(_("Värdegrunden och föregående omgång måste höra till organisationen."))
    if framework.status != CoreValueFramework.Status.PUBLISHED:
        raise Rejected(_("Uppföljningen kan bara göras av en publicerad värdegrund."))
    if opens_on and closes_on and closes_on < opens_on:
        raise Rejected(_("Slutdatumet kan inte vara före startdatumet."))
    behaviours = list(
        Behaviour.objects.filter(core_value__framework=framework)
        .select_related("core_value")
        .order_by("core_value__position", "core_value_id", "position", "pk")
    )
    if not behaviours:
        raise Rejected(_("Värdegrunden har inga beteenden att göra påståenden av."))
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            organisation=organisation,
            framework=framework,
            name=name,
            previous_round=previous_round,
            opens_on=opens_on,
            closes_on=closes_on,
        )
        Statement.objects.bulk_create(
            Statement(
                follow_up=follow_up,
                core_value=behaviour.core_value,
                behaviour=behaviour,
                text=behaviour.text,
                position=position,
            )
            for position, behaviour in enumerate(behaviours)
        )
    return follow_up


def edit_statements(follow_up: FollowUp, changes: Mapping[int, tuple[str, bool]]) -> None:
    """Reword statements or leave them out ({statement id: (text, included)}), before opening."""
    if not follow_up.is_editable:
        raise Rejected(_("Påståendena kan bara ändras innan uppföljningen öppnas."))
    statements = {s.pk: s for s in follow_up.statements.all()}
    if not set(changes) <= set(statements):
        raise Rejected(_("Ett påstående hör inte till uppföljningen."))
    if not any(changes[pk][1] if pk in changes else s.included for pk, s in statements.items()):
        raise Rejected(_("Minst ett påstående måste ingå."))
    for pk, (text, included) in changes.items():
        text = " ".join(text.split())
        if not text:
            raise Rejected(_("Ett påstående kan inte vara tomt."))
        statement = statements[pk]
        statement.text, statement.included = text[:300], included
    with transaction.atomic():
        Statement.objects.bulk_update(statements.values(), ["text", "included"])


def open_follow_up(follow_up: FollowUp, today: date | None = None) -> None:
    if follow_up.status != FollowUp.Status.DRAFT:
        raise Rejected(_("Bara en uppföljning som är ett utkast kan öppnas."))
    if not follow_up.asked_statements().exists():
        raise Rejected(_("Minst ett påstående måste ingå."))
    follow_up.status = FollowUp.Status.OPEN
    follow_up.opens_on = follow_up.opens_on or today or timezone.localdate()
    follow_up.save(update_fields=["status", "opens_on"])


def close_follow_up(follow_up: FollowUp, today: date | None = None) -> None:
    if follow_up.status != FollowUp.Status.OPEN:
        raise Rejected(_("Bara en öppen uppföljning kan stängas."))
    today = today or timezone.localdate()
    follow_up.status = FollowUp.Status.CLOSED
    if follow_up.closes_on is None or follow_up.closes_on > today:
        follow_up.closes_on = today
    follow_up.save(update_fields=["status", "closes_on"])
    # Unfinished answers and unused codes have no purpose any more.
    FollowUpDraft.objects.filter(follow_up=follow_up).delete()


def generate_codes(follow_up: FollowUp, unit: Unit | None, size: int) -> FollowUpCodeBatch:
    """A batch of single-use codes for a unit (or none); codes are unique across mappings'
    alphabet and length (the same generator), and retried on the rare collision."""
    if not 1 <= size <= MAX_BATCH:
        raise Rejected(_("Antalet koder måste vara mellan 1 och %(max)s.") % {"max": MAX_BATCH})
    if unit is not None and unit.organisation_id != follow_up.organisation_id:
        raise Rejected(_("Enheten hör inte till organisationen."))
    if follow_up.status == FollowUp.Status.CLOSED:
        raise Rejected(_("Uppföljningen är stängd."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                batch = FollowUpCodeBatch.objects.create(follow_up=follow_up, unit=unit, size=size)
                fresh = {codes.new_code() for _ in range(size)}
                while len(fresh) < size:
                    fresh.add(codes.new_code())
                FollowUpCode.objects.bulk_create(
                    FollowUpCode(batch=batch, code=code) for code in fresh
                )
                return batch
        except IntegrityError:
            continue
    raise Rejected(_("Koderna kunde inte skapas. Försök igen."))


def start_draft(follow_up: FollowUp, code: FollowUpCode | None) -> FollowUpDraft:
    """Begin (or, with a code that has one, resume) an answer."""
    if code is not None:
        existing = FollowUpDraft.objects.filter(code=code).first()
        if existing is not None:
            return existing
    return FollowUpDraft.objects.create(
        key=secrets.token_urlsafe(24), follow_up=follow_up, code=code, started_at=timezone.now()
    )


@dataclass
class Answers:
    """What one respondent answered: statement id → code (1–5, DONT_KNOW), and a unit."""

    codes: dict[int, int]
    unit_id: int | None = None


def answer_errors(follow_up: FollowUp, answers: Answers) -> list[str]:
    asked = set(follow_up.asked_statements().values_list("pk", flat=True))
    errors = []
    if not set(answers.codes) <= asked:
        errors.append(_("Ett svar hör till ett påstående som inte finns i uppföljningen."))
    if any(not (1 <= code <= 5 or code == DONT_KNOW) for code in answers.codes.values()):
        errors.append(_("Ett svar är inte 1–5 eller ”vet ej”."))
    if not answers.codes:
        errors.append(_("Svara på minst ett påstående."))
    if (
        answers.unit_id is not None
        and not Unit.objects.filter(
            pk=answers.unit_id, organisation_id=follow_up.organisation_id
        ).exists()
    ):
        errors.append(_("Enheten finns inte."))
    return errors


def encode_answers(follow_up: FollowUp, answers: Answers, order: list[int] | None = None) -> bytes:
    """One byte per asked statement; `order` (the asked statements' ids) saves a query."""
    if order is None:
        order = list(follow_up.asked_statements().values_list("pk", flat=True))
    return np.array([answers.codes.get(pk, NO_ANSWER) for pk in order], dtype=np.uint8).tobytes()


def record_response(
    follow_up: FollowUp,
    answers: Answers,
    *,
    draft: FollowUpDraft | None = None,
    today: date | None = None,
) -> None:
    """Store one anonymous answer. With a draft, its code is marked used and the draft deleted
    in the same transaction: afterwards nothing connects the code to the answers."""
    errors = answer_errors(follow_up, answers)
    if errors:
        raise Rejected(errors[0])
    if not follow_up.is_answerable(today):
        raise Rejected(_("Uppföljningen är inte öppen för svar."))
    with transaction.atomic():
        if draft is not None:
            if draft.code_id is not None:
                marked = FollowUpCode.objects.filter(pk=draft.code_id, used=False).update(used=True)
                if not marked:
                    raise Rejected(_("Koden har redan använts."))
                unit_id = (
                    FollowUpCodeBatch.objects.filter(codes__pk=draft.code_id)
                    .values_list("unit_id", flat=True)
                    .first()
                )
                if unit_id is not None:
                    answers.unit_id = unit_id
            deleted, _counts = FollowUpDraft.objects.filter(pk=draft.pk).delete()
            if not deleted:
                raise Rejected(_("Svaret är redan skickat."))
        FollowUpResponse.objects.create(
            follow_up=follow_up,
            unit_id=answers.unit_id,
            submitted_on=today or timezone.localdate(),
            answers=encode_answers(follow_up, answers),
        )
