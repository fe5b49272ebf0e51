from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kartbild.accounts import audit
from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Membership, Role
from kartbild.lib.tabular import TableError, read_table
from kartbild.mappings import actions, rates
from kartbild.mappings.actions import Rejected
from kartbild.mappings.forms import MappingForm, PaperImportForm, QuestionsForm
from kartbild.mappings.models import BurstEvent, Mapping
from kartbild.mappings.paper import import_paper_answers, parse_paper_answers
from kartbild.mappings.results import first_results

# The latest bursts tell the admin what is going on; older ones add nothing to act on.
MAX_BURSTS_SHOWN = 20


def access_mapping(
    request: HttpRequest, org: str, mapping_id: int, *roles: Role
) -> tuple[Membership, Mapping]:
    """The mapping, if it belongs to an organisation the user has one of `roles` in; otherwise 404
    (another organisation) or 403 (a role that may not)."""
    membership = access_membership(request, org, *roles)
    mapping = get_object_or_404(
        Mapping.objects.select_related("organisation", "catalogue"),
        pk=mapping_id,
        organisation=membership.organisation,
    )
    return membership, mapping


@login_required
def create(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = MappingForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"perspectives", "catalogue", "name"}
        }
        mapping = actions.create_mapping(
            organisation,
            form.cleaned_data["catalogue"],
            form.cleaned_data["name"],
            form.cleaned_data["perspectives"],
            **data,
        )
        messages.success(
            request, _("Kartläggningen är skapad. Kontrollera frågorna innan du öppnar den.")
        )
        return redirect("mappings:detail", org=org, mapping_id=mapping.pk)
    return render(request, "mappings/create.html", {"organisation": organisation, "form": form})


@login_required
def detail(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN, Role.ANALYST)
    perspectives = [
        (
            mp,
            [actions.question_title(q) for q in mp.questions.all()],
            settings.SITE_URL + reverse("mappings:start", args=[mp.token]),
        )
        for mp in mapping.perspectives.prefetch_related("questions")
    ]
    return render(
        request,
        "mappings/detail.html",
        {
            "membership": membership,
            "organisation": mapping.organisation,
            "mapping": mapping,
            "perspectives": perspectives,
            "rates": rates.perspective_rates(mapping),
            "burst_events": (
                BurstEvent.objects.filter(mapping_perspective__mapping=mapping).select_related(
                    "mapping_perspective"
                )[:MAX_BURSTS_SHOWN]
                if membership.can_manage
                else []
            ),
        },
    )


@login_required
def configure(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN)
    if not mapping.is_editable:
        messages.error(request, _("Kartläggningen är redan öppnad och kan inte ändras."))
        return redirect("mappings:detail", org=org, mapping_id=mapping.pk)
    data = request.POST or None
    form = MappingForm(data, instance=mapping, organisation=mapping.organisation)
    questions = QuestionsForm(data, mapping=mapping)
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        with transaction.atomic():
            form.save()
            for mp in questions.perspectives:
                actions.set_questions(mp, questions.keys(mp.perspective))
        messages.success(request, _("Inställningarna är sparade."))
        return redirect("mappings:detail", org=org, mapping_id=mapping.pk)
    return render(
        request,
        "mappings/configure.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "form": form,
            "questions": questions,
        },
    )


@login_required
@require_POST
def change_status(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN)
    try:
        if request.POST.get("status") == "open":
            actions.open_mapping(mapping)
            messages.success(request, _("Kartläggningen är öppen för svar."))
        elif request.POST.get("status") == "closed":
            actions.close_mapping(mapping)
            messages.success(
                request, _("Kartläggningen är stängd. Den kan inte längre ändras eller besvaras.")
            )
        else:
            messages.error(request, _("Okänd åtgärd."))
    except Rejected as rejection:
        messages.error(request, rejection.message)
    return redirect("mappings:detail", org=org, mapping_id=mapping.pk)


@login_required
def response_rates(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN)
    audit.record(request, "viewed_rates", mapping)
    return render(
        request,
        "mappings/rates.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "perspective_rates": rates.perspective_rates(mapping),
            "unit_rates": rates.unit_rates(mapping),
        },
    )


@login_required
def results(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN, Role.ANALYST)
    audit.record(request, "viewed_results", mapping)
    return render(
        request,
        "mappings/results.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "results": first_results(mapping),
        },
    )


@login_required
def paper_import(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN)
    form = PaperImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        if mapping.status != Mapping.Status.OPEN:
            errors = [_("Pappersenkäter kan bara läsas in medan kartläggningen är öppen.")]
        else:
            upload = form.cleaned_data["file"]
            try:
                rows, errors = parse_paper_answers(mapping, read_table(upload.name, upload.read()))
            except TableError as error:
                errors = [error.message]
            if not errors:
                count = import_paper_answers(mapping, rows)
                messages.success(
                    request, _("%(count)s pappersenkäter lästes in.") % {"count": count}
                )
                return redirect("mappings:detail", org=org, mapping_id=mapping.pk)
    columns = []
    for mp in mapping.perspectives.prefetch_related("questions"):
        for q in mp.questions.all():
            if q.key not in columns:
                columns.append(q.key)
    return render(
        request,
        "mappings/paper_import.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "form": form,
            "import_errors": errors,
            "question_keys": columns,
        },
    )
