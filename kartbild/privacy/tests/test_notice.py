"""The privacy notice: public, per organisation, in plain Swedish, and linked from answering."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kartbild.privacy.models import PrivacyContact

pytestmark = pytest.mark.django_db


def test_anyone_can_read_the_notice_of_an_organisation(
    client: Client, organisation_a: Any, make_mapping: Any
) -> None:
    make_mapping(("medborgare",), retention_months=24)
    response = client.get(reverse("privacy:notice", args=["ystad"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Så hanterar Ystad dina svar" in page
    assert "Din IP-adress." in page
    assert "Kopplingen mellan din inbjudningskod och ditt svar" in page
    assert "artikel 6.1 e i dataskyddsförordningen" in page
    assert "24 månader efter att kartläggningen stänger" in page
    assert "Integritetsskyddsmyndigheten" in page
    assert "Personuppgiftsansvarig är Ystad." in page


def test_an_unknown_organisation_has_no_notice(client: Client, db: None) -> None:
    assert client.get(reverse("privacy:notice", args=["finns-inte"])).status_code == 404


def test_the_admin_names_the_controller_and_the_data_protection_officer(
    client: Client, admin_a: Any, analyst_a: Any
) -> None:
    url = reverse("privacy:settings", args=["ystad"])
    client.force_login(analyst_a)
    assert client.get(url).status_code == 403
    client.force_login(admin_a)
    response = client.post(
        url,
        {
            "controller": "Kommunstyrelsen i Ystads kommun",
            "contact": "hr@ystad.example",
            "data_protection_officer": "dso@ystad.example",
        },
    )
    assert response.status_code == 302
    assert PrivacyContact.objects.get().controller == "Kommunstyrelsen i Ystads kommun"
    page = Client().get(reverse("privacy:notice", args=["ystad"])).content.decode()
    assert "Personuppgiftsansvarig är Kommunstyrelsen i Ystads kommun." in page
    assert "dso@ystad.example" in page


def test_every_answer_page_links_to_the_notice(client: Client, make_mapping: Any) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    page = client.get(reverse("mappings:start", args=[mp.token])).content.decode()
    assert reverse("privacy:notice", args=["ystad"]) in page
