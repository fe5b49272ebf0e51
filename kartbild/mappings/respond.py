"""The respondent flow: anonymous, mobile first, complete without JavaScript.

A draft is addressed by a random key in the URL rather than a session, so the web tier keeps no
respondent state and a respondent with a code can resume on any device by typing the code again."""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kartbild.mappings import actions, codes, protection
from kartbild.mappings.actions import Rejected
from kartbild.mappings.forms import BackgroundForm, CodeForm
from kartbild.mappings.models import (
    BurstEvent,
    Draft,
    InvitationCode,
    Mapping,
    MappingPerspective,
    Question,
)


def _answer_in_allowed_language(request: HttpRequest, mapping: Mapping) -> None:
    """A mapping that does not allow English is answered in Swedish, whatever language the
    visitor chose before; its pages do not offer the switch (mappings/respond/base_respond.html)."""
    if not mapping.english_enabled:
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE  # type: ignore[attr-defined]


def _closed(request: HttpRequest, mapping: Mapping | None = None) -> HttpResponse:
    return render(request, "mappings/respond/closed.html", {"mapping": mapping}, status=410)


@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    mapping_perspective = get_object_or_404(
        MappingPerspective.objects.select_related("mapping__organisation"), token=token
    )
    mapping = mapping_perspective.mapping
    _answer_in_allowed_language(request, mapping)
    if not mapping.is_answerable() or not mapping_perspective.open_link:
        return _closed(request, mapping)
    error = ""
    if request.method == "POST":
        if not protection.count_and_check(request, protection.START):
            protection.record_link_event(mapping_perspective, BurstEvent.Kind.REFUSED)
            return protection.too_many(request, protection.START)
        if protection.looks_automated(request):
            protection.record_link_event(mapping_perspective, BurstEvent.Kind.REFUSED)
            error = _("Det gick inte att börja svara. Försök igen.")
        else:
            draft = actions.start_draft(mapping_perspective, code=None)
            return redirect("mappings:step", key=draft.key, step=1)
    return render(
        request,
        "mappings/respond/start.html",
        {
            "mapping": mapping,
            "mapping_perspective": mapping_perspective,
            "questions": mapping_perspective.questions.all(),
            "easy": request.GET.get("lattlast") == "1",
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
def enter_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("kod", "")})
    if request.method == "POST" and protection.is_limited(request, protection.CODE_FAILURES):
        return protection.too_many(request, protection.CODE_FAILURES)
    if request.method == "POST" and form.is_valid():
        code = (
            InvitationCode.objects.select_related(
                "batch__mapping_perspective__mapping__organisation"
            )
            .filter(code=codes.normalise(form.cleaned_data["code"]))
            .first()
        )
        if code is None:
            form.add_error(
                "code", _("Koden finns inte. Kontrollera att du har skrivit av den rätt.")
            )
        elif code.used:
            form.add_error(
                "code", _("Koden har redan använts. Varje kod kan bara användas en gång.")
            )
        elif not code.batch.mapping_perspective.mapping.is_answerable():
            form.add_error("code", _("Kartläggningen är inte öppen för svar."))
        else:
            draft = actions.start_draft(code.batch.mapping_perspective, code)
            return redirect("mappings:step", key=draft.key, step=1)
    if request.method == "POST":
        protection.count(request, protection.CODE_FAILURES)
    return render(request, "mappings/respond/code.html", {"form": form})


def _draft(key: str) -> Draft:
    draft = (
        Draft.objects.select_related("mapping_perspective__mapping__catalogue", "code")
        .filter(key=key)
        .first()
    )
    if draft is None:
        raise Http404
    return draft


def _save(draft: Draft, **changes: Any) -> None:
    """Merge changes into the stored answers under a row lock. The same code can be open on two
    devices at once; each saves only what it changed, so neither undoes the other's other steps."""
    with transaction.atomic():
        stored = (
            Draft.objects.select_for_update()
            .filter(pk=draft.pk)
            .values_list("answers", flat=True)
            .first()
        )
        if stored is None:
            # Submitted from another device meanwhile.
            raise Http404
        picks = {**stored.get("picks", {}), **changes.pop("picks", {})}
        draft.answers = {**stored, **changes, "picks": picks}
        draft.save(update_fields=["answers", "updated_on"])


def _has_background(draft: Draft) -> bool:
    return bool(BackgroundForm.for_draft(draft).fields)


@never_cache
def step(request: HttpRequest, key: str, step: int) -> HttpResponse:
    draft = _draft(key)
    mapping_perspective = draft.mapping_perspective
    mapping = mapping_perspective.mapping
    _answer_in_allowed_language(request, mapping)
    if not mapping.is_answerable():
        return _closed(request, mapping)
    questions: list[Question] = list(mapping_perspective.questions.all())
    if not 1 <= step <= len(questions):
        raise Http404
    question = questions[step - 1]
    offered = actions.offered_values(mapping.catalogue, question)
    # The same respondent sees the same order on every visit; the next respondent another order,
    # so that no value gains from standing first.
    random.Random(draft.shuffle_seed * 1009 + question.pk).shuffle(offered)
    picks: dict[str, list[str]] = dict(draft.answers.get("picks", {}))
    chosen = picks.get(str(question.pk), [])
    error = ""
    if request.method == "POST":
        offered_slugs = {v.slug for v in offered}
        posted = request.POST.getlist("value")
        chosen = [slug for slug in dict.fromkeys(posted) if slug in offered_slugs]
        picks[str(question.pk)] = chosen
        _save(draft, picks={str(question.pk): chosen})
        if "back" in request.POST:
            if step > 1:
                return redirect("mappings:step", key=key, step=step - 1)
            return (
                redirect("mappings:start", token=mapping_perspective.token)
                if not draft.code_id
                else redirect("mappings:code")
            )
        if len(posted) != len(chosen):
            error = _("Ett av de valda värdena finns inte i listan. Välj igen.")
        elif len(chosen) != mapping.picks:
            error = _("Välj exakt %(n)s värden. Du har valt %(chosen)s.") % {
                "n": mapping.picks,
                "chosen": len(chosen),
            }
        elif step < len(questions):
            return redirect("mappings:step", key=key, step=step + 1)
        elif _has_background(draft):
            return redirect("mappings:background", key=key)
        else:
            return redirect("mappings:submit", key=key)
    return render(
        request,
        "mappings/respond/question.html",
        {
            "draft": draft,
            "mapping": mapping,
            "question": question,
            "title": actions.question_title(question),
            "offered": offered,
            "chosen": set(chosen),
            "chosen_count": len(chosen),
            "step": step,
            "steps": len(questions) + (1 if _has_background(draft) else 0) + 1,
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
def background(request: HttpRequest, key: str) -> HttpResponse:
    draft = _draft(key)
    mapping = draft.mapping_perspective.mapping
    _answer_in_allowed_language(request, mapping)
    if not mapping.is_answerable():
        return _closed(request, mapping)
    form = BackgroundForm.for_draft(draft, data=request.POST or None)
    questions = draft.mapping_perspective.questions.count()
    if request.method == "POST":
        if "back" in request.POST:
            return redirect("mappings:step", key=key, step=questions)
        if form.is_valid():
            _save(draft, **form.answers())
            return redirect("mappings:submit", key=key)
    return render(
        request,
        "mappings/respond/background.html",
        {
            "draft": draft,
            "mapping": mapping,
            "form": form,
            "step": questions + 1,
            "steps": questions + 2,
        },
        status=400 if form.errors else 200,
    )


def _refusals(request: HttpRequest, draft: Draft) -> list[str]:
    """Why a submission looks automated, in Swedish; nothing is stored when it does. The
    draft stays, so a person who is refused by mistake just sends again."""
    if protection.looks_automated(request):
        message = _("Svaret kunde inte tas emot. Försök igen.")
    elif protection.submitted_too_fast(draft):
        message = _(
            "Svaret skickades snabbare än det går att läsa frågorna. Kontrollera dina svar och "
            "skicka igen."
        )
    else:
        return []
    protection.record_link_event(draft.mapping_perspective, BurstEvent.Kind.REFUSED)
    return [message]


@never_cache
def submit(request: HttpRequest, key: str) -> HttpResponse:
    if request.method == "POST" and not protection.count_and_check(request, protection.SUBMIT):
        return protection.too_many(request, protection.SUBMIT)
    draft = _draft(key)
    mapping_perspective = draft.mapping_perspective
    mapping = mapping_perspective.mapping
    _answer_in_allowed_language(request, mapping)
    if not mapping.is_answerable():
        return _closed(request, mapping)
    answers = actions.draft_answers(draft)
    # Read once: validating here and storing below use the same catalogue, questions and units.
    context = actions.AnswerContext.of(mapping_perspective)
    errors = actions.answer_errors(mapping_perspective, answers, context)
    questions = context.questions
    if request.method == "POST" and "back" in request.POST:
        if _has_background(draft):
            return redirect("mappings:background", key=key)
        return redirect("mappings:step", key=key, step=len(questions))
    if request.method == "POST" and not errors:
        errors = _refusals(request, draft)
    if request.method == "POST" and not errors:
        try:
            actions.record_response(
                mapping_perspective, answers, code=draft.code, draft=draft, context=context
            )
        except Rejected as rejection:
            errors = [rejection.message]
        else:
            if draft.code_id is None:
                protection.record_link_event(mapping_perspective, BurstEvent.Kind.SUBMITTED)
            return redirect("mappings:thanks")
    names = {v.slug: v.name for v in mapping.catalogue.values.all()}
    summary = [
        (actions.question_title(q), i + 1, [names.get(s, s) for s in answers.picks.get(q.pk, [])])
        for i, q in enumerate(questions)
    ]
    return render(
        request,
        "mappings/respond/submit.html",
        {
            "draft": draft,
            "mapping": mapping,
            "summary": summary,
            "errors": errors,
            "steps": len(questions) + (1 if _has_background(draft) else 0) + 1,
        },
        status=400 if errors and request.method == "POST" else 200,
    )


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "mappings/respond/thanks.html", {"lang": translation.get_language()})
