from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from kartbild.catalogue import actions
from kartbild.catalogue.actions import Rejected
from kartbild.catalogue.models import Value, ValueCatalogue
from kartbild.catalogue.tests.factories import row, value_fields


def content(catalogue: ValueCatalogue) -> list[tuple[Any, ...]]:
    return list(
        catalogue.values.order_by("position").values_list(
            "position", "slug", "name_sv", "level", "polarity", "type", "frames", "hidden"
        )
    )


@pytest.mark.django_db
def test_loading_twice_leaves_one_catalogue_with_the_same_values(shipped_rows: list[Any]) -> None:
    first = actions.load_shipped_catalogue()
    before = content(first)
    second = actions.load_shipped_catalogue()
    assert second.pk == first.pk
    assert ValueCatalogue.objects.count() == 1
    assert content(second) == before


@pytest.mark.django_db
def test_the_shipped_catalogue_has_no_organisation_and_keeps_the_row_order(
    shipped_rows: list[Any],
) -> None:
    catalogue = actions.load_shipped_catalogue()
    assert catalogue.organisation is None
    assert (catalogue.name, catalogue.version) == ("Kartbilds värdekatalog", 1)
    assert content(catalogue) == [
        (0, "tillit", "Tillit", 5, "positive", "O", "personal|workplace|community", False),
        (1, "byrakrati", "Byråkrati", 3, "limiting", "O", "personal|workplace|community", False),
        (2, "ansvar-for-kommande-generationer", "Ansvar för kommande generationer", 7, "positive", "S",
         "personal|workplace|community", False),
    ]  # fmt: skip


@pytest.mark.django_db
def test_loading_changed_content_into_an_existing_version_is_refused(
    shipped_rows: list[Any],
) -> None:
    catalogue = actions.load_shipped_catalogue()
    before = content(catalogue)
    shipped_rows[1] = row("byrakrati", "Byråkrati", 2, "limiting", name_en="Bureaucracy")
    with pytest.raises(Rejected, match="värde nummer 2 \\(byrakrati\\) skiljer sig"):
        actions.load_shipped_catalogue()
    shipped_rows.append(row("mod", "Mod", 4))
    with pytest.raises(Rejected, match="den har 3 värden, filen 4"):
        actions.load_shipped_catalogue()
    assert content(catalogue) == before


@pytest.mark.django_db
def test_the_command_loads_the_shipped_data_file_once() -> None:
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    call_command("load_catalogue", stdout=out)
    catalogue = ValueCatalogue.objects.get()
    assert catalogue.organisation is None
    assert catalogue.values.count() >= 100
    assert catalogue.values.filter(polarity="limiting").count() >= 25
    assert out.getvalue().count("Kartbilds värdekatalog version 1") == 2


@pytest.mark.django_db
def test_deriving_copies_values_with_their_positions_slugs_and_hidden_flags(
    catalogue: ValueCatalogue, organisation_a: Any
) -> None:
    catalogue.values.filter(slug="mod").update(hidden=True)
    derived = actions.derive_catalogue(catalogue, organisation_a, "Ystads värdekatalog")
    assert derived.organisation == organisation_a
    assert derived.derived_from == catalogue
    assert derived.version == 1
    assert content(derived) == content(catalogue)


@pytest.mark.django_db
def test_deriving_again_with_the_same_name_bumps_the_version(
    own_catalogue: ValueCatalogue, organisation_a: Any
) -> None:
    actions.add_value(own_catalogue, **value_fields())
    second = actions.derive_catalogue(own_catalogue, organisation_a, "  Ystads  värdekatalog ")
    assert (second.name, second.version) == ("Ystads värdekatalog", 2)
    assert content(second) == content(own_catalogue)
    other = actions.derive_catalogue(own_catalogue, organisation_a, "Ystads skolkatalog")
    assert other.version == 1


@pytest.mark.django_db
def test_versions_are_counted_per_organisation(
    own_catalogue: ValueCatalogue, catalogue: ValueCatalogue, organisation_b: Any
) -> None:
    derived = actions.derive_catalogue(catalogue, organisation_b, own_catalogue.name)
    assert derived.version == 1


@pytest.mark.django_db
def test_deriving_from_another_organisations_catalogue_is_refused(
    catalogue_b: ValueCatalogue, organisation_a: Any
) -> None:
    with pytest.raises(Rejected):
        actions.derive_catalogue(catalogue_b, organisation_a, "Lånad katalog")
    assert not ValueCatalogue.objects.filter(organisation=organisation_a).exists()


@pytest.mark.django_db
def test_deriving_without_a_name_is_refused(catalogue: ValueCatalogue, organisation_a: Any) -> None:
    with pytest.raises(Rejected, match="namn") as error:
        actions.derive_catalogue(catalogue, organisation_a, "   ")
    assert error.value.field == "name"


@pytest.mark.django_db
def test_an_added_value_goes_last_with_a_slug_from_the_swedish_name(
    own_catalogue: ValueCatalogue,
) -> None:
    value = actions.add_value(own_catalogue, **value_fields())
    assert value.position == 10
    assert value.slug == "narhet-till-naturen"
    assert value.frames == "personal|community"
    assert not value.hidden
    second = actions.add_value(
        own_catalogue, **value_fields(name_sv="Skärgård", name_en="Archipelago", slug="Skargarden")
    )
    assert (second.position, second.slug) == (11, "skargarden")
    third = actions.add_value(
        own_catalogue, **value_fields(name_sv="Fjäll", name_en="Fells", slug=" min_egen--slug- ")
    )
    assert third.slug == "min-egen-slug"


@pytest.mark.django_db
def test_a_limiting_value_above_level_three_is_refused(own_catalogue: ValueCatalogue) -> None:
    with pytest.raises(Rejected, match="nivå 1–3") as error:
        actions.add_value(own_catalogue, **value_fields(polarity="limiting", level=4))
    assert error.value.field == "polarity"
    limiting = actions.add_value(
        own_catalogue,
        **value_fields(name_sv="Revirtänkande", name_en="Silos", polarity="limiting", level=3),
    )
    assert limiting.is_limiting


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"slug": "tillit"}, "slug", "Kortnamnet ”tillit” används redan"),
        ({"slug": "Trust"}, "slug", "Kortnamnet ”trust” används redan"),
        ({"name_sv": "Mod!"}, "slug", "”mod” som skapas av namnet används redan"),
        ({"name_sv": "TILLIT"}, "name_sv", "redan ett värde som heter ”TILLIT”"),
        ({"name_en": "trust"}, "name_en", "redan ett värde som heter ”trust”"),
        ({"name_sv": "!!!"}, "name_sv", "minst en bokstav"),
        ({"frames": []}, "frames", "minst en ram"),
        ({"frames": ["sweden"]}, "frames", "minst en ram"),
        ({"level": 8}, "level", "1–7"),
        ({"type": "X"}, "type", "Välj en typ"),
        ({"description_en": "  "}, "description_en", "måste fyllas i"),
        ({"name_en": "x" * 61}, "name_en", "Högst 60 tecken"),
    ],
)
def test_a_value_that_breaks_a_catalogue_rule_is_refused(
    own_catalogue: ValueCatalogue, fields: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(Rejected, match=message) as error:
        actions.add_value(own_catalogue, **value_fields(**fields))
    assert error.value.field == field
    assert own_catalogue.values.count() == 10


@pytest.mark.django_db
def test_the_shipped_catalogue_refuses_changes(catalogue: ValueCatalogue) -> None:
    with pytest.raises(Rejected, match="levererade katalogen"):
        actions.add_value(catalogue, **value_fields())
    value = catalogue.values.get(slug="tillit")
    with pytest.raises(Rejected, match="levererade katalogen"):
        actions.set_hidden(value, True)
    assert catalogue.values.count() == 10
    assert not catalogue.values.filter(hidden=True).exists()


@pytest.mark.django_db
def test_a_catalogue_that_a_mapping_uses_refuses_changes(
    own_catalogue: ValueCatalogue, lock: Any
) -> None:
    lock(own_catalogue)
    assert own_catalogue.is_locked
    with pytest.raises(Rejected, match="kartläggning använder"):
        actions.add_value(own_catalogue, **value_fields())
    with pytest.raises(Rejected, match="kartläggning använder"):
        actions.set_hidden(own_catalogue.values.get(slug="tillit"), True)
    assert own_catalogue.values.count() == 10
    assert not own_catalogue.values.filter(hidden=True).exists()


@pytest.mark.django_db
def test_a_locked_catalogue_can_still_be_derived_and_the_new_version_changed(
    own_catalogue: ValueCatalogue, organisation_a: Any, lock: Any
) -> None:
    lock(own_catalogue)
    second = actions.derive_catalogue(own_catalogue, organisation_a, own_catalogue.name)
    actions.add_value(second, **value_fields())
    assert (second.version, second.values.count(), own_catalogue.values.count()) == (2, 11, 10)


@pytest.mark.django_db
def test_hiding_and_showing_a_value_keeps_its_position(own_catalogue: ValueCatalogue) -> None:
    value = own_catalogue.values.get(slug="byrakrati")
    actions.set_hidden(value, True)
    assert Value.objects.get(pk=value.pk).hidden
    actions.set_hidden(value, False)
    reloaded = Value.objects.get(pk=value.pk)
    assert (reloaded.hidden, reloaded.position) == (False, 4)
