"""Authoring the värdegrund (organisation admins; analysts read) and its public page and PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kartbild.accounts import audit
from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Membership, Role
from kartbild.catalogue.models import Value
from kartbild.corevalues import actions
from kartbild.corevalues.actions import Rejected
from kartbild.corevalues.forms import BehaviourForm, CreateFrameworkForm, FrameworkForm, ValueForm
from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework
from kartbild.organisations.models import Organisation

READERS = (Role.ADMIN, Role.ANALYST)


def access_framework(
    request: HttpRequest, org: str, framework_id: int, *roles: Role
) -> tuple[Membership, CoreValueFramework]:
    """A värdegrund version of the user's organisation: 404 for another organisation's, 403 for
    a role that may not."""
    membership = access_membership(request, org, *roles)
    framework = get_object_or_404(
        CoreValueFramework.objects.select_related("organisation", "catalogue", "previous_version"),
        pk=framework_id,
        organisation=membership.organisation,
    )
    return membership, framework


def access_value(
    request: HttpRequest, org: str, framework_id: int, core_value_id: int
) -> tuple[CoreValueFramework, CoreValue]:
    """A value of a framework of the admin's organisation; anything else is 404."""
    _membership, framework = access_framework(request, org, framework_id, Role.ADMIN)
    value = get_object_or_404(CoreValue, pk=core_value_id, framework=framework)
    return framework, value


def access_behaviour(
    request: HttpRequest, org: str, framework_id: int, behaviour_id: int
) -> tuple[CoreValueFramework, Behaviour]:
    _membership, framework = access_framework(request, org, framework_id, Role.ADMIN)
    behaviour = get_object_or_404(
        Behaviour.objects.select_related("core_value"),
        pk=behaviour_id,
        core_value__framework=framework,
    )
    return framework, behaviour


def _values(framework: CoreValueFramework) -> Any:
    return framework.values.prefetch_related(
        Prefetch("catalogue_values", queryset=Value.objects.order_by("position")),
        "behaviours",
    )


def _to_framework(framework: CoreValueFramework, anchor: str = "") -> HttpResponse:
    return redirect(f"{framework_url(framework)}{'#' + anchor if anchor else ''}")


def framework_url(framework: CoreValueFramework) -> str:
    return reverse("corevalues:detail", args=[framework.organisation.slug, framework.pk])


def _refused(request: HttpRequest, framework: CoreValueFramework, rejection: Rejected) -> Any:
    messages.error(request, rejection.message)
    return _to_framework(framework)


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (which then shows what is missing)."""
    return request.POST if request.method == "POST" else None


def _apply(form: Form, rejection: Rejected) -> None:
    form.add_error(rejection.field if rejection.field in form.fields else None, rejection.message)


@login_required
def index(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, *READERS)
    organisation = membership.organisation
    return render(
        request,
        "corevalues/index.html",
        {
            "organisation": organisation,
            "membership": membership,
            "frameworks": CoreValueFramework.objects.filter(organisation=organisation).order_by(
                "-version", "-pk"
            ),
            "current": CoreValueFramework.objects.current(organisation),
        },
    )


@login_required
def create(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = CreateFrameworkForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            framework = actions.create_draft(
                organisation,
                form.cleaned_data["name"],
                form.cleaned_data["introduction"],
                form.cleaned_data["catalogue"],
            )
        except Rejected as rejection:
            _apply(form, rejection)
        else:
            messages.success(request, _("Utkastet är skapat. Lägg nu till värdena."))
            return _to_framework(framework)
    return render(
        request,
        "corevalues/create.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def detail(request: HttpRequest, org: str, framework_id: int) -> HttpResponse:
    membership, framework = access_framework(request, org, framework_id, *READERS)
    values = list(_values(framework))
    return render(
        request,
        "corevalues/detail.html",
        {
            "organisation": membership.organisation,
            "framework": framework,
            "values": values,
            "can_edit": membership.role == Role.ADMIN and framework.is_draft,
            "can_manage": membership.role == Role.ADMIN,
            "next_version": CoreValueFramework.objects.filter(previous_version=framework).first(),
            "problems": actions.publication_problems(framework) if framework.is_draft else [],
        },
    )


@login_required
def edit(request: HttpRequest, org: str, framework_id: int) -> HttpResponse:
    _membership, framework = access_framework(request, org, framework_id, Role.ADMIN)
    if not framework.is_draft:
        return _refused(request, framework, actions.read_only(framework))
    form = FrameworkForm(
        _posted(request),
        initial={"name": framework.name, "introduction": framework.introduction},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_framework(
                framework, form.cleaned_data["name"], form.cleaned_data["introduction"]
            )
        except Rejected as rejection:
            _apply(form, rejection)
        else:
            messages.success(request, _("Ändringen är sparad."))
            return _to_framework(framework)
    return render(
        request,
        "corevalues/edit.html",
        {"organisation": framework.organisation, "framework": framework, "form": form},
        status=400 if form.errors else 200,
    )


def _matches(value: Value, text: str) -> bool:
    searched = (value.slug, value.name_sv, value.name_en, value.description_sv)
    return any(text in part.casefold() for part in searched)


def _value_page(
    request: HttpRequest, framework: CoreValueFramework, value: CoreValue | None
) -> HttpResponse:
    """Add (value None) or edit a value. The catalogue list narrows with the search button,
    which sends the same form without saving it, so nothing typed is lost without JavaScript."""
    if not framework.is_draft:
        return _refused(request, framework, actions.read_only(framework))
    linked = Value.objects.filter(core_values=value) if value is not None else Value.objects.none()
    choices = Value.objects.filter(
        Q(pk__in=actions.linkable_values(framework)) | Q(pk__in=linked)
    ).order_by("catalogue_id", "position")
    initial = (
        {
            "name": value.name,
            "description": value.description,
            "catalogue_values": list(linked.values_list("pk", flat=True)),
        }
        if value is not None
        else {}
    )
    data = _posted(request)
    searching = data is not None and "search" in data
    if searching:
        # Only the list changes: what was typed comes back as it was, without error messages.
        typed = {key: data.get(key, "") for key in ("name", "description", "q")}
        form = ValueForm(initial=typed, choices=choices)
    else:
        form = ValueForm(data, initial=initial, choices=choices)
    if data is not None and not searching and form.is_valid():
        data_in = form.cleaned_data
        try:
            if value is None:
                value = actions.add_value(
                    framework, data_in["name"], data_in["description"], data_in["catalogue_values"]
                )
            else:
                actions.update_value(
                    value, data_in["name"], data_in["description"], data_in["catalogue_values"]
                )
        except Rejected as rejection:
            _apply(form, rejection)
        else:
            messages.success(request, _("Värdet ”%(name)s” är sparat.") % {"name": value.name})
            return _to_framework(framework, f"value-{value.pk}")
    if data is not None:
        checked = {item for item in data.getlist("catalogue_values") if item.isdigit()}
        text = " ".join(str(data.get("q", "")).split()).casefold()[:60]
    else:
        checked = {str(pk) for pk in initial.get("catalogue_values", [])}
        text = ""
    options = [
        (choice, str(choice.pk) in checked)
        for choice in choices
        if str(choice.pk) in checked or not text or _matches(choice, text)
    ]
    return render(
        request,
        "corevalues/value.html",
        {
            "organisation": framework.organisation,
            "framework": framework,
            "value": value,
            "form": form,
            "options": options,
            "search_text": text,
            "searching": searching,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def value_add(request: HttpRequest, org: str, framework_id: int) -> HttpResponse:
    _membership, framework = access_framework(request, org, framework_id, Role.ADMIN)
    return _value_page(request, framework, None)


@login_required
def value_edit(
    request: HttpRequest, org: str, framework_id: int, core_value_id: int
) -> HttpResponse:
    framework, value = access_value(request, org, framework_id, core_value_id)
    return _value_page(request, framework, value)


def _offset(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


@login_required
@require_POST
def value_move(
    request: HttpRequest, org: str, framework_id: int, core_value_id: int
) -> HttpResponse:
    framework, value = access_value(request, org, framework_id, core_value_id)
    try:
        actions.move_value(value, _offset(request))
    except Rejected as rejection:
        return _refused(request, framework, rejection)
    return _to_framework(framework, f"value-{value.pk}")


@login_required
@require_POST
def value_delete(
    request: HttpRequest, org: str, framework_id: int, core_value_id: int
) -> HttpResponse:
    framework, value = access_value(request, org, framework_id, core_value_id)
    name = value.name
    try:
        actions.delete_value(value)
    except Rejected as rejection:
        return _refused(request, framework, rejection)
    messages.success(request, _("Värdet ”%(name)s” är borttaget.") % {"name": name})
    return _to_framework(framework)


def _behaviour_page(
    request: HttpRequest,
    framework: CoreValueFramework,
    value: CoreValue,
    behaviour: Behaviour | None,
) -> HttpResponse:
    if not framework.is_draft:
        return _refused(request, framework, actions.read_only(framework))
    initial = (
        {"text": behaviour.text, "audience": behaviour.audience, "kind": behaviour.kind}
        if behaviour is not None
        else {"audience": request.GET.get("for", Behaviour.Audience.EVERYONE)}
    )
    form = BehaviourForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if behaviour is None:
                actions.add_behaviour(value, data["text"], data["audience"], data["kind"])
            else:
                actions.update_behaviour(behaviour, data["text"], data["audience"], data["kind"])
        except Rejected as rejection:
            _apply(form, rejection)
        else:
            messages.success(request, _("Beteendet är sparat."))
            return _to_framework(framework, f"value-{value.pk}")
    return render(
        request,
        "corevalues/behaviour.html",
        {
            "organisation": framework.organisation,
            "framework": framework,
            "value": value,
            "behaviour": behaviour,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def behaviour_add(
    request: HttpRequest, org: str, framework_id: int, core_value_id: int
) -> HttpResponse:
    framework, value = access_value(request, org, framework_id, core_value_id)
    return _behaviour_page(request, framework, value, None)


@login_required
def behaviour_edit(
    request: HttpRequest, org: str, framework_id: int, behaviour_id: int
) -> HttpResponse:
    framework, behaviour = access_behaviour(request, org, framework_id, behaviour_id)
    return _behaviour_page(request, framework, behaviour.core_value, behaviour)


@login_required
@require_POST
def behaviour_move(
    request: HttpRequest, org: str, framework_id: int, behaviour_id: int
) -> HttpResponse:
    framework, behaviour = access_behaviour(request, org, framework_id, behaviour_id)
    try:
        actions.move_behaviour(behaviour, _offset(request))
    except Rejected as rejection:
        return _refused(request, framework, rejection)
    return _to_framework(framework, f"value-{behaviour.core_value_id}")


@login_required
@require_POST
def behaviour_delete(
    request: HttpRequest, org: str, framework_id: int, behaviour_id: int
) -> HttpResponse:
    framework, behaviour = access_behaviour(request, org, framework_id, behaviour_id)
    try:
        actions.delete_behaviour(behaviour)
    except Rejected as rejection:
        return _refused(request, framework, rejection)
    messages.success(request, _("Beteendet är borttaget."))
    return _to_framework(framework, f"value-{behaviour.core_value_id}")


@login_required
@require_POST
def publish(request: HttpRequest, org: str, framework_id: int) -> HttpResponse:
    _membership, framework = access_framework(request, org, framework_id, Role.ADMIN)
    try:
        published = actions.publish(framework, timezone.localdate())
    except Rejected as rejection:
        return _refused(request, framework, rejection)
    audit.record(request, "published_core_values", published)
    messages.success(
        request,
        _("Version %(version)s är publicerad och är nu organisationens värdegrund.")
        % {"version": published.version},
    )
    return _to_framework(published)


@login_required
@require_POST
def new_version(request: HttpRequest, org: str, framework_id: int) -> HttpResponse:
    _membership, framework = access_framework(request, org, framework_id, Role.ADMIN)
    try:
        draft = actions.copy_to_new_version(framework)
    except Rejected as rejection:
        existing = CoreValueFramework.objects.filter(previous_version=framework).first()
        messages.error(request, rejection.message)
        return _to_framework(existing if existing is not None else framework)
    messages.success(
        request,
        _("Version %(version)s är skapad som utkast. Ändra den och publicera när den är klar.")
        % {"version": draft.version},
    )
    return _to_framework(draft)


@login_required
@require_POST
def delete(request: HttpRequest, org: str, framework_id: int) -> HttpResponse:
    _membership, framework = access_framework(request, org, framework_id, Role.ADMIN)
    try:
        actions.delete_draft(framework)
    except Rejected as rejection:
        return _refused(request, framework, rejection)
    messages.success(request, _("Utkastet är borttaget."))
    return redirect("corevalues:index", org=org)


# The public page and its PDF: no sign-in, the organisation's current version only.


def _published(org: str) -> tuple[Organisation, CoreValueFramework, list[CoreValue]]:
    organisation = get_object_or_404(Organisation, slug=org)
    framework = CoreValueFramework.objects.current(organisation)
    if framework is None:
        raise Http404
    return organisation, framework, list(_values(framework))


def public(request: HttpRequest, org: str) -> HttpResponse:
    organisation, framework, values = _published(org)
    return render(
        request,
        "corevalues/public.html",
        {"organisation": organisation, "framework": framework, "values": values},
    )


def public_pdf(request: HttpRequest, org: str) -> HttpResponse:
    organisation, framework, values = _published(org)
    # Imported here: WeasyPrint loads Pango and fonts, which only PDF downloads need.
    from weasyprint import HTML

    # The document is the organisation's Swedish text: its headings follow it whatever
    # language the visitor chose for the interface.
    with translation.override("sv"):
        html = render_to_string(
            "corevalues/public_pdf.html",
            {"organisation": organisation, "framework": framework, "values": values},
        )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(
        False, f"vardegrund-{organisation.slug}-version-{framework.version}.pdf"
    )
    assert disposition is not None  # None only for an inline response without a file name
    response["Content-Disposition"] = disposition
    return response
