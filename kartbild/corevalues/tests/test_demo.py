"""The demo värdegrund, seeded into a fresh organisation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kartbild.catalogue.actions import load_shipped_catalogue
from kartbild.corevalues.demo import FIRST_VERSION, SECOND_VERSION, seed_demo
from kartbild.corevalues.models import Behaviour, CoreValueFramework
from kartbild.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def shipped() -> Any:
    return load_shipped_catalogue()


@pytest.fixture
def example() -> Organisation:
    return Organisation.objects.create(
        name="Exempelkommun", slug="exempelkommun", kind="kommun", code="9999"
    )


def test_two_versions_the_second_current(example: Organisation, shipped: Any) -> None:
    first, second = seed_demo(example, shipped, TODAY)
    assert (first.version, first.status) == (1, "replaced")
    assert (second.version, second.status, second.previous_version) == (2, "published", first)
    assert CoreValueFramework.objects.current(example) == second
    assert first.published_on is not None and second.published_on is not None
    assert 2 * 365 < (TODAY - first.published_on).days < 4 * 365
    assert 300 < (TODAY - second.published_on).days < 430


def test_version_1_has_four_values_with_behaviours_and_links(
    example: Organisation, shipped: Any
) -> None:
    first, _second = seed_demo(example, shipped, TODAY)
    values = list(first.values.all())
    assert [value.name for value in values] == ["Tillit", "Mod", "Delaktighet", "Professionalitet"]
    for value in values:
        assert value.description
        assert value.behaviours.count() >= 2
        assert value.catalogue_values.filter(catalogue=shipped).count() >= 2


def test_version_2_continues_values_and_has_principles_for_both_audiences(
    example: Organisation, shipped: Any
) -> None:
    first, second = seed_demo(example, shipped, TODAY)
    values = list(second.values.all())
    carried = [value for value in values if value.carried_from is not None]
    assert {value.carried_from.framework_id for value in carried} == {first.pk}  # type: ignore[union-attr]
    assert len(carried) == 4
    assert any(value.carried_from is None for value in values)
    behaviours = Behaviour.objects.filter(core_value__framework=second)
    for audience in ("everyone", "leaders"):
        assert behaviours.filter(audience=audience, kind="principle").exists()
        assert behaviours.filter(audience=audience, kind="behaviour").exists()
    # A statement kept word for word continues its thread.
    assert behaviours.filter(carried_from__isnull=False).exists()
    for value in values:
        assert value.catalogue_values.exists(), value.name


def test_every_linked_slug_is_in_the_shipped_catalogue(shipped: Any) -> None:
    named = {slug for value in FIRST_VERSION for slug in value.links}
    named |= {slug for _continues, value in SECOND_VERSION for slug in value.links}
    missing = named - set(shipped.values.values_list("slug", flat=True))
    assert not missing


def test_seeding_again_changes_nothing(example: Organisation, shipped: Any) -> None:
    seeded = seed_demo(example, shipped, TODAY)
    again = seed_demo(example, shipped, TODAY)
    assert [f.pk for f in again] == [f.pk for f in seeded]
    assert CoreValueFramework.objects.count() == 2


def test_the_demo_organisation_can_be_deleted_with_its_versions(
    example: Organisation, shipped: Any
) -> None:
    # Each version protects the one it replaced; deleting them all at once must still work.
    seed_demo(example, shipped, TODAY)
    example.delete()
    assert not CoreValueFramework.objects.exists()
