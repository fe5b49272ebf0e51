from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kartbild.accounts.models import AuditEvent, Membership, Role
from kartbild.organisations.models import Unit

User = get_user_model()
STRONG = "lagom-lång-fras-med-siffror-42"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_account(**changes: str) -> dict[str, str]:
    return {
        "username": "nyanstalld",
        "first_name": "Nora",
        "last_name": "Ny",
        "email": "nora@ystad.example.se",
        "role": Role.ANALYST,
        "unit": "",
        "password1": STRONG,
        "password2": STRONG,
        **changes,
    }


def test_an_admin_creates_an_account_with_a_role(admin_a: Any, organisation_a: Any) -> None:
    response = signed_in(admin_a).post(
        reverse("accounts:member_add", args=[organisation_a.slug]), new_account()
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nyanstalld")
    assert membership.organisation == organisation_a
    assert membership.role == Role.ANALYST
    assert membership.user.check_password(STRONG)
    event = AuditEvent.objects.get(action="created_account")
    assert (event.username, event.organisation, event.object_label) == (
        "admin_a",
        organisation_a,
        "nyanstalld",
    )


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("kort-ord-1", "för kort"),
        ("123456789012345", "enbart numeriskt"),
        ("password1234", "för vanligt"),
        ("nyanstalld2026", "alltför likt"),
    ],
)
def test_weak_passwords_are_refused_in_swedish(
    admin_a: Any, organisation_a: Any, password: str, problem: str
) -> None:
    response = signed_in(admin_a).post(
        reverse("accounts:member_add", args=[organisation_a.slug]),
        new_account(password1=password, password2=password),
    )
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not User.objects.filter(username="nyanstalld").exists()


def test_a_unit_manager_needs_a_unit_of_the_organisation(
    admin_a: Any, organisation_a: Any, organisation_b: Any
) -> None:
    foreign = Unit.objects.create(
        organisation=organisation_b, name="X", level="forvaltning", code="X"
    )
    client = signed_in(admin_a)
    url = reverse("accounts:member_add", args=[organisation_a.slug])
    response = client.post(url, new_account(role=Role.UNIT_MANAGER))
    assert "Välj den enhet som chefen ansvarar för." in response.content.decode()
    response = client.post(url, new_account(role=Role.UNIT_MANAGER, unit=str(foreign.pk)))
    assert response.status_code == 200
    assert not User.objects.filter(username="nyanstalld").exists()


def test_a_taken_username_or_email_is_refused(admin_a: Any, organisation_a: Any) -> None:
    User.objects.create_user("NyAnstalld", email="nora@ystad.example.se")
    response = signed_in(admin_a).post(
        reverse("accounts:member_add", args=[organisation_a.slug]), new_account()
    )
    text = response.content.decode()
    assert "Användarnamnet är upptaget" in text
    assert "E-postadressen används redan" in text
    assert User.objects.count() == 2


def test_an_admin_changes_a_role(admin_a: Any, facilitator_a: Any, organisation_a: Any) -> None:
    unit = Unit.objects.create(
        organisation=organisation_a, name="Skola", level="forvaltning", code="S"
    )
    membership = Membership.objects.get(user=facilitator_a)
    response = signed_in(admin_a).post(
        reverse("accounts:member_edit", args=[organisation_a.slug, membership.pk]),
        {"role": Role.UNIT_MANAGER, "unit": unit.pk},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.unit) == (Role.UNIT_MANAGER, unit)
    assert AuditEvent.objects.filter(action="changed_account", detail="Chef").exists()


def test_an_admin_cannot_remove_their_own_admin_role(admin_a: Any, organisation_a: Any) -> None:
    own = Membership.objects.get(user=admin_a)
    response = signed_in(admin_a).post(
        reverse("accounts:member_edit", args=[organisation_a.slug, own.pk]),
        {"role": Role.ANALYST},
    )
    assert response.status_code == 200
    assert "Du kan inte ta bort din egen administratörsroll." in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_a_deactivated_member_loses_access_and_cannot_sign_in(
    admin_a: Any, facilitator_a: Any, organisation_a: Any
) -> None:
    membership = Membership.objects.get(user=facilitator_a)
    url = reverse("accounts:member_active", args=[organisation_a.slug, membership.pk])
    assert signed_in(admin_a).post(url, {"active": "0"}).status_code == 302
    membership.refresh_from_db()
    facilitator_a.refresh_from_db()
    assert not membership.is_active and not facilitator_a.is_active
    dashboard = reverse("organisations:dashboard", args=[organisation_a.slug])
    assert signed_in(facilitator_a).get(dashboard).status_code in (302, 404)
    assert not Client().login(username="facilitator_a", password="a-long-password-1")
    assert AuditEvent.objects.filter(action="deactivated_account").count() == 1
    # ... and reactivating gives both back.
    signed_in(admin_a).post(url, {"active": "1"})
    assert Client().login(username="facilitator_a", password="a-long-password-1")


def test_deactivating_in_one_organisation_keeps_the_other(
    admin_a: Any, facilitator_a: Any, organisation_a: Any, organisation_b: Any
) -> None:
    Membership.objects.create(user=facilitator_a, organisation=organisation_b, role=Role.ANALYST)
    membership = Membership.objects.get(user=facilitator_a, organisation=organisation_a)
    signed_in(admin_a).post(
        reverse("accounts:member_active", args=[organisation_a.slug, membership.pk]),
        {"active": "0"},
    )
    facilitator_a.refresh_from_db()
    assert facilitator_a.is_active
    client = signed_in(facilitator_a)
    assert (
        client.get(reverse("organisations:dashboard", args=[organisation_a.slug])).status_code
        == 404
    )
    assert (
        client.get(reverse("organisations:dashboard", args=[organisation_b.slug])).status_code
        == 200
    )


def test_an_admin_cannot_deactivate_themselves(admin_a: Any, organisation_a: Any) -> None:
    own = Membership.objects.get(user=admin_a)
    signed_in(admin_a).post(
        reverse("accounts:member_active", args=[organisation_a.slug, own.pk]), {"active": "0"}
    )
    own.refresh_from_db()
    assert own.is_active


def test_another_organisations_member_is_not_found(
    admin_a: Any, admin_b: Any, organisation_a: Any
) -> None:
    theirs = Membership.objects.get(user=admin_b)
    client = signed_in(admin_a)
    edit = reverse("accounts:member_edit", args=[organisation_a.slug, theirs.pk])
    active = reverse("accounts:member_active", args=[organisation_a.slug, theirs.pk])
    assert client.get(edit).status_code == 404
    assert client.post(active, {"active": "0"}).status_code == 404
    admin_b.refresh_from_db()
    assert admin_b.is_active


def test_the_members_page_lists_only_the_organisations_accounts(
    admin_a: Any, analyst_a: Any, admin_b: Any, organisation_a: Any
) -> None:
    text = (
        signed_in(admin_a)
        .get(reverse("accounts:members", args=[organisation_a.slug]))
        .content.decode()
    )
    assert "analyst_a" in text
    assert "admin_b" not in text


def test_the_system_admin_creates_an_organisation_with_its_first_admin(db: None) -> None:
    root = User.objects.create_superuser("root", "root@example.se")
    response = signed_in(root).post(
        reverse("accounts:system"),
        {
            "name": "Exempelby",
            "slug": "exempelby",
            "kind": "kommun",
            "code": "9999",
            "admin_username": "byadmin",
            "admin_email": "admin@exempelby.example.se",
            "admin_password": STRONG,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="byadmin")
    assert (membership.organisation.slug, membership.role) == ("exempelby", Role.ADMIN)
    # ... and has no way into it themselves: no membership, so its pages are "not found".
    dashboard = reverse("organisations:dashboard", args=["exempelby"])
    assert signed_in(root).get(dashboard).status_code == 404


def test_an_account_without_a_password_gets_an_invitation_link(
    admin_a: Any, organisation_a: Any
) -> None:
    admin = signed_in(admin_a)
    response = admin.post(
        reverse("accounts:member_add", args=[organisation_a.slug]),
        new_account(password1="", password2=""),
    )
    membership = Membership.objects.get(user__username="nyanstalld")
    assert not membership.user.has_usable_password()
    page = admin.get(response["Location"]).content.decode()
    link = page.split('id="invitation-link" readonly value="')[1].split('"')[0]
    path = link.removeprefix(settings.SITE_URL)
    assert path.startswith("/konto/valj-losenord/")
    person = Client()
    form = person.get(path, follow=True)
    assert "Välj lösenord" in form.content.decode()
    weak = person.post(
        form.redirect_chain[-1][0], {"new_password1": "kort", "new_password2": "kort"}
    )
    assert "för kort" in weak.content.decode()
    done = person.post(
        form.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG}
    )
    assert done.status_code == 302
    assert Client().login(username="nyanstalld", password=STRONG)
    # The link works once.
    assert "Länken fungerar inte längre" in Client().get(path, follow=True).content.decode()


def test_an_account_with_a_password_shows_no_invitation_link(
    admin_a: Any, analyst_a: Any, organisation_a: Any
) -> None:
    membership = Membership.objects.get(user=analyst_a)
    page = signed_in(admin_a).get(
        reverse("accounts:member_edit", args=[organisation_a.slug, membership.pk])
    )
    assert "invitation-link" not in page.content.decode()
