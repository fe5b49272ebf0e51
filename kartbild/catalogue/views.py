from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Role
from kartbild.catalogue import actions
from kartbild.catalogue.access import access_catalogue, access_value
from kartbild.catalogue.actions import Rejected
from kartbild.catalogue.browse import ValueFilter, level_counts
from kartbild.catalogue.forms import DeriveForm, ValueFilterForm, ValueForm


@login_required
def catalogues(request: HttpRequest, org: str) -> HttpResponse:
    roles = (Role.ADMIN,) if request.method == "POST" else ()
    membership = access_membership(request, org, *roles)
    organisation = membership.organisation
    form = DeriveForm(
        request.POST or None,
        organisation=organisation,
        initial={"source": request.GET.get("source")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            catalogue = actions.derive_catalogue(
                form.cleaned_data["source"], organisation, form.cleaned_data["name"]
            )
        except Rejected as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s av %(name)s är skapad. Nu kan du lägga till och dölja värden."
                )
                % {"version": catalogue.version, "name": catalogue.name},
            )
            return redirect("catalogue:detail", org=org, catalogue_id=catalogue.pk)
    rows = (
        form.fields["source"]
        .queryset.select_related("derived_from")  # type: ignore[attr-defined]
        .annotate(
            value_count=Count("values", distinct=True),
            # Only this organisation's mappings: others' use of the shipped catalogue is theirs.
            mapping_count=Count(
                "mappings", filter=Q(mappings__organisation=organisation), distinct=True
            ),
        )
    )
    return render(
        request,
        "catalogue/list.html",
        {"membership": membership, "organisation": organisation, "rows": rows, "form": form},
    )


@login_required
def detail(request: HttpRequest, org: str, catalogue_id: int) -> HttpResponse:
    membership, catalogue = access_catalogue(request, org, catalogue_id)
    filter_form = ValueFilterForm(request.GET)
    filters = _filter_query(filter_form)
    value_filter = ValueFilter.of(filter_form.cleaned_data)
    values = list(catalogue.values.all())
    shown = [value for value in values if value_filter.matches(value)]
    is_locked = catalogue.is_locked
    return render(
        request,
        "catalogue/detail.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "catalogue": catalogue,
            "is_locked": is_locked,
            "can_change": membership.can_manage and not catalogue.is_shipped and not is_locked,
            "filter_form": filter_form,
            "value_filter": value_filter,
            "values": shown,
            "total": len(values),
            "levels": [
                (count, _with_level(filters, count.level))
                for count in level_counts(values, value_filter)
            ],
            "filters": filters.urlencode(),
        },
    )


@login_required
def add_value(request: HttpRequest, org: str, catalogue_id: int) -> HttpResponse:
    membership, catalogue = access_catalogue(request, org, catalogue_id, Role.ADMIN)
    try:
        actions.check_changeable(catalogue)
    except Rejected as error:
        messages.error(request, error.message)
        return redirect("catalogue:detail", org=org, catalogue_id=catalogue.pk)
    form = ValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            value = actions.add_value(catalogue, **form.cleaned_data)
        except Rejected as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("”%(name)s” är tillagt.") % {"name": value.name_sv})
            url = reverse("catalogue:detail", args=[org, catalogue.pk])
            return redirect(f"{url}#value-{value.pk}")
    return render(
        request,
        "catalogue/add_value.html",
        {"organisation": membership.organisation, "catalogue": catalogue, "form": form},
    )


@require_POST
@login_required
def toggle_hidden(request: HttpRequest, org: str, catalogue_id: int, value_id: int) -> HttpResponse:
    _membership, catalogue = access_catalogue(request, org, catalogue_id, Role.ADMIN)
    value = access_value(catalogue, value_id)
    # The wanted state, not a flip: a form sent twice leaves the value as the user saw it.
    hidden = request.POST.get("hidden") == "1"
    try:
        actions.set_hidden(value, hidden)
    except Rejected as error:
        messages.error(request, error.message)
    else:
        message = _("”%(name)s” är dolt.") if hidden else _("”%(name)s” visas igen.")
        messages.success(request, message % {"name": value.name})
    url = reverse("catalogue:detail", args=[org, catalogue.pk])
    query = _filter_query(ValueFilterForm(QueryDict(request.POST.get("filters", "")))).urlencode()
    return redirect(f"{url}?{query}#value-{value.pk}" if query else f"{url}#value-{value.pk}")


def _filter_query(form: ValueFilterForm) -> QueryDict:
    """The filters that validated, with empty ones left out, so that links stay short and nothing
    else a user sends travels on."""
    form.is_valid()
    query = QueryDict(mutable=True)
    for name, value in form.cleaned_data.items():
        if value not in (None, ""):
            query[name] = str(value)
    return query


def _with_level(filters: QueryDict, level: int) -> str:
    query = filters.copy()
    query["level"] = str(level)
    return query.urlencode()
