"""Steering pages: the goal tree, indicators, actions, the follow-up view and the compass.

Who (README.md): every role of the organisation reads goals, indicators and actions; only the
admin changes them. The follow-up view and the compass show the organisation-wide kartbild, so
they are for the roles that see it (admin, analyst, facilitator), as in kartbild.reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kartbild.accounts import audit
from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Membership, Role
from kartbild.followups import results
from kartbild.followups.models import FollowUp
from kartbild.followups.results import FollowUpReport
from kartbild.steering import actions, compass
from kartbild.steering.charts import trend_chart
from kartbild.steering.forms import (
    ActionForm,
    GoalForm,
    ImportForm,
    IndicatorForm,
    ValueForm,
    action_initial,
    goal_initial,
)
from kartbild.steering.models import Goal, Indicator, Level
from kartbild.workshops import actions as workshop_actions
from kartbild.workshops.actions import Rejected
from kartbild.workshops.models import Action

READERS = (Role.ADMIN, Role.ANALYST, Role.UNIT_MANAGER, Role.FACILITATOR)
EDITORS = (Role.ADMIN,)
# The roles that see the organisation-wide kartbild (kartbild/reports: overview).
PICTURE_READERS = (Role.ADMIN, Role.ANALYST, Role.FACILITATOR)


def access_goal(
    request: HttpRequest, org: str, goal_id: int, *roles: Role
) -> tuple[Membership, Goal]:
    """A goal of the user's organisation: 404 for another organisation's, 403 for a role that
    may not."""
    membership = access_membership(request, org, *roles)
    goal = get_object_or_404(
        Goal.objects.select_related("organisation", "parent"),
        pk=goal_id,
        organisation=membership.organisation,
    )
    return membership, goal


def access_indicator(
    request: HttpRequest, org: str, indicator_id: int, *roles: Role
) -> tuple[Membership, Indicator]:
    """An indicator of one of the organisation's goals: 404 for another organisation's."""
    membership = access_membership(request, org, *roles)
    indicator = get_object_or_404(
        Indicator.objects.select_related("goal__organisation"),
        pk=indicator_id,
        goal__organisation=membership.organisation,
    )
    return membership, indicator


def access_action(
    request: HttpRequest, org: str, action_id: int, *roles: Role
) -> tuple[Membership, Action]:
    """An action of the user's organisation: 404 for another organisation's."""
    membership = access_membership(request, org, *roles)
    action = get_object_or_404(
        Action.objects.select_related("organisation"),
        pk=action_id,
        organisation=membership.organisation,
    )
    return membership, action


def _posted(request: HttpRequest) -> Any:
    """The posted data, also when empty: an empty form is answered with what is missing."""
    return request.POST if request.method == "POST" else None


def _page(
    request: HttpRequest,
    template: str,
    membership: Membership,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "organisation": membership.organisation,
            "membership": membership,
            "can_edit": membership.role in EDITORS,
            **context,
        },
        status=status,
    )


# -- the goal tree ---------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, *READERS)
    return _page(
        request,
        "steering/index.html",
        membership,
        nodes=actions.goal_forest(membership.organisation),
    )


@login_required
def goal_add(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, *EDITORS)
    organisation = membership.organisation
    initial: dict[str, Any] = {}
    parent_id = request.GET.get("under", "")
    if parent_id.isdigit():
        parent = Goal.objects.of(organisation).filter(pk=int(parent_id)).first()
        if parent is not None:
            initial = {"parent": parent.pk, "level": _level_below(parent.level)}
    form = GoalForm(_posted(request), organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goal = actions.save_goal(organisation, None, **form.cleaned_data)
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            messages.success(request, _("Målet är sparat."))
            return redirect("steering:goal", org=org, goal_id=goal.pk)
    return _page(
        request,
        "steering/goal_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        goal=None,
    )


def _level_below(level: str) -> str:
    levels = list(Level.values)
    return levels[min(levels.index(level) + 1, len(levels) - 1)]


@login_required
def goal_detail(request: HttpRequest, org: str, goal_id: int) -> HttpResponse:
    membership, goal = access_goal(request, org, goal_id, *READERS)
    return _page(
        request,
        "steering/goal.html",
        membership,
        goal=goal,
        children=goal.children.all(),
        indicators=[
            compass.IndicatorRow(indicator, tuple(indicator.values.all()), ())
            for indicator in goal.indicators.prefetch_related("values")
        ],
        actions=goal.actions.all(),
        core_values=goal.core_values.select_related("framework"),
    )


@login_required
def goal_edit(request: HttpRequest, org: str, goal_id: int) -> HttpResponse:
    membership, goal = access_goal(request, org, goal_id, *EDITORS)
    organisation = membership.organisation
    form = GoalForm(
        _posted(request), organisation=organisation, goal=goal, initial=goal_initial(goal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_goal(organisation, goal, **form.cleaned_data)
        except Rejected as rejection:
            form.add_error(None, rejection.message)
            goal.refresh_from_db()
        else:
            messages.success(request, _("Målet är sparat."))
            return redirect("steering:goal", org=org, goal_id=goal.pk)
    return _page(
        request,
        "steering/goal_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        goal=goal,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_delete(request: HttpRequest, org: str, goal_id: int) -> HttpResponse:
    membership, goal = access_goal(request, org, goal_id, *EDITORS)
    error = ""
    if request.method == "POST":
        try:
            actions.delete_goal(goal)
        except Rejected as rejection:
            error = rejection.message
        else:
            messages.success(request, _("Målet är borttaget."))
            return redirect("steering:index", org=org)
    return _page(
        request,
        "steering/goal_delete.html",
        membership,
        status=400 if error else 200,
        goal=goal,
        error=error,
        indicator_count=goal.indicators.count(),
        child_count=goal.children.count(),
    )


# -- indicators ------------------------------------------------------------------------------------


@login_required
def indicator_add(request: HttpRequest, org: str, goal_id: int) -> HttpResponse:
    membership, goal = access_goal(request, org, goal_id, *EDITORS)
    form = IndicatorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        indicator = form.save(commit=False)
        indicator.goal = goal
        indicator.save()
        messages.success(request, _("Indikatorn är sparad. Lägg nu in dess värden."))
        return redirect("steering:indicator", org=org, indicator_id=indicator.pk)
    return _page(
        request,
        "steering/indicator_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        goal=goal,
        indicator=None,
    )


@login_required
def indicator_edit(request: HttpRequest, org: str, indicator_id: int) -> HttpResponse:
    membership, indicator = access_indicator(request, org, indicator_id, *EDITORS)
    form = IndicatorForm(_posted(request), instance=indicator)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Indikatorn är sparad."))
        return redirect("steering:indicator", org=org, indicator_id=indicator.pk)
    return _page(
        request,
        "steering/indicator_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        goal=indicator.goal,
        indicator=indicator,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_delete(request: HttpRequest, org: str, indicator_id: int) -> HttpResponse:
    membership, indicator = access_indicator(request, org, indicator_id, *EDITORS)
    if request.method == "POST":
        goal_id = indicator.goal_id
        indicator.delete()
        messages.success(request, _("Indikatorn är borttagen."))
        return redirect("steering:goal", org=org, goal_id=goal_id)
    return _page(
        request,
        "steering/indicator_delete.html",
        membership,
        indicator=indicator,
        value_count=indicator.values.count(),
    )


@login_required
def indicator_detail(request: HttpRequest, org: str, indicator_id: int) -> HttpResponse:
    """An indicator: its trend as a chart and a table, and (for the admin) the three ways to add
    values, each its own form on the page: by hand, from a file, from Kolada."""
    membership, indicator = access_indicator(
        request,
        org,
        indicator_id,
        *(EDITORS if request.method == "POST" else READERS),
    )
    posted = request.POST.get("form", "value") if request.method == "POST" else ""
    value_form = ValueForm(request.POST if posted == "value" else None, prefix="value")
    import_form = ImportForm(
        request.POST if posted == "import" else None,
        request.FILES if posted == "import" else None,
        prefix="import",
    )
    import_errors: list[str] = []
    kolada_error = ""
    if posted == "value" and value_form.is_valid():
        data = value_form.cleaned_data
        try:
            actions.record_value(indicator, data["year"], data["value"], data["period"])
        except Rejected as rejection:
            value_form.add_error("value", rejection.message)
        else:
            messages.success(request, _("Värdet är sparat."))
            return redirect("steering:indicator", org=org, indicator_id=indicator.pk)
    elif posted == "import" and import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        try:
            count = actions.import_values(indicator, upload.name or "", upload.read())
        except actions.ImportRejected as rejection:
            import_errors = rejection.errors
        else:
            messages.success(request, _("%(count)s värden är importerade.") % {"count": count})
            return redirect("steering:indicator", org=org, indicator_id=indicator.pk)
    elif posted == "kolada":
        try:
            count = actions.fetch_from_kolada(indicator)
        except Rejected as rejection:
            kolada_error = rejection.message
        else:
            messages.success(
                request, _("%(count)s värden är hämtade från Kolada.") % {"count": count}
            )
            return redirect("steering:indicator", org=org, indicator_id=indicator.pk)
    values = list(indicator.values.all())
    chart = trend_chart(indicator, values) if values else None
    failed = bool(value_form.errors or import_form.errors or import_errors or kolada_error)
    return _page(
        request,
        "steering/indicator.html",
        membership,
        status=400 if failed else 200,
        indicator=indicator,
        values=values,
        chart=chart,
        trend_svg=mark_safe(chart.inline("trend")) if chart else "",  # noqa: S308 (our SVG)
        value_form=value_form,
        import_form=import_form,
        import_errors=import_errors,
        kolada_error=kolada_error,
        actions=indicator.actions.all(),
    )


# -- actions ---------------------------------------------------------------------------------------

ACTION_FILTERS = {
    "open": gettext_lazy("Ej klara"),
    "overdue": gettext_lazy("Försenade"),
    "done": gettext_lazy("Klara"),
    "all": gettext_lazy("Alla"),
}


@login_required
def action_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, *READERS)
    shown = request.GET.get("visa", "open")
    if shown not in ACTION_FILTERS:
        shown = "open"
    found = Action.objects.filter(organisation=membership.organisation)
    today = timezone.localdate()
    if shown == "open":
        found = found.unfinished()
    elif shown == "overdue":
        found = found.overdue(today)
    elif shown == "done":
        found = found.filter(status=Action.Status.DONE)
    return _page(
        request,
        "steering/actions.html",
        membership,
        actions=found.select_related(
            "goal", "indicator", "follow_up", "mapping", "session__workshop"
        ).prefetch_related("core_values", "values"),
        shown=shown,
        filters=[(key, str(label)) for key, label in ACTION_FILTERS.items()],
        today=today,
    )


@login_required
def action_add(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, *EDITORS)
    organisation = membership.organisation
    initial: dict[str, Any] = {
        key: request.GET[key]
        for key in ("goal", "indicator", "follow_up", "mapping")
        if request.GET.get(key, "").isdigit()
    }
    if request.GET.get("core_value", "").isdigit():
        initial["core_values"] = [request.GET["core_value"]]
    form = ActionForm(_posted(request), organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workshop_actions.save_action(organisation, None, **form.cleaned_data)
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            messages.success(request, _("Åtgärden är sparad."))
            return redirect("steering:actions", org=org)
    return _page(
        request,
        "steering/action_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        action=None,
    )


@login_required
def action_edit(request: HttpRequest, org: str, action_id: int) -> HttpResponse:
    membership, action = access_action(request, org, action_id, *EDITORS)
    organisation = membership.organisation
    form = ActionForm(_posted(request), organisation=organisation, initial=action_initial(action))
    if request.method == "POST" and form.is_valid():
        try:
            workshop_actions.save_action(
                organisation, action, values=action.values.all(), **form.cleaned_data
            )
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            messages.success(request, _("Åtgärden är sparad."))
            return redirect("steering:actions", org=org)
    return _page(
        request,
        "steering/action_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        action=action,
    )


# -- the follow-up view and the compass ------------------------------------------------------------


@login_required
def follow_up(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, *PICTURE_READERS)
    view = compass.follow_up_view(membership.organisation)
    if view.picture is not None:
        audit.record(request, "viewed_report", view.picture.mapping, detail=request.path)
    return _page(
        request,
        "steering/follow_up.html",
        membership,
        view=view,
        follow_up_report=_follow_up_report(request, view),
    )


def _follow_up_report(request: HttpRequest, view: compass.FollowUpView) -> FollowUpReport | None:
    """The latest round's index per value with its trend, through the same gated report as
    the round's results page; None before a round has opened."""
    follow_up = view.follow_up
    if follow_up is None or follow_up.status == FollowUp.Status.DRAFT:
        return None
    audit.record(request, "viewed_follow_up_results", follow_up, detail=request.path)
    return results.follow_up_report(follow_up)


@login_required
def compass_page(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, *PICTURE_READERS)
    organisation = membership.organisation
    view = compass.follow_up_view(organisation)
    if view.picture is not None:
        audit.record(request, "viewed_report", view.picture.mapping, detail=request.path)
    today = timezone.localdate()
    upcoming, overdue = compass.open_actions(organisation, today)
    follow_up_report = _follow_up_report(request, view)
    return _page(
        request,
        "steering/compass.html",
        membership,
        view=view,
        top=compass.COMPASS_TOP,
        goals=actions.goal_tree(organisation),
        upcoming=upcoming,
        overdue=overdue,
        coverage=workshop_actions.coverage(organisation),
        today=today,
        follow_up_report=follow_up_report,
    )
