"""Staff pages of follow-up rounds: create, adjust statements, open and close, codes, paper
answers, and the gated results with their exports.

Access (README.md): admins run rounds; admins and analysts see every result; facilitators the
organisation-wide results without unit rows; unit managers the results of their own unit
subtree. Another organisation's round or unit is 404, a role that may not 403."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kartbild.accounts import audit
from kartbild.accounts.access import access_membership, visible_unit_ids
from kartbild.accounts.models import Membership, Role
from kartbild.followups import actions, exports, results
from kartbild.followups.actions import Rejected
from kartbild.followups.forms import CodesForm, FollowUpForm
from kartbild.followups.models import FollowUp, FollowUpCodeBatch
from kartbild.followups.paper import COLUMN, import_paper_answers, parse_paper_answers
from kartbild.lib.tabular import TableError, read_table
from kartbild.mappings.forms import PaperImportForm
from kartbild.mappings.letters import spreadsheet_safe
from kartbild.organisations.models import Unit

# Who sees the organisation-wide results, and who sees unit rows of the whole organisation.
ORGANISATION_ROLES = (Role.ADMIN, Role.ANALYST, Role.FACILITATOR)
ANALYSIS_ROLES = (Role.ADMIN, Role.ANALYST)
UNIT_ROLES = (Role.ADMIN, Role.ANALYST, Role.UNIT_MANAGER)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The posted form, even an empty one (an empty form is a bound form with errors)."""
    return request.POST if request.method == "POST" else None


def access_follow_up(
    request: HttpRequest, org: str, follow_up_id: int, *roles: Role
) -> tuple[Membership, FollowUp]:
    """The round, if it belongs to an organisation where the user has one of `roles`; otherwise
    404 (another organisation) or 403 (a role that may not)."""
    membership = access_membership(request, org, *roles)
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("organisation", "framework", "previous_round"),
        pk=follow_up_id,
        organisation=membership.organisation,
    )
    return membership, follow_up


@login_required
def index(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org)
    return render(
        request,
        "followups/index.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "follow_ups": FollowUp.objects.filter(organisation=membership.organisation),
            "runs_rounds": membership.role == Role.ADMIN,
            "sees_organisation": membership.role in ORGANISATION_ROLES,
            "own_unit": membership.unit if membership.role == Role.UNIT_MANAGER else None,
        },
    )


@login_required
def create(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = FollowUpForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = actions.create_follow_up(
                organisation,
                form.cleaned_data["framework"],
                form.cleaned_data["name"],
                previous_round=form.cleaned_data["previous_round"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
            )
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            messages.success(
                request, _("Uppföljningen är skapad. Gå igenom påståendena innan du öppnar den.")
            )
            return redirect("followups:detail", org=org, follow_up_id=follow_up.pk)
    return render(
        request,
        "followups/create.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def detail(request: HttpRequest, org: str, follow_up_id: int) -> HttpResponse:
    membership, follow_up = access_follow_up(request, org, follow_up_id, Role.ADMIN)
    errors: list[str] = []
    if request.method == "POST":
        statements = list(follow_up.statements.all())
        changes = {
            s.pk: (
                request.POST.get(f"text-{s.pk}", s.text),
                request.POST.get(f"included-{s.pk}") == "1",
            )
            for s in statements
        }
        try:
            actions.edit_statements(follow_up, changes)
        except Rejected as rejection:
            errors = [rejection.message]
        else:
            messages.success(request, _("Påståendena är sparade."))
            return redirect("followups:detail", org=org, follow_up_id=follow_up.pk)
    return render(
        request,
        "followups/detail.html",
        {
            "organisation": follow_up.organisation,
            "follow_up": follow_up,
            "statements": follow_up.statements.select_related("core_value"),
            "responses": follow_up.responses.count(),
            "open_link": settings.SITE_URL + reverse("followups:start", args=[follow_up.token]),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def change_status(request: HttpRequest, org: str, follow_up_id: int) -> HttpResponse:
    _membership, follow_up = access_follow_up(request, org, follow_up_id, Role.ADMIN)
    try:
        if request.POST.get("action") == "open":
            actions.open_follow_up(follow_up)
            messages.success(request, _("Uppföljningen är öppen för svar."))
        elif request.POST.get("action") == "close":
            actions.close_follow_up(follow_up)
            messages.success(request, _("Uppföljningen är stängd."))
        else:
            messages.error(request, _("Okänd åtgärd."))
    except Rejected as rejection:
        messages.error(request, rejection.message)
    return redirect("followups:detail", org=org, follow_up_id=follow_up.pk)


@login_required
def codes(request: HttpRequest, org: str, follow_up_id: int) -> HttpResponse:
    _membership, follow_up = access_follow_up(request, org, follow_up_id, Role.ADMIN)
    form = CodesForm(_posted(request), organisation=follow_up.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.generate_codes(
                follow_up, form.cleaned_data["unit"], form.cleaned_data["size"]
            )
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            audit.record(request, "created_codes", follow_up, detail=f"{batch.size}")
            messages.success(request, _("%(n)s koder är skapade.") % {"n": batch.size})
            return redirect("followups:codes", org=org, follow_up_id=follow_up.pk)
    return render(
        request,
        "followups/codes.html",
        {
            "organisation": follow_up.organisation,
            "follow_up": follow_up,
            "form": form,
            "batches": follow_up.batches.select_related("unit"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def codes_csv(request: HttpRequest, org: str, follow_up_id: int, batch_id: int) -> HttpResponse:
    _membership, follow_up = access_follow_up(request, org, follow_up_id, Role.ADMIN)
    batch = get_object_or_404(
        FollowUpCodeBatch.objects.select_related("unit"), pk=batch_id, follow_up=follow_up
    )
    audit.record(request, "downloaded_codes_csv", follow_up, detail=f"batch {batch.pk}")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("kod"), _("enhet"), _("länk")])
    address = settings.SITE_URL + reverse("followups:code")
    unit = batch.unit.name if batch.unit else ""
    for code in batch.codes.filter(used=False).order_by("code"):
        writer.writerow([code.code, spreadsheet_safe(unit), f"{address}?kod={code.code}"])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="uppfoljning-koder-{batch.pk}.csv"'
    return response


@login_required
def paper_import(request: HttpRequest, org: str, follow_up_id: int) -> HttpResponse:
    _membership, follow_up = access_follow_up(request, org, follow_up_id, Role.ADMIN)
    form = PaperImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        if follow_up.status != FollowUp.Status.OPEN:
            errors = [_("Pappersenkäter kan bara läsas in medan uppföljningen är öppen.")]
        else:
            upload = form.cleaned_data["file"]
            try:
                rows, errors = parse_paper_answers(
                    follow_up, read_table(upload.name, upload.read())
                )
            except TableError as error:
                errors = [error.message]
            if not errors:
                count = import_paper_answers(follow_up, rows)
                messages.success(
                    request, _("%(count)s pappersenkäter lästes in.") % {"count": count}
                )
                return redirect("followups:detail", org=org, follow_up_id=follow_up.pk)
    statements = list(follow_up.asked_statements())
    return render(
        request,
        "followups/paper_import.html",
        {
            "organisation": follow_up.organisation,
            "follow_up": follow_up,
            "form": form,
            "import_errors": errors,
            "columns": [(COLUMN.format(i), s.text) for i, s in enumerate(statements, start=1)],
        },
        status=400 if errors or form.errors else 200,
    )


# -- results ----------------------------------------------------------------------------------


def _scoped_unit(membership: Membership, unit_id: int) -> Unit:
    unit = get_object_or_404(Unit, pk=unit_id, organisation=membership.organisation)
    visible = visible_unit_ids(membership)
    if visible is not None and unit.pk not in visible:
        raise PermissionDenied
    return unit


def _results_page(
    request: HttpRequest,
    membership: Membership,
    follow_up: FollowUp,
    unit: Unit | None,
) -> HttpResponse:
    audit.record(request, "viewed_follow_up_results", follow_up, detail=request.path)
    visible = visible_unit_ids(membership)
    show_units = membership.role in UNIT_ROLES
    report = results.follow_up_report(follow_up, unit, visible)
    return render(
        request,
        "followups/results.html",
        {
            "organisation": follow_up.organisation,
            "follow_up": follow_up,
            "report": report,
            "unit": unit,
            "unit_rows": report.units if show_units else (),
            "export_formats": exports.FORMATS,
            "sees_organisation": membership.role in ORGANISATION_ROLES,
        },
    )


@login_required
def results_view(request: HttpRequest, org: str, follow_up_id: int) -> HttpResponse:
    membership, follow_up = access_follow_up(request, org, follow_up_id, *ORGANISATION_ROLES)
    return _results_page(request, membership, follow_up, None)


@login_required
def unit_results(request: HttpRequest, org: str, follow_up_id: int, unit_id: int) -> HttpResponse:
    membership, follow_up = access_follow_up(request, org, follow_up_id, *UNIT_ROLES)
    return _results_page(request, membership, follow_up, _scoped_unit(membership, unit_id))


def _export(
    request: HttpRequest,
    membership: Membership,
    follow_up: FollowUp,
    unit: Unit | None,
    fmt: str,
) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    visible = visible_unit_ids(membership)
    report = results.follow_up_report(follow_up, unit, visible)
    if membership.role not in UNIT_ROLES:
        report = exports.without_units(report)
    audit.record(request, "exported_follow_up_results", follow_up, detail=f"{fmt} {request.path}")
    made = exports.render(report, fmt)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@login_required
def export(request: HttpRequest, org: str, follow_up_id: int, fmt: str) -> HttpResponse:
    membership, follow_up = access_follow_up(request, org, follow_up_id, *ORGANISATION_ROLES)
    return _export(request, membership, follow_up, None, fmt)


@login_required
def unit_export(
    request: HttpRequest, org: str, follow_up_id: int, unit_id: int, fmt: str
) -> HttpResponse:
    membership, follow_up = access_follow_up(request, org, follow_up_id, *UNIT_ROLES)
    return _export(request, membership, follow_up, _scoped_unit(membership, unit_id), fmt)
