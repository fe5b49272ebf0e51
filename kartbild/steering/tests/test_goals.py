"""The goal tree: levels, moving, deleting, links to the värdegrund, and refusals that change
nothing (another organisation's parent or value, a cycle, a level below its parent)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kartbild.steering import actions
from kartbild.steering.models import Goal, Level
from kartbild.steering.tests.conftest import signed_in
from kartbild.workshops.actions import Rejected

pytestmark = pytest.mark.django_db


def test_the_tree_reads_each_goal_before_the_goals_below_it(tree_a: dict[str, Goal]) -> None:
    other = actions.save_goal(
        tree_a["vision"].organisation,
        None,
        name="Trygg kommun",
        level=Level.GOAL,
        parent=tree_a["vision"],
    )
    lines = actions.goal_tree(tree_a["vision"].organisation)
    assert [(line.goal.name, line.depth) for line in lines] == [
        ("Bättre tillsammans", 0),
        ("Nöjda medarbetare", 1),
        ("Lägre sjukfrånvaro", 2),
        (other.name, 1),
    ]


def test_a_goal_links_to_values_of_its_own_värdegrund(
    organisation_a: Any, framework_a: Any
) -> None:
    tillit = framework_a.values.get(name="Tillit")
    goal = actions.save_goal(
        organisation_a,
        None,
        name="Tillitsbaserad styrning",
        level=Level.GOAL,
        core_values=[tillit],
    )
    assert list(goal.core_values.all()) == [tillit]


def test_a_value_of_another_organisation_is_refused(
    organisation_a: Any, tree_a: dict[str, Goal], framework_b: Any
) -> None:
    goal = tree_a["goal"]
    with pytest.raises(Rejected, match="organisationens egen värdegrund"):
        actions.save_goal(
            organisation_a,
            goal,
            name="Ändrat namn",
            level=Level.GOAL,
            parent=tree_a["vision"],
            core_values=list(framework_b.values.all()),
        )
    goal.refresh_from_db()
    assert goal.name == "Nöjda medarbetare"
    assert not goal.core_values.exists()


def test_a_parent_of_another_organisation_is_refused(
    organisation_a: Any, tree_a: dict[str, Goal], goal_b: Goal
) -> None:
    goal = tree_a["goal"]
    with pytest.raises(Rejected, match="annan organisation"):
        actions.save_goal(organisation_a, goal, name=goal.name, level=Level.GOAL, parent=goal_b)
    goal.refresh_from_db()
    assert goal.parent == tree_a["vision"]
    with pytest.raises(Rejected):
        actions.save_goal(organisation_a, None, name="Nytt", level=Level.GOAL, parent=goal_b)
    assert Goal.objects.filter(organisation=organisation_a).count() == 3


def test_a_goal_cannot_move_below_its_own_subtree(
    organisation_a: Any, tree_a: dict[str, Goal]
) -> None:
    goal = tree_a["goal"]
    with pytest.raises(Rejected, match="under sig självt"):
        actions.save_goal(
            organisation_a, goal, name=goal.name, level=Level.ACTIVITY, parent=tree_a["subgoal"]
        )
    goal.refresh_from_db()
    assert (goal.level, goal.parent) == (Level.GOAL, tree_a["vision"])


def test_a_goal_must_be_below_its_parent_level(
    organisation_a: Any, tree_a: dict[str, Goal]
) -> None:
    with pytest.raises(Rejected, match="högre nivå"):
        actions.save_goal(
            organisation_a, None, name="Vision två", level=Level.VISION, parent=tree_a["goal"]
        )


def test_moving_a_goal_keeps_its_subtree(organisation_a: Any, tree_a: dict[str, Goal]) -> None:
    second = actions.save_goal(organisation_a, None, name="Hållbar kommun", level=Level.VISION)
    goal = tree_a["goal"]
    actions.save_goal(organisation_a, goal, name=goal.name, level=Level.GOAL, parent=second)
    lines = [(line.goal.name, line.depth) for line in actions.goal_tree(organisation_a)]
    assert lines == [
        ("Bättre tillsammans", 0),
        ("Hållbar kommun", 0),
        ("Nöjda medarbetare", 1),
        ("Lägre sjukfrånvaro", 2),
    ]


def test_an_end_before_the_start_is_refused(organisation_a: Any) -> None:
    with pytest.raises(Rejected, match="Slutdatumet"):
        actions.save_goal(
            organisation_a,
            None,
            name="Mål",
            level=Level.GOAL,
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2026, 1, 1),
        )
    assert not Goal.objects.exists()


def test_a_goal_with_goals_below_it_is_not_deleted(tree_a: dict[str, Goal]) -> None:
    with pytest.raises(Rejected, match="delmål"):
        actions.delete_goal(tree_a["goal"])
    actions.delete_goal(tree_a["subgoal"])
    assert not Goal.objects.filter(pk=tree_a["subgoal"].pk).exists()


# -- pages -----------------------------------------------------------------------------------------


def test_the_admin_adds_a_goal_under_another(
    admin_a: Any, tree_a: dict[str, Goal], framework_a: Any
) -> None:
    client = signed_in(admin_a)
    page = client.get(f"/o/ystad/styrning/mal/nytt/?under={tree_a['goal'].pk}")
    assert page.status_code == 200
    tillit = framework_a.values.get(name="Tillit")
    response = client.post(
        "/o/ystad/styrning/mal/nytt/",
        {
            "level": "subgoal",
            "name": "Fler dialogmöten",
            "parent": tree_a["goal"].pk,
            "owner": "HR-chefen",
            "core_values": [tillit.pk],
        },
    )
    created = Goal.objects.get(name="Fler dialogmöten")
    assert response.status_code == 302
    assert (created.parent, created.owner) == (tree_a["goal"], "HR-chefen")
    tree = client.get("/o/ystad/styrning/").content.decode()
    assert "Fler dialogmöten" in tree and "Tillit" in tree


def test_the_form_refuses_a_parent_of_another_organisation(
    admin_a: Any, tree_a: dict[str, Goal], goal_b: Goal
) -> None:
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/mal/{tree_a['goal'].pk}/andra/",
        {"level": "goal", "name": "Flyttat", "parent": goal_b.pk},
    )
    assert response.status_code == 400
    assert "Välj ett mål i organisationen." in response.content.decode()
    tree_a["goal"].refresh_from_db()
    assert tree_a["goal"].name == "Nöjda medarbetare"


def test_the_form_refuses_a_value_of_another_organisation(
    admin_a: Any, tree_a: dict[str, Goal], framework_b: Any
) -> None:
    response = signed_in(admin_a).post(
        "/o/ystad/styrning/mal/nytt/",
        {"level": "goal", "name": "Nytt", "core_values": [framework_b.values.get().pk]},
    )
    assert response.status_code == 400
    assert not Goal.objects.filter(name="Nytt").exists()


def test_the_admin_moves_a_goal_with_the_edit_form(
    admin_a: Any, organisation_a: Any, tree_a: dict[str, Goal]
) -> None:
    second = actions.save_goal(organisation_a, None, name="Hållbar kommun", level=Level.VISION)
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/mal/{tree_a['goal'].pk}/andra/",
        {"level": "goal", "name": "Nöjda medarbetare", "parent": second.pk},
    )
    assert response.status_code == 302
    tree_a["goal"].refresh_from_db()
    assert tree_a["goal"].parent == second


def test_deleting_asks_first_and_then_deletes(admin_a: Any, tree_a: dict[str, Goal]) -> None:
    client = signed_in(admin_a)
    url = f"/o/ystad/styrning/mal/{tree_a['subgoal'].pk}/ta-bort/"
    assert client.get(url).status_code == 200
    assert Goal.objects.filter(pk=tree_a["subgoal"].pk).exists()
    assert client.post(url).status_code == 302
    assert not Goal.objects.filter(pk=tree_a["subgoal"].pk).exists()
    refused = client.post(f"/o/ystad/styrning/mal/{tree_a['vision'].pk}/ta-bort/")
    assert refused.status_code == 400
    assert Goal.objects.filter(pk=tree_a["vision"].pk).exists()


def test_an_analyst_reads_the_tree_but_does_not_edit(
    analyst_a: Any, tree_a: dict[str, Goal]
) -> None:
    client = signed_in(analyst_a)
    page = client.get("/o/ystad/styrning/").content.decode()
    assert "Bättre tillsammans" in page and "Nytt mål" not in page
    assert client.get("/o/ystad/styrning/mal/nytt/").status_code == 403
    assert client.post(f"/o/ystad/styrning/mal/{tree_a['goal'].pk}/ta-bort/").status_code == 403


def test_another_organisations_goal_is_not_found(admin_b: Any, tree_a: dict[str, Goal]) -> None:
    client = signed_in(admin_b)
    assert client.get(f"/o/strangnas/styrning/mal/{tree_a['goal'].pk}/").status_code == 404
    assert client.get(f"/o/ystad/styrning/mal/{tree_a['goal'].pk}/").status_code == 404


def test_the_tree_page_is_a_nested_list(analyst_a: Any, tree_a: dict[str, Goal]) -> None:
    forest = actions.goal_forest(tree_a["vision"].organisation)
    assert [node.goal for node in forest] == [tree_a["vision"]]
    assert [node.goal for node in forest[0].children] == [tree_a["goal"]]
    assert [node.goal for node in forest[0].children[0].children] == [tree_a["subgoal"]]
    page = signed_in(analyst_a).get("/o/ystad/styrning/").content.decode()
    vision, goal, subgoal = (
        page.index(name)
        for name in ("Bättre tillsammans", "Nöjda medarbetare", "Lägre sjukfrånvaro")
    )
    # Each level opens a list inside the item above it.
    assert page.count("<ul>", vision, subgoal) == 2 and vision < goal < subgoal
