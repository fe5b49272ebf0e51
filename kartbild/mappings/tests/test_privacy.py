"""What is stored: the picks, the perspective, the background answers, the date — nothing more."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from kartbild.mappings import actions
from kartbild.mappings.models import Draft, InvitationCode, OpenAnswer, Response

pytestmark = pytest.mark.django_db


def test_a_response_has_no_field_that_could_identify_or_order_it() -> None:
    fields = {f.name: f for f in Response._meta.get_fields() if f.concrete}
    assert set(fields) == {
        "id",
        "mapping_perspective",
        "unit",
        "age_band",
        "tenure_band",
        "district",
        "submitted_on",
        "picks",
    }
    assert isinstance(fields["id"], models.UUIDField)
    assert not any(isinstance(f, models.DateTimeField) for f in fields.values())
    assert {f.name for f in OpenAnswer._meta.get_fields() if f.concrete} == {
        "id",
        "mapping_perspective",
        "text",
    }
    assert {f.name for f in InvitationCode._meta.get_fields() if f.concrete} == {
        "id",
        "batch",
        "code",
        "used",
    }


def test_a_database_dump_does_not_link_a_response_to_its_code(make_mapping: Any) -> None:
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    code = actions.generate_codes(mp, None, 3).codes.first()
    assert code is not None
    draft = actions.start_draft(mp, code)
    answers = actions.Answers(picks={q.pk: ["tillit", "mod", "ansvar"] for q in mp.questions.all()})
    response = actions.record_response(mp, answers, code=code, draft=draft)
    out = io.StringIO()
    call_command("dumpdata", "mappings", stdout=out)
    dump = json.loads(out.getvalue())
    stored = [row for row in dump if row["model"] == "mappings.response"]
    assert len(stored) == 1 and stored[0]["pk"] == str(response.pk)
    assert code.code not in json.dumps(stored)
    assert not any(row["model"] == "mappings.draft" for row in dump)
    assert not Draft.objects.exists()
    assert "T" not in stored[0]["fields"]["submitted_on"]


def test_submitting_the_same_draft_twice_stores_one_response(make_mapping: Any) -> None:
    mapping = make_mapping(("medborgare",))
    mp = mapping.perspectives.get()
    draft = actions.start_draft(mp, None)
    answers = actions.Answers(picks={q.pk: ["tillit", "mod", "ansvar"] for q in mp.questions.all()})
    actions.record_response(mp, answers, draft=draft)
    with pytest.raises(actions.Rejected):
        actions.record_response(mp, answers, draft=draft)
    assert Response.objects.count() == 1
