"""What a live session shows: kartbild slides, statement results, the word cloud, reflections
and opinion groups. Every number passes the anonymity gate (kartbild/analysis/gate.py).

What the gate means in a room:
- a statement's agree / disagree / pass counts are shown only when at least k people voted on
  it, and only when the facilitator moves on to the groups or the summary, never while votes
  come in (a count that ticks up as the person beside you taps would tell you their vote);
- the word cloud and the reflections are free text: shown only when at least the free-text
  threshold of participants wrote, reflections in random order;
- opinion groups come from kartbild/analysis/opinion.py with `min_group` = k: a cluster smaller
  than k is never shown, nor its members' dots, and no participant's votes leave the server.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.utils import timezone, translation
from django.utils.text import capfirst

from kartbild.analysis import opinion_clustering
from kartbild.analysis.ballots import QuestionKind
from kartbild.analysis.gate import AnonymityPolicy, Purpose
from kartbild.analysis.opinion import (
    MIN_VOTES,
    OpinionGroup,
    OpinionGroups,
    VoteMatrix,
    compute_opinion_groups,
)
from kartbild.catalogue.models import Value
from kartbild.mappings.models import QuestionFrame
from kartbild.reports.report import KartbildReport, kartbild_report
from kartbild.workshops.models import (
    LiveParticipant,
    Reflection,
    Statement,
    Vote,
    Word,
    WorkshopSession,
)

# Values per kartbild slide: five words are what a room reads from the back in a few seconds.
SLIDE_VALUES = 5

# Opinion groups are computed at most this often per session. The projector polls every
# second; a k-means with 30 restarts for k = 2…5 takes tens of milliseconds for 200 people,
# so recomputing on every poll during a burst of votes would spend a core on groups that do
# not visibly change in a second.
OPINION_INTERVAL = timedelta(seconds=3)

# The participant map snaps positions to a grid of this many cells a side and draws one dot
# per occupied cell, sized by how many people are in it: a room cannot follow one dot as it
# moves after someone votes.
MAP_GRID = 16

# Word cloud type sizes, smallest to largest, as CSS classes.
WORD_SIZES = 5


# -- counts for the console and projector --------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    participants: int
    votes: int
    shown_statements: int
    pending_statements: int


def activity(session: WorkshopSession) -> Activity:
    """How many are in the room and how much has been voted: counts of people and taps, not of
    opinions, so they update live."""
    statements = session.statements.aggregate(
        shown=Count("pk", filter=Q(status=Statement.Status.SHOWN)),
        pending=Count("pk", filter=Q(status=Statement.Status.PENDING)),
    )
    return Activity(
        participants=session.participants.count(),
        votes=Vote.objects.filter(statement__session=session).count(),
        shown_statements=statements["shown"],
        pending_statements=statements["pending"],
    )


# -- kartbild slides and statements from the kartbild --------------------------------------------


@dataclass(frozen=True)
class SlideValue:
    name: str
    share: float
    limiting: bool


@dataclass(frozen=True)
class Slide:
    perspective: str
    title: str
    respondents: int
    values: list[SlideValue]
    withheld: str = ""
    # The begränsande andel and its band, on current-culture slides.
    limiting_share: float | None = None
    limiting_band: str = ""


# The projector asks for the current slide twice a second; the kartbild of a mapping changes
# far more slowly than that (usually not at all: it is closed by the time workshops start).
SLIDES_CACHE_SECONDS = 300


def kartbild_slides(session: WorkshopSession) -> list[Slide]:
    """The linked mapping's kartbild as slides: per perspective and question the top values
    with their share of respondents, and the limiting share on current-culture questions. It
    comes from the reports' kartbild, which is gated: a withheld perspective is one slide that
    says why."""
    mapping = session.workshop.mapping
    if mapping is None:
        return []
    key = f"workshops:slides:{mapping.pk}:{translation.get_language()}"
    slides: list[Slide] | None = cache.get(key)
    if slides is None:
        slides = _slides(kartbild_report(mapping))
        cache.set(key, slides, SLIDES_CACHE_SECONDS)
    return slides


def _slides(report: KartbildReport) -> list[Slide]:
    slides = []
    for perspective in report.perspectives:
        if perspective.withheld is not None:
            slides.append(Slide(perspective.label, "", 0, [], perspective.withheld.explanation))
            continue
        for question in perspective.questions:
            values = [
                SlideValue(capfirst(line.value.name_sv), line.share, line.value.limiting)
                for line in question.top[:SLIDE_VALUES]
            ]
            limiting = question.limiting
            slides.append(
                Slide(
                    perspective.label,
                    question.title,
                    question.respondents,
                    values,
                    limiting_share=limiting.share if limiting else None,
                    limiting_band=limiting.band_label if limiting else "",
                )
            )
    return slides


# How a statement names the place a question's frame is about.
_FRAME_PLACE = {
    QuestionFrame.WORKPLACE: ("vår arbetsplats", "på vår arbetsplats"),
    QuestionFrame.COMMUNITY: ("vår kommun", "i vår kommun"),
    QuestionFrame.SWEDEN: ("Sverige", "i Sverige"),
}

# At most this many statements of each kind per frame: a session of an hour votes on about
# fifteen statements, and the facilitator's own come first.
GENERATED_PER_KIND = 3


@dataclass(frozen=True)
class GeneratedStatement:
    text: str
    value: Value


def generate_statements(session: WorkshopSession) -> list[GeneratedStatement]:
    """Statements from the kartbild: the potentially limiting values and the strongest value
    among the current culture's top values ("Byråkrati präglar vår arbetsplats idag"), and the
    largest value jumps from current to desired culture ("Vi behöver mer tillit på vår
    arbetsplats"). Only perspectives the gate shows are used."""
    mapping = session.workshop.mapping
    if mapping is None:
        return []
    values = {value.slug: value for value in mapping.catalogue.values.all()}
    found: dict[str, GeneratedStatement] = {}

    def add(text: str, slug: str) -> None:
        if slug in values:
            found.setdefault(text.lower(), GeneratedStatement(text, values[slug]))

    for perspective in kartbild_report(mapping).perspectives:
        if perspective.withheld is not None:
            continue
        for question in perspective.questions:
            if (
                question.key.kind is not QuestionKind.CURRENT
                or question.key.frame not in _FRAME_PLACE
            ):
                continue
            place, _in_place = _FRAME_PLACE[QuestionFrame(question.key.frame)]
            limiting = [line for line in question.top if line.value.limiting]
            positive = [line for line in question.top if not line.value.limiting]
            for line in limiting[:GENERATED_PER_KIND] + positive[:1]:
                add(f"{capfirst(line.value.name_sv)} präglar {place} idag", line.value.slug)
        for frame in perspective.frames:
            if frame.frame not in _FRAME_PLACE:
                continue
            _place, in_place = _FRAME_PLACE[QuestionFrame(frame.frame)]
            for change in [jump for jump in frame.jumps if jump.change > 0][:GENERATED_PER_KIND]:
                add(f"Vi behöver mer {change.value.name_sv} {in_place}", change.value.slug)
    existing = {text.lower() for text in session.statements.values_list("text", flat=True)}
    return [item for key, item in found.items() if key not in existing]


# -- results of statements, words and reflections ------------------------------------------------


@dataclass(frozen=True)
class StatementResult:
    statement: Statement
    voters: int
    # None when fewer than k people voted: the counts are withheld.
    agree: int | None
    disagree: int | None
    passed: int | None

    @property
    def shown(self) -> bool:
        return self.agree is not None

    def share(self, count: int | None) -> float:
        return (count or 0) / self.voters if self.voters else 0.0

    @property
    def agree_share(self) -> float:
        return self.share(self.agree)

    @property
    def disagree_share(self) -> float:
        return self.share(self.disagree)

    @property
    def pass_share(self) -> float:
        return self.share(self.passed)


def statement_results(
    session: WorkshopSession, policy: AnonymityPolicy | None = None
) -> list[StatementResult]:
    """Agree / disagree / pass per shown statement, withheld below k voters."""
    policy = policy or AnonymityPolicy()
    rows = session.statements.filter(status=Statement.Status.SHOWN).annotate(
        voters=Count("votes"),
        agree=Count("votes", filter=Q(votes__choice=1)),
        disagree=Count("votes", filter=Q(votes__choice=-1)),
        passed=Count("votes", filter=Q(votes__choice=0)),
    )
    results = []
    for row in rows:
        shown = policy.shows(row.voters)
        results.append(
            StatementResult(
                row,
                row.voters,
                row.agree if shown else None,
                row.disagree if shown else None,
                row.passed if shown else None,
            )
        )
    return results


@dataclass(frozen=True)
class CloudWord:
    word: str
    count: int
    size: int


@dataclass(frozen=True)
class WordCloud:
    contributors: int
    needed: int
    words: list[CloudWord]

    @property
    def shown(self) -> bool:
        return bool(self.words)


def word_cloud(session: WorkshopSession, policy: AnonymityPolicy | None = None) -> WordCloud:
    """The words with their counts and a type size, in alphabetical order; nothing until
    enough people have given a word (free text: one word can name its writer)."""
    policy = policy or AnonymityPolicy()
    contributors = session.participants.filter(gave_word=True).count()
    needed = policy.threshold(Purpose.FREE_TEXT)
    if not policy.shows(contributors, Purpose.FREE_TEXT):
        return WordCloud(contributors, needed, [])
    counts = list(
        Word.objects.filter(session=session)
        .values("word")
        .annotate(count=Count("pk"))
        .values_list("word", "count")
    )
    largest = max((count for _word, count in counts), default=1)
    words = [
        CloudWord(word, count, _size(count, largest))
        for word, count in sorted(counts, key=lambda item: item[0])
    ]
    return WordCloud(contributors, needed, words)


def _size(count: int, largest: int) -> int:
    """1 to WORD_SIZES on a square-root scale, so that one dominant word does not shrink every
    other to the same smallest size."""
    if largest <= 1:
        return 1
    return 1 + round((WORD_SIZES - 1) * math.sqrt((count - 1) / (largest - 1)))


@dataclass(frozen=True)
class Reflections:
    writers: int
    needed: int
    texts: list[str]

    @property
    def shown(self) -> bool:
        return bool(self.texts)


def reflections(session: WorkshopSession, policy: AnonymityPolicy | None = None) -> Reflections:
    """The reflections in an order that looks random and stays put, without anything about
    their writers; nothing until enough people have written."""
    policy = policy or AnonymityPolicy()
    writers = session.participants.filter(reflections__gt=0).count()
    needed = policy.threshold(Purpose.FREE_TEXT)
    if not policy.shows(writers, Purpose.FREE_TEXT):
        return Reflections(writers, needed, [])
    rows = Reflection.objects.filter(session=session).values_list("pk", "text")
    # A keyed hash orders them: random to anyone without the secret key, so the order says
    # nothing about who wrote first, yet the same on every poll, so the projector does not
    # reshuffle twice a second and a new reflection only slots in.
    ordered = sorted(rows, key=lambda row: _shuffle_key(row[0]))
    return Reflections(writers, needed, [text for _pk, text in ordered])


def _shuffle_key(pk: int) -> str:
    message = f"workshops.reflection:{pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# -- opinion groups ------------------------------------------------------------------------------


def vote_signature(session: WorkshopSession) -> list[int]:
    """Changes whenever a vote is cast or changed: the count and two sums over the votes."""
    found = Vote.objects.filter(statement__session=session).aggregate(
        count=Count("pk"),
        choices=Sum("choice"),
        weighted=Sum(F("choice") * F("statement_id")),
    )
    return [found["count"] or 0, found["choices"] or 0, found["weighted"] or 0]


def vote_matrix(session: WorkshopSession) -> VoteMatrix | None:
    """The participant × statement matrix of votes on shown statements; None without votes."""
    rows = list(
        Vote.objects.filter(
            statement__session=session, statement__status=Statement.Status.SHOWN
        ).values_list("participant_id", "statement_id", "choice")
    )
    if not rows:
        return None
    participants, statements, choices = zip(*rows, strict=True)
    return VoteMatrix.from_votes(participants, statements, choices)


def opinion_view(session: WorkshopSession, policy: AnonymityPolicy | None = None) -> dict[str, Any]:
    """The opinion groups to draw: recomputed when votes changed and the last computation is
    older than OPINION_INTERVAL, otherwise the stored one. The stored state is what the next
    computation gets as `previous`, so groups keep their ids between updates."""
    policy = policy or AnonymityPolicy()
    state = session.opinion_state or {}
    signature = vote_signature(session)
    computed_at = state.get("computed_at")
    fresh = state.get("signature") == signature and state.get("min_group") == policy.min_group
    recent = (
        computed_at is not None
        and timezone.now() - datetime.fromisoformat(computed_at) < OPINION_INTERVAL
    )
    if "view" in state and (fresh or recent):
        view: dict[str, Any] = state["view"]
        return view
    state = compute_state(session, policy, state, signature)
    WorkshopSession.objects.filter(pk=session.pk).update(opinion_state=state)
    session.opinion_state = state
    return dict(state["view"])


def compute_state(
    session: WorkshopSession,
    policy: AnonymityPolicy,
    state: dict[str, Any],
    signature: list[int],
) -> dict[str, Any]:
    matrix = vote_matrix(session)
    previous = _previous(state.get("previous"))
    updates = int(state.get("updates", 0)) + 1
    empty_view: dict[str, Any] = {"groups": [], "consensus": [], "divisive": [], "dots": []}
    base = {
        "signature": signature,
        "min_group": policy.min_group,
        "computed_at": timezone.now().isoformat(),
        "updates": updates,
    }
    if matrix is None:
        return {**base, "view": empty_view}
    # A seed per session and update: the same votes give the same picture in every process.
    rng = np.random.default_rng([session.pk, updates])
    result = compute_opinion_groups(matrix, rng=rng, min_group=policy.min_group, previous=previous)
    view = {
        "groups": [
            {
                "id": group.id,
                "size": group.size,
                "representative": [
                    [item.statement_id, str(item.stance), round(item.group_share, 3)]
                    for item in group.representative
                ],
            }
            for group in result.groups
        ],
        "consensus": [[item.statement_id, str(item.stance)] for item in result.consensus],
        "divisive": [
            [item.statement_id, item.agreeing_group, item.disagreeing_group]
            for item in result.divisive
        ],
        "dots": _dots(matrix, result),
    }
    return {**base, "view": view, "previous": _serialise(result)}


def _dots(matrix: VoteMatrix, result: OpinionGroups) -> list[list[int]]:
    """Grouped participants as [column, row, group, people] on a MAP_GRID × MAP_GRID grid, one
    entry per occupied cell and group, sorted by position so that nothing follows an id."""
    if not result.groups:
        return []
    votes = matrix.votes
    cast = (~np.isnan(votes)).sum(axis=1)
    required = max(1, min(MIN_VOTES, votes.shape[1]))
    included = np.flatnonzero(cast >= required)
    loadings = np.array(
        [result.statement_loadings.get(s, (math.nan, math.nan)) for s in matrix.statement_ids]
    )
    points = opinion_clustering.project(votes[included], loadings).coordinates
    groups = [result.participants.get(matrix.participant_ids[int(row)]) for row in included]
    grouped = [index for index, group in enumerate(groups) if group is not None]
    if not grouped:
        return []
    chosen = points[grouped]
    # One scale for both axes, so that distances on the map mean the same in every direction,
    # and the picture centred: with one dominant axis the groups lie across the middle.
    high, low = chosen.max(axis=0), chosen.min(axis=0)
    span = float((high - low).max()) or 1.0
    middle = (MAP_GRID - 1) / 2
    cells = np.clip(
        np.floor((chosen - (high + low) / 2) / span * (MAP_GRID - 1) + middle + 0.5),
        0,
        MAP_GRID - 1,
    ).astype(int)
    counted: dict[tuple[int, int, int], int] = {}
    for (column, row), index in zip(cells.tolist(), grouped, strict=True):
        key = (int(column), int(MAP_GRID - 1 - row), int(groups[index] or 0))
        counted[key] = counted.get(key, 0) + 1
    return [
        [column, row, group, people] for (column, row, group), people in sorted(counted.items())
    ]


def _serialise(result: OpinionGroups) -> dict[str, Any]:
    return {
        "participants": {str(k): v for k, v in result.participants.items()},
        "groups": [[group.id, group.size, list(group.centre)] for group in result.groups],
        "cluster_count": result.cluster_count,
        "silhouette": result.silhouette,
        "loadings": {str(k): list(v) for k, v in result.statement_loadings.items()},
        "explained_variance": list(result.explained_variance),
        "best_k": result.best_k,
        "best_k_streak": result.best_k_streak,
    }


def _previous(data: dict[str, Any] | None) -> OpinionGroups | None:
    if not data:
        return None
    return OpinionGroups(
        participants=MappingProxyType({int(k): v for k, v in data["participants"].items()}),
        groups=tuple(
            OpinionGroup(id=group_id, size=size, centre=(centre[0], centre[1]), representative=())
            for group_id, size, centre in data["groups"]
        ),
        consensus=(),
        divisive=(),
        cluster_count=data["cluster_count"],
        silhouette=data["silhouette"],
        statement_loadings=MappingProxyType(
            {int(k): (v[0], v[1]) for k, v in data["loadings"].items()}
        ),
        explained_variance=(data["explained_variance"][0], data["explained_variance"][1]),
        best_k=data["best_k"],
        best_k_streak=data["best_k_streak"],
    )


# -- what templates draw -------------------------------------------------------------------------


GROUP_LETTERS = "ABCDE"
# Dark enough for white letters on them (contrast at least 4.5:1) on paper.
GROUP_COLOURS = {
    "A": "#0b5cab",
    "B": "#b3261e",
    "C": "#1b7d3a",
    "D": "#7a3fa0",
    "E": "#8a5a00",
}


@dataclass(frozen=True)
class GroupStatement:
    text: str
    agree: bool
    share: float


@dataclass(frozen=True)
class ShownGroup:
    letter: str
    size: int
    representative: list[GroupStatement]


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    radius: float
    letter: str
    people: int

    @property
    def colour(self) -> str:
        """For the PDF, which does not style SVG from CSS; pages override it by class."""
        return GROUP_COLOURS.get(self.letter, "#555555")


@dataclass(frozen=True)
class OpinionPicture:
    groups: list[ShownGroup]
    consensus: list[tuple[str, bool]]
    divisive: list[tuple[str, str, str]]
    dots: list[Dot]
    min_group: int

    @property
    def shown(self) -> bool:
        return bool(self.groups)


# The map's SVG coordinate system: a square with a margin so that dots at the edge fit.
MAP_SIZE = 400
MAP_MARGIN = 24


def opinion_picture(
    session: WorkshopSession, policy: AnonymityPolicy | None = None
) -> OpinionPicture:
    """The opinion groups in words and as a map, ready for a template."""
    policy = policy or AnonymityPolicy()
    view = opinion_view(session, policy)
    texts = dict(session.statements.values_list("pk", "text"))
    letter_of = {
        group["id"]: GROUP_LETTERS[group["id"] % len(GROUP_LETTERS)] for group in view["groups"]
    }
    groups = [
        ShownGroup(
            letter_of[group["id"]],
            group["size"],
            [
                GroupStatement(texts.get(statement, ""), stance == "agree", share)
                for statement, stance, share in group["representative"]
                if statement in texts
            ],
        )
        for group in view["groups"]
    ]
    cell = (MAP_SIZE - 2 * MAP_MARGIN) / (MAP_GRID - 1)
    dots = [
        Dot(
            MAP_MARGIN + column * cell,
            MAP_MARGIN + row * cell,
            round(6 + 4 * math.sqrt(people), 1),
            letter_of.get(group, "?"),
            people,
        )
        for column, row, group, people in view["dots"]
        if group in letter_of
    ]
    return OpinionPicture(
        groups=groups,
        consensus=[(texts[s], stance == "agree") for s, stance in view["consensus"] if s in texts],
        divisive=[
            (texts[s], letter_of.get(a, "?"), letter_of.get(d, "?"))
            for s, a, d in view["divisive"]
            if s in texts
        ],
        dots=dots,
        min_group=policy.min_group,
    )


@dataclass(frozen=True)
class Position:
    """Where a participant is among the statements, as their page shows it after every tap."""

    # The first shown statement they have not voted on, or None.
    statement: Statement | None
    # How many statements they have voted on.
    voted: int
    # The shown statements' ids in order (what the page's version is made of).
    shown: tuple[int, ...]


def position(participant: LiveParticipant) -> Position:
    """The participant's next statement, vote count and the shown statements, in two plain
    queries. A vote answers with the participant's page, so this runs 200 times when a room
    votes at once; reading the same with a join and a count more cost a sixth more of a vote's
    CPU time (docs/workshops.md)."""
    shown = list(participant.session.statements.filter(status=Statement.Status.SHOWN))
    voted = set(Vote.objects.filter(participant=participant).values_list("statement", flat=True))
    statement = next((s for s in shown if s.pk not in voted), None)
    return Position(statement, len(voted), tuple(s.pk for s in shown))
