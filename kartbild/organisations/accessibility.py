"""The accessibility statement (tillgänglighetsredogörelse) each organisation must publish under
the Swedish law on accessible digital public services (lag 2018:1937, "DOS-lagen"), following
DIGG's model: who stands behind the service, how compliant it is, what is known not to be
accessible and why, how to report a problem or ask for another format, how the service was
assessed and when, and where to complain (DIGG, the supervisory authority).

What the software knows about itself — the status, the known gaps, how it was tested — is kept
here, next to the date of the audit that docs/accessibility.md reports. What only the
organisation knows — its contact and the dates of its own review — is on Organisation and is
edited by its admins."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Role
from kartbild.organisations.models import Organisation

# The last full audit of the software (axe-core on every page, the keyboard walk, a manual
# review); docs/accessibility.md gives its figures. Bump it with each new audit.
AUDITED_ON = datetime.date(2026, 11, 23)
AXE_CORE_VERSION = "4.14.1"

# DIGG's page for reporting a lack of accessibility (the supervisory authority).
SUPERVISOR_URL = (
    "https://www.digg.se/analys-och-uppfoljning/"
    "lagen-om-tillganglighet-till-digital-offentlig-service-dos-lagen/"
    "anmal-bristande-tillganglighet"
)

# One of DIGG's three statuses: fully, partially or not compliant. Partially, because of the
# gaps below: they are real, so claiming full compliance would be untrue.
COMPLIANCE = "partial"


def known_gaps() -> list[tuple[str, str]]:
    """What is known not to be accessible, and why: (what, why and what instead)."""
    return [
        (
            _("PDF-breven med inbjudningskoder"),
            _(
                "Breven är gjorda för att skrivas ut och delas ut på papper. De är inte "
                "granskade med skärmläsare. Samma kod kan skickas som text i ett mejl i stället; "
                "organisationen får koderna som en CSV-fil för det."
            ),
        ),
        (
            _("QR-koder"),
            _(
                "En QR-kod är en bild som inte kan läsas av en skärmläsare. Samma länk finns "
                "alltid bredvid som text."
            ),
        ),
        (
            _("Breda tabeller på små skärmar"),
            _(
                "Tabeller med många kolumner får inte plats på en smal skärm. Tabellen rullas då "
                "i sidled inuti sin egen ruta, som kan nås med tangentbordet. Sidan i övrigt "
                "behöver aldrig rullas i sidled."
            ),
        ),
        (
            _("Test med skärmläsare"),
            _(
                "Tjänsten är testad automatiskt och med tangentbord, men ännu inte av personer "
                "som använder skärmläsare som NVDA, JAWS, VoiceOver eller TalkBack. Vi planerar "
                "sådana tester."
            ),
        ),
        (
            _("Text som organisationen skriver"),
            _(
                "Namnet på en kartläggning och den öppna frågan skrivs av organisationen och "
                "finns bara på svenska, även när resten av sidan visas på engelska."
            ),
        ),
    ]


def statement(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's accessibility statement: public, no login, linked from every page."""
    organisation = get_object_or_404(Organisation, slug=org)
    return render(request, "organisations/accessibility_statement.html", _context(organisation))


def service_statement(request: HttpRequest) -> HttpResponse:
    """For pages that belong to no organisation yet (login, code entry): the same statement
    without an organisation's contact, pointing to the organisation that sent the invitation."""
    return render(request, "organisations/accessibility_statement.html", _context(None))


def _context(organisation: Organisation | None) -> dict[str, object]:
    statement_on = (organisation and organisation.accessibility_statement_on) or AUDITED_ON
    reviewed_on = (organisation and organisation.accessibility_reviewed_on) or AUDITED_ON
    return {
        "organisation": organisation,
        "compliance": COMPLIANCE,
        "gaps": known_gaps(),
        "audited_on": AUDITED_ON,
        "axe_core_version": AXE_CORE_VERSION,
        "statement_on": statement_on,
        "reviewed_on": max(reviewed_on, statement_on),
        "supervisor_url": SUPERVISOR_URL,
    }


class StatementForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "accessibility_email",
            "accessibility_phone",
            "accessibility_statement_on",
            "accessibility_reviewed_on",
        ]
        widgets = {
            "accessibility_statement_on": forms.DateInput(attrs={"type": "date"}),
            "accessibility_reviewed_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "accessibility_email": gettext_lazy(
                "Dit kan den som inte kan använda tjänsten skriva, eller be om innehållet i ett "
                "annat format."
            ),
            "accessibility_reviewed_on": gettext_lazy(
                "När organisationen senast granskade att redogörelsen stämmer."
            ),
        }


@login_required
def edit_statement(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request, org, Role.ADMIN)
    organisation = membership.organisation
    form = StatementForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Tillgänglighetsredogörelsen är uppdaterad."))
        return redirect("organisations:accessibility", org=org)
    return render(
        request,
        "organisations/accessibility_edit.html",
        {"organisation": organisation, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )
