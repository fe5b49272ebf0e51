"""Who sees which kartbild page: admins and analysts everything; facilitators the
organisation-wide pages; unit managers only their own unit subtree. Another organisation's
mapping is "not found"."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kartbild.accounts.models import Membership
from kartbild.reports.tests.helpers import SAME, answer, unit

pytestmark = pytest.mark.django_db


def member(organisation: Any, username: str, role: str, member_unit: Any = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password="a-long-password-1")
    Membership.objects.create(user=user, organisation=organisation, role=role, unit=member_unit)
    return user


@pytest.fixture
def world(organisation_a: Any, make_mapping: Any) -> dict[str, Any]:
    social = unit(organisation_a, "SOC", "Socialförvaltningen")
    care = unit(organisation_a, "VO", "Vård och omsorg", social)
    school = unit(organisation_a, "BUF", "Skolan")
    mapping = make_mapping(("medarbetare",))
    employees = mapping.perspectives.get()
    for where in (care, school):
        answer(employees, SAME, 6, where)
    return {
        "mapping": mapping,
        "social": social,
        "care": care,
        "school": school,
        "manager": member(organisation_a, "chef", "unit_manager", social),
        "facilitator": member(organisation_a, "ledare", "facilitator"),
    }


def url(world: dict[str, Any], name: str, *extra: Any) -> str:
    return reverse(f"reports:{name}", args=["ystad", world["mapping"].pk, *extra])


def test_admins_and_analysts_see_every_page(
    client: Any, admin_a: Any, analyst_a: Any, world: dict[str, Any]
) -> None:
    for user in (admin_a, analyst_a):
        client.force_login(user)
        for name, extra in [
            ("overview", ()),
            ("perspective", ("medarbetare",)),
            ("compare_perspectives", ()),
            ("compare_units", ()),
            ("compare_rounds", ()),
            ("compare_reference", ()),
            ("unit", (world["school"].pk,)),
        ]:
            assert client.get(url(world, name, *extra)).status_code == 200, (user, name)


def test_a_unit_manager_sees_only_their_own_subtree(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["manager"])
    assert client.get(url(world, "unit", world["social"].pk)).status_code == 200
    assert client.get(url(world, "unit", world["care"].pk)).status_code == 200
    assert client.get(url(world, "unit", world["school"].pk)).status_code == 403
    assert client.get(url(world, "overview")).status_code == 403
    assert client.get(url(world, "compare_units")).status_code == 403
    assert client.get(url(world, "perspective", "medarbetare")).status_code == 403


def test_the_unit_managers_page_links_only_to_units_they_may_see(
    client: Any, world: dict[str, Any]
) -> None:
    client.force_login(world["manager"])
    html = client.get(url(world, "unit", world["care"].pk)).content.decode()
    assert "Vård och omsorg" in html and "6 svarande" in html
    assert url(world, "unit", world["social"].pk) in html
    assert "Skolan" not in html
    assert f'href="{url(world, "overview")}"' not in html


def test_a_facilitator_sees_the_organisation_wide_pages_but_no_unit(
    client: Any, world: dict[str, Any]
) -> None:
    client.force_login(world["facilitator"])
    assert client.get(url(world, "overview")).status_code == 200
    assert client.get(url(world, "compare_perspectives")).status_code == 200
    assert client.get(url(world, "compare_units")).status_code == 403
    assert client.get(url(world, "unit", world["social"].pk)).status_code == 403


def test_another_organisation_gets_not_found(
    client: Any, admin_b: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_b)
    assert client.get(url(world, "overview")).status_code == 404
    assert client.get(url(world, "unit", world["social"].pk)).status_code == 404
    assert (
        client.get(reverse("reports:overview", args=["strangnas", world["mapping"].pk])).status_code
        == 404
    )


def test_a_unit_of_another_organisation_is_not_found(
    client: Any, admin_a: Any, organisation_b: Any, world: dict[str, Any]
) -> None:
    theirs = unit(organisation_b, "X", "Deras enhet")
    client.force_login(admin_a)
    assert client.get(url(world, "unit", theirs.pk)).status_code == 404


def test_an_unknown_perspective_is_not_found(
    client: Any, admin_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    assert client.get(url(world, "perspective", "medborgare")).status_code == 404
    assert client.get(url(world, "perspective", "nonsense")).status_code == 404
