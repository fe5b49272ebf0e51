from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kartbild.catalogue import actions
from kartbild.catalogue.models import ValueCatalogue
from kartbild.catalogue.tests.factories import value_fields


def list_url(org: str = "ystad") -> str:
    return reverse("catalogue:list", args=[org])


def detail_url(catalogue: ValueCatalogue, org: str = "ystad") -> str:
    return reverse("catalogue:detail", args=[org, catalogue.pk])


def add_url(catalogue: ValueCatalogue, org: str = "ystad") -> str:
    return reverse("catalogue:add_value", args=[org, catalogue.pk])


def hide_url(catalogue: ValueCatalogue, slug: str, org: str = "ystad") -> str:
    value = catalogue.values.get(slug=slug)
    return reverse("catalogue:toggle_hidden", args=[org, catalogue.pk, value.pk])


def shown_slugs(client: Client, url: str, **params: str) -> list[str]:
    """The values in the values table, by the names the catalogue fixture gives them."""
    html = client.get(url, params).content.decode()
    table = (
        html.split('class="catalogue-values"', 1)[1] if 'class="catalogue-values"' in html else ""
    )
    names = re.findall(r'<span class="value-name[^"]*">([^<]+)</span>', table)
    return [name.lower() for name in names]


@pytest.mark.django_db
def test_anyone_signed_out_is_sent_to_sign_in(client: Client, catalogue: ValueCatalogue) -> None:
    response = client.get(list_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_an_analyst_sees_the_shipped_catalogue_and_the_organisations_own_versions(
    client: Client, analyst_a: Any, own_catalogue: ValueCatalogue, catalogue_b: ValueCatalogue
) -> None:
    client.force_login(analyst_a)
    response = client.get(list_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Testkatalog" in html
    assert "Ystads värdekatalog" in html
    assert "Strängnäs värdekatalog" not in html
    # Analysts browse; only an admin is offered the form that derives a version.
    assert 'name="source"' not in html


@pytest.mark.django_db
def test_the_list_says_which_versions_a_mapping_uses(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue, lock: Any
) -> None:
    lock(own_catalogue)
    client.force_login(admin_a)
    html = client.get(list_url()).content.decode()
    assert "Ja, av 1 kartläggning (låst)" in html


@pytest.mark.django_db
def test_another_organisation_is_not_found(
    client: Client, admin_b: Any, own_catalogue: ValueCatalogue
) -> None:
    client.force_login(admin_b)
    assert client.get(list_url()).status_code == 404
    assert client.get(detail_url(own_catalogue)).status_code == 404


@pytest.mark.django_db
def test_another_organisations_catalogue_is_not_found(
    client: Client, admin_a: Any, catalogue_b: ValueCatalogue
) -> None:
    client.force_login(admin_a)
    assert client.get(detail_url(catalogue_b)).status_code == 404
    assert client.get(add_url(catalogue_b)).status_code == 404
    assert client.post(add_url(catalogue_b), value_fields()).status_code == 404
    assert client.post(hide_url(catalogue_b, "tillit"), {"hidden": "1"}).status_code == 404
    response = client.post(list_url(), {"source": catalogue_b.pk, "name": "Lånad"})
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert catalogue_b.values.filter(hidden=True).count() == 0
    assert catalogue_b.values.count() == 10
    assert not ValueCatalogue.objects.filter(name="Lånad").exists()


@pytest.mark.django_db
def test_a_value_of_another_catalogue_is_not_found(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue, catalogue_b: ValueCatalogue
) -> None:
    client.force_login(admin_a)
    foreign = catalogue_b.values.get(slug="tillit")
    url = reverse("catalogue:toggle_hidden", args=["ystad", own_catalogue.pk, foreign.pk])
    assert client.post(url, {"hidden": "1"}).status_code == 404
    assert not catalogue_b.values.filter(hidden=True).exists()


@pytest.mark.django_db
def test_an_analyst_may_not_derive_add_or_hide(
    client: Client, analyst_a: Any, catalogue: ValueCatalogue, own_catalogue: ValueCatalogue
) -> None:
    client.force_login(analyst_a)
    assert client.post(list_url(), {"source": catalogue.pk, "name": "Egen"}).status_code == 403
    assert client.get(add_url(own_catalogue)).status_code == 403
    assert client.post(add_url(own_catalogue), value_fields()).status_code == 403
    assert client.post(hide_url(own_catalogue, "tillit"), {"hidden": "1"}).status_code == 403
    assert ValueCatalogue.objects.count() == 2
    assert own_catalogue.values.count() == 10
    assert not own_catalogue.values.filter(hidden=True).exists()


@pytest.mark.django_db
def test_an_admin_derives_a_version_and_lands_on_it(
    client: Client, admin_a: Any, catalogue: ValueCatalogue
) -> None:
    client.force_login(admin_a)
    form = client.get(list_url(), {"source": catalogue.pk}).content.decode()
    assert "Ystads värdekatalog" in form  # the suggested name
    response = client.post(list_url(), {"source": catalogue.pk, "name": "Ystads värdekatalog"})
    derived = ValueCatalogue.objects.get(organisation__slug="ystad")
    assert response.status_code == 302
    assert response["Location"] == detail_url(derived)
    assert (derived.version, derived.derived_from, derived.values.count()) == (1, catalogue, 10)
    client.post(list_url(), {"source": derived.pk, "name": "Ystads värdekatalog"})
    assert ValueCatalogue.objects.get(organisation__slug="ystad", version=2).derived_from == derived


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"name": "Egen"}, "Detta fält måste fyllas i"),
        ({"source": "inte-ett-id", "name": "Egen"}, "Välj ett giltigt alternativ"),
        ({"source": "99999999999999999999", "name": "Egen"}, "Välj ett giltigt alternativ"),
        ({"source": "CATALOGUE", "name": "   "}, "Detta fält måste fyllas i"),
        ({"source": "CATALOGUE", "name": "x" * 101}, "som mest 100 tecken"),
    ],
)
def test_a_bad_derive_form_names_the_problem(
    client: Client, admin_a: Any, catalogue: ValueCatalogue, data: dict[str, str], problem: str
) -> None:
    client.force_login(admin_a)
    data = {k: str(catalogue.pk) if v == "CATALOGUE" else v for k, v in data.items()}
    response = client.post(list_url(), data)
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert ValueCatalogue.objects.count() == 1


@pytest.mark.django_db
def test_the_values_table_filters_by_level_polarity_type_frame_and_text(
    client: Client, analyst_a: Any, catalogue: ValueCatalogue
) -> None:
    client.force_login(analyst_a)
    url = detail_url(catalogue)
    assert len(shown_slugs(client, url)) == 10
    assert shown_slugs(client, url, level="5") == ["tillit", "oppenhet", "ansvar"]
    assert shown_slugs(client, url, polarity="limiting") == [
        "byrakrati",
        "kostnadsjakt",
        "forvirring",
    ]
    assert shown_slugs(client, url, polarity="limiting", level="3") == ["byrakrati"]
    assert shown_slugs(client, url, type="I") == ["mod", "ansvar"]
    assert shown_slugs(client, url, q="BESKRIVNING AV MOD") == ["mod"]
    assert shown_slugs(client, url, q="ingenting sådant") == []
    catalogue.values.filter(slug="mod").update(frames="personal")
    assert "mod" not in shown_slugs(client, url, frame="workplace")
    assert "mod" in shown_slugs(client, url, frame="personal")


@pytest.mark.django_db
def test_text_search_folds_the_case_of_swedish_letters(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue
) -> None:
    actions.add_value(
        own_catalogue, **value_fields(name_sv="Öppna landskap", name_en="Open landscape")
    )
    client.force_login(admin_a)
    assert shown_slugs(client, detail_url(own_catalogue), q="öppna") == ["öppna landskap"]


@pytest.mark.django_db
def test_filters_can_show_only_hidden_or_only_offered_values(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue
) -> None:
    actions.set_hidden(own_catalogue.values.get(slug="mod"), True)
    client.force_login(admin_a)
    url = detail_url(own_catalogue)
    assert shown_slugs(client, url, status="hidden") == ["mod"]
    assert "mod" not in shown_slugs(client, url, status="shown")


@pytest.mark.django_db
def test_the_level_table_counts_values_with_the_other_filters(
    client: Client, analyst_a: Any, catalogue: ValueCatalogue
) -> None:
    client.force_login(analyst_a)
    response = client.get(detail_url(catalogue), {"level": "5"})
    levels = response.context["levels"]
    assert [(c.level, c.positive, c.limiting) for c, _query in levels] == [
        (1, 0, 1), (2, 0, 1), (3, 1, 1), (4, 1, 0), (5, 3, 0), (6, 2, 0), (7, 0, 0),
    ]  # fmt: skip
    # Each level links to itself with the other filters kept.
    response = client.get(detail_url(catalogue), {"polarity": "limiting", "level": "5"})
    assert [c.total for c, _query in response.context["levels"]] == [1, 1, 1, 0, 0, 0, 0]
    assert response.context["levels"][2][1] == "level=3&polarity=limiting"


@pytest.mark.django_db
def test_bad_filter_values_are_named_and_not_applied(
    client: Client, analyst_a: Any, catalogue: ValueCatalogue
) -> None:
    client.force_login(analyst_a)
    response = client.get(
        detail_url(catalogue), {"level": "99", "type": "Q", "polarity": "limiting"}
    )
    assert response.status_code == 200
    assert "Ett filter hade ett värde som inte finns" in response.content.decode()
    assert len(response.context["values"]) == 3
    # Links built from the filters carry only the ones that were applied.
    assert response.context["levels"][0][1] == "polarity=limiting&level=1"


@pytest.mark.django_db
def test_limiting_values_are_marked_in_words_not_only_by_style(
    client: Client, analyst_a: Any, catalogue: ValueCatalogue
) -> None:
    client.force_login(analyst_a)
    html = client.get(detail_url(catalogue), {"q": "byrakrati"}).content.decode()
    assert '<span class="value-name limiting">Byrakrati</span>' in html
    assert "<td>Potentiellt begränsande</td>" in html
    assert "3 Prestation och självkänsla" in html


@pytest.mark.django_db
def test_values_are_named_in_the_current_language(
    client: Client, analyst_a: Any, catalogue: ValueCatalogue
) -> None:
    client.force_login(analyst_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(detail_url(catalogue), {"q": "tillit"}).content.decode()
    assert '<span class="value-name">Trust</span>' in html
    assert "Description of trust." in html


@pytest.mark.django_db
def test_the_detail_page_needs_few_queries(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue, django_assert_max_num_queries: Any
) -> None:
    client.force_login(admin_a)
    with django_assert_max_num_queries(8):
        assert client.get(detail_url(own_catalogue)).status_code == 200


@pytest.mark.django_db
def test_an_admin_adds_a_local_value(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue
) -> None:
    client.force_login(admin_a)
    assert client.get(add_url(own_catalogue)).status_code == 200
    response = client.post(add_url(own_catalogue), value_fields())
    value = own_catalogue.values.get(slug="narhet-till-naturen")
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(own_catalogue)}#value-{value.pk}"
    assert (value.position, value.level, value.frames) == (10, 6, "personal|community")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"polarity": "limiting", "level": 6},
            "Ett potentiellt begränsande värde kan bara ligga på nivå 1–3.",
        ),
        ({"name_sv": ""}, "Detta fält måste fyllas i"),
        ({"name_sv": "Tillit"}, "Det finns redan ett värde som heter ”Tillit”."),
        ({"slug": "mod"}, "Kortnamnet ”mod” används redan i katalogen."),
        ({"frames": []}, "Detta fält måste fyllas i"),
        ({"frames": ["sweden"]}, "Välj ett giltigt alternativ"),
        ({"level": "sju"}, "Välj ett giltigt alternativ"),
        ({"type": "X"}, "Välj ett giltigt alternativ"),
        ({"description_sv": "x" * 301}, "som mest 300 tecken"),
    ],
)
def test_a_bad_add_value_form_names_the_problem(
    client: Client,
    admin_a: Any,
    own_catalogue: ValueCatalogue,
    fields: dict[str, Any],
    problem: str,
) -> None:
    client.force_login(admin_a)
    response = client.post(add_url(own_catalogue), value_fields(**fields))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Något behöver rättas" in html
    assert problem in html
    assert own_catalogue.values.count() == 10


@pytest.mark.django_db
def test_the_shipped_catalogue_offers_no_changes_and_refuses_them(
    client: Client, admin_a: Any, catalogue: ValueCatalogue
) -> None:
    client.force_login(admin_a)
    html = client.get(detail_url(catalogue)).content.decode()
    assert add_url(catalogue) not in html
    assert "Dölj" not in html
    response = client.get(add_url(catalogue), follow=True)
    assert "Den levererade katalogen delas av alla organisationer" in response.content.decode()
    client.post(add_url(catalogue), value_fields())
    client.post(hide_url(catalogue, "tillit"), {"hidden": "1"})
    assert catalogue.values.count() == 10
    assert not catalogue.values.filter(hidden=True).exists()


@pytest.mark.django_db
def test_a_catalogue_that_a_mapping_uses_refuses_changes(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue, lock: Any
) -> None:
    lock(own_catalogue)
    client.force_login(admin_a)
    html = client.get(detail_url(own_catalogue)).content.decode()
    assert "Låst: en kartläggning använder versionen" in html
    assert add_url(own_catalogue) not in html
    response = client.post(add_url(own_catalogue), value_fields(), follow=True)
    assert "En kartläggning använder den här versionen" in response.content.decode()
    response = client.post(hide_url(own_catalogue, "tillit"), {"hidden": "1"}, follow=True)
    assert "En kartläggning använder den här versionen" in response.content.decode()
    assert own_catalogue.values.count() == 10
    assert not own_catalogue.values.filter(hidden=True).exists()


@pytest.mark.django_db
def test_an_admin_hides_and_shows_a_value_and_keeps_the_filters(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue
) -> None:
    client.force_login(admin_a)
    url = hide_url(own_catalogue, "mod")
    value = own_catalogue.values.get(slug="mod")
    response = client.post(url, {"hidden": "1", "filters": "level=4&evil=1&q="})
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(own_catalogue)}?level=4#value-{value.pk}"
    value.refresh_from_db()
    assert value.hidden
    # Sent twice, the form leaves the value as the user saw it instead of flipping it back.
    client.post(url, {"hidden": "1"})
    value.refresh_from_db()
    assert value.hidden
    client.post(url, {"hidden": "0"})
    value.refresh_from_db()
    assert not value.hidden


@pytest.mark.django_db
def test_hiding_needs_a_post(client: Client, admin_a: Any, own_catalogue: ValueCatalogue) -> None:
    client.force_login(admin_a)
    assert client.get(hide_url(own_catalogue, "mod")).status_code == 405


@pytest.mark.django_db
def test_ids_that_do_not_exist_are_not_found(
    client: Client, admin_a: Any, own_catalogue: ValueCatalogue
) -> None:
    client.force_login(admin_a)
    huge = 99999999999999999999
    assert client.get(reverse("catalogue:detail", args=["ystad", huge])).status_code == 404
    assert client.get(reverse("catalogue:add_value", args=["ystad", huge])).status_code == 404
    url = reverse("catalogue:toggle_hidden", args=["ystad", own_catalogue.pk, huge])
    assert client.post(url, {"hidden": "1"}).status_code == 404
