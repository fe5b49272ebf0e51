"""The catalogue data file: the shipped catalogue, and how broken files are reported.

No database: the reader is pure Python."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kartbild.catalogue.datafile import (
    FRAMES,
    HEADER,
    LEVEL_NAMES,
    LIMITING_SEED_WORDS_SV,
    SEED_WORDS_SV,
    TYPE_NAMES,
    CatalogueFileError,
    CatalogueRow,
    read_catalogue_file,
)

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "catalogue-v1.csv"
HEADER_LINE = ",".join(HEADER)
TILLIT = (
    "tillit,tillit,trust,Vi litar på varandra.,We trust each other.,5,positive,R,personal|workplace"
)
BYRAKRATI = (
    "byrakrati,byråkrati,bureaucracy,Regler går före ärenden.,Rules come first.,3,limiting,O,"
    "workplace|community"
)


@pytest.fixture(scope="module")
def shipped() -> list[CatalogueRow]:
    return read_catalogue_file(SHIPPED)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "catalogue.csv"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def line_with(line: str, column: str, value: str) -> str:
    """`line` (a row without quoted fields) with one column replaced."""
    cells = line.split(",")
    cells[HEADER.index(column)] = value
    return ",".join(cells)


def error_of(path: Path) -> CatalogueFileError:
    with pytest.raises(CatalogueFileError) as caught:
        read_catalogue_file(path)
    return caught.value


# The shipped catalogue


def test_the_shipped_catalogue_reads_without_errors(shipped: list[CatalogueRow]) -> None:
    assert all(isinstance(row, CatalogueRow) for row in shipped)


def test_the_shipped_catalogue_has_at_least_100_values_of_which_25_limiting(
    shipped: list[CatalogueRow],
) -> None:
    assert len(shipped) >= 100
    assert sum(row.is_limiting for row in shipped) >= 25


def test_the_shipped_catalogue_has_limiting_values_only_on_levels_1_to_3(
    shipped: list[CatalogueRow],
) -> None:
    assert {row.level for row in shipped if row.is_limiting} <= {1, 2, 3}


def test_every_level_has_at_least_eight_positive_values(shipped: list[CatalogueRow]) -> None:
    positive = Counter(row.level for row in shipped if not row.is_limiting)
    assert all(positive[level] >= 8 for level in LEVEL_NAMES), positive


def test_every_type_is_well_represented(shipped: list[CatalogueRow]) -> None:
    types = Counter(row.type for row in shipped)
    assert all(types[value_type] >= len(shipped) // 10 for value_type in TYPE_NAMES), types


def test_every_frame_offers_enough_values_to_choose_from(shipped: list[CatalogueRow]) -> None:
    # A question asks for up to 15 picks; a list a few times that long leaves a real choice.
    frames = Counter(frame for row in shipped for frame in row.frames)
    assert frames["personal"] >= 40
    assert frames["workplace"] >= 60
    assert frames["community"] >= 40


def test_the_shipped_catalogue_has_every_seed_word(shipped: list[CatalogueRow]) -> None:
    names = {row.name_sv for row in shipped}
    assert [word for word in SEED_WORDS_SV if word not in names] == []


def test_the_limiting_seed_words_are_limiting_and_the_others_positive(
    shipped: list[CatalogueRow],
) -> None:
    by_name = {row.name_sv: row for row in shipped}
    assert set(LIMITING_SEED_WORDS_SV) <= set(SEED_WORDS_SV)
    for word in SEED_WORDS_SV:
        assert by_name[word].is_limiting == (word in LIMITING_SEED_WORDS_SV), word


def test_slugs_and_names_are_unique_in_the_shipped_catalogue(
    shipped: list[CatalogueRow],
) -> None:
    for column in ("slug", "name_sv", "name_en"):
        names = [getattr(row, column).casefold() for row in shipped]
        assert len(set(names)) == len(names), column


def test_every_slug_is_made_from_the_swedish_name(shipped: list[CatalogueRow]) -> None:
    for row in shipped:
        ascii_name = row.name_sv.translate(str.maketrans("åäöé", "aaoe"))
        assert row.slug == re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-"), row.name_sv


def test_every_field_is_filled_in_both_languages(shipped: list[CatalogueRow]) -> None:
    for row in shipped:
        texts = (row.name_sv, row.name_en, row.description_sv, row.description_en)
        assert all(text.strip() == text and text for text in texts), row.slug
        assert row.frames, row.slug


def test_swedish_names_are_written_as_mid_sentence_words(shipped: list[CatalogueRow]) -> None:
    assert [row.name_sv for row in shipped if row.name_sv != row.name_sv.lower()] == []


def test_every_description_is_one_plain_sentence(shipped: list[CatalogueRow]) -> None:
    for row in shipped:
        for description in (row.description_sv, row.description_en):
            assert description[0].isupper() and description.endswith("."), description
            assert not re.search(r"[.!?;:]\s", description), description


# Reading a file


def test_a_valid_file_is_read_in_order_with_typed_fields(tmp_path: Path) -> None:
    rows = read_catalogue_file(write(tmp_path, HEADER_LINE, TILLIT, BYRAKRATI))

    assert rows == [
        CatalogueRow(
            slug="tillit",
            name_sv="tillit",
            name_en="trust",
            description_sv="Vi litar på varandra.",
            description_en="We trust each other.",
            level=5,
            polarity="positive",
            type="R",
            frames=("personal", "workplace"),
        ),
        CatalogueRow(
            slug="byrakrati",
            name_sv="byråkrati",
            name_en="bureaucracy",
            description_sv="Regler går före ärenden.",
            description_en="Rules come first.",
            level=3,
            polarity="limiting",
            type="O",
            frames=("workplace", "community"),
        ),
    ]
    assert rows[1].is_limiting and not rows[0].is_limiting


def test_frames_come_back_in_a_fixed_order(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER_LINE, line_with(TILLIT, "frames", "community|personal"))

    assert read_catalogue_file(path)[0].frames == ("personal", "community")
    assert FRAMES == ("personal", "workplace", "community")


def test_quoted_fields_may_hold_commas_and_line_breaks(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER_LINE,
        'mod,mod,courage,"Vi vågar, även när det är svårt.","We dare,\nalso when it is hard.",'
        "4,positive,I,personal",
        line_with(TILLIT, "level", "x"),
    )

    error = error_of(path)

    # The quoted field spans lines 2 and 3, so the broken row starts on line 4.
    assert error.line == 4
    assert str(error) == "Rad 4: nivå måste vara ett heltal 1–7, fick 'x'."


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER_LINE, "", TILLIT, "", "")
    assert [row.slug for row in read_catalogue_file(path)] == ["tillit"]

    path = write(tmp_path, HEADER_LINE, "", TILLIT, "", line_with(BYRAKRATI, "type", "X"))
    assert error_of(path).line == 5


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(f"{HEADER_LINE}\r\n{TILLIT}\r\n".encode("utf-8-sig"))

    assert read_catalogue_file(path)[0].name_en == "trust"


def test_the_reader_does_not_import_django() -> None:
    code = "import sys, kartbild.catalogue.datafile; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# Reporting a broken file


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    error = error_of(tmp_path / "missing.csv")
    assert "går inte att läsa" in str(error)
    assert error.line is None


def test_a_file_that_is_not_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER_LINE}\n{TILLIT}\n{BYRAKRATI}\n".encode("latin-1"))

    error = error_of(path)

    assert error.line == 2
    assert str(error).startswith("Rad 2: filen är inte sparad som UTF-8")


def test_an_empty_file_is_reported(tmp_path: Path) -> None:
    assert str(error_of(write(tmp_path))).startswith("Rad 1: filen är tom")


def test_a_file_with_only_the_header_is_reported(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, HEADER_LINE))
    assert str(error) == "Rad 2: filen innehåller inga värden, bara rubrikraden."


@pytest.mark.parametrize(
    "header",
    [
        "slug,name_sv,name_en,description_sv,description_en,level,polarity,type",
        "slug,name_sv,name_en,description_sv,description_en,level,polarity,type,frames,extra",
        "slug,namn,name_en,description_sv,description_en,level,polarity,type,frames",
        "name_sv,slug,name_en,description_sv,description_en,level,polarity,type,frames",
    ],
)
def test_a_wrong_header_is_reported_on_line_one(tmp_path: Path, header: str) -> None:
    error = error_of(write(tmp_path, header, TILLIT))

    assert error.line == 1
    assert str(error).startswith(f"Rad 1: rubrikraden ska vara exakt {HEADER_LINE}")


def test_a_missing_column_is_reported_with_its_line(tmp_path: Path) -> None:
    short = TILLIT.rsplit(",", 1)[0]

    error = error_of(write(tmp_path, HEADER_LINE, BYRAKRATI, short))

    assert error.line == 3
    assert str(error).startswith("Rad 3: raden har 8 fält men ska ha 9")


def test_an_extra_column_is_reported_with_its_line(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, HEADER_LINE, TILLIT + ",extra"))

    assert error.line == 2
    assert str(error).startswith("Rad 2: raden har 10 fält men ska ha 9")
    assert "citattecken" in str(error)


def test_a_broken_quote_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER_LINE, TILLIT, line_with(BYRAKRATI, "slug", '"byrakrati"x'))

    assert str(error_of(path)).startswith("Rad 3: raden går inte att tolka som CSV")


@pytest.mark.parametrize("column", HEADER)
def test_an_empty_field_is_reported_with_its_column(tmp_path: Path, column: str) -> None:
    path = write(tmp_path, HEADER_LINE, BYRAKRATI, line_with(TILLIT, column, "  "))

    assert str(error_of(path)) == f"Rad 3: fältet {column} är tomt."


@pytest.mark.parametrize("level", ["x", "0", "8", "3.5", "+3", "fem"])
def test_a_level_outside_1_to_7_is_reported(tmp_path: Path, level: str) -> None:
    path = write(tmp_path, HEADER_LINE, line_with(TILLIT, "level", level))

    assert str(error_of(path)) == f"Rad 2: nivå måste vara ett heltal 1–7, fick '{level}'."


@pytest.mark.parametrize("polarity", ["negative", "Positive", "begränsande"])
def test_an_unknown_polarity_is_reported(tmp_path: Path, polarity: str) -> None:
    path = write(tmp_path, HEADER_LINE, line_with(TILLIT, "polarity", polarity))

    assert str(error_of(path)) == (
        f"Rad 2: polaritet måste vara 'positive' eller 'limiting', fick '{polarity}'."
    )


@pytest.mark.parametrize("value_type", ["X", "i", "IR", "Individ"])
def test_an_unknown_type_is_reported(tmp_path: Path, value_type: str) -> None:
    path = write(tmp_path, HEADER_LINE, line_with(TILLIT, "type", value_type))

    assert str(error_of(path)) == f"Rad 2: typ måste vara I, R, O eller S, fick '{value_type}'."


@pytest.mark.parametrize(
    "frames",
    ["home", "personal|home", "personal|personal", "personal||workplace", "Workplace", "|"],
)
def test_unknown_or_repeated_frames_are_reported(tmp_path: Path, frames: str) -> None:
    path = write(tmp_path, HEADER_LINE, line_with(TILLIT, "frames", frames))

    error = error_of(path)

    assert error.line == 2
    assert str(error).startswith("Rad 2: ramar måste vara en eller flera av personal")
    assert str(error).endswith(f"fick '{frames}'.")


@pytest.mark.parametrize("level", ["4", "7"])
def test_a_limiting_value_above_level_3_is_reported(tmp_path: Path, level: str) -> None:
    path = write(tmp_path, HEADER_LINE, TILLIT, line_with(BYRAKRATI, "level", level))

    assert str(error_of(path)) == (
        "Rad 3: ett potentiellt begränsande värde kan bara ligga på nivå 1–3, "
        f"'byråkrati' ligger på nivå {level}."
    )


@pytest.mark.parametrize(
    "slug", ["Tillit", "tillit-", "-tillit", "till--it", "tillít", "till_it", "tillit 2", "å"]
)
def test_a_slug_that_is_not_lowercase_ascii_with_hyphens_is_reported(
    tmp_path: Path, slug: str
) -> None:
    path = write(tmp_path, HEADER_LINE, line_with(TILLIT, "slug", slug))

    error = error_of(path)

    assert str(error).startswith("Rad 2: slug får bara innehålla a–z, 0–9")
    assert str(error).endswith(f"fick '{slug}'.")


def test_a_duplicate_slug_is_reported_with_both_lines(tmp_path: Path) -> None:
    again = line_with(line_with(TILLIT, "name_sv", "förtroende"), "name_en", "confidence")

    error = error_of(write(tmp_path, HEADER_LINE, TILLIT, BYRAKRATI, again))

    assert error.line == 4
    assert str(error).startswith("Rad 4: slug 'tillit' används redan på rad 2")


@pytest.mark.parametrize(("column", "name"), [("name_sv", "Tillit"), ("name_en", "TRUST")])
def test_a_duplicate_name_is_reported_whatever_its_case(
    tmp_path: Path, column: str, name: str
) -> None:
    other = line_with(line_with(TILLIT, "slug", "fortroende"), "name_sv", "förtroende")
    other = line_with(other, "name_en", "confidence")

    error = error_of(write(tmp_path, HEADER_LINE, TILLIT, line_with(other, column, name)))

    assert str(error).startswith(f"Rad 3: {column} '{name}' används redan på rad 2")


def test_a_name_that_another_value_is_known_by_in_the_other_language_is_reported(
    tmp_path: Path,
) -> None:
    # A typist copying paper answers may write either language, so "trust" must mean one value.
    confusing = "trust,trust,reliance,Vi förlitar oss.,We rely.,5,positive,R,workplace"

    error = error_of(write(tmp_path, HEADER_LINE, TILLIT, confusing))

    assert str(error).startswith("Rad 3: slug 'trust' används redan på rad 2")


def test_one_value_may_use_the_same_word_as_slug_and_names(tmp_path: Path) -> None:
    same = (
        "innovation,innovation,innovation,Vi prövar nytt.,We try new things.,4,positive,O,workplace"
    )

    assert read_catalogue_file(write(tmp_path, HEADER_LINE, same))[0].slug == "innovation"


@pytest.mark.parametrize(("column", "limit"), [("name_en", 60), ("description_sv", 300)])
def test_a_text_longer_than_its_database_column_is_reported(
    tmp_path: Path, column: str, limit: int
) -> None:
    path = write(tmp_path, HEADER_LINE, line_with(TILLIT, column, "a" * (limit + 1)))

    assert str(error_of(path)) == (f"Rad 2: {column} får ha högst {limit} tecken, har {limit + 1}.")


def test_the_named_levels_and_types_cover_what_the_file_may_use() -> None:
    assert sorted(LEVEL_NAMES) == [1, 2, 3, 4, 5, 6, 7]
    assert LEVEL_NAMES[1] == ("Trygghet och överlevnad", "Safety and survival")
    assert [sv for sv, _en in TYPE_NAMES.values()] == [
        "Individ",
        "Relation",
        "Organisation",
        "Samhälle",
    ]
