"""Retention: raw answers of a closed mapping are deleted after its retention period; a gated
snapshot of the results is kept."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kartbild.mappings import actions
from kartbild.mappings.ballots import load_ballots
from kartbild.mappings.models import (
    BallotBlock,
    CodeBatch,
    Draft,
    InvitationCode,
    Mapping,
    OpenAnswer,
    RateCounter,
    Response,
    ResultSnapshot,
)
from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db


def answers(mp: Any, picks: list[str], unit: Any = None, text: str = "") -> actions.Answers:
    return actions.Answers(
        picks={q.pk: picks for q in mp.questions.all()},
        unit_id=unit.pk if unit else None,
        open_answer=text,
    )


def closed_mapping(make_mapping: Any, closed_on: datetime.date, **settings: Any) -> Mapping:
    mapping = make_mapping(("medarbetare",), open_question="Vad behöver förändras?", **settings)
    mp = mapping.perspectives.get()
    school, library = (
        Unit.objects.get_or_create(
            organisation=mapping.organisation,
            code=code,
            defaults={"name": name, "level": "forvaltning"},
        )[0]
        for name, code in (("Skolan", "S1"), ("Biblioteket", "B1"))
    )
    for _ in range(6):
        actions.record_response(mp, answers(mp, ["tillit", "mod", "ansvar"], school, "Mer tid."))
    for _ in range(2):
        actions.record_response(mp, answers(mp, ["byrakrati", "mod", "ansvar"], library))
    actions.generate_codes(mp, None, 3)
    actions.close_mapping(mapping)
    Mapping.objects.filter(pk=mapping.pk).update(closed_on=closed_on)
    # Seal the day's ballot block, as reading results on a later day does.
    load_ballots(mp, mapping.picks, today=datetime.date.today() + datetime.timedelta(days=1))
    assert BallotBlock.objects.filter(mapping_perspective=mp).exists()
    return Mapping.objects.get(pk=mapping.pk)


@pytest.mark.parametrize(
    ("closed", "months", "due"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 11, 15), 3, datetime.date(2028, 2, 15)),
        (datetime.date(2026, 3, 31), 36, datetime.date(2029, 3, 31)),
    ],
)
def test_retention_counts_calendar_months_from_closing(
    make_mapping: Any, closed: datetime.date, months: int, due: datetime.date
) -> None:
    mapping = make_mapping(("medborgare",), retention_months=months)
    assert mapping.purge_due_on() is None
    actions.close_mapping(mapping)
    mapping.closed_on = closed
    assert mapping.purge_due_on() == due


def test_the_command_deletes_raw_answers_past_retention_and_keeps_gated_results(
    make_mapping: Any,
) -> None:
    expired = closed_mapping(make_mapping, datetime.date.today() - datetime.timedelta(days=800))
    Mapping.objects.filter(pk=expired.pk).update(retention_months=24)
    kept = closed_mapping(make_mapping, datetime.date.today())
    out = StringIO()
    call_command("purge_expired_responses", stdout=out)
    assert "8 responses, 6 open answers" in out.getvalue()
    for model in (Response, OpenAnswer, BallotBlock, CodeBatch):
        assert not model.objects.filter(mapping_perspective__mapping=expired).exists(), model
    assert not InvitationCode.objects.filter(batch__mapping_perspective__mapping=expired).exists()
    assert Response.objects.filter(mapping_perspective__mapping=kept).count() == 8
    assert OpenAnswer.objects.filter(mapping_perspective__mapping=kept).count() == 6
    expired.refresh_from_db()
    assert expired.purged_on == datetime.date.today()

    document = ResultSnapshot.objects.get(mapping=expired).document
    employees = document["perspectives"]["medarbetare"]
    assert document["min_group"] == 5
    # The whole perspective (8) is shown ...
    assert employees["groups"]["medarbetare"]["respondents"] == 8
    current = employees["groups"]["medarbetare"]["questions"]["current:workplace"]
    assert current["votes"]["mod"] == 8 and current["votes"]["byrakrati"] == 2
    # ... the library (2) is withheld, and so is the school (6), since the whole minus the
    # school would give the library away.
    withheld = {item["group"]: item["reason"] for item in employees["withheld"]}
    assert withheld == {"unit:B1": "too_few", "unit:S1": "derivable"}
    assert set(employees["groups"]) == {"medarbetare"}
    assert employees["units"] == {"unit:S1": "Skolan", "unit:B1": "Biblioteket"}
    assert "Mer tid." not in str(document)


def test_a_dry_run_changes_nothing(make_mapping: Any) -> None:
    closed_mapping(make_mapping, datetime.date(2020, 1, 1))
    out = StringIO()
    call_command("purge_expired_responses", "--dry-run", stdout=out)
    assert "would purge ystad: Kartläggning 2026" in out.getvalue()
    assert Response.objects.count() == 8
    assert not ResultSnapshot.objects.exists()


def test_the_command_deletes_abandoned_open_link_drafts_but_not_code_drafts(
    make_mapping: Any,
) -> None:
    mp = make_mapping(("medarbetare",)).perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    abandoned = actions.start_draft(mp, None)
    recent = actions.start_draft(mp, None)
    coded = actions.start_draft(mp, code)
    long_ago = datetime.date.today() - datetime.timedelta(days=31)
    Draft.objects.filter(pk__in=[abandoned.pk, coded.pk]).update(updated_on=long_ago)
    out = StringIO()
    call_command("purge_expired_responses", stdout=out)
    assert "deleted 1 abandoned open-link drafts" in out.getvalue()
    assert set(Draft.objects.values_list("pk", flat=True)) == {recent.pk, coded.pk}


def test_the_command_forgets_ended_rate_limit_counters(db: None) -> None:
    now = timezone.now()
    RateCounter.objects.create(
        key="a" * 64, count=3, expires_at=now - datetime.timedelta(seconds=1)
    )
    RateCounter.objects.create(
        key="b" * 64, count=3, expires_at=now + datetime.timedelta(minutes=5)
    )
    call_command("purge_expired_responses", stdout=StringIO())
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["b" * 64]


def test_open_mappings_and_purged_ones_are_left_alone(make_mapping: Any) -> None:
    mapping = make_mapping(("medborgare",), retention_months=1)
    mp = mapping.perspectives.get()
    actions.record_response(mp, answers(mp, ["tillit", "mod", "ansvar"]))
    Mapping.objects.filter(pk=mapping.pk).update(closed_on=datetime.date(2000, 1, 1))
    out = StringIO()
    call_command("purge_expired_responses", stdout=out)
    assert out.getvalue().strip() == "nothing to purge"
    assert Response.objects.count() == 1


def test_the_admin_sets_the_retention_and_the_mapping_page_states_it(
    client: Client, admin_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medborgare",), open=False)
    client.force_login(admin_a)
    url = reverse("mappings:configure", args=["ystad", mapping.pk])
    data = {
        "name": mapping.name,
        "catalogue": mapping.catalogue_id,
        "picks": 3,
        "ask_unit": "on",
        "medborgare": ["personal", "current:community"],
    }
    refused = client.post(url, {**data, "retention_months": "0"})
    assert "Gallringstiden måste vara mellan 1 och 120 månader." in refused.content.decode()
    assert client.post(url, {**data, "retention_months": "12"}).status_code == 302
    mapping.refresh_from_db()
    assert mapping.retention_months == 12
    page = client.get(reverse("mappings:detail", args=["ystad", mapping.pk])).content.decode()
    assert "Enskilda svar raderas 12 månader efter att kartläggningen stängts." in page


def test_after_purging_the_results_page_shows_the_kept_aggregates(
    client: Client, admin_a: Any, make_mapping: Any
) -> None:
    mapping = closed_mapping(make_mapping, datetime.date(2020, 1, 1))
    url = reverse("mappings:results", args=["ystad", mapping.pk])
    client.force_login(admin_a)
    before = client.get(url).content.decode()
    call_command("purge_expired_responses", stdout=StringIO())
    assert not Response.objects.exists()
    after = client.get(url).content.decode()
    assert "De enskilda svaren gallrades" in after
    assert "8 svarande" in before and "8 svarande" in after
    # The same top lists, votes and shares as before the raw answers went.
    table = before[before.index("<table>") : before.rindex("</table>")]
    assert table == after[after.index("<table>") : after.rindex("</table>")]
