"""Login throttling for staff sign-ins, shared by every application process through the database.

Failures are counted per username and per client over a window. Neither is stored in the clear:
the key is an HMAC of it under the SECRET_KEY, and rows older than the window are deleted. Only
staff sign in; the respondent flow never reaches this module, so no respondent's address is
ever hashed, let alone stored."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kartbild.accounts.models import LoginFailure

# Long enough to make guessing slow (at most 5 tries a quarter for one account, about 500 a
# day), short enough that a person who mistyped is not locked out for long.
WINDOW = datetime.timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
# One office behind one address has many people; a client may fail more often than one account.
MAX_FAILURES_PER_CLIENT = 20


def _key(kind: str, value: str) -> str:
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _username_key(username: str) -> str:
    return _key("username", username.strip().casefold())


def _client_key(request: HttpRequest) -> str:
    # Behind a reverse proxy, CLIENT_IP_HEADER names the header the proxy sets; its last entry
    # is the address the proxy saw (the same rule as the open links' rate limits).
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        address = str(request.META[header]).split(",")[-1].strip()
    else:
        address = str(request.META.get("REMOTE_ADDR", ""))
    return _key("client", address)


def _recent(key: str) -> int:
    return LoginFailure.objects.filter(key=key, at__gte=timezone.now() - WINDOW).count()


def is_blocked(request: HttpRequest, username: str) -> bool:
    """Whether a sign-in with this username from this client must wait."""
    return (
        _recent(_username_key(username)) >= MAX_FAILURES_PER_USERNAME
        or _recent(_client_key(request)) >= MAX_FAILURES_PER_CLIENT
    )


def record_failure(request: HttpRequest, username: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - WINDOW).delete()
    LoginFailure.objects.bulk_create(
        [
            LoginFailure(key=_username_key(username), at=now),
            LoginFailure(key=_client_key(request), at=now),
        ]
    )


def clear(username: str) -> None:
    """A successful sign-in forgets the account's failures (not the client's)."""
    LoginFailure.objects.filter(key=_username_key(username)).delete()
