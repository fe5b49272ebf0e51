"""The staff pages: who sees what, the audit log, and the exports through the gate."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from kartbild.accounts.models import AuditEvent, Membership, Role
from kartbild.followups.models import FollowUp
from kartbild.followups.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation_a: Any) -> dict[str, Any]:
    social = factories.unit(organisation_a, "Socialförvaltningen", code="SOC")
    elderly = factories.unit(organisation_a, "Äldreomsorg", social, code="ALD")
    small = factories.unit(organisation_a, "Familjerätt", social, code="FAM")
    school = factories.unit(organisation_a, "Skolan", code="SKO")
    round_ = factories.follow_up(organisation_a)
    factories.answer(round_, [3, 3, 3, 3], elderly, times=6)
    factories.answer(round_, [1, 1, 1, 1], small, times=2)
    factories.answer(round_, [5, 5, 5, 5], school, times=7)
    return {"round": round_, "social": social, "small": small, "school": school}


def _user(organisation: Any, name: str, role: str, unit: Any = None) -> Any:
    user = get_user_model().objects.create_user(name)
    Membership.objects.create(user=user, organisation=organisation, role=role, unit=unit)
    return user


def _url(round_: FollowUp, rest: str = "") -> str:
    return f"/o/ystad/uppfoljning/{round_.pk}/resultat/{rest}"


def test_the_admin_sees_every_unit_and_the_view_is_logged(
    world: dict[str, Any], admin_a: Any, client: Client
) -> None:
    client.force_login(admin_a)
    page = client.get(_url(world["round"])).content.decode()
    assert "Index per enhet" in page and "Skolan" in page and "Familjerätt" in page
    assert "för få svar" in page
    event = AuditEvent.objects.get(action="viewed_follow_up_results")
    assert event.object_id == str(world["round"].pk)


def test_a_facilitator_sees_the_organisation_without_unit_rows(
    world: dict[str, Any], organisation_a: Any, client: Client
) -> None:
    client.force_login(_user(organisation_a, "facilitator", Role.FACILITATOR))
    page = client.get(_url(world["round"])).content.decode()
    assert "Index per värde" in page
    assert "Index per enhet" not in page
    assert client.get(_url(world["round"], f"enhet/{world['school'].pk}/")).status_code == 403


def test_a_unit_manager_sees_only_their_subtree(
    world: dict[str, Any], organisation_a: Any, client: Client
) -> None:
    client.force_login(_user(organisation_a, "chef", Role.UNIT_MANAGER, world["social"]))
    assert client.get(_url(world["round"])).status_code == 403
    page = client.get(_url(world["round"], f"enhet/{world['social'].pk}/")).content.decode()
    assert "Äldreomsorg" in page and "Skolan" not in page
    assert client.get(_url(world["round"], f"enhet/{world['school'].pk}/")).status_code == 403
    export = client.get(_url(world["round"], f"enhet/{world['school'].pk}/export.csv"))
    assert export.status_code == 403


def test_another_organisation_gets_not_found(
    world: dict[str, Any], admin_b: Any, client: Client
) -> None:
    client.force_login(admin_b)
    assert client.get(_url(world["round"])).status_code == 404
    assert client.get(f"/o/strangnas/uppfoljning/{world['round'].pk}/resultat/").status_code == 404


def test_the_csv_export_holds_only_what_the_gate_lets_through(
    world: dict[str, Any], admin_a: Any, client: Client
) -> None:
    client.force_login(admin_a)
    response = client.get(_url(world["round"], "export.csv"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    units = next(n for n in archive.namelist() if "enheter" in n)
    lines = archive.read(units).decode("utf-8-sig").splitlines()
    by_unit = {line.split(";")[0]: line for line in lines[1:]}
    # Familjerätt (2) and Äldreomsorg (derivable) carry no numbers, only the reason.
    assert by_unit["Familjerätt"].split(";")[2:4] == ["", ""]
    assert by_unit["Äldreomsorg"].split(";")[2:4] == ["", ""]
    assert "för få svar" in by_unit["Äldreomsorg"]
    assert by_unit["Skolan"].split(";")[2:4] == ["7", "100,000000"]
    assert AuditEvent.objects.filter(action="exported_follow_up_results").count() == 1


def test_a_facilitators_workbook_has_no_unit_sheet(
    world: dict[str, Any], organisation_a: Any, client: Client
) -> None:
    client.force_login(_user(organisation_a, "facilitator", Role.FACILITATOR))
    response = client.get(_url(world["round"], "export.xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert "Enheter" not in workbook.sheetnames
    assert "Värden" in workbook.sheetnames


def test_the_pdf_export_is_a_pdf(world: dict[str, Any], admin_a: Any, client: Client) -> None:
    client.force_login(admin_a)
    response = client.get(_url(world["round"], "export.pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_an_unknown_export_format_is_not_found(
    world: dict[str, Any], admin_a: Any, client: Client
) -> None:
    client.force_login(admin_a)
    assert client.get(_url(world["round"], "export.docx")).status_code == 404


def test_the_admin_creates_edits_and_opens_a_round(
    organisation_a: Any, admin_a: Any, client: Client
) -> None:
    made = factories.framework(organisation_a)
    client.force_login(admin_a)
    response = client.post(
        "/o/ystad/uppfoljning/ny/", {"name": "Våren 2027", "framework": str(made.pk)}
    )
    assert response.status_code == 302
    round_ = FollowUp.objects.get(name="Våren 2027")
    first, *rest = round_.statements.all()
    form = {f"text-{s.pk}": s.text for s in rest} | {f"included-{s.pk}": "1" for s in rest}
    form[f"text-{first.pk}"] = first.text
    assert client.post(f"/o/ystad/uppfoljning/{round_.pk}/", form).status_code == 302
    assert round_.asked_statements().count() == 3
    client.post(f"/o/ystad/uppfoljning/{round_.pk}/status/", {"action": "open"})
    round_.refresh_from_db()
    assert round_.status == FollowUp.Status.OPEN


def test_a_round_needs_a_published_framework_of_the_organisation(
    organisation_a: Any, organisation_b: Any, admin_a: Any, client: Client
) -> None:
    foreign = factories.framework(organisation_b)
    client.force_login(admin_a)
    response = client.post("/o/ystad/uppfoljning/ny/", {"name": "X", "framework": str(foreign.pk)})
    assert response.status_code == 400
    assert not FollowUp.objects.exists()


def test_the_slides_name_each_value_and_leave_withheld_units_out(
    world: dict[str, Any], admin_a: Any, client: Client
) -> None:
    from pptx import Presentation

    client.force_login(admin_a)
    response = client.get(_url(world["round"], "export.pptx"))
    assert response.status_code == 200
    deck = Presentation(io.BytesIO(response.content))
    text = "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "Tillit: index" in text and "Mod: index" in text
    assert "Familjerätt: för få svar" in text


def test_codes_are_made_per_unit_and_listed_for_mail_merge(
    world: dict[str, Any], admin_a: Any, client: Client
) -> None:
    client.force_login(admin_a)
    base = f"/o/ystad/uppfoljning/{world['round'].pk}/koder/"
    assert client.post(base, {"unit": str(world["school"].pk), "size": "3"}).status_code == 302
    assert client.post(base, {"unit": "", "size": "0"}).status_code == 400
    batch = world["round"].batches.get()
    lines = client.get(f"{base}{batch.pk}.csv").content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    assert all(line.split(";")[1] == "Skolan" for line in lines[1:])
    assert AuditEvent.objects.filter(action="downloaded_codes_csv").count() == 1
