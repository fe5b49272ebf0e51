"""The organisation export: everything it owns, nothing that links a response to a person."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kartbild.accounts.models import AuditEvent
from kartbild.mappings import actions
from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db


def respond(mp: Any, picks: list[str], text: str = "", unit: Any = None) -> None:
    actions.record_response(
        mp,
        actions.Answers(
            picks={q.pk: picks for q in mp.questions.all()},
            open_answer=text,
            unit_id=unit.pk if unit else None,
        ),
    )


def download(client: Client) -> zipfile.ZipFile:
    response = client.post(reverse("privacy:export", args=["ystad"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'attachment; filename="kartbild-ystad-' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_admin_exports_the_organisation_as_a_zip(
    client: Client, admin_a: Any, make_mapping: Any
) -> None:
    unit = Unit.objects.create(
        organisation=admin_a.memberships.get().organisation,
        name='=HYPERLINK("http://evil")',
        level="forvaltning",
        code="F1",
        headcount=40,
    )
    mapping = make_mapping(("medarbetare", "medborgare"), open_question="Vad behöver ändras?")
    employees = mapping.perspectives.get(perspective="medarbetare")
    citizens = mapping.perspectives.get(perspective="medborgare")
    for i in range(8):
        respond(employees, ["tillit", "mod", "ansvar"], f"Mer dialog {i}.", unit)
    for _ in range(3):
        respond(citizens, ["byrakrati", "mod", "ansvar"], "Ett litet svar.")
    actions.generate_codes(employees, None, 5)
    client.force_login(admin_a)
    archive = download(client)
    names = set(archive.namelist())
    folder = f"kartlaggningar/{mapping.pk}-kartlaggning-2026/"
    assert {
        "LASMIG.txt",
        "organisation.json",
        "enheter.csv",
        "konton.csv",
        "logg.csv",
        folder + "installningar.json",
        folder + "resultat.json",
        folder + "oppna-svar-medarbetare.txt",
    } <= names
    # Citizens are too few for free text: their answer is not exported.
    assert folder + "oppna-svar-medborgare.txt" not in names
    assert json.loads(archive.read("organisation.json"))["code"] == "1286"
    units = archive.read("enheter.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in units  # never a live formula in a spreadsheet
    assert "admin_a;" in archive.read("konton.csv").decode("utf-8-sig")
    results = json.loads(archive.read(folder + "resultat.json"))
    assert results["perspectives"]["medarbetare"]["groups"]["medarbetare"]["respondents"] == 8
    # Three citizens are below the gate: no numbers, a reason.
    assert results["perspectives"]["medborgare"]["groups"] == {}
    texts = archive.read(folder + "oppna-svar-medarbetare.txt").decode().split("\n\n")
    assert sorted(t.strip() for t in texts) == sorted(f"Mer dialog {i}." for i in range(8))
    settings = json.loads(archive.read(folder + "installningar.json"))
    assert settings["retention_months"] == 36
    everything = b"".join(archive.read(name) for name in names).decode("utf-8", "replace")
    for code in employees.batches.get().codes.values_list("code", flat=True):
        assert code not in everything
    assert AuditEvent.objects.filter(action="exported_organisation").count() == 1


def test_only_the_admin_of_the_organisation_may_export(
    client: Client, analyst_a: Any, admin_b: Any
) -> None:
    url = reverse("privacy:export", args=["ystad"])
    client.force_login(analyst_a)
    assert client.post(url).status_code == 403
    client.force_login(admin_b)
    assert client.post(url).status_code == 404
    assert not AuditEvent.objects.filter(action="exported_organisation").exists()
