"""Planning workshops: series, sessions, invitations, attendance and coverage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Membership, Role
from kartbild.organisations.tree import UnitTree
from kartbild.workshops import actions
from kartbild.workshops.actions import Rejected
from kartbild.workshops.forms import InviteForm, SessionForm, WorkshopForm
from kartbild.workshops.models import Workshop, WorkshopSession


def access_workshop(
    request: HttpRequest, org: str, workshop_id: int, *roles: Role
) -> tuple[Membership, Workshop]:
    """A workshop series of the user's organisation: 404 for another organisation's, 403 for a
    role that may not."""
    membership = access_membership(request, org, *roles)
    workshop = get_object_or_404(
        Workshop.objects.select_related("organisation", "mapping"),
        pk=workshop_id,
        organisation=membership.organisation,
    )
    return membership, workshop


def access_session(
    request: HttpRequest, org: str, session_id: int
) -> tuple[Membership, WorkshopSession]:
    """A session the user may run: any session for an organisation admin, and for a
    facilitator only the sessions they lead (403 for the others). Another organisation's
    session is 404; other roles are 403."""
    membership = access_membership(request, org, Role.ADMIN, Role.FACILITATOR)
    session = get_object_or_404(
        WorkshopSession.objects.select_related(
            "workshop__organisation", "workshop__mapping__catalogue"
        ),
        pk=session_id,
        workshop__organisation=membership.organisation,
    )
    if (
        membership.role != Role.ADMIN
        and not session.facilitators.filter(pk=membership.user_id).exists()
    ):
        raise PermissionDenied
    return membership, session


@login_required
def index(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN, Role.FACILITATOR)
    organisation = membership.organisation
    if membership.can_manage:
        workshops = Workshop.objects.filter(organisation=organisation).prefetch_related("sessions")
        sessions = WorkshopSession.objects.none()
    else:
        workshops = Workshop.objects.none()
        sessions = WorkshopSession.objects.for_user(request.user).filter(
            workshop__organisation=organisation
        )
    return render(
        request,
        "workshops/index.html",
        {
            "organisation": organisation,
            "membership": membership,
            "workshops": workshops,
            "sessions": sessions.select_related("workshop"),
        },
    )


@login_required
def create(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = WorkshopForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        workshop = form.save(commit=False)
        workshop.organisation = organisation
        workshop.save()
        messages.success(request, _("Workshopserien är skapad. Planera nu dess tillfällen."))
        return redirect("workshops:detail", org=org, workshop_id=workshop.pk)
    return render(request, "workshops/create.html", {"organisation": organisation, "form": form})


@login_required
def detail(request: HttpRequest, org: str, workshop_id: int) -> HttpResponse:
    membership, workshop = access_workshop(request, org, workshop_id, Role.ADMIN)
    organisation = membership.organisation
    form = SessionForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.plan_session(
                workshop,
                on=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"],
                facilitators=data["facilitators"],
            )
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            messages.success(request, _("Tillfället är planerat."))
            return redirect("workshops:detail", org=org, workshop_id=workshop.pk)
    sessions = workshop.sessions.prefetch_related("facilitators", "invitations")
    return render(
        request,
        "workshops/detail.html",
        {
            "organisation": organisation,
            "workshop": workshop,
            "sessions": sessions,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def session_detail(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    membership, session = access_session(request, org, session_id)
    tree = UnitTree.of(membership.organisation)
    form = InviteForm(request.POST or None, tree=tree)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite(
                session,
                form.cleaned_data["name"],
                form.cleaned_data["email"],
                tree.units[form.cleaned_data["unit"]],
            )
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            messages.success(request, _("Deltagaren är inbjuden."))
            return redirect("workshops:session", org=org, session_id=session.pk)
    invitations = [
        (invitation, tree.label(invitation.attendee.unit_id))
        for invitation in session.invitations.select_related("attendee")
    ]
    return render(
        request,
        "workshops/session.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "session": session,
            "workshop": session.workshop,
            "facilitators": session.facilitators.all(),
            "invitations": invitations,
            "attended": sum(1 for invitation, _label in invitations if invitation.attended),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def attendance(request: HttpRequest, org: str, session_id: int) -> HttpResponse:
    _membership, session = access_session(request, org, session_id)
    ids = [int(value) for value in request.POST.getlist("attended") if value.isdigit()]
    count = actions.record_attendance(session, ids)
    messages.success(request, _("Närvaron är sparad: %(count)s närvarade.") % {"count": count})
    return redirect("workshops:session", org=org, session_id=session.pk)


@login_required
def coverage(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    return render(
        request,
        "workshops/coverage.html",
        {
            "organisation": membership.organisation,
            "rows": actions.coverage(membership.organisation),
        },
    )


@login_required
@never_cache
def attendance_csv(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    response = HttpResponse(
        actions.attendance_csv(membership.organisation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"narvaro-{membership.organisation.slug}.csv"
    )
    return response
