"""Security headers on every response: a content security policy and the headers Django's
SecurityMiddleware does not set (docs/security.md explains each).

The policy allows scripts, styles, fonts and connections from this site only: no inline script,
no inline style, no eval. Images may also be data: URIs (QR codes on the batches page and the
empty favicon). A page that really needs an inline <script> or <style> element marks it with
`nonce="{{ request.csp_nonce }}"`; the nonce is new for every response and is only added to the
policy when a template used it."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    # Nobody may frame a page: the same as X-Frame-Options: DENY, for browsers that read CSP.
    "frame-ancestors": ["'none'"],
}

# Kartbild uses none of these browser features; a page injected into it cannot either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def content_security_policy(nonce: str | None = None) -> str:
    directives = []
    for name, sources in CONTENT_SECURITY_POLICY.items():
        if nonce and name in ("script-src", "style-src"):
            sources = [*sources, f"'nonce-{nonce}'"]
        directives.append(" ".join([name, *sources]))
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        used: list[str] = []

        def make_nonce() -> str:
            used.append(secrets.token_urlsafe(16))
            return used[0]

        request.csp_nonce = SimpleLazyObject(make_nonce)  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(used[0] if used else None)
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
