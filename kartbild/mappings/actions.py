"""Workflows of a mapping that touch several models. Views, commands and tests all call these."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kartbild.catalogue.models import Value, ValueCatalogue
from kartbild.mappings import codes
from kartbild.mappings.models import (
    AGE_BANDS,
    TENURE_BANDS,
    CodeBatch,
    Draft,
    InvitationCode,
    Mapping,
    MappingPerspective,
    OpenAnswer,
    Perspective,
    Question,
    Response,
)
from kartbild.organisations.models import Organisation, Unit

# What each perspective is asked unless the organisation chooses otherwise: everyone gives their
# personal values; employees and elected officials describe the workplace, citizens the place.
DEFAULT_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    Perspective.EMPLOYEES: [("personal", ""), ("current", "workplace"), ("desired", "workplace")],
    Perspective.ELECTED: [("personal", ""), ("current", "workplace"), ("desired", "workplace")],
    Perspective.CITIZENS: [("personal", ""), ("current", "community"), ("desired", "community")],
}
# Longest answer to the open question we keep: a long paragraph, not a document.
MAX_OPEN_ANSWER = 2000
# A batch large enough for every employee of a large region, small enough to print.
MAX_BATCH = 50_000


class Rejected(Exception):
    """Input that cannot be accepted; the message is for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def create_mapping(
    organisation: Organisation,
    catalogue: ValueCatalogue,
    name: str,
    perspectives: Sequence[str],
    **settings: object,
) -> Mapping:
    """A draft mapping with the default questions of each chosen perspective."""
    with transaction.atomic():
        mapping = Mapping.objects.create(
            organisation=organisation, catalogue=catalogue, name=name, **settings
        )
        for perspective in perspectives:
            set_questions(
                MappingPerspective.objects.create(mapping=mapping, perspective=perspective),
                DEFAULT_QUESTIONS[perspective],
            )
    return mapping


def set_questions(mapping_perspective: MappingPerspective, keys: Sequence[tuple[str, str]]) -> None:
    if not mapping_perspective.mapping.is_editable:
        raise Rejected(_("Kartläggningen är redan öppnad och kan inte ändras."))
    mapping_perspective.questions.all().delete()
    Question.objects.bulk_create(
        Question(mapping_perspective=mapping_perspective, kind=kind, frame=frame, position=i)
        for i, (kind, frame) in enumerate(keys)
    )


def open_mapping(mapping: Mapping) -> None:
    if mapping.status == Mapping.Status.CLOSED:
        raise Rejected(_("En stängd kartläggning kan inte öppnas igen."))
    perspectives = list(mapping.perspectives.all())
    if not perspectives or any(not mp.questions.exists() for mp in perspectives):
        raise Rejected(_("Varje perspektiv behöver minst en fråga innan kartläggningen öppnas."))
    mapping.status = Mapping.Status.OPEN
    if mapping.opens_on is None:
        mapping.opens_on = timezone.localdate()
    mapping.save(update_fields=["status", "opens_on"])


def close_mapping(mapping: Mapping) -> None:
    mapping.status = Mapping.Status.CLOSED
    # Retention (purge.py) counts from this day.
    mapping.closed_on = timezone.localdate()
    mapping.save(update_fields=["status", "closed_on"])
    # Unfinished answers can never be submitted now; keep nothing that is not needed.
    Draft.objects.filter(mapping_perspective__mapping=mapping).delete()


def generate_codes(
    mapping_perspective: MappingPerspective, unit: Unit | None, count: int
) -> CodeBatch:
    """A batch of single-use invitation codes, all new to the database."""
    if not 1 <= count <= MAX_BATCH:
        raise Rejected(_("Antalet koder måste vara mellan 1 och %(max)s.") % {"max": MAX_BATCH})
    if mapping_perspective.mapping.status == Mapping.Status.CLOSED:
        raise Rejected(_("Kartläggningen är stängd."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                batch = CodeBatch.objects.create(
                    mapping_perspective=mapping_perspective, unit=unit, size=count
                )
                InvitationCode.objects.bulk_create(
                    InvitationCode(batch=batch, code=code) for code in _distinct_codes(count)
                )
                return batch
        except IntegrityError:
            # 60 random bits collide with an existing code about never; if it happens, draw again.
            continue
    raise RuntimeError("could not draw unique invitation codes")


def _distinct_codes(count: int) -> set[str]:
    drawn: set[str] = set()
    while len(drawn) < count:
        drawn.add(codes.new_code())
    return drawn


def offered_values(catalogue: ValueCatalogue, question: Question) -> list[Value]:
    frame = question.catalogue_frame
    return [v for v in catalogue.values.filter(hidden=False) if v.fits(frame)]


@dataclass
class Answers:
    """A respondent's answers before they are stored: picks per question as value slugs."""

    picks: dict[int, list[str]] = field(default_factory=dict)
    unit_id: int | None = None
    age_band: str = ""
    tenure_band: str = ""
    district: str = ""
    open_answer: str = ""


@dataclass(frozen=True)
class AnswerContext:
    """What validating an answer needs, read once: a paper import checks thousands with it."""

    questions: list[Question]
    # The frames each value that is not hidden is offered in, by slug.
    values: dict[str, frozenset[str]]
    positions: dict[str, int]
    unit_ids: set[int]
    picks: int
    districts: list[str]

    @classmethod
    def of(cls, mapping_perspective: MappingPerspective) -> AnswerContext:
        mapping = mapping_perspective.mapping
        # Plain rows rather than model instances: every submission reads the whole catalogue.
        catalogue_values = list(
            Value.objects.filter(catalogue_id=mapping.catalogue_id).values_list(
                "slug", "position", "hidden", "frames"
            )
        )
        return cls(
            questions=list(mapping_perspective.questions.all()),
            values={
                slug: frozenset(frames.split("|"))
                for slug, _position, hidden, frames in catalogue_values
                if not hidden
            },
            positions={slug: position for slug, position, _hidden, _frames in catalogue_values},
            unit_ids=set(
                Unit.objects.filter(organisation_id=mapping.organisation_id).values_list(
                    "pk", flat=True
                )
            ),
            picks=mapping.picks,
            districts=mapping.district_list,
        )


def answer_errors(
    mapping_perspective: MappingPerspective,
    answers: Answers,
    context: AnswerContext | None = None,
) -> list[str]:
    """Everything wrong with a set of answers, in Swedish, or an empty list."""
    context = context or AnswerContext.of(mapping_perspective)
    errors: list[str] = []
    values = context.values
    for question in context.questions:
        picked = answers.picks.get(question.pk, [])
        unknown = [slug for slug in picked if slug not in values]
        frame = question.catalogue_frame
        outside = not unknown and any(frame not in values[slug] for slug in picked)
        repeated = len(set(picked)) != len(picked)
        if not (unknown or outside or repeated or len(picked) != context.picks):
            # The title is translated text: made only for a message (every submission gets here).
            continue
        title = question_title(question)
        if unknown:
            errors.append(
                _("%(question)s: okänt värde %(value)s.") % {"question": title, "value": unknown[0]}
            )
        elif outside:
            errors.append(_("%(question)s: ett värde hör inte till frågan.") % {"question": title})
        if repeated:
            errors.append(_("%(question)s: samma värde är valt två gånger.") % {"question": title})
        elif len(picked) != context.picks:
            errors.append(
                _("%(question)s: välj exakt %(n)s värden (nu %(chosen)s).")
                % {"question": title, "n": context.picks, "chosen": len(picked)}
            )
    if set(answers.picks) - {q.pk for q in context.questions}:
        errors.append(_("Svaret innehåller en fråga som inte finns i kartläggningen."))
    if answers.unit_id is not None and answers.unit_id not in context.unit_ids:
        errors.append(_("Okänd enhet."))
    if answers.age_band and answers.age_band not in dict(AGE_BANDS):
        errors.append(_("Okänd åldersgrupp."))
    if answers.tenure_band and answers.tenure_band not in dict(TENURE_BANDS):
        errors.append(_("Okänd anställningstid."))
    if answers.district and answers.district not in context.districts:
        errors.append(_("Okänt område."))
    if len(answers.open_answer) > MAX_OPEN_ANSWER:
        errors.append(
            _("Svaret på den öppna frågan får vara högst %(max)s tecken.")
            % {"max": MAX_OPEN_ANSWER}
        )
    return errors


def question_title(question: Question) -> str:
    if question.kind == "personal":
        return _("Dina personliga värderingar")
    if question.kind == "current":
        return _("Kulturen i %(frame)s i dag") % {"frame": question.get_frame_display()}
    return _("Kulturen du önskar i %(frame)s") % {"frame": question.get_frame_display()}


def encode_picks(context: AnswerContext, answers: Answers) -> bytes:
    rows = [[context.positions[slug] for slug in answers.picks[q.pk]] for q in context.questions]
    return np.asarray(rows, dtype="<u2").tobytes()


def record_response(
    mapping_perspective: MappingPerspective,
    answers: Answers,
    code: InvitationCode | None = None,
    draft: Draft | None = None,
    context: AnswerContext | None = None,
) -> Response:
    """Store one respondent's answers, once.

    A code is spent by a conditional UPDATE inside the same transaction as the insert: the
    database's row lock lets exactly one of any number of simultaneous submissions change it from
    unused to used, and the others roll back. The draft goes in the same transaction, so nothing
    that ties the code to these answers survives the commit. A caller that has validated the
    answers already passes the `AnswerContext` it read, so that it is not read twice."""
    mapping = mapping_perspective.mapping
    if not mapping.is_answerable():
        raise Rejected(_("Kartläggningen är inte öppen för svar."))
    context = context or AnswerContext.of(mapping_perspective)
    errors = answer_errors(mapping_perspective, answers, context)
    if errors:
        raise Rejected(" ".join(errors))
    encoded = encode_picks(context, answers)
    with transaction.atomic():
        if code is not None:
            spent = InvitationCode.objects.filter(
                pk=code.pk, used=False, batch__mapping_perspective=mapping_perspective
            ).update(used=True)
            if spent != 1:
                raise Rejected(_("Koden har redan använts."))
        if draft is not None and draft.pk is not None:
            # Deleting the draft is also the guard against a double click on "Skicka": the
            # second submission of the same draft finds nothing to delete and stores nothing.
            deleted, _kinds = Draft.objects.filter(pk=draft.pk).delete()
            if deleted == 0:
                raise Rejected(_("Svaret är redan skickat."))
        response = Response.objects.create(
            mapping_perspective=mapping_perspective,
            unit_id=answers.unit_id,
            age_band=answers.age_band,
            tenure_band=answers.tenure_band,
            district=answers.district,
            submitted_on=timezone.localdate(),
            picks=encoded,
        )
        if answers.open_answer.strip():
            OpenAnswer.objects.create(
                mapping_perspective=mapping_perspective, text=answers.open_answer.strip()
            )
    return response


def start_draft(mapping_perspective: MappingPerspective, code: InvitationCode | None) -> Draft:
    """A new draft, or the one this code already has (resuming on another day or device)."""
    if code is not None:
        existing = Draft.objects.filter(code=code).first()
        if existing is not None:
            return existing
    answers: dict[str, object] = {}
    if code is not None and code.batch.unit_id is not None:
        answers["unit"] = code.batch.unit_id
    try:
        return Draft.objects.create(
            key=secrets.token_urlsafe(24),
            mapping_perspective=mapping_perspective,
            code=code,
            shuffle_seed=secrets.randbits(62),
            answers=answers,
            started_at=timezone.now(),
        )
    except IntegrityError:
        # Two tabs opened the same code at once: both continue with the one draft.
        return Draft.objects.get(code=code)


def draft_answers(draft: Draft) -> Answers:
    stored = draft.answers
    return Answers(
        picks={int(k): list(v) for k, v in stored.get("picks", {}).items()},
        unit_id=stored.get("unit"),
        age_band=stored.get("age_band", ""),
        tenure_band=stored.get("tenure_band", ""),
        district=stored.get("district", ""),
        open_answer=stored.get("open_answer", ""),
    )
