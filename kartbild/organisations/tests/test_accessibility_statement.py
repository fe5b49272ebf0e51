"""The accessibility statement: public, with the parts DIGG's model requires, linked from every
page of the organisation and of its respondent flow; its contact is edited by admins only."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from kartbild.organisations.accessibility import SUPERVISOR_URL


def test_the_statement_is_public_and_has_every_required_part(
    client: Client, organisation_a: Any
) -> None:
    organisation_a.accessibility_email = "tillganglighet@ystad.se"
    organisation_a.accessibility_phone = "0411-57 70 00"
    organisation_a.save()
    response = client.get(reverse("organisations:accessibility", args=["ystad"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tillgänglighet för Kartbild hos Ystad" in page
    assert "delvis förenlig med lagen" in page  # compliance status
    assert "Innehåll som inte är tillgängligt" in page and "PDF-breven" in page  # known gaps
    assert 'href="mailto:tillganglighet@ystad.se"' in page  # how to report, another format
    assert 'href="tel:0411-577000"' in page
    assert f'href="{SUPERVISOR_URL}"' in page  # the supervisory authority
    assert "Hur vi testat tjänsten" in page and "axe-core" in page  # how it was assessed
    assert "Redogörelsen upprättades" in page and "granskades senast" in page  # the dates


def test_an_unknown_organisation_has_no_statement(client: Client, db: None) -> None:
    response = client.get(reverse("organisations:accessibility", args=["finns-inte"]))
    assert response.status_code == 404


def test_the_respondent_flow_links_the_organisations_statement(
    client: Client, make_mapping: Any
) -> None:
    mapping = make_mapping(("medborgare",))
    token = mapping.perspectives.get().token
    page = client.get(reverse("mappings:start", args=[token])).content.decode()
    assert f'href="{reverse("organisations:accessibility", args=["ystad"])}"' in page
    code_page = client.get(reverse("mappings:code")).content.decode()
    assert f'href="{reverse("organisations:service_accessibility")}"' in code_page


def test_staff_pages_link_the_organisations_statement(client: Client, analyst_a: Any) -> None:
    client.force_login(analyst_a)
    page = client.get(reverse("organisations:dashboard", args=["ystad"])).content.decode()
    assert f'href="{reverse("organisations:accessibility", args=["ystad"])}"' in page


def test_an_admin_sets_the_contact_and_review_date(client: Client, admin_a: Any) -> None:
    client.force_login(admin_a)
    url = reverse("organisations:accessibility_edit", args=["ystad"])
    response = client.post(
        url,
        {
            "accessibility_email": "tillganglighet@ystad.se",
            "accessibility_phone": "",
            "accessibility_statement_on": "2026-11-01",
            "accessibility_reviewed_on": "2026-11-20",
        },
    )
    assert response.status_code == 302
    admin_a.memberships.get().organisation.refresh_from_db()
    organisation = admin_a.memberships.get().organisation
    assert organisation.accessibility_email == "tillganglighet@ystad.se"
    assert str(organisation.accessibility_reviewed_on) == "2026-11-20"


def test_a_bad_email_re_renders_in_swedish_and_changes_nothing(
    client: Client, admin_a: Any
) -> None:
    client.force_login(admin_a)
    url = reverse("organisations:accessibility_edit", args=["ystad"])
    response = client.post(url, {"accessibility_email": "inte en adress"})
    assert response.status_code == 400
    assert "Fyll i en giltig e-postadress." in response.content.decode()
    assert admin_a.memberships.get().organisation.accessibility_email == ""


def test_only_an_admin_edits_the_statement(client: Client, analyst_a: Any, admin_b: Any) -> None:
    url = reverse("organisations:accessibility_edit", args=["ystad"])
    client.force_login(analyst_a)
    assert client.get(url).status_code == 403
    client.force_login(admin_b)
    assert client.get(url).status_code == 404
