"""Running a live session: the facilitator's console, the projector view, the summary and its
actions. The console and projector poll an HTML fragment (static/workshops/poll.js); without
JavaScript their pages refresh themselves more slowly."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kartbild.analysis.gate import AnonymityPolicy
from kartbild.mappings.letters import QR_ERROR
from kartbild.workshops import actions, live
from kartbild.workshops.actions import Rejected
from kartbild.workshops.forms import ActionForm, StatementForm, action_values
from kartbild.workshops.models import Statement, Step, WorkshopSession
from kartbild.workshops.views import access_session

# Without JavaScript the projector and console reload themselves this often; with it, they poll
# their fragments (every 0.5 s and 2 s, see the data-interval attributes of their templates).
PROJECTOR_REFRESH_SECONDS = 5
CONSOLE_REFRESH_SECONDS = 10


def join_link(session: WorkshopSession) -> str:
    return settings.SITE_URL + reverse("workshops:room", args=[session.join_code])


def join_qr(session: WorkshopSession) -> str:
    """The join link as an SVG data URI; big enough to scan from the back of a room."""
    return str(segno.make(join_link(session), error=QR_ERROR, micro=False).svg_data_uri(scale=8))


def _projector_context(session: WorkshopSession) -> dict[str, Any]:
    context: dict[str, Any] = {
        "session": session,
        "activity": live.activity(session),
        "steps": Step,
    }
    if session.step == Step.KARTBILD:
        slides = live.kartbild_slides(session)
        context["slide"] = slides[min(session.slide, len(slides) - 1)] if slides else None
        context["slide_count"] = len(slides)
    elif session.step == Step.STATEMENTS:
        context["statements"] = session.statements.filter(status=Statement.Status.SHOWN)
    elif session.step == Step.REFLECTION:
        context["reflections"] = live.reflections(session)
    elif session.step == Step.WORD_CLOUD:
        context["cloud"] = live.word_cloud(session)
    elif session.step == Step.OPINION_GROUPS:
        context["picture"] = live.opinion_picture(session)
    return context


@login_required
@never_cache
def console(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    form = StatementForm()
    status = 200
    if request.method == "POST":
        handled = _control(request, session)
        if isinstance(handled, StatementForm):
            form, status = handled, 400
        else:
            return redirect("workshops:console", org=org, session_id=session.pk)
    slides = live.kartbild_slides(session) if session.workshop.mapping_id else []
    return render(
        request,
        "workshops/live/console.html",
        {
            "organisation": session.workshop.organisation,
            "session": session,
            "workshop": session.workshop,
            "steps": Step.choices,
            "slide_count": len(slides),
            "form": form,
            "generated": live.generate_statements(session) if session.is_live else [],
            "join_link": join_link(session) if session.join_code else "",
            "qr": join_qr(session) if session.is_live else "",
            "refresh": CONSOLE_REFRESH_SECONDS,
            **_console_fragment_context(session),
        },
        status=status,
    )


def _console_fragment_context(session: WorkshopSession) -> dict[str, Any]:
    return {
        "activity": live.activity(session),
        "pending": session.statements.filter(status=Statement.Status.PENDING),
        "shown": session.statements.filter(status=Statement.Status.SHOWN),
        "hidden": session.statements.filter(status=Statement.Status.HIDDEN),
    }


def _control(request: HttpRequest, session: WorkshopSession) -> StatementForm | None:
    """One of the console's buttons; returns the statement form when it has errors."""
    command = request.POST.get("do", "")
    try:
        if command == "open":
            actions.open_session(session)
        elif command == "step":
            actions.set_step(session, request.POST.get("step", ""))
        elif command in ("next-slide", "previous-slide"):
            slides = len(live.kartbild_slides(session))
            change = 1 if command == "next-slide" else -1
            session.slide = max(0, min(slides - 1, session.slide + change))
            session.save(update_fields=["slide"])
        elif command == "add":
            form = StatementForm(request.POST)
            if not form.is_valid():
                return form
            try:
                actions.add_statement(session, form.cleaned_data["text"])
            except Rejected as rejection:
                form.add_error("text", rejection.message)
                return form
        elif command == "generate":
            chosen = set(request.POST.getlist("generated"))
            for item in live.generate_statements(session):
                if item.text in chosen:
                    actions.add_statement(session, item.text, Statement.Origin.KARTBILD, item.value)
        elif command in ("show", "hide"):
            statement = session.statements.filter(
                pk=_integer(request.POST.get("statement"))
            ).first()
            if statement is None:
                raise Rejected(_("Påståendet finns inte längre."))
            actions.moderate(
                statement, Statement.Status.SHOWN if command == "show" else Statement.Status.HIDDEN
            )
        elif command == "end":
            actions.end_session(session)
            return None
        else:
            raise Rejected(_("Okänt kommando."))
    except Rejected as rejection:
        messages.error(request, rejection.message)
    return None


def _integer(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


@login_required
@never_cache
def console_fragment(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    return render(
        request,
        "workshops/live/console_fragment.html",
        {
            "organisation": session.workshop.organisation,
            "session": session,
            **_console_fragment_context(session),
        },
    )


@login_required
@never_cache
def projector(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    return render(
        request,
        "workshops/live/projector.html",
        {
            "organisation": session.workshop.organisation,
            "join_link": join_link(session) if session.join_code else "",
            # Without the scheme: shorter to read off a wall, and phones add it themselves.
            "join_address": settings.SITE_URL.split("://", 1)[-1] + reverse("workshops:enter"),
            "qr": join_qr(session) if session.is_live else "",
            "refresh": PROJECTOR_REFRESH_SECONDS,
            **_projector_context(session),
        },
    )


@login_required
@never_cache
def projector_fragment(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    return render(request, "workshops/live/projector_fragment.html", _projector_context(session))


def _summary_context(session: WorkshopSession) -> dict[str, Any]:
    return {
        "organisation": session.workshop.organisation,
        "session": session,
        "workshop": session.workshop,
        "activity": live.activity(session),
        "results": live.statement_results(session),
        "picture": live.opinion_picture(session),
        "reflections": live.reflections(session),
        "cloud": live.word_cloud(session),
        "actions": session.actions.prefetch_related("values"),
        "min_group": AnonymityPolicy().min_group,
    }


@login_required
@never_cache
def summary(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    form = ActionForm(request.POST or None, values=action_values(session.workshop))
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        action.organisation = session.workshop.organisation
        action.session = session
        action.save()
        form.save_m2m()
        messages.success(request, _("Åtgärden är sparad."))
        return redirect("workshops:summary", org=org, session_id=session.pk)
    return render(
        request,
        "workshops/live/summary.html",
        {**_summary_context(session), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def summary_pdf(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    # Imported here: WeasyPrint loads Pango and fonts, which only PDF downloads need.
    from weasyprint import HTML

    html = render_to_string(
        "workshops/live/summary_pdf.html", _summary_context(session), request=request
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"sammanfattning-{session.date:%Y-%m-%d}-{session.pk}.pdf"
    )
    return response


@login_required
@require_POST
def action_status(request: HttpRequest, org: str, session_id: int, action_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    action = session.actions.filter(pk=action_id).first()
    status = request.POST.get("status", "")
    if action is not None and status in action.Status.values:
        action.status = status
        action.save(update_fields=["status"])
    return redirect("workshops:summary", org=org, session_id=session.pk)
