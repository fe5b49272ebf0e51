"""Creating a round from a published värdegrund, adjusting it, opening and closing it."""

from __future__ import annotations

from typing import Any

import pytest

from kartbild.corevalues.models import CoreValueFramework
from kartbild.followups import actions
from kartbild.followups.actions import Answers, Rejected
from kartbild.followups.models import FollowUp, FollowUpResponse
from kartbild.followups.tests import factories

pytestmark = pytest.mark.django_db


def test_one_statement_per_behaviour_in_the_frameworks_order(organisation_a: Any) -> None:
    round_ = factories.follow_up(organisation_a, open=False)
    assert [(s.core_value.name, s.text) for s in round_.statements.all()] == [
        ("Tillit", "Jag litar på mina kollegor."),
        ("Tillit", "Chefen litar på att jag gör mitt jobb."),
        ("Mod", "Jag säger vad jag tycker."),
        ("Mod", "Vi prövar nya sätt att arbeta."),
    ]
    assert round_.status == FollowUp.Status.DRAFT


def test_a_draft_framework_cannot_be_followed_up(organisation_a: Any) -> None:
    made = factories.framework(organisation_a)
    made.status = CoreValueFramework.Status.DRAFT
    made.save()
    with pytest.raises(Rejected):
        actions.create_follow_up(organisation_a, made, "Runda")
    assert not FollowUp.objects.exists()


def test_another_organisations_framework_is_refused(
    organisation_a: Any, organisation_b: Any
) -> None:
    with pytest.raises(Rejected):
        actions.create_follow_up(organisation_a, factories.framework(organisation_b), "Runda")


def test_statements_are_reworded_and_left_out_before_opening(organisation_a: Any) -> None:
    round_ = factories.follow_up(organisation_a, open=False)
    first, second, *_rest = round_.statements.all()
    actions.edit_statements(
        round_, {first.pk: ("Jag litar  på kollegorna.", True), second.pk: (second.text, False)}
    )
    assert [s.text for s in round_.asked_statements()][0] == "Jag litar på kollegorna."
    assert round_.asked_statements().count() == 3
    with pytest.raises(Rejected):
        actions.edit_statements(round_, {s.pk: (s.text, False) for s in round_.statements.all()})
    with pytest.raises(Rejected):
        actions.edit_statements(round_, {first.pk: ("   ", True)})
    actions.open_follow_up(round_)
    with pytest.raises(Rejected):
        actions.edit_statements(round_, {first.pk: ("Nytt", True)})


def test_answers_are_stored_compactly_and_only_while_open(organisation_a: Any) -> None:
    round_ = factories.follow_up(organisation_a)
    ids = list(round_.asked_statements().values_list("pk", flat=True))
    actions.record_response(round_, Answers({ids[0]: 5, ids[2]: 6}))
    stored = FollowUpResponse.objects.get()
    assert bytes(stored.answers) == bytes([5, 0, 6, 0])
    assert stored.unit_id is None
    actions.close_follow_up(round_)
    with pytest.raises(Rejected):
        actions.record_response(round_, Answers({ids[0]: 5}))
    assert FollowUpResponse.objects.count() == 1


@pytest.mark.parametrize(
    "codes", [{}, {0: 7}, {0: 0}, {999_999: 3}], ids=["none", "seven", "zero", "unknown"]
)
def test_bad_answers_are_refused(organisation_a: Any, codes: dict[int, int]) -> None:
    round_ = factories.follow_up(organisation_a)
    first = round_.asked_statements().first()
    assert first is not None
    answers = Answers({first.pk if k == 0 else k: v for k, v in codes.items()})
    with pytest.raises(Rejected):
        actions.record_response(round_, answers)
    assert not FollowUpResponse.objects.exists()


def test_a_unit_of_another_organisation_is_refused(
    organisation_a: Any, organisation_b: Any
) -> None:
    round_ = factories.follow_up(organisation_a)
    foreign = factories.unit(organisation_b, "Annan")
    first = round_.asked_statements().first()
    assert first is not None
    with pytest.raises(Rejected):
        actions.record_response(round_, Answers({first.pk: 3}, foreign.pk))


def test_codes_are_single_use_and_never_stored_with_the_answer(organisation_a: Any) -> None:
    round_ = factories.follow_up(organisation_a)
    school = factories.unit(organisation_a, "Skolan")
    batch = actions.generate_codes(round_, school, 3)
    code = batch.codes.first()
    assert code is not None
    draft = actions.start_draft(round_, code)
    assert actions.start_draft(round_, code) == draft  # resuming with the same code
    first = round_.asked_statements().first()
    assert first is not None
    actions.record_response(round_, Answers({first.pk: 4}), draft=draft)
    code.refresh_from_db()
    assert code.used
    response = FollowUpResponse.objects.get()
    # The code's unit, and nothing that points back at the code or the draft.
    assert response.unit_id == school.pk
    assert {f.name for f in FollowUpResponse._meta.get_fields()} == {
        "id",
        "follow_up",
        "unit",
        "submitted_on",
        "answers",
    }
    with pytest.raises(Rejected):
        actions.generate_codes(round_, None, 0)
