"""Demo follow-up rounds with simulated answers, for `manage.py seed_demo`.

Two rounds of the same värdegrund: one closed about a year ago, one closed ten days ago. Answers
come from a small generative model, never from typed-in results:

    latent = BASE + unit level[u] + value effect[v] + round gain[v]·(second round)
             + person[r] + noise,      noise ~ N(0, NOISE)
    answer = the latent rounded and clipped to 1–5; "vet ej" with probability DONT_KNOW_RATE

where each unit's level ~ N(0, UNIT_SPREAD) (so units differ), each value's effect ~ N(0,
VALUE_SPREAD), each person's ~ N(0, PERSON_SPREAD) (one person's answers hang together), and
each value gains GAINS[v] between the rounds (some values improve, one slips back), so the trend
page shows both significant and non-significant changes. A unit answers with its headcount
times RESPONSE_RATE people (some units therefore fall below the anonymity gate)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.db import transaction

from kartbild.analysis.likert import DONT_KNOW
from kartbild.corevalues.models import CoreValueFramework
from kartbild.followups import actions
from kartbild.followups.models import FollowUp, FollowUpResponse
from kartbild.organisations.models import Organisation, Unit

# The middle of the scale, a little above "Stämmer delvis": most organisations rate themselves
# somewhat positively.
BASE = 3.3
UNIT_SPREAD = 0.45
VALUE_SPREAD = 0.3
PERSON_SPREAD = 0.5
NOISE = 0.7
DONT_KNOW_RATE = 0.05
RESPONSE_RATE = 0.6
# When a unit has no headcount recorded, this many answer.
DEFAULT_RESPONDENTS = 12
# Gain per value (in answer steps) from the first round to the second, cycled over the values.
GAINS = (0.45, 0.2, 0.0, -0.25)
SEED = 20_261_123


def seed_demo(
    organisation: Organisation,
    framework: CoreValueFramework,
    units: dict[str, Unit],
    today: date,
    rng: np.random.Generator | None = None,
) -> list[FollowUp]:
    """Two rounds of `framework` (published) answered by `units`; returns them, oldest first."""
    rng = rng or np.random.default_rng(SEED)
    unit_list = list(units.values())
    levels = {unit.pk: rng.normal(0.0, UNIT_SPREAD) for unit in unit_list}
    rounds: list[FollowUp] = []
    windows = [
        (today - timedelta(days=380), today - timedelta(days=350)),
        (today - timedelta(days=40), today - timedelta(days=10)),
    ]
    value_effects: dict[int, float] = {}
    with transaction.atomic():
        for number, (opens, closes) in enumerate(windows):
            follow_up = actions.create_follow_up(
                organisation,
                framework,
                f"Uppföljning av värdegrunden {opens.year}",
                previous_round=rounds[-1] if rounds else None,
                opens_on=opens,
                closes_on=closes,
            )
            actions.open_follow_up(follow_up, today=opens)
            statements = list(follow_up.asked_statements())
            value_ids = sorted({s.core_value_id for s in statements})
            for value_id in value_ids:
                value_effects.setdefault(value_id, float(rng.normal(0.0, VALUE_SPREAD)))
            gains = {v: GAINS[i % len(GAINS)] * number for i, v in enumerate(value_ids)}
            shift = np.array(
                [value_effects[s.core_value_id] + gains[s.core_value_id] for s in statements]
            )
            days = (closes - opens).days
            rows = []
            for unit in unit_list:
                count = round(unit.headcount * RESPONSE_RATE) if unit.headcount else None
                count = DEFAULT_RESPONDENTS if count is None else count
                person = rng.normal(0.0, PERSON_SPREAD, size=(count, 1))
                latent = (
                    BASE
                    + levels[unit.pk]
                    + shift
                    + person
                    + rng.normal(0.0, NOISE, size=(count, len(statements)))
                )
                answers = np.clip(np.rint(latent), 1, 5).astype(np.uint8)
                answers[rng.random(answers.shape) < DONT_KNOW_RATE] = DONT_KNOW
                rows += [
                    FollowUpResponse(
                        follow_up=follow_up,
                        unit=unit,
                        submitted_on=opens + timedelta(days=int(rng.integers(0, days + 1))),
                        answers=answers[i].tobytes(),
                    )
                    for i in range(count)
                ]
            FollowUpResponse.objects.bulk_create(rows, batch_size=1000)
            actions.close_follow_up(follow_up, today=closes)
            rounds.append(follow_up)
    return rounds
