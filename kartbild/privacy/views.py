from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kartbild.accounts import audit
from kartbild.accounts.access import access_membership
from kartbild.accounts.models import AuditEvent, Role
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.mappings.actions import Rejected
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Organisation
from kartbild.privacy.actions import delete_organisation
from kartbild.privacy.export import organisation_export
from kartbild.privacy.forms import DeleteOrganisationForm, PrivacyContactForm
from kartbild.privacy.models import PrivacyContact


def notice(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's privacy notice (integritetsmeddelande): public, plain Swedish."""
    organisation = get_object_or_404(Organisation, slug=org)
    contact = PrivacyContact.objects.filter(organisation=organisation).first()
    mappings = Mapping.objects.filter(organisation=organisation, purged_on=None).exclude(
        status=Mapping.Status.DRAFT
    )
    policy = AnonymityPolicy()
    return render(
        request,
        "privacy/notice.html",
        {
            "organisation": organisation,
            "contact": contact,
            "mappings": mappings,
            "min_group": policy.min_group,
            "min_free_text": policy.min_free_text,
        },
    )


@login_required
def settings_page(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    contact = PrivacyContact.objects.filter(organisation=organisation).first()
    form = PrivacyContactForm(
        request.POST or None, instance=contact or PrivacyContact(organisation=organisation)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Kontaktuppgifterna i integritetsmeddelandet är sparade."))
        return redirect("privacy:settings", org=org)
    return render(request, "privacy/settings.html", {"organisation": organisation, "form": form})


@login_required
def export(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    if request.method != "POST":
        return render(request, "privacy/export.html", {"organisation": organisation})
    data = organisation_export(organisation)
    audit.record(request, "exported_organisation", organisation)
    response = HttpResponse(data, content_type="application/zip")
    filename = f"kartbild-{organisation.slug}-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delete(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = DeleteOrganisationForm(request.POST or None, organisation=organisation)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                # Recorded without an organisation, so the record outlives it; and in the same
                # transaction, so a deletion that fails leaves no record of having happened.
                event = audit.record(
                    request,
                    "deleted_organisation_data",
                    detail=f"{organisation.name} ({organisation.kind} {organisation.code})",
                )
                deleted = delete_organisation(organisation)
                if event is not None:
                    AuditEvent.objects.filter(pk=event.pk).update(
                        detail=f"{event.detail}: {deleted.mappings} mappings, "
                        f"{deleted.responses} responses, {deleted.units} units, "
                        f"{deleted.accounts} accounts"[:200]
                    )
        except Rejected as rejection:
            error = rejection.message
        else:
            # The admin's own account is gone too when this was their only organisation.
            user_id = request.user.pk
            if user_id is None or not get_user_model().objects.filter(pk=user_id).exists():
                logout(request)
            return redirect("privacy:deleted")
    return render(
        request,
        "privacy/delete.html",
        {"organisation": organisation, "form": form, "error": error},
    )


def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html")
