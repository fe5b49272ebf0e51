"""Seed "Exempelkommun": units, logins per role, a mapping with simulated answers.

Idempotent: an existing demo organisation is removed first, so running it twice leaves one demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kartbild.accounts.models import Membership, Role
from kartbild.catalogue.actions import load_shipped_catalogue
from kartbild.corevalues.demo import seed_demo as seed_core_values
from kartbild.demo.simulation import (
    PERSPECTIVE_SD,
    STRAIN_WEIGHT,
    UNIT_SD,
    OfferedValue,
    draw_ballots,
    perspective_character,
    question_affinity,
)
from kartbild.followups.demo import seed_demo as seed_follow_ups
from kartbild.mappings import actions
from kartbild.mappings.actions import Answers
from kartbild.mappings.models import Mapping, Perspective, Response
from kartbild.mappings.paper import PaperAnswer, import_paper_answers
from kartbild.organisations.models import Organisation, Unit
from kartbild.privacy.actions import delete_organisation
from kartbild.steering.demo import seed_demo as seed_steering
from kartbild.workshops import actions as workshops
from kartbild.workshops.models import Workshop

SLUG = "exempelkommun"
PASSWORD = "kartbild-demo"
SEED = 20261123
LOGINS = [
    ("admin", Role.ADMIN, None),
    ("analytiker", Role.ANALYST, None),
    ("chef", Role.UNIT_MANAGER, "SOC"),
    ("ledare", Role.FACILITATOR, None),
]
# förvaltning code, name, strain (how much limiting culture its staff report), departments of
# (code, name, teams of (code, name, headcount, respondents)). One team is kept below the
# anonymity threshold on purpose, so the demo shows what withholding looks like.
TREE: list[tuple[str, str, float, list[tuple[str, str, list[tuple[str, str, int, int]]]]]] = [
    (
        "KLF",
        "Kommunledningsförvaltningen",
        0.3,
        [
            (
                "KLF-EK",
                "Ekonomiavdelningen",
                [("KLF-EK-1", "Redovisning", 14, 9), ("KLF-EK-2", "Upphandling", 9, 6)],
            ),
            (
                "KLF-HR",
                "HR-avdelningen",
                [("KLF-HR-1", "Lön och pension", 12, 8), ("KLF-HR-2", "Arbetsmiljö", 6, 3)],
            ),
        ],
    ),
    (
        "BUF",
        "Barn- och utbildningsförvaltningen",
        0.5,
        [
            (
                "BUF-FS",
                "Förskolan",
                [
                    ("BUF-FS-1", "Förskolan Solrosen", 34, 22),
                    ("BUF-FS-2", "Förskolan Ekbacken", 29, 17),
                ],
            ),
            (
                "BUF-GS",
                "Grundskolan",
                [("BUF-GS-1", "Norrskolan", 58, 33), ("BUF-GS-2", "Söderskolan", 61, 30)],
            ),
        ],
    ),
    (
        "SOC",
        "Socialförvaltningen",
        0.9,
        [
            (
                "SOC-IFO",
                "Individ- och familjeomsorg",
                [("SOC-IFO-1", "Barn och unga", 31, 18), ("SOC-IFO-2", "Försörjningsstöd", 22, 14)],
            ),
            (
                "SOC-VO",
                "Vård och omsorg",
                [
                    ("SOC-VO-1", "Hemtjänsten Centrum", 64, 36),
                    ("SOC-VO-2", "Särskilt boende Lindgården", 71, 35),
                ],
            ),
        ],
    ),
    (
        "SBF",
        "Samhällsbyggnadsförvaltningen",
        0.6,
        [
            (
                "SBF-PL",
                "Plan och bygg",
                [("SBF-PL-1", "Bygglov", 15, 10), ("SBF-PL-2", "Detaljplan", 11, 7)],
            ),
            (
                "SBF-TK",
                "Teknik",
                [("SBF-TK-1", "Gata och park", 27, 15), ("SBF-TK-2", "VA", 19, 11)],
            ),
        ],
    ),
    (
        "KFF",
        "Kultur- och fritidsförvaltningen",
        0.2,
        [
            ("KFF-BI", "Bibliotek", [("KFF-BI-1", "Stadsbiblioteket", 18, 12)]),
            (
                "KFF-FR",
                "Fritid",
                [("KFF-FR-1", "Fritidsgårdar", 13, 8), ("KFF-FR-2", "Idrottsanläggningar", 10, 6)],
            ),
        ],
    ),
    (
        "MHF",
        "Miljö- och hälsoskyddsförvaltningen",
        0.4,
        [
            (
                "MHF-TI",
                "Tillsyn",
                [("MHF-TI-1", "Livsmedel", 8, 6), ("MHF-TI-2", "Miljöskydd", 9, 6)],
            ),
        ],
    ),
]
CITIZENS = 180
ELECTED = 27
DISTRICTS = ["Centrum", "Norra", "Södra", "Landsbygden"]


@dataclass
class Culture:
    """The simulation's lasting tastes: b_{p,q} by perspective and question key, and h_p."""

    taste: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    character: dict[str, dict[str, float]] = field(default_factory=dict)


class Command(BaseCommand):
    help = "Seed the demo municipality Exempelkommun with simulated answers."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_catalogue", verbosity=0)
        with transaction.atomic():
            self._remove_old_demo()
            organisation = Organisation.objects.create(
                name="Exempelkommun", slug=SLUG, kind=Organisation.Kind.MUNICIPALITY, code="9999"
            )
            units = self._units(organisation)
            self._logins(organisation, units)
            # Both rounds share the perspectives' tastes: the same municipality, three years on.
            culture = Culture()
            previous = self._previous_round(organisation, units, culture)
            mapping = self._mapping(organisation)
            mapping.previous_round = previous
            mapping.save(update_fields=["previous_round"])
            count = self._answers(mapping, units, culture, np.random.default_rng(SEED))
            self._workshops(organisation, mapping, units)
            # The loop goes on: the värdegrund decided (two versions), two follow-up rounds of
            # the current one, and the goals, indicators and actions that steer by it.
            today = timezone.localdate()
            frameworks = seed_core_values(organisation, mapping.catalogue, today)
            follow_ups = seed_follow_ups(organisation, frameworks[-1], units, today)
            seed_steering(organisation, frameworks, follow_ups, mapping, today)
            batch = actions.generate_codes(
                mapping.perspectives.get(perspective=Perspective.EMPLOYEES), units["BUF-GS-1"], 25
            )
        self.stdout.write(
            self.style.SUCCESS(f"Exempelkommun seeded with {count} simulated responses.")
        )
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD})")
        for username, role, unit in LOGINS:
            extra = f" for {units[unit].name}" if unit else ""
            self.stdout.write(f"  {username:<12} {role.label}{extra}")
        self.stdout.write(f"\nSign in: {settings.SITE_URL}{reverse('accounts:login')}")
        self.stdout.write("\nOpen answer links:")
        for mp in mapping.perspectives.all():
            link = settings.SITE_URL + reverse("mappings:start", args=[mp.token])
            self.stdout.write(f"  {mp.get_perspective_display():<16} {link}")
        public = reverse("corevalues:public", args=[organisation.slug])
        self.stdout.write(f"\nThe värdegrund, public: {settings.SITE_URL}{public}")
        codes = list(batch.codes.values_list("code", flat=True)[:3])
        self.stdout.write(
            f"\nInvitation codes for Norrskolan ({settings.SITE_URL}{reverse('mappings:code')}): "
            + ", ".join(codes)
        )

    def _remove_old_demo(self) -> None:
        old = Organisation.objects.filter(slug=SLUG).first()
        if old is None:
            return
        # The same deletion an admin can order, which knows the order rows protect each other in.
        delete_organisation(old)
        get_user_model().objects.filter(username__in=[u for u, _r, _unit in LOGINS]).delete()

    def _units(self, organisation: Organisation) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        for code, name, _strain, departments in TREE:
            top = Unit.objects.create(
                organisation=organisation, code=code, name=name, level=Unit.Level.ADMINISTRATION
            )
            units[code] = top
            for dept_code, dept_name, teams in departments:
                dept = Unit.objects.create(
                    organisation=organisation,
                    parent=top,
                    code=dept_code,
                    name=dept_name,
                    level=Unit.Level.DEPARTMENT,
                )
                units[dept_code] = dept
                for team_code, team_name, headcount, _respondents in teams:
                    units[team_code] = Unit.objects.create(
                        organisation=organisation,
                        parent=dept,
                        code=team_code,
                        name=team_name,
                        level=Unit.Level.TEAM,
                        headcount=headcount,
                    )
        return units

    def _logins(self, organisation: Organisation, units: dict[str, Unit]) -> None:
        User = get_user_model()
        for username, role, unit in LOGINS:
            user = User.objects.create_user(username=username, password=PASSWORD)
            Membership.objects.create(
                user=user, organisation=organisation, role=role, unit=units[unit] if unit else None
            )

    def _mapping(self, organisation: Organisation) -> Mapping:
        today = timezone.localdate()
        mapping = actions.create_mapping(
            organisation,
            load_shipped_catalogue(),
            "Kulturkartläggning 2026",
            [Perspective.EMPLOYEES, Perspective.CITIZENS, Perspective.ELECTED],
            opens_on=today - timedelta(days=14),
            closes_on=today + timedelta(days=30),
            ask_age=True,
            ask_tenure=True,
            districts="\n".join(DISTRICTS),
            open_question="Vad behöver förändras för att vi ska nå den önskade kulturen?",
        )
        actions.open_mapping(mapping)
        return mapping

    def _workshops(
        self, organisation: Organisation, mapping: Mapping, units: dict[str, Unit]
    ) -> None:
        """A dialogue series about the 2026 kartbild, led by `admin` and `ledare`: one session
        held last week (24 invited from several units, 21 came) and one next week, ready to be
        opened live. The attendees are numbered, not named: they are simulated too."""
        rng = np.random.default_rng(SEED + 1)
        workshop = Workshop.objects.create(
            organisation=organisation,
            name="Dialog om kartbilden 2026",
            description="Samtal i blandade grupper om vad kartbilden säger om vår kultur.",
            mapping=mapping,
        )
        leaders = list(get_user_model().objects.filter(username__in=["admin", "ledare"]))
        today = timezone.localdate()
        held = workshops.plan_session(
            workshop,
            on=today - timedelta(days=7),
            start_time=time(9, 0),
            end_time=time(11, 30),
            place="Stadshuset, sal Ekorren",
            facilitators=leaders,
        )
        workshops.plan_session(
            workshop,
            on=today + timedelta(days=7),
            start_time=time(13, 0),
            end_time=time(15, 30),
            place="Kulturhuset, Lilla salen",
            facilitators=leaders,
        )
        teams = [u for u in units.values() if u.level == Unit.Level.TEAM]
        invited = [
            workshops.invite(held, f"Deltagare {n:02d}", "", teams[int(i)])
            for n, i in enumerate(rng.integers(0, len(teams), 24), start=1)
        ]
        came = rng.permutation(len(invited))[:21]
        workshops.record_attendance(held, [invited[int(i)].pk for i in came])

    def _previous_round(
        self, organisation: Organisation, units: dict[str, Unit], culture: Culture
    ) -> Mapping:
        """The round three years ago: fewer answers and more strain, so the comparison with the
        previous round has something to show. Its answers are dated on the day it closed."""
        closed = timezone.localdate() - timedelta(days=3 * 365)
        mapping = actions.create_mapping(
            organisation,
            load_shipped_catalogue(),
            "Kulturkartläggning 2023",
            [Perspective.EMPLOYEES, Perspective.CITIZENS, Perspective.ELECTED],
            opens_on=closed - timedelta(days=28),
            closes_on=closed,
            retention_months=60,
        )
        actions.open_mapping(mapping)
        self._answers(
            mapping, units, culture, np.random.default_rng(SEED - 3), extra_strain=0.8, share=0.7
        )
        actions.close_mapping(mapping)
        Mapping.objects.filter(pk=mapping.pk).update(closed_on=closed)
        Response.objects.filter(mapping_perspective__mapping=mapping).update(submitted_on=closed)
        mapping.refresh_from_db()
        return mapping

    def _answers(
        self,
        mapping: Mapping,
        units: dict[str, Unit],
        culture: Culture,
        rng: np.random.Generator,
        extra_strain: float = 0.0,
        share: float = 1.0,
    ) -> int:
        """Draw every answer from the simulation; `share` scales the number of respondents."""
        catalogue = mapping.catalogue
        rows: list[PaperAnswer] = []
        groups: list[tuple[str, Unit | None, float, int]] = [
            (Perspective.CITIZENS, None, 0.5 + extra_strain, round(CITIZENS * share)),
            (Perspective.ELECTED, None, 0.4 + extra_strain, round(ELECTED * share)),
        ]
        for _code, _name, strain, departments in TREE:
            for _dept_code, _dept_name, teams in departments:
                for team_code, _team_name, _headcount, respondents in teams:
                    groups.append(
                        (
                            Perspective.EMPLOYEES,
                            units[team_code],
                            strain + extra_strain,
                            round(respondents * share),
                        )
                    )
        all_values = [
            OfferedValue(v.slug, v.level, v.is_limiting, v.type)
            for v in catalogue.values.order_by("position")
        ]
        for perspective, unit, strain, respondents in groups:
            mp = mapping.perspectives.get(perspective=perspective)
            questions = list(mp.questions.all())
            picks_by_question = []
            for question in questions:
                offered = actions.offered_values(catalogue, question)
                values = [OfferedValue(v.slug, v.level, v.is_limiting, v.type) for v in offered]
                limiting = np.array([v.limiting for v in values], dtype=float)
                taste = culture.taste.setdefault(
                    (perspective, question.key), rng.normal(0, PERSPECTIVE_SD, len(values))
                )
                weights = question_affinity(question.kind, values) + taste
                if question.kind in ("current", "desired"):
                    shared = culture.character.setdefault(
                        perspective, perspective_character(rng, all_values)
                    )
                    weights = weights + np.array([shared[v.slug] for v in values])
                weights = weights + rng.normal(0, UNIT_SD, len(values))
                if question.kind == "current":
                    weights = weights + STRAIN_WEIGHT * strain * limiting
                drawn = draw_ballots(rng, weights, respondents, mapping.picks)
                picks_by_question.append(
                    (question, [[values[i].slug for i in row] for row in drawn])
                )
            for r in range(respondents):
                answers = Answers(
                    picks={q.pk: ballots[r] for q, ballots in picks_by_question},
                    unit_id=unit.pk if unit else None,
                )
                if perspective == Perspective.EMPLOYEES:
                    answers.age_band = str(rng.choice(["-29", "30-44", "45-59", "60-"]))
                    answers.tenure_band = str(rng.choice(["0-2", "2-5", "5-10", "10-"]))
                elif perspective == Perspective.CITIZENS:
                    answers.age_band = str(rng.choice(["-29", "30-44", "45-59", "60-"]))
                    answers.district = str(rng.choice(DISTRICTS))
                rows.append(PaperAnswer(mp, answers))
        return import_paper_answers(mapping, rows)
