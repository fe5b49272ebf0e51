"""Safe defaults: production settings pass `check --deploy`, every response carries the security
headers and a content security policy without inline scripts, and no page template needs one."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kartbild.lib.security import CONTENT_SECURITY_POLICY

ROOT = Path(settings.BASE_DIR)

# Documents rendered to PDF by WeasyPrint and never served as a page: their inline styles never
# meet a browser's policy. A new PDF template with inline styles belongs here, or is named
# *_pdf.html.
PDF_TEMPLATES = {
    "mappings/access/letter.html",
    "mappings/access/letter_codes.html",
    "reports/exports/report.html",
    "workshops/live/summary_pdf.html",
}
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I), "an inline <style>"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def production_environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith("OIDC_")
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="kartbild.example.se",
        CSRF_TRUSTED_ORIGINS="https://kartbild.example.se",
        SITE_URL="https://kartbild.example.se",
        SECURE_SSL_REDIRECT="1",
        SECURE_COOKIES="1",
        SECURE_HSTS_SECONDS="31536000",
        DEBUG="0",
        TESTING="0",
    )
    return env


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production_environment()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def policy(response: Any) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:login", "mappings:code", "mappings:thanks"])
def test_every_page_has_the_security_headers(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_policy_never_allows_inline_script_or_eval() -> None:
    for directive in ("default-src", "script-src", "style-src"):
        sources = CONTENT_SECURITY_POLICY[directive]
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources


@pytest.mark.django_db
def test_downloads_and_errors_carry_the_headers_too(client: Client) -> None:
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_hsts_is_sent_over_https_in_production(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get(reverse("accounts:login"))


def test_a_nonce_is_added_only_when_a_page_uses_one(rf: Any) -> None:
    from django.http import HttpResponse

    from kartbild.lib.security import SecurityHeadersMiddleware

    def uses_nonce(request: Any) -> HttpResponse:
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    first = SecurityHeadersMiddleware(uses_nonce)(rf.get("/"))
    second = SecurityHeadersMiddleware(uses_nonce)(rf.get("/"))
    nonce = first.content.decode().split('"')[1]
    assert f"'nonce-{nonce}'" in first["Content-Security-Policy"]
    assert nonce not in second["Content-Security-Policy"]
    plain = SecurityHeadersMiddleware(lambda request: HttpResponse("x"))(rf.get("/"))
    assert "nonce-" not in plain["Content-Security-Policy"]


def test_no_page_template_has_inline_script_style_or_handlers() -> None:
    found = []
    templates = list((ROOT / "kartbild").glob("**/templates/**/*.html"))
    assert len(templates) > 20
    for path in templates:
        name = str(path).split("/templates/", 1)[1]
        if name in PDF_TEMPLATES or name.endswith("_pdf.html"):
            continue
        text = path.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{name}: {what}")
    assert not found, (
        "The content security policy blocks these in a browser; move them to a static .js/.css "
        "file (or, for a PDF-only template, add it to PDF_TEMPLATES): " + "; ".join(found)
    )
