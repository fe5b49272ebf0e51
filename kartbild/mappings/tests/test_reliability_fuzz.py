"""Fuzzing with hypothesis: random POST data to every respondent URL, random files to the unit and
paper imports, random CSV to the command-line interface. Never a 500, never a traceback, and a
refused import changes nothing."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kartbild.analysis import cli
from kartbild.analysis.tests.examples import catalogue_csv
from kartbild.mappings import actions
from kartbild.mappings.models import Draft, Response
from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db

# Enough examples to walk every branch of the respondent views a few times, few enough for CI.
EXAMPLES = 150
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [
    "value",
    "back",
    "send",
    "next",
    "code",
    "unit",
    "age_band",
    "tenure_band",
    "district",
    "open_answer",
    "website",
]
# Text with the characters that break things: NUL, control characters, right-to-left marks,
# emoji, very long strings.
NASTY = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(["\x00", "tillit", "0", "-1", "9" * 30, "'; DROP TABLE x;--", "\u202e"])
POST_DATA = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=20), st.lists(NASTY, max_size=4), max_size=8
)
RESPONDENT_URLS = ["start", "code", "step", "background", "submit", "unknown-draft"]


@pytest.fixture
def survey(make_mapping: Any) -> Any:
    mapping = make_mapping(
        ("medarbetare", "medborgare"),
        ask_age=True,
        ask_tenure=True,
        districts="Norr\nSöder",
        open_question="Vad behöver förändras?",
    )
    Unit.objects.create(
        organisation=mapping.organisation, name="Skolan", level="forvaltning", code="S"
    )
    return mapping


@FUZZ
@given(
    target=st.sampled_from(RESPONDENT_URLS),
    perspective=st.sampled_from(["medarbetare", "medborgare"]),
    step=st.integers(-3, 40),
    data=POST_DATA,
)
def test_random_posts_to_the_respondent_urls_never_fail_the_server(
    survey: Any, target: str, perspective: str, step: int, data: dict[str, list[str]]
) -> None:
    mp = survey.perspectives.get(perspective=perspective)
    draft = actions.start_draft(mp, None)
    urls = {
        "start": reverse("mappings:start", args=[mp.token]),
        "code": reverse("mappings:code"),
        "step": f"/svar/{draft.key}/{step}/",
        "background": reverse("mappings:background", args=[draft.key]),
        "submit": reverse("mappings:submit", args=[draft.key]),
        "unknown-draft": reverse("mappings:submit", args=["x" * 32]),
    }
    responses_before = Response.objects.count()
    # The test client raises any exception a view lets through, so a 500 fails here.
    status = Client().post(urls[target], data).status_code
    assert status < 500
    if target != "submit" or status != 302:
        assert Response.objects.count() == responses_before
    Draft.objects.filter(pk=draft.pk).delete()


def _unit_csv(rows: list[list[str]]) -> bytes:
    lines = ["kod;namn;nivå;överordnad;anställda"] + [";".join(row) for row in rows]
    return "\n".join(lines).encode()


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12) | (
    st.sampled_from(["forvaltning", "avdelning", "enhet", "F1", "A1", "", "-3", "1e9", "\x00"])
)
RANDOM_FILE = st.one_of(
    st.binary(max_size=2000).map(lambda data: ("fil.csv", data)),
    st.binary(max_size=2000).map(lambda data: ("fil.xlsx", data)),
    st.binary(max_size=200).map(lambda data: ("fil.xlsx", b"PK\x03\x04" + data)),
    st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=8).map(
        lambda rows: ("enheter.csv", _unit_csv(rows))
    ),
)


@FUZZ
@given(upload=RANDOM_FILE)
def test_random_unit_files_get_a_swedish_message_and_change_nothing(
    admin_a: Any, upload: tuple[str, bytes]
) -> None:
    client = Client()
    client.force_login(admin_a)
    before = list(Unit.objects.order_by("pk").values_list("code", "name", "parent_id"))
    name, data = upload
    response = client.post(
        reverse("organisations:unit_import", args=["ystad"]),
        {"file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(Unit.objects.order_by("pk").values_list("code", "name", "parent_id")) == before
        assert 'role="alert"' in response.content.decode()


def _paper_csv(rows: list[list[str]]) -> bytes:
    header = "perspektiv;enhet;ålder;personal 1;personal 2;personal 3;öppet svar"
    return "\n".join([header] + [";".join(row) for row in rows]).encode()


PAPER_CELL = CELL | st.sampled_from(
    ["medarbetare", "medborgare", "tillit", "mod", "ansvar", "30-44"]
)
PAPER_FILE = st.one_of(
    st.binary(max_size=2000).map(lambda data: ("svar.csv", data)),
    st.binary(max_size=2000).map(lambda data: ("svar.xlsx", data)),
    st.lists(st.lists(PAPER_CELL, max_size=8), max_size=8).map(
        lambda rows: ("svar.csv", _paper_csv(rows))
    ),
)


@FUZZ
@given(upload=PAPER_FILE)
def test_random_paper_answer_files_get_a_swedish_message_and_change_nothing(
    admin_a: Any, survey: Any, upload: tuple[str, bytes]
) -> None:
    client = Client()
    client.force_login(admin_a)
    before = Response.objects.count()
    name, data = upload
    response = client.post(
        reverse("mappings:paper_import", args=["ystad", survey.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Response.objects.count() == before


BALLOT_CELL = st.sampled_from(
    ["r1", "r2", "g", "current", "desired", "personal", "current:x", "tillit", "mod", "", "ü"]
) | st.text(max_size=8)
BALLOT_FILE = st.one_of(
    st.binary(max_size=500),
    st.lists(st.lists(BALLOT_CELL, min_size=0, max_size=5), max_size=12).map(
        lambda rows: "\n".join(
            ["respondent,group,question,value"]
            + [",".join(c.replace(",", "").replace("\n", "") for c in row) for row in rows]
        ).encode()
    ),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(ballots=BALLOT_FILE, catalogue=st.one_of(st.just(None), st.binary(max_size=300)))
def test_the_command_line_answers_random_csv_with_exit_2_and_a_message(
    tmp_path_factory: Any, ballots: bytes, catalogue: bytes | None
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    ballot_path = folder / "ballots.csv"
    catalogue_path = folder / "catalogue.csv"
    ballot_path.write_bytes(ballots)
    catalogue_path.write_bytes(catalogue if catalogue is not None else catalogue_csv().encode())
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(
            ["kartbild", "--ballots", str(ballot_path), "--catalogue", str(catalogue_path)]
        )
    assert code in (0, 2)
    if code == 2:
        assert stdout.getvalue() == ""
        assert stderr.getvalue().strip()
    assert "Traceback" not in stderr.getvalue()


def test_the_command_line_process_exits_2_without_a_traceback(tmp_path: Path) -> None:
    ballots = tmp_path / "ballots.csv"
    ballots.write_bytes(b"\xff\xfe\x00garbage,,,\n")
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text("slug,name_sv\nx,y\n")
    result = subprocess.run(
        [sys.executable, "-m", "kartbild.analysis", "kartbild"]
        + ["--ballots", str(ballots), "--catalogue", str(catalogue)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() and "Traceback" not in result.stderr
