"""The respondent flow of a follow-up round: anonymous, on a phone, complete without JavaScript.

The same access model as mappings: an open link, single-use invitation codes, and paper answers
(imported by the admin). The same protection too (mappings/protection.py): rate limits per
client, a honeypot field and a minimum time from starting to submitting. An answer under way is
a draft addressed by a random key in the URL; it is deleted when the answer is stored."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kartbild.followups import actions
from kartbild.followups.actions import Answers, Rejected
from kartbild.followups.forms import AnswerForm
from kartbild.followups.models import FollowUp, FollowUpCode, FollowUpDraft
from kartbild.mappings import codes, protection
from kartbild.mappings.forms import CodeForm


def _posted(request: HttpRequest) -> QueryDict | None:
    """The posted form, even an empty one (an empty form is a bound form with errors)."""
    return request.POST if request.method == "POST" else None


def _closed(request: HttpRequest, follow_up: FollowUp | None = None) -> HttpResponse:
    return render(request, "followups/respond/closed.html", {"follow_up": follow_up}, status=410)


@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp.objects.select_related("organisation"), token=token)
    if not follow_up.is_answerable() or not follow_up.open_link:
        return _closed(request, follow_up)
    error = ""
    if request.method == "POST":
        if not protection.count_and_check(request, protection.START):
            return protection.too_many(request, protection.START)
        if protection.looks_automated(request):
            error = _("Det gick inte att börja svara. Försök igen.")
        else:
            draft = actions.start_draft(follow_up, code=None)
            return redirect("followups:answer", key=draft.key)
    return render(
        request,
        "followups/respond/start.html",
        {
            "follow_up": follow_up,
            "statements": follow_up.asked_statements().count(),
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
def enter_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(_posted(request), initial={"code": request.GET.get("kod", "")})
    if request.method == "POST" and protection.is_limited(request, protection.CODE_FAILURES):
        return protection.too_many(request, protection.CODE_FAILURES)
    if request.method == "POST" and form.is_valid():
        code = (
            FollowUpCode.objects.select_related("batch__follow_up")
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
        elif not code.batch.follow_up.is_answerable():
            form.add_error("code", _("Uppföljningen är inte öppen för svar."))
        else:
            draft = actions.start_draft(code.batch.follow_up, code)
            return redirect("followups:answer", key=draft.key)
    if request.method == "POST":
        protection.count(request, protection.CODE_FAILURES)
    return render(
        request,
        "followups/respond/code.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _too_fast(draft: FollowUpDraft) -> bool:
    """Submitted sooner after starting than a person can read the statements."""
    minimum = settings.RESPONSE_MIN_SECONDS
    if not minimum or draft.started_at is None:
        return False
    return timezone.now() - draft.started_at < timedelta(seconds=minimum)


@never_cache
def answer(request: HttpRequest, key: str) -> HttpResponse:
    if request.method == "POST" and not protection.count_and_check(request, protection.SUBMIT):
        return protection.too_many(request, protection.SUBMIT)
    draft = (
        FollowUpDraft.objects.select_related("follow_up__organisation", "code__batch")
        .filter(key=key)
        .first()
    )
    if draft is None:
        raise Http404
    follow_up = draft.follow_up
    if not follow_up.is_answerable():
        return _closed(request, follow_up)
    statements = list(follow_up.asked_statements().select_related("core_value"))
    code_unit = draft.code.batch.unit_id if draft.code is not None else None
    form = AnswerForm(
        _posted(request),
        statements=statements,
        organisation=follow_up.organisation,
        ask_unit=code_unit is None,
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        answers = Answers(form.codes(), form.cleaned_data.get("unit"))
        errors = actions.answer_errors(follow_up, answers)
        if not errors and protection.looks_automated(request):
            errors = [_("Svaret kunde inte tas emot. Försök igen.")]
        elif not errors and _too_fast(draft):
            errors = [
                _(
                    "Svaret skickades snabbare än det går att läsa påståendena. Kontrollera "
                    "dina svar och skicka igen."
                )
            ]
        if not errors:
            try:
                actions.record_response(follow_up, answers, draft=draft)
            except Rejected as rejection:
                errors = [rejection.message]
            else:
                return redirect("followups:thanks")
    elif request.method == "POST":
        errors = [_("Något i formuläret gick inte att läsa. Kontrollera dina svar.")]
    groups: list[tuple[str, list[object]]] = []
    for statement, field in zip(statements, form.statement_fields(), strict=True):
        if not groups or groups[-1][0] != statement.core_value.name:
            groups.append((statement.core_value.name, []))
        groups[-1][1].append(field)
    return render(
        request,
        "followups/respond/answer.html",
        {
            "follow_up": follow_up,
            "form": form,
            "groups": groups,
            "errors": errors,
            "unit_field": form["unit"] if "unit" in form.fields else None,
        },
        status=400 if errors else 200,
    )


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "followups/respond/thanks.html")
