"""The generative model behind the demo's answers. No result is typed in: every pick is drawn.

For a respondent of perspective p in unit u answering question q, every value v offered in q
gets a log-weight

    s(v) = a_q(v) + b_{p,q}(v) + h_p(v) + c_{u,q}(v) + e(v)

  a_q      what the question draws out, from the value's catalogue attributes:
           personal values lean to individual and relationship values on the middle levels;
           the current culture leans to organisational values and, in proportion to the unit's
           strain, to limiting ones; the desired culture leans to levels 5–7 and away from
           limiting values.
  b_{p,q}  the perspective's own taste: one normal draw per value (sd PERSPECTIVE_SD), so that
           citizens, elected officials and employees see the culture differently.
  h_p      the perspective's sense of what is good here, shared by its current and desired
           questions: one normal draw per positive value (sd CHARACTER_SD, 0 for limiting
           ones), so that some of what people want is already there and current and desired
           culture share a few values, as they do in real mappings.
  c_{u,q}  the unit's own taste: one normal draw per value (sd UNIT_SD), shared by the
           respondents of the unit, so units differ too.
  e(v)     the respondent's noise: a Gumbel draw per value.

The respondent picks the N values with the largest s(v). Adding Gumbel noise and taking the top
N is the same as drawing N values without replacement with probabilities proportional to
exp(a + b + c) (the Gumbel-top-k trick), so the model is "noisy weights, drawn without
replacement". Everything comes from one numpy Generator with a fixed seed, so the demo is the
same every time it is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How strongly each perspective and each unit deviates from the shared picture. Chosen so that
# top-10 lists of perspectives overlap by about half, as in published municipal mappings.
PERSPECTIVE_SD = 0.6
UNIT_SD = 0.5
# Chosen so that current and desired top-10 lists share two to four values ("fair" to "good").
CHARACTER_SD = 1.0
# Extra log-weight of limiting values in the current culture for a unit with strain 1. With the
# affinities below, the demo's strains (0.2–0.9) give limiting shares of about 20–30 %: a
# municipality with problems worth a dialogue, not one in crisis, and units that differ.
STRAIN_WEIGHT = 0.6


@dataclass(frozen=True)
class OfferedValue:
    slug: str
    level: int
    limiting: bool
    type: str


def question_affinity(kind: str, values: list[OfferedValue]) -> np.ndarray:
    """a_q(v): what each kind of question draws out of the catalogue."""
    level = np.array([v.level for v in values], dtype=float)
    limiting = np.array([v.limiting for v in values], dtype=float)
    kind_of = np.array([v.type for v in values])
    if kind == "personal":
        return 0.6 * np.isin(kind_of, ["I", "R"]) - 0.15 * np.abs(level - 4) - 2.0 * limiting
    if kind == "current":
        return 0.5 * (kind_of == "O") - 0.1 * level - 0.3 * limiting
    return 0.35 * level - 2.5 * limiting + 0.3 * (kind_of == "S")


def perspective_character(rng: np.random.Generator, values: list[OfferedValue]) -> dict[str, float]:
    """h_p(v) by slug: one draw per positive value, shared by a perspective's current and desired
    questions (whose offered values differ by frame, hence by slug)."""
    draws = rng.normal(0, CHARACTER_SD, len(values))
    return {v.slug: 0.0 if v.limiting else float(d) for v, d in zip(values, draws, strict=True)}


def draw_ballots(
    rng: np.random.Generator,
    log_weights: np.ndarray,
    respondents: int,
    picks: int,
) -> np.ndarray:
    """(respondents, picks) indexes into the offered values, drawn without replacement."""
    noise = rng.gumbel(size=(respondents, log_weights.size))
    return np.argsort(-(log_weights + noise), axis=1)[:, :picks]
