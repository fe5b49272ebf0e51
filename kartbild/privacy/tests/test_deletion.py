"""Deleting an organisation: typed confirmation, everything of it gone, nobody else touched."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kartbild.accounts.models import AuditEvent, Membership
from kartbild.catalogue.models import ValueCatalogue
from kartbild.mappings import actions
from kartbild.mappings.models import InvitationCode, Mapping, OpenAnswer, Response
from kartbild.organisations.models import Organisation, Unit

pytestmark = pytest.mark.django_db


def populate(organisation: Any, catalogue: Any) -> Mapping:
    parent = Unit.objects.create(
        organisation=organisation, name="Förvaltning", level="forvaltning", code="F"
    )
    child = Unit.objects.create(
        organisation=organisation, parent=parent, name="Avdelning", level="avdelning", code="A"
    )
    own = ValueCatalogue.objects.create(
        organisation=organisation, name="Egen", version=1, derived_from=catalogue
    )
    ValueCatalogue.objects.create(
        organisation=organisation, name="Egen", version=2, derived_from=own
    )
    if apps.is_installed("kartbild.workshops"):
        # A workshop attendee protects their unit: deletion must still go through.
        apps.get_model("workshops", "Attendee").objects.create(
            organisation=organisation, name="Deltagare", unit=child
        )
    mapping = actions.create_mapping(
        organisation, catalogue, "Runda", ["medarbetare"], picks=3, open_question="Varför?"
    )
    actions.open_mapping(mapping)
    mp = mapping.perspectives.get()
    actions.generate_codes(mp, child, 2)
    for _ in range(3):
        actions.record_response(
            mp,
            actions.Answers(
                picks={q.pk: ["tillit", "mod", "ansvar"] for q in mp.questions.all()},
                unit_id=child.pk,
                open_answer="Text",
            ),
        )
    return mapping


def test_an_admin_deletes_the_organisation_after_typing_its_name(
    client: Client, admin_a: Any, analyst_a: Any, admin_b: Any, catalogue: Any
) -> None:
    ystad = Organisation.objects.get(slug="ystad")
    strangnas = Organisation.objects.get(slug="strangnas")
    populate(ystad, catalogue)
    kept = populate(strangnas, catalogue)
    # An analyst of Ystad who also works for Strängnäs keeps the account.
    Membership.objects.create(user=analyst_a, organisation=strangnas, role="analyst")
    url = reverse("privacy:delete", args=["ystad"])
    client.force_login(admin_a)
    assert "Det här går inte att ångra." in client.get(url).content.decode()

    wrong = client.post(url, {"name": "Ystads kommun", "understood": "on"})
    assert "Namnet stämmer inte." in wrong.content.decode()
    unchecked = client.post(url, {"name": "Ystad"})
    assert "Kryssa i att du förstår" in unchecked.content.decode()
    assert Organisation.objects.filter(slug="ystad").exists()

    response = client.post(url, {"name": "Ystad", "understood": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("privacy:deleted")
    assert not Organisation.objects.filter(slug="ystad").exists()
    assert not Unit.objects.filter(organisation_id=ystad.pk).exists()
    assert not Mapping.objects.filter(organisation_id=ystad.pk).exists()
    assert not ValueCatalogue.objects.filter(organisation_id=ystad.pk).exists()
    users = set(get_user_model().objects.values_list("username", flat=True))
    assert "admin_a" not in users and {"analyst_a", "admin_b"} <= users
    # Strängnäs is untouched.
    assert Response.objects.filter(mapping_perspective__mapping=kept).count() == 3
    assert OpenAnswer.objects.count() == 3 and InvitationCode.objects.count() == 2
    assert Unit.objects.filter(organisation=strangnas).count() == 2
    assert ValueCatalogue.objects.filter(organisation=strangnas).count() == 2
    # The deletion is on record, outside any organisation, and the deleter is signed out.
    event = AuditEvent.objects.get(action="deleted_organisation_data")
    assert event.organisation is None and event.username == "admin_a"
    assert event.detail == "Ystad (kommun 1286): 1 mappings, 3 responses, 2 units, 1 accounts"
    assert client.get(reverse("privacy:deleted")).status_code == 200
    assert "_auth_user_id" not in client.session


def test_nobody_else_may_delete(client: Client, analyst_a: Any, admin_b: Any) -> None:
    url = reverse("privacy:delete", args=["ystad"])
    client.force_login(analyst_a)
    assert client.post(url, {"name": "Ystad", "understood": "on"}).status_code == 403
    client.force_login(admin_b)
    assert client.post(url, {"name": "Ystad", "understood": "on"}).status_code == 404
    assert Organisation.objects.filter(slug="ystad").exists()
