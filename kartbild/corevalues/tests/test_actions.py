"""The värdegrund's workflows: drafts, values and behaviours, new versions and publishing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kartbild.catalogue.models import Value, ValueCatalogue
from kartbild.corevalues import actions
from kartbild.corevalues.actions import Rejected
from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework

pytestmark = pytest.mark.django_db

SPRING = datetime.date(2025, 5, 20)
AUTUMN = datetime.date(2025, 10, 1)


def names(framework: CoreValueFramework) -> list[str]:
    return [value.name for value in framework.values.all()]


def test_a_new_framework_is_an_empty_draft_of_version_1(
    organisation_a: Any, catalogue: Any
) -> None:
    framework = actions.create_draft(organisation_a, "  Bättre   tillsammans ", "", catalogue)
    assert (framework.name, framework.version, framework.status) == (
        "Bättre tillsammans",
        1,
        "draft",
    )
    assert framework.catalogue == catalogue
    assert framework.previous_version is None
    assert not framework.values.exists()


def test_a_framework_needs_a_name(organisation_a: Any) -> None:
    with pytest.raises(Rejected) as refusal:
        actions.create_draft(organisation_a, "   ")
    assert refusal.value.field == "name"
    assert not CoreValueFramework.objects.exists()


def test_another_organisations_catalogue_is_refused(
    organisation_a: Any, organisation_b: Any, catalogue: Any
) -> None:
    theirs = ValueCatalogue.objects.create(organisation=organisation_b, name="Egna", version=1)
    with pytest.raises(Rejected) as refusal:
        actions.create_draft(organisation_a, "Bättre tillsammans", "", theirs)
    assert refusal.value.field == "catalogue"
    assert not CoreValueFramework.objects.exists()


def test_values_and_behaviours_are_added_at_the_end(draft: CoreValueFramework) -> None:
    third = actions.add_value(draft, "Delaktighet", "Alla får vara med.")
    assert names(draft) == ["Tillit", "Mod", "Delaktighet"]
    first = actions.add_behaviour(third, "Jag frågar dem som berörs.")
    second = actions.add_behaviour(third, "Jag bjuder in till samtal.")
    assert list(third.behaviours.all()) == [first, second]


def test_a_value_links_to_values_of_its_catalogue_only(
    draft: CoreValueFramework, organisation_b: Any
) -> None:
    theirs = ValueCatalogue.objects.create(organisation=organisation_b, name="Egna", version=1)
    foreign = Value.objects.create(
        catalogue=theirs, position=0, slug="lokalt", name_sv="Lokalt", name_en="Local",
        description_sv="x", description_en="x", level=5, polarity="positive", type="O",
        frames="workplace",
    )  # fmt: skip
    value = draft.values.get(name="Mod")
    with pytest.raises(Rejected) as refusal:
        actions.update_value(value, "Mod", "Ny text.", [foreign])
    assert refusal.value.field == "catalogue_values"
    value.refresh_from_db()
    assert value.description == "Vi säger det som behöver sägas."
    assert [v.slug for v in value.catalogue_values.all()] == ["mod"]


def test_moving_a_value_swaps_it_with_its_neighbour(draft: CoreValueFramework) -> None:
    actions.add_value(draft, "Delaktighet", "Alla får vara med.")
    courage = draft.values.get(name="Mod")
    actions.move_value(courage, -1)
    assert names(draft) == ["Mod", "Tillit", "Delaktighet"]
    actions.move_value(draft.values.get(name="Mod"), -1)
    assert names(draft) == ["Mod", "Tillit", "Delaktighet"]
    actions.move_value(draft.values.get(name="Tillit"), 1)
    assert names(draft) == ["Mod", "Delaktighet", "Tillit"]


def test_behaviours_move_within_their_audience(draft: CoreValueFramework) -> None:
    trust = draft.values.get(name="Tillit")
    later = actions.add_behaviour(trust, "Jag ger beröm när det är förtjänt.")
    actions.move_behaviour(later, -1)
    assert [b.text for b in trust.behaviours_for("everyone")] == [
        "Jag ger beröm när det är förtjänt.",
        "Jag håller det jag lovar.",
    ]
    assert [b.text for b in trust.behaviours_for("leaders")] == [
        "Jag delar ansvar och befogenheter."
    ]


def test_an_unknown_audience_is_refused(draft: CoreValueFramework) -> None:
    trust = draft.values.get(name="Tillit")
    with pytest.raises(Rejected) as refusal:
        actions.add_behaviour(trust, "Jag lyssnar.", "politicians")
    assert refusal.value.field == "audience"
    assert trust.behaviours.count() == 2


def test_publishing_needs_values_with_behaviours(organisation_a: Any) -> None:
    empty = actions.create_draft(organisation_a, "Tom")
    with pytest.raises(Rejected, match="minst ett värde"):
        actions.publish(empty, SPRING)
    actions.add_value(empty, "Tillit", "Vi litar på varandra.")
    with pytest.raises(Rejected, match="Tillit"):
        actions.publish(empty, SPRING)
    empty.refresh_from_db()
    assert (empty.status, empty.published_on) == ("draft", None)


def test_publishing_makes_the_draft_current(draft: CoreValueFramework, organisation_a: Any) -> None:
    assert CoreValueFramework.objects.current(organisation_a) is None
    published = actions.publish(draft, SPRING)
    assert (published.status, published.published_on) == ("published", SPRING)
    assert CoreValueFramework.objects.current(organisation_a) == draft


def test_a_published_version_is_read_only(published: CoreValueFramework) -> None:
    value = published.values.get(name="Tillit")
    behaviour = value.behaviours.first()
    assert behaviour is not None
    attempts = [
        lambda: actions.update_framework(published, "Nytt namn", ""),
        lambda: actions.add_value(published, "Nytt", "Nytt värde."),
        lambda: actions.update_value(value, "Förtroende", "Annan text.", []),
        lambda: actions.move_value(value, 1),
        lambda: actions.delete_value(value),
        lambda: actions.add_behaviour(value, "Ny text."),
        lambda: actions.update_behaviour(behaviour, "Ny text.", "everyone", "behaviour"),
        lambda: actions.move_behaviour(behaviour, 1),
        lambda: actions.delete_behaviour(behaviour),
        lambda: actions.delete_draft(published),
        lambda: actions.publish(published, AUTUMN),
    ]
    for attempt in attempts:
        with pytest.raises(Rejected, match="publicerad och kan inte ändras. Skapa en ny version"):
            attempt()
    published.refresh_from_db()
    assert published.name == "Bättre tillsammans"
    assert published.published_on == SPRING
    assert names(published) == ["Tillit", "Mod"]
    assert Behaviour.objects.filter(core_value__framework=published).count() == 4


def test_a_new_version_copies_everything_and_remembers_where_from(
    published: CoreValueFramework,
) -> None:
    draft = actions.copy_to_new_version(published)
    assert (draft.version, draft.status, draft.previous_version) == (2, "draft", published)
    assert (draft.name, draft.introduction, draft.catalogue) == (
        published.name,
        published.introduction,
        published.catalogue,
    )
    for old, new in zip(published.values.all(), draft.values.all(), strict=True):
        assert new.pk != old.pk
        assert (new.name, new.description, new.position) == (
            old.name,
            old.description,
            old.position,
        )
        assert new.carried_from == old
        assert set(new.catalogue_values.all()) == set(old.catalogue_values.all())
        assert new.catalogue_values.exists()
        copies = list(new.behaviours.all())
        assert [(b.text, b.audience, b.kind) for b in copies] == [
            (b.text, b.audience, b.kind) for b in old.behaviours.all()
        ]
        assert [b.carried_from for b in copies] == list(old.behaviours.all())
    # The published version is untouched and still current.
    published.refresh_from_db()
    assert published.status == "published"


def test_editing_the_copy_leaves_the_published_version_alone(
    published: CoreValueFramework,
) -> None:
    draft = actions.copy_to_new_version(published)
    copy = draft.values.get(name="Tillit")
    actions.update_value(copy, "Förtroende", "Vi litar på varandra, också när det är svårt.", [])
    original = published.values.get(name="Tillit")
    assert [v.slug for v in original.catalogue_values.order_by("slug")] == ["oppenhet", "tillit"]


def test_only_the_published_version_gets_one_next_version(
    published: CoreValueFramework, organisation_a: Any
) -> None:
    actions.copy_to_new_version(published)
    with pytest.raises(Rejected, match="redan ett utkast till version 2"):
        actions.copy_to_new_version(published)
    other_draft = actions.create_draft(organisation_a, "Annat utkast")
    with pytest.raises(Rejected, match="Bara den publicerade versionen"):
        actions.copy_to_new_version(other_draft)
    assert CoreValueFramework.objects.count() == 3


def test_publishing_a_new_version_replaces_the_old_one(
    published: CoreValueFramework, organisation_a: Any, organisation_b: Any, catalogue: Any
) -> None:
    from kartbild.corevalues.tests.conftest import filled_draft

    theirs = actions.publish(filled_draft(organisation_b, catalogue, "Brobygget"), SPRING)
    draft = actions.copy_to_new_version(published)
    actions.publish(draft, AUTUMN)
    published.refresh_from_db()
    theirs.refresh_from_db()
    assert published.status == "replaced"
    assert CoreValueFramework.objects.current(organisation_a) == draft
    # Another organisation's värdegrund is not touched.
    assert theirs.status == "published"
    assert CoreValueFramework.objects.current(organisation_b) == theirs


def test_a_publication_date_before_the_current_ones_is_refused(
    published: CoreValueFramework,
) -> None:
    draft = actions.copy_to_new_version(published)
    with pytest.raises(Rejected, match="före"):
        actions.publish(draft, SPRING - datetime.timedelta(days=1))
    published.refresh_from_db()
    assert published.status == "published"


def test_a_replaced_version_cannot_be_copied_again(published: CoreValueFramework) -> None:
    actions.publish(actions.copy_to_new_version(published), AUTUMN)
    published.refresh_from_db()
    with pytest.raises(Rejected):
        actions.copy_to_new_version(published)


def test_deleting_a_draft_removes_its_values(draft: CoreValueFramework) -> None:
    actions.delete_draft(draft)
    assert not CoreValueFramework.objects.exists()
    assert not CoreValue.objects.exists()
    assert not Behaviour.objects.exists()


def test_deleting_the_next_draft_lets_a_new_one_be_made(published: CoreValueFramework) -> None:
    actions.delete_draft(actions.copy_to_new_version(published))
    assert actions.copy_to_new_version(published).version == 2


def test_a_draft_something_depends_on_is_kept_with_a_message(
    draft: CoreValueFramework, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.models import ProtectedError

    def protected(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise ProtectedError("protected", {self})

    # Follow-up rounds protect what they measured; the model of that lives in another app.
    monkeypatch.setattr(CoreValueFramework, "delete", protected)
    with pytest.raises(Rejected, match="uppföljning"):
        actions.delete_draft(draft)
    assert CoreValueFramework.objects.filter(pk=draft.pk).exists()
