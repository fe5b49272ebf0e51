from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kartbild.accounts import audit
from kartbild.accounts.access import (
    access_managed_membership,
    access_membership,
    access_network,
    require_system_admin,
)
from kartbild.accounts.forms import (
    NetworkForm,
    NewAccountForm,
    OrganisationForm,
    RoleFields,
    ThrottledLoginForm,
)
from kartbild.accounts.models import AuditEvent, Membership, Network, Role
from kartbild.accounts.network import network_overview
from kartbild.organisations.models import Organisation

AUDIT_PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = getattr(settings, "OIDC_ENABLED", False)
        context["sso_failed"] = self.request.GET.get("sso") == "misslyckades"
        return context


@login_required
def members(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    rows = (
        Membership.objects.filter(organisation=membership.organisation)
        .select_related("user", "unit")
        .order_by("-is_active", "user__username")
    )
    return render(
        request,
        "accounts/members.html",
        {"membership": membership, "organisation": membership.organisation, "rows": rows},
    )


@login_required
def member_add(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = NewAccountForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            created = form.create(organisation)
            audit.record(
                request,
                "created_account",
                created.user,
                organisation=organisation,
                detail=created.get_role_display(),
            )
        messages.success(
            request, _("Kontot %(username)s är skapat.") % {"username": created.user.username}
        )
        if not created.user.has_usable_password():
            return redirect("accounts:member_edit", org=org, membership_id=created.pk)
        return redirect("accounts:members", org=org)
    return render(request, "accounts/member_add.html", {"organisation": organisation, "form": form})


@login_required
@never_cache
def member_edit(request: HttpRequest, org: str, membership_id: int) -> HttpResponse:
    own, managed = access_managed_membership(request, org, membership_id)
    organisation = own.organisation
    form = RoleFields(
        request.POST or None,
        organisation=organisation,
        initial={"role": managed.role, "unit": managed.unit_id},
    )
    if request.method == "POST" and form.is_valid():
        if managed.pk == own.pk and form.cleaned_data["role"] != Role.ADMIN:
            form.add_error("role", _("Du kan inte ta bort din egen administratörsroll."))
        else:
            managed.role = form.cleaned_data["role"]
            managed.unit = form.cleaned_data["unit"]
            with transaction.atomic():
                managed.save(update_fields=["role", "unit"])
                audit.record(
                    request,
                    "changed_account",
                    managed.user,
                    organisation=organisation,
                    detail=managed.get_role_display(),
                )
            messages.success(
                request,
                _("%(username)s har nu rollen %(role)s.")
                % {"username": managed.user.username, "role": managed.get_role_display()},
            )
            return redirect("accounts:members", org=org)
    return render(
        request,
        "accounts/member_edit.html",
        {
            "organisation": organisation,
            "managed": managed,
            "form": form,
            "is_self": managed.pk == own.pk,
            "invitation_link": invitation_link(managed),
        },
    )


def invitation_link(membership: Membership) -> str:
    """The link with which someone whose account has no password yet chooses one; empty for an
    account that has one or is deactivated. It stops working once used, and after
    PASSWORD_RESET_TIMEOUT."""
    return invitation_link_of(membership.user) if membership.is_active else ""


def invitation_link_of(user: Any) -> str:
    if user.has_usable_password() or not user.is_active:
        return ""
    path = reverse(
        "accounts:set_password",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    return settings.SITE_URL + path


class ChoosePasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page says the rules in one sentence above the form.
        self.fields["new_password1"].help_text = ""


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Choosing one's password from an invitation link."""

    template_name = "accounts/set_password.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("accounts:login")
    reset_url_token = "valj-losenord"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Ditt lösenord är valt. Logga in med det."))
        return response


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = ""


class ChangePasswordView(auth_views.PasswordChangeView):
    """A signed-in user changes their own password (the session stays signed in)."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("organisations:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Ditt lösenord är bytt."))
        return response


@login_required
@require_POST
def member_active(request: HttpRequest, org: str, membership_id: int) -> HttpResponse:
    """Deactivate or reactivate a membership (the wanted state, so a form sent twice is harmless).

    A deactivated user who is not active anywhere else can no longer sign in at all."""
    own, managed = access_managed_membership(request, org, membership_id)
    active = request.POST.get("active") == "1"
    if managed.pk == own.pk:
        messages.error(request, _("Du kan inte inaktivera ditt eget konto."))
        return redirect("accounts:members", org=org)
    user = managed.user
    with transaction.atomic():
        managed.is_active = active
        managed.save(update_fields=["is_active"])
        elsewhere = Membership.objects.filter(user=user, is_active=True).exclude(pk=managed.pk)
        if active and not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        elif not active and not elsewhere.exists() and not user.is_superuser:
            user.is_active = False
            user.save(update_fields=["is_active"])
        audit.record(
            request,
            "reactivated_account" if active else "deactivated_account",
            user,
            organisation=own.organisation,
        )
    message = _("%(username)s är aktiverat igen.") if active else _("%(username)s är inaktiverat.")
    messages.success(request, message % {"username": user.username})
    return redirect("accounts:members", org=org)


@login_required
def audit_log(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    events = AuditEvent.objects.filter(organisation=membership.organisation)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "accounts/audit_log.html",
        {
            "organisation": membership.organisation,
            "page": page,
            "rows": [(event, audit.action_label(event.action)) for event in page],
        },
    )


@login_required
def network(request: HttpRequest, network: str) -> HttpResponse:
    found = access_network(request, network)
    rows = network_overview(found)
    audit.record(request, "viewed_network", found)
    return render(request, "accounts/network.html", {"network": found, "rows": rows})


@login_required
def system(request: HttpRequest) -> HttpResponse:
    """The system admin's page: organisations, and a new one with its first admin account."""
    require_system_admin(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            created = form.create()
            audit.record(request, "created_organisation", created.organisation)
            audit.record(
                request, "created_account", created.user, organisation=created.organisation
            )
        messages.success(
            request,
            _("%(name)s är skapad med administratören %(username)s.")
            % {"name": created.organisation.name, "username": created.user.username},
        )
        return redirect("accounts:system")
    return render(
        request,
        "accounts/system.html",
        {"organisations": Organisation.objects.all(), "form": form},
    )


@login_required
@never_cache
def system_networks(request: HttpRequest) -> HttpResponse:
    """The system admin's networks, and a new one with its first coordinator."""
    require_system_admin(request)
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            created = form.create()
            audit.record(request, "created_network", created)
        messages.success(request, _("Nätverket %(name)s är skapat.") % {"name": created.name})
        return redirect("accounts:system_networks")
    networks = [
        (
            network,
            [(user, invitation_link_of(user)) for user in network.coordinators.all()],
        )
        for network in Network.objects.prefetch_related("organisations", "coordinators")
    ]
    return render(request, "accounts/system_networks.html", {"networks": networks, "form": form})
