"""The unit tree: edited in the interface and imported from a file, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db

GOOD = """kod;namn;nivå;överordnad;anställda
SOC;Socialförvaltningen;förvaltning;;0
SOC-VO;Vård och omsorg;avdelning;SOC;0
SOC-VO-1;Hemtjänsten;enhet;SOC-VO;64
"""


def upload(client: Any, text: str, name: str = "enheter.csv") -> Any:
    return client.post(
        reverse("organisations:unit_import", args=["ystad"]),
        {"file": SimpleUploadedFile(name, text.encode("utf-8"))},
    )


def test_an_admin_imports_a_unit_tree(client: Any, admin_a: Any) -> None:
    client.force_login(admin_a)
    assert upload(client, GOOD).status_code == 302
    team = Unit.objects.get(code="SOC-VO-1")
    assert team.parent is not None and team.parent.parent is not None
    assert team.parent.parent.code == "SOC" and team.headcount == 64
    page = client.get(reverse("organisations:units", args=["ystad"])).content.decode()
    assert "Hemtjänsten" in page


def test_importing_again_updates_instead_of_duplicating(client: Any, admin_a: Any) -> None:
    client.force_login(admin_a)
    upload(client, GOOD)
    upload(client, GOOD.replace(";64", ";70"))
    assert Unit.objects.count() == 3
    assert Unit.objects.get(code="SOC-VO-1").headcount == 70


def test_a_bad_file_stores_nothing_and_names_every_line(client: Any, admin_a: Any) -> None:
    client.force_login(admin_a)
    bad = GOOD + "X;Fel;enhet;FINNS-EJ;-3\nY;;nivå;SOC;abc\nSOC;Dubblett;förvaltning;;1\n"
    response = upload(client, bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rad 5" in page and "FINNS-EJ" in page
    assert "Rad 6: namn saknas" in page
    assert "Rad 7: koden SOC finns redan på rad 2" in page
    assert Unit.objects.count() == 0


def test_a_team_cannot_sit_directly_under_the_organisation(client: Any, admin_a: Any) -> None:
    client.force_login(admin_a)
    response = upload(client, "kod,namn,nivå,överordnad,anställda\nE1,Enhet,enhet,,5\n")
    assert "kan inte ligga direkt under organisationen" in response.content.decode()
    assert Unit.objects.count() == 0


def test_an_admin_edits_a_unit_and_bad_input_is_named(
    client: Any, admin_a: Any, organisation_a: Any
) -> None:
    client.force_login(admin_a)
    url = reverse("organisations:unit_add", args=["ystad"])
    response = client.post(url, {"name": "Barn", "code": "B", "level": "enhet", "headcount": "4"})
    assert "kan inte ligga direkt under organisationen" in response.content.decode()
    response = client.post(
        url, {"name": "Barn", "code": "B", "level": "forvaltning", "headcount": "-1"}
    )
    assert response.status_code == 200
    assert (
        client.post(
            url, {"name": "Barn", "code": "B", "level": "forvaltning", "headcount": "40"}
        ).status_code
        == 302
    )
    assert Unit.objects.get().headcount == 40


def test_other_roles_and_organisations_cannot_change_units(
    client: Any, analyst_a: Any, admin_b: Any, organisation_a: Any
) -> None:
    unit = Unit.objects.create(organisation=organisation_a, code="A", name="A", level="forvaltning")
    client.force_login(analyst_a)
    assert client.get(reverse("organisations:units", args=["ystad"])).status_code == 200
    assert (
        client.get(reverse("organisations:unit_edit", args=["ystad", unit.pk])).status_code == 403
    )
    client.force_login(admin_b)
    assert client.get(reverse("organisations:units", args=["ystad"])).status_code == 404
    assert (
        client.get(reverse("organisations:unit_edit", args=["strangnas", unit.pk])).status_code
        == 404
    )
