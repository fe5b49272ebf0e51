"""How respondents get to a mapping: open links with QR codes, and invitation codes in batches,
printed as letters or exported for mail merge. Organisation admins only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from kartbild.accounts import audit
from kartbild.accounts.models import Role
from kartbild.mappings import actions, letters
from kartbild.mappings.actions import Rejected
from kartbild.mappings.models import CodeBatch, Mapping, MappingPerspective
from kartbild.mappings.views import access_mapping
from kartbild.organisations.tree import UnitTree

QR_CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


class PerspectiveField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_perspective_display())


class BatchForm(forms.Form):
    perspective = PerspectiveField(
        label=gettext_lazy("Perspektiv"),
        queryset=MappingPerspective.objects.none(),
        to_field_name="perspective",
        empty_label=None,
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Enhet"),
        help_text=gettext_lazy(
            "Den som svarar med en kod från satsen räknas till enheten och behöver inte välja "
            "enhet själv. Välj ingen enhet om koderna delas ut brett."
        ),
        required=False,
        coerce=int,
        empty_value=None,
    )
    count = forms.IntegerField(
        label=gettext_lazy("Antal koder"), min_value=1, max_value=actions.MAX_BATCH
    )

    def __init__(self, *args: Any, mapping: Mapping, tree: UnitTree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        perspective = self.fields["perspective"]
        assert isinstance(perspective, PerspectiveField)
        perspective.queryset = mapping.perspectives.all()
        unit = self.fields["unit"]
        assert isinstance(unit, forms.TypedChoiceField)
        unit.choices = [("", _("Ingen enhet"))] + [
            (str(node.unit.pk), "\u2003" * node.depth + node.unit.name) for node in tree.walk()
        ]
        out_of_range = _("Skriv ett heltal mellan 1 och %(max)s.") % {
            "max": number_format(actions.MAX_BATCH, force_grouping=True)
        }
        count = self.fields["count"]
        count.error_messages.update(
            dict.fromkeys(("required", "invalid", "min_value", "max_value"), out_of_range)
        )
        count.widget.attrs["inputmode"] = "numeric"


@login_required
def batches(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN)
    tree = UnitTree.of(mapping.organisation)
    form = BatchForm(request.POST or None, mapping=mapping, tree=tree)
    if request.method == "POST" and form.is_valid():
        unit_id = form.cleaned_data["unit"]
        try:
            batch = actions.generate_codes(
                form.cleaned_data["perspective"],
                tree.units[unit_id] if unit_id is not None else None,
                form.cleaned_data["count"],
            )
        except Rejected as rejection:
            form.add_error(None, rejection.message)
        else:
            audit.record(request, "created_codes", batch, organisation=mapping.organisation)
            messages.success(
                request,
                _("%(count)s inbjudningskoder är skapade.")
                % {"count": number_format(batch.size, force_grouping=True)},
            )
            return redirect("mappings:batches", org=org, mapping_id=mapping.pk)
    perspectives = [
        {
            "mapping_perspective": mp,
            "link": letters.open_answer_link(mp) if mp.open_link else "",
            "qr": letters.open_link_qr_data_uri(mp) if mp.open_link else "",
        }
        for mp in mapping.perspectives.all()
    ]
    rows = (
        CodeBatch.objects.filter(mapping_perspective__mapping=mapping)
        .select_related("mapping_perspective", "unit")
        .annotate(used=Count("codes", filter=Q(codes__used=True)))
    )
    return render(
        request,
        "mappings/access/batches.html",
        {
            "organisation": mapping.organisation,
            "mapping": mapping,
            "perspectives": perspectives,
            "form": form,
            "batches": [(batch, _letter_parts(batch)) for batch in rows],
            "letters_per_pdf": letters.LETTERS_PER_PDF,
        },
    )


def _letter_parts(batch: CodeBatch) -> list[tuple[int, int, int]]:
    """Each PDF part of a batch's letters with the positions of its first and last code."""
    size = letters.LETTERS_PER_PDF
    return [
        (part, (part - 1) * size + 1, min(part * size, batch.size))
        for part in range(1, letters.letter_parts(batch) + 1)
    ]


def _access_batch(request: HttpRequest, org: str, mapping_id: int, batch_id: int) -> CodeBatch:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN)
    return get_object_or_404(
        CodeBatch.objects.select_related("mapping_perspective__mapping__organisation", "unit"),
        pk=batch_id,
        mapping_perspective__mapping=mapping,
    )


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@never_cache
def batch_csv(request: HttpRequest, org: str, mapping_id: int, batch_id: int) -> HttpResponse:
    batch = _access_batch(request, org, mapping_id, batch_id)
    audit.record(
        request,
        "downloaded_codes_csv",
        batch,
        organisation=batch.mapping_perspective.mapping.organisation,
    )
    return _attachment(
        letters.codes_csv(batch),
        "text/csv; charset=utf-8",
        f"inbjudningskoder-{mapping_id}-{batch.pk}.csv",
    )


@login_required
@never_cache
def batch_pdf(request: HttpRequest, org: str, mapping_id: int, batch_id: int) -> HttpResponse:
    batch = _access_batch(request, org, mapping_id, batch_id)
    part_parameter = request.GET.get("del", "1")
    if not part_parameter.isdigit() or not 1 <= int(part_parameter) <= letters.letter_parts(batch):
        raise Http404
    part = int(part_parameter)
    suffix = f"-del-{part}" if letters.letter_parts(batch) > 1 else ""
    audit.record(
        request,
        "downloaded_letters_pdf",
        batch,
        organisation=batch.mapping_perspective.mapping.organisation,
        detail=f"del {part}",
    )
    return _attachment(
        letters.letters_pdf(batch, part),
        "application/pdf",
        f"inbjudningsbrev-{mapping_id}-{batch.pk}{suffix}.pdf",
    )


@login_required
@never_cache
def qr_code(
    request: HttpRequest, org: str, mapping_id: int, perspective: str, fmt: str
) -> HttpResponse:
    _membership, mapping = access_mapping(request, org, mapping_id, Role.ADMIN)
    if fmt not in QR_CONTENT_TYPES:
        raise Http404
    mapping_perspective = get_object_or_404(
        MappingPerspective, mapping=mapping, perspective=perspective, open_link=True
    )
    return _attachment(
        letters.open_link_qr(mapping_perspective, fmt),
        QR_CONTENT_TYPES[fmt],
        f"qr-{mapping_perspective.perspective}-{mapping.pk}.{fmt}",
    )
