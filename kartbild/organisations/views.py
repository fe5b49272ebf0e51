from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Membership, Role
from kartbild.lib.tabular import TableError, read_table
from kartbild.mappings.models import Mapping
from kartbild.organisations.forms import UnitForm, UnitImportForm
from kartbild.organisations.imports import import_units, parse_units
from kartbild.organisations.models import Unit
from kartbild.organisations.tree import UnitTree


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.active()
        .filter(user__username=request.user.get_username())
        .select_related("organisation")
    )
    if len(memberships) == 1:
        return redirect("organisations:dashboard", org=memberships[0].organisation.slug)
    return render(request, "organisations/home.html", {"memberships": memberships})


@login_required
def dashboard(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org)
    mappings = Mapping.objects.for_organisation(membership.organisation)
    return render(
        request,
        "organisations/dashboard.html",
        {"membership": membership, "organisation": membership.organisation, "mappings": mappings},
    )


@login_required
def units(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN, Role.ANALYST)
    tree = UnitTree.of(membership.organisation)
    rows = [(node, tree.headcount(node.unit.pk)) for node in tree.walk()]
    return render(
        request,
        "organisations/units.html",
        {"membership": membership, "organisation": membership.organisation, "rows": rows},
    )


@login_required
def unit_edit(request: HttpRequest, org: str, unit_id: int | None = None) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    unit = get_object_or_404(Unit, pk=unit_id, organisation=organisation) if unit_id else None
    form = UnitForm(request.POST or None, instance=unit, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Enheten är sparad."))
        return redirect("organisations:units", org=org)
    return render(
        request,
        "organisations/unit_edit.html",
        {"organisation": organisation, "form": form, "unit": unit},
    )


@login_required
def unit_import(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = UnitImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, errors = parse_units(read_table(upload.name, upload.read()), organisation)
        except TableError as error:
            errors = [error.message]
        if not errors:
            count = import_units(organisation, rows)
            messages.success(request, _("%(count)s enheter importerades.") % {"count": count})
            return redirect("organisations:units", org=org)
    return render(
        request,
        "organisations/unit_import.html",
        {"organisation": organisation, "form": form, "import_errors": errors},
    )
