"""The respondent flow: anonymous, mobile first, complete without JavaScript.

A draft is addressed by a random key in the URL rather than a session, so the web tier keeps no
respondent state and a respondent with a code can resume on any device by typing the code again."""

from __future__ import annotations

import random

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kartbild.mappings import actions, codes
from kartbild.mappings.actions import Rejected
from kartbild.mappings.forms import BackgroundForm, CodeForm
from kartbild.mappings.models import Draft, InvitationCode, Mapping, MappingPerspective, Question


def _closed(request: HttpRequest, mapping: Mapping | None = None) -> HttpResponse:
    return render(request, "mappings/respond/closed.html", {"mapping": mapping}, status=410)


@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    mapping_perspective = get_object_or_404(
        MappingPerspective.objects.select_related("mapping__organisation"), token=token
    )
    mapping = mapping_perspective.mapping
    if not mapping.is_answerable() or not mapping_perspective.open_link:
        return _closed(request, mapping)
    if request.method == "POST":
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
        },
    )


@never_cache
def enter_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("kod", "")})
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


def _save(draft: Draft, **changes: object) -> None:
    draft.answers = {**draft.answers, **changes}
    draft.save(update_fields=["answers", "updated_on"])


def _has_background(draft: Draft) -> bool:
    return bool(BackgroundForm.for_draft(draft).fields)


@never_cache
def step(request: HttpRequest, key: str, step: int) -> HttpResponse:
    draft = _draft(key)
    mapping_perspective = draft.mapping_perspective
    mapping = mapping_perspective.mapping
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
        _save(draft, picks=picks)
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


@never_cache
def submit(request: HttpRequest, key: str) -> HttpResponse:
    draft = _draft(key)
    mapping_perspective = draft.mapping_perspective
    mapping = mapping_perspective.mapping
    if not mapping.is_answerable():
        return _closed(request, mapping)
    answers = actions.draft_answers(draft)
    errors = actions.answer_errors(mapping_perspective, answers)
    questions = list(mapping_perspective.questions.all())
    if request.method == "POST" and "back" in request.POST:
        if _has_background(draft):
            return redirect("mappings:background", key=key)
        return redirect("mappings:step", key=key, step=len(questions))
    if request.method == "POST" and not errors:
        try:
            actions.record_response(mapping_perspective, answers, code=draft.code, draft=draft)
        except Rejected as rejection:
            errors = [rejection.message]
        else:
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
