"""The authoring pages through HTTP: who may do what, forms with bad input, read-only versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kartbild.accounts.models import AuditEvent
from kartbild.corevalues import actions
from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework
from kartbild.corevalues.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"corevalues:{name}", args=["ystad", *args])


def test_the_admin_and_the_analyst_see_the_versions(
    admin_a: Any, analyst_a: Any, published: CoreValueFramework
) -> None:
    draft = actions.copy_to_new_version(published)
    for user in (admin_a, analyst_a):
        page = signed_in(user).get(url("index"))
        assert page.status_code == 200
        assert page.content.decode().count("Bättre tillsammans") >= 3
        assert reverse("corevalues:detail", args=["ystad", draft.pk]) in page.content.decode()
        assert ("Ny värdegrund" in page.content.decode()) == (user == admin_a)


def test_an_analyst_reads_but_does_not_get_the_editing_tools(
    analyst_a: Any, draft: CoreValueFramework
) -> None:
    page = signed_in(analyst_a).get(url("detail", draft.pk))
    assert page.status_code == 200
    assert "Jag håller det jag lovar." in page.content.decode()
    assert url("publish", draft.pk) not in page.content.decode()
    assert signed_in(analyst_a).post(url("publish", draft.pk)).status_code == 403
    assert signed_in(analyst_a).get(url("edit", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_unit_managers_and_facilitators_are_forbidden(
    unit_manager_a: Any, facilitator_a: Any, draft: CoreValueFramework
) -> None:
    for user in (unit_manager_a, facilitator_a):
        client = signed_in(user)
        assert client.get(url("index")).status_code == 403
        assert client.get(url("detail", draft.pk)).status_code == 403


def test_another_organisations_framework_is_not_found(
    admin_b: Any, draft: CoreValueFramework
) -> None:
    client = signed_in(admin_b)
    value = draft.values.first()
    assert value is not None
    assert client.get(reverse("corevalues:detail", args=["strangnas", draft.pk])).status_code == 404
    assert client.get(url("detail", draft.pk)).status_code == 404
    assert client.post(url("value_delete", draft.pk, value.pk)).status_code == 404
    assert CoreValue.objects.filter(pk=value.pk).exists()


def test_a_value_of_another_framework_is_not_found(
    admin_a: Any, draft: CoreValueFramework, make_framework: Any
) -> None:
    other = make_framework("Annan")
    value = other.values.first()
    behaviour = Behaviour.objects.filter(core_value__framework=other).first()
    assert value is not None and behaviour is not None
    client = signed_in(admin_a)
    assert client.get(url("value_edit", draft.pk, value.pk)).status_code == 404
    assert client.get(url("behaviour_edit", draft.pk, behaviour.pk)).status_code == 404


def test_the_admin_creates_a_draft(admin_a: Any, catalogue: Any) -> None:
    response = signed_in(admin_a).post(
        url("create"),
        {"name": "Bättre tillsammans", "introduction": "Om oss.", "catalogue": catalogue.pk},
    )
    framework = CoreValueFramework.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", framework.pk)
    assert (framework.name, framework.status, framework.catalogue) == (
        "Bättre tillsammans",
        "draft",
        catalogue,
    )


def test_a_draft_without_a_name_is_explained(admin_a: Any, catalogue: Any) -> None:
    response = signed_in(admin_a).post(url("create"), {"name": " ", "catalogue": catalogue.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Något behöver rättas" in page
    assert 'href="#id_name"' in page
    assert not CoreValueFramework.objects.exists()


def test_the_admin_edits_name_and_introduction(admin_a: Any, draft: CoreValueFramework) -> None:
    response = signed_in(admin_a).post(
        url("edit", draft.pk), {"name": "Tillsammans", "introduction": "Ny inledning."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.introduction) == ("Tillsammans", "Ny inledning.")


def test_adding_a_value_with_catalogue_links(
    admin_a: Any, draft: CoreValueFramework, catalogue: Any
) -> None:
    picks = list(catalogue.values.filter(slug__in=["delaktighet", "lagarbete"]))
    response = signed_in(admin_a).post(
        url("value_add", draft.pk),
        {
            "name": "Delaktighet",
            "description": "Alla får vara med.",
            "catalogue_values": [value.pk for value in picks],
        },
    )
    added = draft.values.get(name="Delaktighet")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#value-{added.pk}")
    assert set(added.catalogue_values.all()) == set(picks)
    assert added.position == 2


def test_searching_the_catalogue_keeps_what_was_typed_and_saves_nothing(
    admin_a: Any, draft: CoreValueFramework, catalogue: Any
) -> None:
    courage = catalogue.values.get(slug="mod")
    response = signed_in(admin_a).post(
        url("value_add", draft.pk),
        {
            "name": "Delaktighet",
            "description": "",
            "catalogue_values": [courage.pk],
            "q": "LAG",
            "search": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Delaktighet"' in page
    # The match and the value already ticked are listed; the rest are not.
    assert f'name="catalogue_values" value="{catalogue.values.get(slug="lagarbete").pk}"' in page
    assert f'name="catalogue_values" value="{courage.pk}" checked' in page
    assert f'name="catalogue_values" value="{catalogue.values.get(slug="tillit").pk}"' not in page
    assert "Något behöver rättas" not in page
    assert "Värdet är inte sparat ännu." in page
    assert draft.values.count() == 2


def test_a_value_without_description_or_with_a_foreign_link_is_refused(
    admin_a: Any, draft: CoreValueFramework
) -> None:
    client = signed_in(admin_a)
    empty = client.post(url("value_add", draft.pk), {"name": "Delaktighet", "description": ""})
    assert empty.status_code == 400
    assert 'href="#id_description"' in empty.content.decode()
    foreign = client.post(
        url("value_add", draft.pk),
        {"name": "Delaktighet", "description": "Text.", "catalogue_values": ["999999"]},
    )
    assert foreign.status_code == 400
    assert 'href="#id_catalogue_values"' in foreign.content.decode()
    assert draft.values.count() == 2


def test_reordering_and_deleting_values(admin_a: Any, draft: CoreValueFramework) -> None:
    client = signed_in(admin_a)
    courage = draft.values.get(name="Mod")
    client.post(url("value_move", draft.pk, courage.pk), {"direction": "up"})
    assert [value.name for value in draft.values.all()] == ["Mod", "Tillit"]
    client.post(url("value_delete", draft.pk, courage.pk))
    assert [value.name for value in draft.values.all()] == ["Tillit"]
    assert not Behaviour.objects.filter(core_value_id=courage.pk).exists()


def test_adding_editing_moving_and_deleting_behaviours(
    admin_a: Any, draft: CoreValueFramework
) -> None:
    client = signed_in(admin_a)
    trust = draft.values.get(name="Tillit")
    form = client.get(url("behaviour_add", draft.pk, trust.pk) + "?for=leaders")
    assert 'value="leaders" required id="id_audience_1" checked' in form.content.decode()
    response = client.post(
        url("behaviour_add", draft.pk, trust.pk),
        {"text": "Jag ger beröm.", "audience": "leaders", "kind": "behaviour"},
    )
    assert response.status_code == 302
    added = trust.behaviours.get(text="Jag ger beröm.")
    client.post(url("behaviour_move", draft.pk, added.pk), {"direction": "up"})
    assert [b.text for b in trust.behaviours_for("leaders")] == [
        "Jag ger beröm.",
        "Jag delar ansvar och befogenheter.",
    ]
    client.post(
        url("behaviour_edit", draft.pk, added.pk),
        {"text": "Jag ger beröm ofta.", "audience": "everyone", "kind": "principle"},
    )
    added.refresh_from_db()
    assert (added.text, added.audience, added.kind) == (
        "Jag ger beröm ofta.",
        "everyone",
        "principle",
    )
    client.post(url("behaviour_delete", draft.pk, added.pk))
    assert not Behaviour.objects.filter(pk=added.pk).exists()


def test_a_behaviour_without_text_or_audience_is_refused(
    admin_a: Any, draft: CoreValueFramework
) -> None:
    trust = draft.values.get(name="Tillit")
    response = signed_in(admin_a).post(
        url("behaviour_add", draft.pk, trust.pk), {"text": "", "audience": "everybody"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_text"' in page and 'href="#id_audience"' in page
    assert trust.behaviours.count() == 2


def test_publishing_records_it_in_the_audit_log(admin_a: Any, draft: CoreValueFramework) -> None:
    response = signed_in(admin_a).post(url("publish", draft.pk), follow=True)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "är publicerad" in response.content.decode()
    event = AuditEvent.objects.get(action="published_core_values")
    assert (event.object_id, event.organisation_id) == (str(draft.pk), draft.organisation_id)


def test_an_incomplete_draft_is_not_published_and_says_why(
    admin_a: Any, organisation_a: Any
) -> None:
    draft = actions.create_draft(organisation_a, "Tom")
    actions.add_value(draft, "Tillit", "Vi litar på varandra.")
    response = signed_in(admin_a).post(url("publish", draft.pk), follow=True)
    assert "Värdet ”Tillit” har inga beteenden eller principer ännu." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not AuditEvent.objects.filter(action="published_core_values").exists()


def test_a_published_version_cannot_be_edited_through_the_pages(
    admin_a: Any, published: CoreValueFramework
) -> None:
    client = signed_in(admin_a)
    value = published.values.get(name="Tillit")
    behaviour = value.behaviours.first()
    assert behaviour is not None
    page = client.get(url("detail", published.pk)).content.decode()
    assert url("value_edit", published.pk, value.pk) not in page
    assert "Ny version" in page
    for address, data in [
        (url("edit", published.pk), {"name": "X", "introduction": ""}),
        (url("value_edit", published.pk, value.pk), {"name": "X", "description": "Y"}),
        (url("value_add", published.pk), {"name": "X", "description": "Y"}),
        (url("value_move", published.pk, value.pk), {"direction": "down"}),
        (url("value_delete", published.pk, value.pk), {}),
        (url("behaviour_add", published.pk, value.pk), {"text": "X", "audience": "everyone", "kind": "behaviour"}),
        (url("behaviour_edit", published.pk, behaviour.pk), {"text": "X", "audience": "everyone", "kind": "behaviour"}),
        (url("behaviour_delete", published.pk, behaviour.pk), {}),
        (url("delete", published.pk), {}),
    ]:  # fmt: skip
        response = client.post(address, data, follow=True)
        assert response.redirect_chain[-1][0] == url("detail", published.pk), address
        assert "kan inte ändras. Skapa en ny version" in response.content.decode(), address
    value.refresh_from_db()
    assert value.name == "Tillit"
    assert published.values.count() == 2
    assert Behaviour.objects.filter(core_value__framework=published).count() == 4


def test_new_version_makes_one_draft_and_then_leads_to_it(
    admin_a: Any, published: CoreValueFramework
) -> None:
    client = signed_in(admin_a)
    first = client.post(url("new_version", published.pk))
    draft = CoreValueFramework.objects.get(previous_version=published)
    assert first["Location"] == url("detail", draft.pk)
    again = client.post(url("new_version", published.pk), follow=True)
    assert again.redirect_chain[-1][0] == url("detail", draft.pk)
    assert "Det finns redan ett utkast till version 2." in again.content.decode()
    assert CoreValueFramework.objects.count() == 2


def test_publishing_the_new_version_replaces_the_old(
    admin_a: Any, published: CoreValueFramework
) -> None:
    client = signed_in(admin_a)
    client.post(url("new_version", published.pk))
    draft = CoreValueFramework.objects.get(previous_version=published)
    client.post(url("publish", draft.pk))
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == ("replaced", "published")
    assert draft.published_on == timezone.localdate()


def test_deleting_a_draft(admin_a: Any, draft: CoreValueFramework) -> None:
    response = signed_in(admin_a).post(url("delete", draft.pk))
    assert response["Location"] == url("index")
    assert not CoreValueFramework.objects.exists()


def test_nonsense_from_the_browser_is_a_clear_400_not_an_error(
    admin_a: Any, draft: CoreValueFramework
) -> None:
    client = signed_in(admin_a)
    response = client.post(
        url("value_add", draft.pk),
        {"name": "X" * 81, "description": "Text.", "catalogue_values": ["abc"]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_name"' in page and 'href="#id_catalogue_values"' in page
    trust = draft.values.get(name="Tillit")
    moved = client.post(url("value_move", draft.pk, trust.pk), {"direction": "sideways"})
    assert moved.status_code == 302
    assert draft.values.count() == 2
