"""Participants in a live session: no account, nothing personal. A participant is a random token
in a signed cookie that lives as long as the browser session; every page is a plain form that
works without JavaScript."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kartbild.mappings import protection
from kartbild.workshops import actions, live
from kartbild.workshops.actions import Rejected
from kartbild.workshops.forms import JoinForm
from kartbild.workshops.models import (
    JOIN_CODE_ALPHABET,
    LiveParticipant,
    Statement,
    Step,
    WorkshopSession,
)

COOKIE_SALT = "kartbild.workshops.participant"
# A participant's page reloads itself this often while it waits for the facilitator, without
# JavaScript; with it, a small script asks every few seconds whether anything changed.
WAIT_REFRESH_SECONDS = 10
# How often a phone's script asks whether the room moved on (milliseconds): often while it
# waits, seldom while a statement or a form is in front of it (answering it moves on anyway).
# 200 phones at these rates are 50 and 20 small requests a second (docs/benchmarks.md).
POLL_WAITING_MS = 4000
POLL_BUSY_MS = 10000

# Per client address (mappings/protection.py keeps the counters, keyed by an HMAC of the
# address). A room of 200 behind one office address joins well within these; a script that
# joins again and again to get around the per-participant limits does not.
JOIN = protection.Limit("workshop-join", 300, 600)
# What a whole room proposes in ten minutes is a few dozen statements at most.
PROPOSE = protection.Limit("workshop-propose", 100, 600)


def cookie_name(session: WorkshopSession) -> str:
    return f"kartbild-dialog-{session.pk}"


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _session(code: str) -> WorkshopSession | None:
    code = normalise_code(code)
    if not code or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        return None
    return WorkshopSession.objects.select_related("workshop").filter(join_code=code).first()


def _participant(request: HttpRequest, session: WorkshopSession) -> LiveParticipant | None:
    try:
        token = request.get_signed_cookie(cookie_name(session), salt=COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return None
    participant = LiveParticipant.objects.filter(session=session, token=token).first()
    if participant is not None:
        participant.session = session
    return participant


def _unknown(request: HttpRequest, code: str) -> HttpResponse:
    protection.count(request, protection.CODE_FAILURES)
    form = JoinForm({"code": code[:20]})
    form.is_valid()
    form.add_error(
        "code", _("Vi hittar ingen workshop med den koden. Kontrollera koden på skärmen.")
    )
    return render(request, "workshops/participate/enter.html", {"form": form}, status=404)


@never_cache
def enter(request: HttpRequest) -> HttpResponse:
    """Type the code from the projector."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("kod", "")})
    if request.method == "POST":
        if protection.is_limited(request, protection.CODE_FAILURES):
            return protection.too_many(request, protection.CODE_FAILURES)
        if form.is_valid():
            session = _session(form.cleaned_data["code"])
            if session is None:
                return _unknown(request, form.cleaned_data["code"])
            return redirect("workshops:room", code=session.join_code)
    return render(
        request,
        "workshops/participate/enter.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _closed(request: HttpRequest, session: WorkshopSession) -> HttpResponse:
    return render(request, "workshops/participate/closed.html", {"session": session}, status=410)


@never_cache
def room(request: HttpRequest, code: str) -> HttpResponse:
    """The participant's page: joins on the first POST, then shows what the room is doing."""
    session = _session(code)
    if session is None:
        # Only guesses are limited: someone with the right code has nothing left to guess.
        if protection.is_limited(request, protection.CODE_FAILURES):
            return protection.too_many(request, protection.CODE_FAILURES)
        return _unknown(request, code)
    if session.join_code != code:
        return redirect("workshops:room", code=session.join_code)
    if not session.is_live:
        return _closed(request, session)
    participant = _participant(request, session)
    if participant is None:
        if request.method == "POST" and request.POST.get("do") == "join":
            if not protection.count_and_check(request, JOIN):
                return protection.too_many(request, JOIN)
            participant = actions.join(session)
            response = redirect("workshops:room", code=code)
            response.set_signed_cookie(
                cookie_name(session),
                participant.token,
                salt=COOKIE_SALT,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
        return render(request, "workshops/participate/join.html", {"session": session})

    error, kept, status = "", "", 200
    if request.method == "POST":
        try:
            notice = _act(request, participant)
        except Rejected as rejection:
            error, status = rejection.message, 400
            kept = request.POST.get("text", "")
        else:
            if notice:
                messages.success(request, notice)
            if request.POST.get("do") != "vote":
                return redirect("workshops:room", code=code)
            # A vote answers with the next statement at once rather than a redirect: one
            # request per tap instead of two, which is what 200 phones at once cost. Sending
            # the form again (a reload) repeats the same vote, which changes nothing.
    at = live.position(participant)
    statement = at.statement if session.step == Step.STATEMENTS else None
    waiting = session.step not in (Step.STATEMENTS, Step.REFLECTION, Step.WORD_CLOUD) or (
        session.step == Step.STATEMENTS and statement is None
    )
    if session.step == Step.WORD_CLOUD and participant.gave_word:
        waiting = True
    return render(
        request,
        "workshops/participate/room.html",
        {
            "session": session,
            "participant": participant,
            "statement": statement,
            "voted": at.voted,
            "error": error,
            "kept": kept,
            "waiting": waiting and not error,
            "refresh": WAIT_REFRESH_SECONDS,
            "poll_waiting": POLL_WAITING_MS,
            "poll_busy": POLL_BUSY_MS,
            "max_statement": actions.STATEMENT_MAX_LENGTH,
            "max_reflection": actions.REFLECTION_MAX_LENGTH,
            "version": _version(session, at.shown),
        },
        status=status,
    )


def _act(request: HttpRequest, participant: LiveParticipant) -> str:
    """A participant's form; returns a confirmation to show, raises Rejected with the reason."""
    command = request.POST.get("do", "")
    if command == "vote":
        statement = request.POST.get("statement", "")
        choice = request.POST.get("choice", "")
        if not statement.isdigit() or choice not in ("1", "0", "-1"):
            raise Rejected(_("Välj håller med, håller inte med eller pass."))
        actions.vote(participant, int(statement), int(choice))
        return ""
    if command == "propose":
        if not protection.count_and_check(request, PROPOSE):
            raise Rejected(
                _(
                    "Många förslag har kommit på kort tid. Vänta några minuter och försök "
                    "igen; ditt förslag finns kvar i rutan."
                )
            )
        actions.propose_statement(participant, request.POST.get("text", ""))
        return _("Tack! Ditt påstående visas när samtalsledaren har godkänt det.")
    if command == "reflect":
        actions.reflect(participant, request.POST.get("text", ""))
        return _("Tack för din reflektion.")
    if command == "word":
        actions.give_word(participant, request.POST.get("text", ""))
        return _("Tack för ditt ord.")
    if command == "join":
        return ""
    raise Rejected(_("Okänt val. Försök igen."))


def _version(session: WorkshopSession, shown: Iterable[int] | None = None) -> str:
    """Changes when a participant's page would show something else: the step, or the set of
    statements that can be voted on (`shown`, their ids in order, when already read)."""
    if shown is None:
        shown = session.statements.filter(status=Statement.Status.SHOWN).values_list(
            "pk", flat=True
        )
    return f"{session.status}:{session.step}:{','.join(str(pk) for pk in shown)}"


@never_cache
def state(request: HttpRequest, code: str) -> JsonResponse:
    """For the participant page's script: reload when this changes."""
    session = _session(code)
    if session is None:
        return JsonResponse({"version": "unknown"}, status=404)
    return JsonResponse({"version": _version(session)})
