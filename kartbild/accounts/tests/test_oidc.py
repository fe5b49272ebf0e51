"""Single sign-on with the provider mocked: no network is ever used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from kartbild.accounts.models import Membership
from kartbild.accounts.oidc import ExistingAccountBackend

PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": "kartbild",
    "OIDC_RP_CLIENT_SECRET": "hemligt",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.se/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.se/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.se/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.se/jwks",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_USE_PKCE": True,
    "OIDC_CREATE_USER": False,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
    "LOGIN_REDIRECT_URL_FAILURE": "/logga-in/?sso=misslyckades",
    "AUTHENTICATION_BACKENDS": [
        "django.contrib.auth.backends.ModelBackend",
        "kartbild.accounts.oidc.ExistingAccountBackend",
    ],
}


@pytest.fixture
def provider() -> Iterator[dict[str, Any]]:
    """The provider's answers: a token, and the claims of whoever signed in there."""
    claims: dict[str, Any] = {"email": "", "nonce": ""}
    with (
        override_settings(**PROVIDER),
        mock.patch.object(
            ExistingAccountBackend,
            "get_token",
            return_value={"id_token": "id-token", "access_token": "access-token"},
        ),
        mock.patch.object(
            ExistingAccountBackend, "verify_token", side_effect=lambda token, **kw: claims
        ),
        mock.patch.object(ExistingAccountBackend, "get_userinfo", side_effect=lambda *args: claims),
    ):
        yield claims


def sign_in_through_provider(client: Client, claims: dict[str, Any], email: str) -> Any:
    start = client.get(reverse("accounts:oidc_login"))
    assert start.status_code == 302
    assert start["Location"].startswith("https://idp.example.se/authorize?")
    state = next(iter(client.session["oidc_states"]))
    claims.update(email=email, nonce=client.session["oidc_states"][state]["nonce"])
    return client.get(reverse("accounts:oidc_callback"), {"code": "abc", "state": state})


def test_single_sign_on_is_off_unless_configured(db: None) -> None:
    assert Client().get(reverse("accounts:oidc_login")).status_code == 404
    assert "organisationens konto" not in Client().get(reverse("accounts:login")).content.decode()


def test_an_existing_account_signs_in_by_email(provider: dict[str, Any], admin_a: Any) -> None:
    admin_a.email = "Anna.Admin@ystad.example.se"
    admin_a.save()
    client = Client()
    assert (
        "Logga in med organisationens konto"
        in client.get(reverse("accounts:login")).content.decode()
    )
    response = sign_in_through_provider(client, provider, "anna.admin@ystad.example.se")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_a.pk)
    assert client.get(reverse("organisations:dashboard", args=["ystad"])).status_code == 200


def test_an_unknown_email_creates_no_account_and_no_membership(
    provider: dict[str, Any], organisation_a: Any
) -> None:
    client = Client()
    response = sign_in_through_provider(client, provider, "okand@ystad.example.se")
    assert response["Location"] == "/logga-in/?sso=misslyckades"
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == 0
    assert Membership.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "Inloggningen med organisationens konto misslyckades." in page


def test_a_deactivated_account_cannot_sign_in_through_the_provider(
    provider: dict[str, Any], admin_a: Any
) -> None:
    admin_a.email = "anna@ystad.example.se"
    admin_a.is_active = False
    admin_a.save()
    client = Client()
    sign_in_through_provider(client, provider, "anna@ystad.example.se")
    assert "_auth_user_id" not in client.session


def test_a_callback_without_a_started_sign_in_is_refused(
    provider: dict[str, Any], db: None
) -> None:
    response = Client().get(reverse("accounts:oidc_callback"), {"code": "abc", "state": "forged"})
    assert response.status_code == 302
    assert response["Location"] == "/logga-in/?sso=misslyckades"
