"""Small, hand-checkable data for the analysis tests: DESIGN.md's worked example and helpers
that build random catalogues and ballots from an explicit generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from kartbild.analysis.ballots import Ballots, QuestionKey
from kartbild.analysis.catalogue import Catalogue, CatalogueValue, Polarity, ValueType

LIMITING = Polarity.LIMITING
POSITIVE = Polarity.POSITIVE

# The words of the worked example, with a level, polarity and type each (limiting: byråkrati,
# osäkerhet om framtiden, kostnadsjakt, förvirring, as DESIGN.md says).
WORKED_VALUES = (
    ("byrakrati", "Byråkrati", "Bureaucracy", 3, LIMITING, ValueType.ORGANISATIONAL),
    (
        "osakerhet-om-framtiden",
        "Osäkerhet om framtiden",
        "Uncertainty about the future",
        1,
        LIMITING,
        ValueType.INDIVIDUAL,
    ),
    ("lagarbete", "Lagarbete", "Teamwork", 6, POSITIVE, ValueType.RELATIONSHIP),
    ("kostnadsjakt", "Kostnadsjakt", "Cost cutting", 1, LIMITING, ValueType.ORGANISATIONAL),
    ("forvirring", "Förvirring", "Confusion", 2, LIMITING, ValueType.ORGANISATIONAL),
    ("ansvar", "Ansvar", "Responsibility", 5, POSITIVE, ValueType.INDIVIDUAL),
    ("tillit", "Tillit", "Trust", 5, POSITIVE, ValueType.RELATIONSHIP),
    ("arbetstillfallen", "Arbetstillfällen", "Jobs", 1, POSITIVE, ValueType.SOCIETAL),
    (
        "ekonomisk-stabilitet",
        "Ekonomisk stabilitet",
        "Economic stability",
        1,
        POSITIVE,
        ValueType.SOCIETAL,
    ),
    ("oppenhet", "Öppenhet", "Openness", 5, POSITIVE, ValueType.RELATIONSHIP),
    (
        "ansvar-for-kommande-generationer",
        "Ansvar för kommande generationer",
        "Responsibility for future generations",
        7,
        POSITIVE,
        ValueType.SOCIETAL,
    ),
    ("mod", "Mod", "Courage", 4, POSITIVE, ValueType.INDIVIDUAL),
)

WORKED_CURRENT = (
    ("byrakrati", "osakerhet-om-framtiden", "lagarbete"),
    ("byrakrati", "kostnadsjakt", "forvirring"),
    ("byrakrati", "ansvar", "osakerhet-om-framtiden"),
    ("lagarbete", "tillit", "kostnadsjakt"),
)
WORKED_DESIRED = (
    ("arbetstillfallen", "ekonomisk-stabilitet", "tillit"),
    ("arbetstillfallen", "oppenhet", "lagarbete"),
    ("ekonomisk-stabilitet", "ansvar-for-kommande-generationer", "tillit"),
    ("arbetstillfallen", "tillit", "ansvar"),
)

CURRENT = QuestionKey.parse("current")
DESIRED = QuestionKey.parse("desired")
PERSONAL = QuestionKey.parse("personal")


def worked_catalogue() -> Catalogue:
    return Catalogue(
        tuple(
            CatalogueValue(slug, level, polarity, kind, sv, en)
            for slug, sv, en, level, polarity, kind in WORKED_VALUES
        )
    )


def matrix(catalogue: Catalogue, rows: tuple[tuple[str, ...], ...]) -> npt.NDArray[np.int16]:
    return np.array([catalogue.indexes(row) for row in rows], dtype=np.int16)


def worked_ballots(catalogue: Catalogue) -> Ballots:
    return Ballots.of(
        {CURRENT: matrix(catalogue, WORKED_CURRENT), DESIRED: matrix(catalogue, WORKED_DESIRED)}
    )


def catalogue_csv(extra_columns: bool = True) -> str:
    """The worked catalogue as the CLI reads it (with the shipped file's extra columns)."""
    header = "slug,name_sv,name_en,level,polarity,type"
    if extra_columns:
        header += ",description_sv,description_en,frames"
    lines = [header]
    for slug, sv, en, level, polarity, kind in WORKED_VALUES:
        line = f"{slug},{sv},{en},{level},{polarity.value},{kind.value}"
        if extra_columns:
            line += f',"Om {sv.lower()}, kort.",About {en.lower()}.,personal|workplace'
        lines.append(line)
    return "\n".join(lines) + "\n"


def ballots_csv(group: str = "alla") -> str:
    """The worked ballots as long CSV, one pick per line."""
    lines = ["respondent,group,question,value"]
    for number, (current, desired) in enumerate(zip(WORKED_CURRENT, WORKED_DESIRED, strict=True)):
        lines += [f"r{number + 1},{group},current,{value}" for value in current]
        lines += [f"r{number + 1},{group},desired,{value}" for value in desired]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def random_catalogue(rng: np.random.Generator, size: int = 30) -> Catalogue:
    """A catalogue of `size` values, about a quarter potentially limiting (on levels 1-3)."""
    values = []
    types = tuple(ValueType)
    for number in range(size):
        limiting = number % 4 == 0
        level = int(rng.integers(1, 4)) if limiting else int(rng.integers(1, 8))
        values.append(
            CatalogueValue(
                f"v{number}",
                level,
                LIMITING if limiting else POSITIVE,
                types[int(rng.integers(0, 4))],
            )
        )
    return Catalogue(tuple(values))


def random_picks(
    rng: np.random.Generator, respondents: int, picks: int, value_count: int
) -> npt.NDArray[np.int16]:
    """`picks` distinct values per respondent, with a skewed preference so that ranks differ."""
    weights = np.log(np.linspace(1.0, 5.0, value_count))
    keys = weights[None, :] + rng.gumbel(size=(respondents, value_count))
    return np.argsort(-keys, axis=1)[:, :picks].astype(np.int16)
