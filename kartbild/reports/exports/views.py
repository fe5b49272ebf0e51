"""Ordering exports, following their progress and downloading them.

Who may export what follows the kartbild pages: admins and analysts the whole organisation with
its units, or any unit subtree; facilitators the whole organisation without unit rows; unit
managers only their own unit's subtree. Another organisation's mapping or job is "not found"; a
role that may not is "forbidden"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from kartbild.accounts import audit
from kartbild.accounts.access import visible_unit_ids
from kartbild.accounts.models import Membership, Role
from kartbild.mappings.models import Mapping, Perspective
from kartbild.mappings.views import access_mapping
from kartbild.organisations.models import Unit
from kartbild.organisations.tree import UnitTree
from kartbild.reports import jobs
from kartbild.reports.exports.content import gather
from kartbild.reports.guides import build_guide
from kartbild.reports.models import EXPORT_RETENTION, ExportJob, ExportKind

EXPORT_ROLES = (Role.ADMIN, Role.ANALYST, Role.FACILITATOR, Role.UNIT_MANAGER)
# Who may export the organisation-wide kartbild (reports.views: the same roles see its pages).
ORGANISATION_ROLES = (Role.ADMIN, Role.ANALYST, Role.FACILITATOR)
# How often the progress page reloads itself while a job is unfinished (without JavaScript).
REFRESH_SECONDS = 3


def may_export(membership: Membership, unit: Unit | None, unit_detail: bool = False) -> bool:
    """Whether the member may see an export of `unit`'s subtree (None: the whole organisation,
    with or without the unit rows), by the same rule as the kartbild pages."""
    visible = visible_unit_ids(membership)
    if unit is None:
        if membership.role not in ORGANISATION_ROLES:
            return False
        return visible is None or not unit_detail
    return visible is None or unit.pk in visible


def access_export_job(
    request: HttpRequest, org: str, mapping_id: int, job_id: int
) -> tuple[Membership, ExportJob]:
    """An export job of the mapping, if the user may see what it exports: 404 for another
    organisation's job, 403 for a role or a unit subtree that may not."""
    membership, mapping = access_mapping(request, org, mapping_id, *EXPORT_ROLES)
    job = get_object_or_404(
        ExportJob.objects.select_related("unit").defer("result"), pk=job_id, mapping=mapping
    )
    if not may_export(membership, job.unit, job.unit_detail):
        raise PermissionDenied
    return membership, job


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Format"), widget=forms.RadioSelect, choices=ExportKind.choices
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Del av organisationen"), required=False, coerce=int, empty_value=None
    )
    perspective = forms.ChoiceField(
        label=gettext_lazy("Samtalsunderlag för"), required=False, choices=()
    )

    def __init__(self, *args: Any, mapping: Mapping, membership: Membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        tree = UnitTree.of(mapping.organisation)
        allowed = visible_unit_ids(membership)
        self.unit_detail = allowed is None
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        choices: list[tuple[str, str]] = []
        if membership.role in ORGANISATION_ROLES:
            choices.append(("", _("Hela organisationen")))
        choices += [
            (str(node.unit.pk), "\u2003" * node.depth + node.unit.name)
            for node in tree.walk()
            if allowed is None or node.unit.pk in allowed
        ]
        unit_field.choices = choices
        unit_field.required = membership.role not in ORGANISATION_ROLES
        self.units = {u.pk: u for u in tree.units.values()}
        perspective_field = self.fields["perspective"]
        assert isinstance(perspective_field, forms.ChoiceField)
        perspective_field.choices = [("", "–")] + [
            (mp.perspective, mp.get_perspective_display()) for mp in mapping.perspectives.all()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ExportKind.GUIDE and not data.get("perspective"):
            self.add_error("perspective", _("Välj vilken grupp samtalsunderlaget är för."))
        if data.get("kind") != ExportKind.GUIDE:
            data["perspective"] = ""
        return data

    @property
    def chosen_unit(self) -> Unit | None:
        unit_id = self.cleaned_data.get("unit")
        return self.units.get(unit_id) if unit_id is not None else None


def _user_jobs(request: HttpRequest, mapping: Mapping) -> list[ExportJob]:
    return list(
        ExportJob.objects.filter(mapping=mapping, created_by_id=request.user.pk)
        .select_related("unit")
        .defer("result")
    )


@login_required
@never_cache
def exports(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *EXPORT_ROLES)
    data = request.POST if request.method == "POST" else None
    form = ExportForm(data, mapping=mapping, membership=membership)
    if request.method == "POST" and form.is_valid():
        jobs.create_job(
            membership,
            mapping,
            form.cleaned_data["kind"],
            form.chosen_unit,
            form.cleaned_data["perspective"],
            # A guide has no unit rows, whoever orders it.
            unit_detail=form.unit_detail and form.cleaned_data["kind"] != ExportKind.GUIDE,
        )
        messages.success(
            request, _("Exporten är beställd. Den visas nedan och kan laddas ner när den är klar.")
        )
        return redirect("reports:exports", org=org, mapping_id=mapping.pk)
    job_list = _user_jobs(request, mapping)
    return render(
        request,
        "reports/exports/list.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "membership": membership,
            "form": form,
            "jobs": job_list,
            "refresh": REFRESH_SECONDS if any(not j.is_finished for j in job_list) else None,
            "retention_days": EXPORT_RETENTION.days,
            "guides_url": reverse("reports:guides", args=[org, mapping.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def status(request: HttpRequest, org: str, mapping_id: int) -> JsonResponse:
    """The progress of the user's jobs, for the progress page's script."""
    _membership, mapping = access_mapping(request, org, mapping_id, *EXPORT_ROLES)
    return JsonResponse(
        {
            "jobs": [
                {
                    "id": job.pk,
                    "status": job.status,
                    "status_label": job.get_status_display(),
                    "progress": job.progress,
                }
                for job in _user_jobs(request, mapping)
            ]
        }
    )


@login_required
@never_cache
def download(request: HttpRequest, org: str, mapping_id: int, job_id: int) -> HttpResponse:
    _membership, job = access_export_job(request, org, mapping_id, job_id)
    if job.status != ExportJob.Status.DONE:
        messages.error(request, _("Exporten är inte klar än."))
        return redirect(reverse("reports:exports", args=[org, mapping_id]))
    content = ExportJob.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    if content is None:
        raise Http404
    audit.record(request, "exported_report", job, detail=job.filename)
    response = HttpResponse(bytes(content), content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.filename)
    return response


# -- dialogue guides --------------------------------------------------------------------------


def _guide_scope(membership: Membership) -> Unit | None:
    """A unit manager's guides are of their own subtree; everyone else's of the organisation."""
    return membership.unit if membership.role == Role.UNIT_MANAGER else None


@login_required
def guide_index(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *EXPORT_ROLES)
    unit = _guide_scope(membership)
    perspectives = [
        (mp.perspective, mp.get_perspective_display())
        for mp in mapping.perspectives.all()
        if unit is None or mp.perspective == Perspective.EMPLOYEES
    ]
    return render(
        request,
        "reports/guides/index.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "perspectives": perspectives,
            "unit": unit,
            "membership": membership,
        },
    )


@login_required
def guide(request: HttpRequest, org: str, mapping_id: int, perspective: str) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *EXPORT_ROLES)
    unit = _guide_scope(membership)
    if not mapping.perspectives.filter(perspective=perspective).exists():
        raise Http404
    if unit is not None and perspective != Perspective.EMPLOYEES:
        raise PermissionDenied
    content = gather(mapping, unit)
    return render(
        request,
        "reports/guides/guide.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "guide": build_guide(content, perspective),
            "unit": unit,
            "membership": membership,
        },
    )
