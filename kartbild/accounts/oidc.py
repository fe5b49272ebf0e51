"""Optional single sign-on with OpenID Connect (e.g. Microsoft Entra ID), switched on by setting
OIDC_RP_CLIENT_ID and the provider's endpoints in the environment (.env.example).

The provider only proves who someone is. The account must already exist in Kartbild with the same
e-mail address and be active; no account and no membership is ever created from a sign-in, so a
role is always given by an organisation admin."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class ExistingAccountBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Signs in the one active account whose e-mail is the provider's verified e-mail claim."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        email = (claims.get("email") or "").strip()
        if not email:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> AbstractBaseUser | None:
        return None

    def update_user(self, user: AbstractBaseUser, claims: dict[str, Any]) -> AbstractBaseUser:
        # The provider's name or groups never change a Kartbild account or its roles.
        return user


def _require_enabled() -> None:
    if not getattr(settings, "OIDC_ENABLED", False):
        raise Http404


def oidc_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider (404 when single sign-on is not configured)."""
    _require_enabled()
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back; signs in or returns to the sign-in page."""
    _require_enabled()
    response: HttpResponse = OIDCAuthenticationCallbackView.as_view()(request)
    return response
