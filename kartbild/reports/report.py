"""The report of a mapping: everything the kartbild pages, the charts and the exports show, computed
by the analysis core and passed through the anonymity gate, as plain frozen dataclasses.

This module is the one report specification (STYLE.md "Reports"): pages, PDF, slides and
workbooks render what it returns and never read responses or call the analysis core themselves.
Every number in the returned objects is already allowed to leave the system; a group the gate
withholds appears only as a `Withheld` line with its Swedish reason.

Interface (stable; the exports build on it):

    data = load_mapping(mapping)               # one read of the responses, one kartbild per perspective
    report = kartbild_report(data)             # KartbildReport: the organisation-wide kartbild
    report = kartbild_report(data, unit=unit)  # the same for a unit subtree (employees)
    perspectives = compare_perspectives(data)  # PerspectiveComparison
    units = compare_units(data)                # UnitComparison: heat-map rows, only allowed units
    rounds = compare_rounds(data)              # RoundComparison | None: the previous round
    reference = compare_reference(data, reference_set)  # ReferenceComparison (models.ReferenceSet)

Each function also accepts a `Mapping` instead of `data` (and then loads it), but a caller that
needs several parts should load once. Strings (titles, labels, reasons) are translated in the
language active when the function is called.

How the gate is applied: each perspective is one tree of groups (employees: the perspective as
root and the organisation's unit tree below it, respondents without a unit counting only at the
root; citizens and elected officials: one group). `analysis.engine.compute_kartbild` gates the
whole tree at once (threshold and complementary suppression), so every page and export shows the
same set of units and nothing on one page can be subtracted from another. Perspectives are
disjoint sets of respondents and are never summed.

Previous round: `Mapping.previous_round` when set; otherwise the latest other mapping of the
organisation that opened before this one (or was created before it, when dates are missing),
that uses the same catalogue version and asks the same perspectives. Rounds are compared per
perspective and question, as two independent samples (respondents are anonymous, so they cannot
be paired).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kartbild.analysis.ballots import Ballots, QuestionKey, QuestionKind
from kartbild.analysis.catalogue import LEVELS, VALUE_TYPES, Catalogue
from kartbild.analysis.compare import (
    Comparison,
    benjamini_hochberg,
    compare_picks,
    compare_with_reference,
    two_proportion_test,
)
from kartbild.analysis.engine import FrameResult, GroupResult, Kartbild, compute_kartbild
from kartbild.analysis.errors import AnalysisError, InputError
from kartbild.analysis.gate import AnonymityPolicy, WithheldReason
from kartbild.analysis.groups import NO_PARENT, GroupTree
from kartbild.analysis.metrics import (
    DEFAULT_TOP,
    LimitingBand,
    LimitingShare,
    MatchReading,
    ValueChange,
    ValueTable,
)
from kartbild.analysis.reference import ReferenceSet as ParsedReference
from kartbild.analysis.reference import read_reference_csv
from kartbild.mappings.ballots import analysis_catalogue, load_ballots
from kartbild.mappings.models import (
    CodeBatch,
    Mapping,
    MappingPerspective,
    Perspective,
    QuestionFrame,
    Response,
)
from kartbild.mappings.rates import perspective_rates
from kartbild.organisations.models import Unit
from kartbild.organisations.tree import TreeNode, UnitTree
from kartbild.reports.models import CachedReport

if TYPE_CHECKING:
    from kartbild.reports.models import ReferenceSet

logger = logging.getLogger(__name__)

# The method reports the ten most chosen values of each question.
TOP = DEFAULT_TOP
# A unit's row in the heat map names its three most chosen current-culture values: enough to
# characterise a unit, few enough to read on a phone.
UNIT_TOP = 3
# Differences are called significant at a false discovery rate of 5 % (Benjamini-Hochberg).
ALPHA = 0.05
# Bootstrap resamples for the agreement interval between two groups: 500 keep the 95 % interval
# stable to about a hundredth, which is finer than it is shown, at half the cost of 1000.
RESAMPLES = 500
# The perspectives in the order the pages read them: the organisation, its citizens, its
# politicians.
PERSPECTIVE_ORDER = (Perspective.EMPLOYEES, Perspective.CITIZENS, Perspective.ELECTED)
# Names of the groups of a perspective's tree; units are "unit-<pk>" below the perspective.
UNIT_GROUP = "unit-{}"


# -- values and labels ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueInfo:
    """A catalogue value as reports show it."""

    index: int
    slug: str
    name_sv: str
    name_en: str
    level: int
    limiting: bool
    type: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv


# The level and type names by language: every question of every unit's report names them, and a
# report of 60 units asked gettext for them some 4,000 times.
_level_names: dict[str, tuple[str, ...]] = {}
_type_names: dict[str, tuple[tuple[str, str], ...]] = {}


def level_names() -> tuple[str, ...]:
    """DESIGN.md's seven levels, level 1 first."""
    language = get_language() or ""
    if language not in _level_names:
        _level_names[language] = (
            _("Trygghet och överlevnad"),
            _("Relationer och tillhörighet"),
            _("Prestation och självkänsla"),
            _("Förnyelse och lärande"),
            _("Gemensam riktning och tillit"),
            _("Samverkan och att göra skillnad"),
            _("Samhällsansvar och framtid"),
        )
    return _level_names[language]


def type_names() -> dict[str, str]:
    language = get_language() or ""
    if language not in _type_names:
        _type_names[language] = (
            ("I", _("Individ")),
            ("R", _("Relation")),
            ("O", _("Organisation")),
            ("S", _("Samhälle")),
        )
    return dict(_type_names[language])


def band_label(band: LimitingBand) -> str:
    return {
        LimitingBand.HEALTHY: _("sunt läge (0–10 %)"),
        LimitingBand.NEEDS_ATTENTION: _("behöver uppmärksamhet (11–20 %)"),
        LimitingBand.SIGNIFICANT: _("betydande problem (21–30 %)"),
        LimitingBand.SERIOUS: _("allvarliga problem (31–40 %)"),
        LimitingBand.CRITICAL: _("kritiskt läge (över 40 %)"),
    }[band]


def reading_label(reading: MatchReading) -> str:
    return {
        MatchReading.STRONG: _("stark"),
        MatchReading.GOOD: _("god"),
        MatchReading.FAIR: _("måttlig"),
        MatchReading.POOR: _("svag"),
    }[reading]


def withheld_label(reason: WithheldReason) -> str:
    """The Swedish reason shown instead of a withheld group's numbers."""
    return {
        WithheldReason.NO_ANSWERS: _("inga svar"),
        WithheldReason.TOO_FEW: _("för få svar för att visa"),
        WithheldReason.DERIVABLE: _(
            "för få svar för att visa: dold så att en mindre grupp inte kan räknas ut"
        ),
        WithheldReason.NOT_BROKEN_DOWN: _("förtroendevalda redovisas bara som en grupp"),
    }[reason]


def frame_label(frame: str) -> str:
    try:
        return str(QuestionFrame(frame).label)
    except ValueError:
        return frame


def question_label(key: QuestionKey) -> str:
    if key.kind is QuestionKind.PERSONAL:
        return _("Personliga värderingar")
    if key.kind is QuestionKind.CURRENT:
        return _("Rådande kultur – %(frame)s") % {"frame": frame_label(key.frame)}
    return _("Önskad kultur – %(frame)s") % {"frame": frame_label(key.frame)}


def perspective_label(perspective: str) -> str:
    return str(Perspective(perspective).label)


# -- the report's parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueLine:
    """One value of a top list. `matched` names the other questions of the same frame whose top
    list holds it too (personal, current, desired)."""

    value: ValueInfo
    rank: int
    votes: int
    share: float
    share_low: float
    share_high: float
    tied: bool
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class LimitingSummary:
    share: float
    low: float | None
    high: float | None
    band: LimitingBand
    band_label: str
    limiting_votes: int
    total_votes: int


@dataclass(frozen=True)
class LevelLine:
    level: int
    name: str
    positive: float
    limiting: float

    @property
    def total(self) -> float:
        return self.positive + self.limiting


@dataclass(frozen=True)
class TypeLine:
    type: str
    name: str
    count: int


@dataclass(frozen=True)
class QuestionReport:
    key: QuestionKey
    title: str
    respondents: int
    top: tuple[ValueLine, ...]
    levels: tuple[LevelLine, ...]
    self_interest: float
    transformation: float
    common_good: float
    types: tuple[TypeLine, ...]
    positive_in_top: int
    limiting_in_top: int
    limiting: LimitingSummary | None

    @property
    def slug(self) -> str:
        return str(self.key).replace(":", "-")


@dataclass(frozen=True)
class MatchLine:
    pair: str  # personal_current, current_desired, personal_desired
    label: str
    count: int
    reading: MatchReading
    reading_label: str


@dataclass(frozen=True)
class ChangeLine:
    value: ValueInfo
    change: int
    current: int
    desired: int


@dataclass(frozen=True)
class FrameReport:
    frame: str
    title: str
    matches: tuple[MatchLine, ...]
    jumps: tuple[ChangeLine, ...]
    drops: tuple[ChangeLine, ...]


@dataclass(frozen=True)
class Withheld:
    """A group that is not shown, and the Swedish reason."""

    label: str
    reason: WithheldReason
    explanation: str


@dataclass(frozen=True)
class PerspectiveReport:
    """The kartbild of one perspective (or of a unit subtree of the employees). When `withheld`
    is set, nothing else but the label is filled in: not even the number of respondents."""

    perspective: str
    label: str
    respondents: int | None
    response_rate: float | None
    questions: tuple[QuestionReport, ...]
    frames: tuple[FrameReport, ...]
    withheld: Withheld | None = None

    @property
    def shown(self) -> bool:
        return self.withheld is None

    def question(self, key: str) -> QuestionReport | None:
        return next((q for q in self.questions if str(q.key) == key), None)

    @property
    def main_current(self) -> QuestionReport | None:
        """The current-culture question the overview leads with: the workplace, else the first."""
        current = [q for q in self.questions if q.key.kind is QuestionKind.CURRENT]
        workplace = [q for q in current if q.key.frame == QuestionFrame.WORKPLACE]
        found = workplace or current
        return found[0] if found else None

    @property
    def main_frame(self) -> FrameReport | None:
        workplace = [f for f in self.frames if f.frame == QuestionFrame.WORKPLACE]
        found = workplace or list(self.frames)
        return found[0] if found else None


@dataclass(frozen=True)
class KartbildReport:
    """The kartbild of a mapping for the organisation (`unit` None) or a unit subtree."""

    mapping_id: int
    mapping_name: str
    organisation: str
    catalogue: str
    top: int
    min_group: int
    unit_id: int | None
    unit_label: str
    perspectives: tuple[PerspectiveReport, ...]
    fingerprint: str

    @property
    def scope(self) -> str:
        return self.unit_label or self.organisation

    def perspective(self, perspective: str) -> PerspectiveReport | None:
        return next((p for p in self.perspectives if p.perspective == perspective), None)

    @property
    def shown(self) -> tuple[PerspectiveReport, ...]:
        return tuple(p for p in self.perspectives if p.shown)


# -- loading ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PerspectiveData:
    """The analysis inputs and the gated kartbild of one perspective. Internal to reports: the
    arrays hold individual answers and must never be rendered."""

    mapping_perspective: MappingPerspective
    keys: tuple[QuestionKey, ...]
    ballots: Ballots
    groups: GroupTree
    kartbild: Kartbild
    response_rate: float | None

    @property
    def perspective(self) -> str:
        return self.mapping_perspective.perspective

    @property
    def root(self) -> str:
        return self.perspective


@dataclass(frozen=True, eq=False)
class MappingData:
    mapping: Mapping
    policy: AnonymityPolicy
    catalogue: Catalogue
    values: tuple[ValueInfo, ...]
    tree: UnitTree
    perspectives: tuple[PerspectiveData, ...]
    fingerprint: str

    def perspective(self, perspective: str) -> PerspectiveData | None:
        return next((p for p in self.perspectives if p.perspective == perspective), None)


def load_mapping(mapping: Mapping, policy: AnonymityPolicy | None = None) -> MappingData:
    """Read a mapping's responses once (through `mappings.ballots.load_ballots`, the one adapter)
    and compute the gated kartbild of each perspective."""
    policy = policy or AnonymityPolicy()
    catalogue = analysis_catalogue(mapping.catalogue)
    values = tuple(
        ValueInfo(
            index,
            value.slug,
            value.name_sv,
            value.name_en,
            value.level,
            bool(catalogue.limiting[index]),
            value.type.value,
        )
        for index, value in enumerate(catalogue.values)
    )
    tree = UnitTree.of(mapping.organisation)
    nodes = list(tree.walk())
    rates = {rate.label: rate.share for rate in perspective_rates(mapping, policy)}
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{mapping.pk}:{mapping.catalogue_id}:{policy}".encode())
    perspectives = []
    order = {p: i for i, p in enumerate(PERSPECTIVE_ORDER)}
    for mp in sorted(
        mapping.perspectives.prefetch_related("questions"),
        key=lambda mp: order.get(Perspective(mp.perspective), 99),
    ):
        loaded = load_ballots(mp, mapping.picks)
        keys = tuple(QuestionKey.parse(q.key) for q in loaded.questions)
        digest.update(mp.perspective.encode())
        digest.update(loaded.by_question.data)
        digest.update(loaded.units.data)
        ballots = Ballots.of({key: loaded.question_picks(i) for i, key in enumerate(keys)})
        if mp.perspective == Perspective.EMPLOYEES and nodes:
            groups = _unit_groups(mp.perspective, nodes, loaded.units)
        else:
            groups = GroupTree(
                (mp.perspective,),
                np.array([NO_PARENT], dtype=np.intp),
                np.zeros(loaded.respondents, dtype=np.intp),
                (mp.perspective,),
            )
        kartbild = compute_kartbild(catalogue, ballots, groups, policy, top=TOP)
        perspectives.append(
            PerspectiveData(
                mp,
                keys,
                ballots,
                groups,
                kartbild,
                rates.get(mp.get_perspective_display()),
            )
        )
    return MappingData(
        mapping, policy, catalogue, values, tree, tuple(perspectives), digest.hexdigest()
    )


def _unit_groups(perspective: str, nodes: Sequence[TreeNode], units: np.ndarray) -> GroupTree:
    position = {node.unit.pk: i + 1 for i, node in enumerate(nodes)}
    names = (perspective, *(UNIT_GROUP.format(node.unit.pk) for node in nodes))
    parents = np.array(
        [NO_PARENT]
        + [position[node.unit.parent_id] if node.unit.parent_id else 0 for node in nodes],
        dtype=np.intp,
    )
    # A response whose unit is no longer in the tree (or that has none, NO_UNIT) counts at the
    # perspective only. Looked up in one sorted search rather than a dictionary per response.
    known = np.array(sorted(position), dtype=np.int64)
    groups = np.array([position[pk] for pk in known.tolist()], dtype=np.intp)
    membership = np.zeros(units.shape[0], dtype=np.intp)
    if known.size:
        found = np.minimum(np.searchsorted(known, units), known.size - 1)
        hit = known[found] == units
        membership[hit] = groups[found[hit]]
    return GroupTree(names, parents, membership, (perspective,) * len(names))


def _data(mapping: Mapping | MappingData) -> MappingData:
    return mapping if isinstance(mapping, MappingData) else load_mapping(mapping)


# -- the kartbild -------------------------------------------------------------------------------


def kartbild_report(mapping: Mapping | MappingData, unit: Unit | None = None) -> KartbildReport:
    """The kartbild of the organisation, or of a unit subtree (the employees of the unit and the
    units below it). A withheld group carries only its label and reason."""
    data = _data(mapping)
    perspectives: list[PerspectiveReport] = []
    unit_label = ""
    if unit is None:
        for item in data.perspectives:
            perspectives.append(
                _perspective_report(data, item, item.root, perspective_label(item.perspective))
            )
    else:
        unit_label = data.tree.label(unit.pk) if unit.pk in data.tree.units else unit.name
        employees = data.perspective(Perspective.EMPLOYEES)
        if employees is not None:
            name = UNIT_GROUP.format(unit.pk)
            if name not in employees.groups.names:
                perspectives.append(
                    _withheld(
                        employees,
                        unit_label,
                        WithheldReason.NO_ANSWERS,
                    )
                )
            else:
                perspectives.append(_perspective_report(data, employees, name, unit_label))
    mapping_obj = data.mapping
    return KartbildReport(
        mapping_obj.pk,
        mapping_obj.name,
        mapping_obj.organisation.name,
        str(mapping_obj.catalogue),
        TOP,
        data.policy.min_group,
        unit.pk if unit else None,
        unit_label,
        tuple(perspectives),
        data.fingerprint + (f":unit-{unit.pk}" if unit else ""),
    )


# -- computed reports, kept in the database ------------------------------------------------------

# Bump when the report dataclasses or what goes into them change, so that reports pickled by an
# older version of the code are never read.
REPORT_FORMAT = 2
# When a report has to be computed, the reports of every unit are computed and stored with it
# (about a millisecond each once the answers are loaded), so that the next unit page visited
# does not read every answer again; above this many units only the page asked for is.
UNITS_AT_ONCE = 200
# One computation per mapping and version at a time, in all web processes together: the requests
# that arrive together after a new response wait for the first and read what it stored, rather
# than all computing the same report side by side on the same cores. The first claims the
# computation with a row of its own in CachedReport (language CLAIM + the language: never a
# language code, so never read as a report); the others poll for the report every
# CLAIM_POLL seconds. A claim older than CLAIM_PATIENCE seconds (its process died, or the
# database is very slow) is not waited for: the request computes the report itself.
CLAIM = "~"
CLAIM_POLL = 0.02
CLAIM_PATIENCE = 20.0
# Within a process the waiting is a lock, which wakes a waiter the moment the report is there.
_computing: dict[int, threading.Lock] = {}
_computing_guard = threading.Lock()


@dataclass(frozen=True)
class AnswersState:
    """What a kartbild page knows before its report: read in a few small queries on every
    request. `version` changes whenever the report could (see `answers_state`)."""

    version: str
    tree: UnitTree
    # The mapping's perspectives, in PERSPECTIVE_ORDER.
    perspectives: tuple[str, ...]


def answers_state(mapping: Mapping, policy: AnonymityPolicy | None = None) -> AnswersState:
    """A hash of everything a kartbild report depends on, in a few small queries whatever the
    number of responses or units: the mapping's settings and state (closing, purging), its
    perspectives and questions, the number of responses per perspective (index-only), the
    invitation codes issued (response rates), the unit tree (names, parents, headcounts) and the
    catalogue version's values.

    Responses are counted, not read: responses are only ever added, except by retention and
    organisation deletion, which delete all of a mapping's responses at once (and purging sets
    `purged_on`), so the count changes with every change of the answers."""
    policy = policy or AnonymityPolicy()
    digest = hashlib.blake2b(digest_size=16)

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode())
        digest.update(b"\x00")

    add(
        REPORT_FORMAT,
        mapping.pk,
        mapping.name,
        mapping.status,
        mapping.picks,
        mapping.closed_on,
        mapping.purged_on,
        mapping.organisation.name,
        mapping.catalogue_id,
        str(mapping.catalogue),
        str(policy),
    )
    order = {p: i for i, p in enumerate(PERSPECTIVE_ORDER)}
    perspectives = sorted(
        mapping.perspectives.prefetch_related("questions"),
        key=lambda mp: order.get(Perspective(mp.perspective), 99),
    )
    for mp in perspectives:
        add(mp.pk, mp.perspective, [(q.pk, q.key) for q in mp.questions.all()])
    # One count per perspective (at most three), each read from the (perspective, day) index.
    add([Response.objects.filter(mapping_perspective=mp).count() for mp in perspectives])
    add(
        sorted(
            CodeBatch.objects.filter(mapping_perspective__mapping=mapping)
            .order_by()
            .values_list("mapping_perspective")
            .annotate(n=Count("*"), size=Sum("size"))
        )
    )
    tree = UnitTree.of(mapping.organisation)
    add(
        sorted(
            (u.pk, u.parent_id, u.name, u.code, u.level, u.headcount) for u in tree.units.values()
        )
    )
    add(
        list(
            mapping.catalogue.values.order_by("position").values_list(
                "position", "slug", "level", "polarity", "type", "name_sv", "name_en"
            )
        )
    )
    return AnswersState(digest.hexdigest(), tree, tuple(str(mp.perspective) for mp in perspectives))


def cached_kartbild_report(
    mapping: Mapping, state: AnswersState, unit: Unit | None = None
) -> KartbildReport:
    """`kartbild_report(mapping, unit)` in the active language, taken from the database when it
    was computed for the same `state.version`, else computed and stored there for every web
    process (models.CachedReport). Only one request in all processes computes a version; the
    others wait for it (see CLAIM) and are then served the report of the very version they
    read, never an older one."""
    language = (get_language() or "sv")[:7]
    scope = unit.pk if unit is not None else 0
    found = _stored_report(mapping, state.version, language, scope)
    if found is not None:
        return found
    with _computing_guard:
        lock = _computing.setdefault(mapping.pk, threading.Lock())
    with lock:
        found = _stored_report(mapping, state.version, language, scope)
        if found is None and not _claim(mapping, state.version, language):
            found = _wait_for_report(mapping, state.version, language, scope)
        if found is not None:
            return found
        try:
            data, reports = _compute_reports(mapping, unit)
            _store_reports(mapping, state.version, language, reports)
        finally:
            # Stored or failed, nobody is to wait for this claim any more (the waiters compute
            # themselves when they find neither the report nor the claim).
            _release(mapping, state.version, language)
    if scope in reports:
        return reports[scope]
    assert unit is not None
    return kartbild_report(data, unit=unit)


def _compute_reports(
    mapping: Mapping, unit: Unit | None
) -> tuple[MappingData, dict[int, KartbildReport]]:
    """Read the answers once and compute the organisation's report, every unit's (up to
    UNITS_AT_ONCE units) and `unit`'s, by scope."""
    data = load_mapping(mapping)
    reports = {0: kartbild_report(data)}
    units = [n.unit for n in data.tree.walk()] if len(data.tree.units) <= UNITS_AT_ONCE else []
    if unit is not None and unit.pk in data.tree.units:
        units.append(unit)
    for each in units:
        reports[each.pk] = kartbild_report(data, unit=each)
    return data, reports


def _store_reports(
    mapping: Mapping, version: str, language: str, reports: dict[int, KartbildReport]
) -> None:
    """Keep `reports` for every process, and delete the rows (reports and claims) of other
    versions in the same transaction."""
    rows = [
        CachedReport(
            mapping=mapping,
            version=version,
            language=language,
            scope=key,
            # Not compressed: zlib took twice as long as pickling, on the path every request
            # after a new response waits on, to save a few KB a row.
            document=pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
        )
        for key, value in reports.items()
    ]
    try:
        with transaction.atomic():
            CachedReport.objects.filter(mapping=mapping).exclude(version=version).delete()
            CachedReport.objects.bulk_create(rows, ignore_conflicts=True)
    except DatabaseError:
        # Keeping the report is only a saving: the page is shown all the same (a busy SQLite
        # file may refuse the write), and the next request tries again.
        logger.warning("could not store the reports of mapping %s", mapping.pk, exc_info=True)


def _claim(mapping: Mapping, version: str, language: str) -> bool:
    """Claim the computation of `version` in `language` for this request: True when no other
    request (in any process) holds a fresh claim on it."""
    claim = CLAIM + language
    stale = timezone.now() - datetime.timedelta(seconds=CLAIM_PATIENCE)
    try:
        with transaction.atomic():
            # A claim that outlived its patience is taken over, not waited for again.
            CachedReport.objects.filter(
                mapping=mapping, version=version, language=claim, created_at__lt=stale
            ).delete()
            CachedReport.objects.create(
                mapping=mapping, version=version, language=claim, scope=0, document=b""
            )
    except IntegrityError:
        return False
    except DatabaseError:
        # A busy database that refuses the claim: compute rather than wait for nobody.
        return True
    return True


def _release(mapping: Mapping, version: str, language: str) -> None:
    try:
        CachedReport.objects.filter(
            mapping=mapping, version=version, language=CLAIM + language
        ).delete()
    except DatabaseError:
        # Left behind, the claim goes stale after CLAIM_PATIENCE or with the next version.
        logger.warning("could not release the claim on mapping %s", mapping.pk, exc_info=True)


def _wait_for_report(
    mapping: Mapping, version: str, language: str, scope: int
) -> KartbildReport | None:
    """The report of `version` once the request holding the claim has stored it, or None when
    the claim is gone or stale without a report (the caller computes it)."""
    deadline = time.monotonic() + CLAIM_PATIENCE
    while time.monotonic() < deadline:
        time.sleep(CLAIM_POLL)
        found = _stored_report(mapping, version, language, scope)
        if found is not None:
            return found
        claimed = CachedReport.objects.filter(
            mapping=mapping, version=version, language=CLAIM + language
        ).exists()
        if not claimed:
            # Stored by a newer version's request (which deletes older rows) or never: compute.
            return _stored_report(mapping, version, language, scope)
    return None


def _stored_report(
    mapping: Mapping, version: str, language: str, scope: int
) -> KartbildReport | None:
    document = (
        CachedReport.objects.filter(
            mapping=mapping, version=version, language=language, scope=scope
        )
        .values_list("document", flat=True)
        .first()
    )
    if document is None:
        return None
    try:
        # Written by this module a moment ago, in the application's own database.
        found = pickle.loads(bytes(document))  # noqa: S301
    except Exception:  # noqa: BLE001 - a row this code cannot read is computed again
        return None
    return found if isinstance(found, KartbildReport) else None


def _withheld(item: PerspectiveData, label: str, reason: WithheldReason) -> PerspectiveReport:
    return PerspectiveReport(
        item.perspective,
        label,
        None,
        None,
        (),
        (),
        Withheld(label, reason, withheld_label(reason)),
    )


def _perspective_report(
    data: MappingData, item: PerspectiveData, group: str, label: str
) -> PerspectiveReport:
    kartbild = item.kartbild
    if group not in kartbild.groups:
        reason = kartbild.gate.reason(group) or WithheldReason.TOO_FEW
        return _withheld(item, label, reason)
    result = kartbild.groups[group]
    questions = tuple(
        _question_report(data, result, key) for key in item.keys if key in result.questions
    )
    frames = tuple(_frame_report(data, frame) for _name, frame in sorted(result.frames.items()))
    return PerspectiveReport(
        item.perspective,
        label,
        result.respondents,
        item.response_rate if group == item.root else None,
        _with_matches(questions),
        frames,
    )


def _value_lines(data: MappingData, table: ValueTable) -> tuple[ValueLine, ...]:
    return tuple(
        ValueLine(
            data.values[row.value],
            row.rank,
            row.votes,
            row.share,
            row.share_low,
            row.share_high,
            row.tied_at_cutoff,
        )
        for row in table.rows(top_only=True)
    )


def _question_report(data: MappingData, result: GroupResult, key: QuestionKey) -> QuestionReport:
    question = result.question(key)
    names = level_names()
    levels = tuple(
        LevelLine(
            level + 1,
            names[level],
            question.levels.positive[level],
            question.levels.limiting[level],
        )
        for level in range(LEVELS)
    )
    type_label = type_names()
    types = tuple(
        TypeLine(t.value, type_label[t.value], question.profile.types[i])
        for i, t in enumerate(VALUE_TYPES)
    )
    return QuestionReport(
        key,
        question_label(key),
        question.respondents,
        _value_lines(data, question.table),
        levels,
        question.levels.self_interest,
        question.levels.transformation,
        question.levels.common_good,
        types,
        question.profile.positive,
        question.profile.limiting,
        _limiting(question.limiting),
    )


def _with_matches(questions: tuple[QuestionReport, ...]) -> tuple[QuestionReport, ...]:
    """Mark each top value with the other questions of its frame (personal values pair with
    every frame) whose top list holds it too."""
    tops = {q.key: {line.value.index for line in q.top} for q in questions}
    marked = []
    for question in questions:
        partners = [
            other
            for other in tops
            if other != question.key
            and (
                other.kind is QuestionKind.PERSONAL
                or question.key.kind is QuestionKind.PERSONAL
                or other.frame == question.key.frame
            )
        ]
        lines = tuple(
            ValueLine(
                line.value,
                line.rank,
                line.votes,
                line.share,
                line.share_low,
                line.share_high,
                line.tied,
                tuple(
                    str(other.kind.value) for other in partners if line.value.index in tops[other]
                ),
            )
            for line in question.top
        )
        marked.append(replace(question, top=lines))
    return tuple(marked)


def _frame_report(data: MappingData, frame: FrameResult) -> FrameReport:
    labels = {
        "personal_current": _("Personliga och rådande"),
        "current_desired": _("Rådande och önskade"),
        "personal_desired": _("Personliga och önskade"),
    }
    matches = []
    for pair, label in labels.items():
        count = getattr(frame.matches, pair)
        if count is None:
            continue
        reading = frame.matches.reading(count)
        assert reading is not None
        matches.append(MatchLine(pair, label, count, reading, reading_label(reading)))

    def changes(items: tuple[ValueChange, ...] | None) -> tuple[ChangeLine, ...]:
        return tuple(
            ChangeLine(data.values[c.value], c.change, c.current, c.desired) for c in items or ()
        )

    return FrameReport(
        frame.frame,
        frame_label(frame.frame),
        tuple(matches),
        changes(frame.jumps),
        changes(frame.drops),
    )


# -- comparisons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DifferenceLine:
    """A value compared between two groups: shares of respondents and whether the difference
    holds after Benjamini-Hochberg correction."""

    value: ValueInfo
    share_first: float
    share_second: float
    difference: float
    q_value: float
    significant: bool

    @property
    def magnitude(self) -> float:
        return abs(self.difference)


@dataclass(frozen=True)
class PairComparison:
    """One question compared between two shown groups."""

    question: QuestionKey
    title: str
    first: str
    second: str
    respondents_first: int
    respondents_second: int
    agreement: float
    agreement_low: float
    agreement_high: float
    differences: tuple[DifferenceLine, ...]  # significant ones only, largest first
    compared_values: int

    @property
    def slug(self) -> str:
        return slugify(f"{self.question}-{self.first}-{self.second}")


@dataclass(frozen=True)
class PerspectiveComparison:
    """The perspectives side by side: their top lists per question, and for each question asked
    in two shown perspectives, the pair compared."""

    columns: tuple[PerspectiveReport, ...]
    pairs: tuple[PairComparison, ...]
    withheld: tuple[Withheld, ...]


def _differences(data: MappingData, comparison: Comparison) -> tuple[DifferenceLine, ...]:
    return tuple(
        DifferenceLine(
            data.values[d.value],
            d.share_first,
            d.share_second,
            d.difference,
            d.q_value,
            d.significant,
        )
        for d in comparison.differences
        if d.significant
    )


def _pair(data: MappingData, comparison: Comparison, key: QuestionKey) -> PairComparison:
    return PairComparison(
        key,
        question_label(key),
        comparison.first,
        comparison.second,
        comparison.respondents_first,
        comparison.respondents_second,
        comparison.agreement,
        comparison.agreement_interval[0],
        comparison.agreement_interval[1],
        _differences(data, comparison),
        len(comparison.differences),
    )


def _rng(data: MappingData, salt: str) -> np.random.Generator:
    """A generator seeded from the data, so that a page shows the same interval on every visit."""
    seed = int.from_bytes(hashlib.blake2b(f"{data.fingerprint}:{salt}".encode()).digest()[:8])
    return np.random.default_rng(seed)


def compare_perspectives(mapping: Mapping | MappingData) -> PerspectiveComparison:
    data = _data(mapping)
    report = kartbild_report(data)
    shown = [item for item in data.perspectives if item.root in item.kartbild.groups]
    pairs = []
    for i, first in enumerate(shown):
        for second in shown[i + 1 :]:
            for key in first.keys:
                if key not in second.keys:
                    continue
                comparison = compare_picks(
                    data.catalogue,
                    first.ballots.question(key).picks,
                    second.ballots.question(key).picks,
                    data.policy,
                    rng=_rng(data, f"{first.perspective}:{second.perspective}:{key}"),
                    first_label=perspective_label(first.perspective),
                    second_label=perspective_label(second.perspective),
                    alpha=ALPHA,
                    resamples=RESAMPLES,
                )
                pairs.append(_pair(data, comparison, key))
    return PerspectiveComparison(
        report.perspectives,
        tuple(pairs),
        tuple(p.withheld for p in report.perspectives if p.withheld),
    )


@dataclass(frozen=True)
class HeatCell:
    """A value's share of respondents in a unit, and whether it differs significantly from the
    rest of the employees (`direction` +1 higher, -1 lower, 0 no significant difference)."""

    value: ValueInfo
    share: float
    direction: int


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    label: str
    depth: int
    respondents: int | None
    limiting: LimitingSummary | None
    limiting_direction: int
    top: tuple[ValueInfo, ...]
    cells: tuple[HeatCell, ...]
    withheld: Withheld | None = None


@dataclass(frozen=True)
class UnitComparison:
    """The heat map of units: for the employees' current culture, each unit's limiting share and
    its share of the organisation's top values, each marked when it differs significantly from
    the rest of the employees. Withheld units carry only their name and reason."""

    question: QuestionKey | None
    title: str
    columns: tuple[ValueInfo, ...]
    organisation: UnitRow | None
    rows: tuple[UnitRow, ...]


def compare_units(mapping: Mapping | MappingData) -> UnitComparison:
    data = _data(mapping)
    employees = data.perspective(Perspective.EMPLOYEES)
    nodes = list(data.tree.walk())
    if employees is None or not nodes:
        return UnitComparison(None, "", (), None, ())
    current = [k for k in employees.keys if k.kind is QuestionKind.CURRENT]
    workplace = [k for k in current if k.frame == QuestionFrame.WORKPLACE]
    key = (workplace or current)[0] if current else None
    kartbild = employees.kartbild
    root = kartbild.groups.get(employees.root)
    if key is None or root is None or key not in root.questions:
        return UnitComparison(key, "", (), None, ())
    root_question = root.question(key)
    root_table = root_question.table
    columns = tuple(data.values[v] for v in root_table.top[:TOP])
    organisation = UnitRow(
        0,
        perspective_label(employees.perspective),
        0,
        root.respondents,
        _limiting(root_question.limiting),
        0,
        tuple(data.values[v] for v in root_table.top[:UNIT_TOP]),
        tuple(HeatCell(v, float(root_table.shares[v.index]), 0) for v in columns),
    )
    rows = []
    for node in nodes:
        name = UNIT_GROUP.format(node.unit.pk)
        label = node.unit.name
        result = kartbild.groups.get(name)
        if result is None or key not in result.questions:
            reason = kartbild.gate.reason(name) or WithheldReason.TOO_FEW
            rows.append(
                UnitRow(
                    node.unit.pk,
                    label,
                    node.depth,
                    None,
                    None,
                    0,
                    (),
                    (),
                    Withheld(label, reason, withheld_label(reason)),
                )
            )
            continue
        question = result.question(key)
        table = question.table
        directions = _directions_against_rest(table, root_table)
        limiting_direction = 0
        if question.limiting is not None and root_question.limiting is not None:
            limiting_direction = _limiting_direction(question.limiting, root_question.limiting)
        rows.append(
            UnitRow(
                node.unit.pk,
                label,
                node.depth,
                result.respondents,
                _limiting(question.limiting),
                limiting_direction,
                tuple(data.values[v] for v in table.top[:UNIT_TOP]),
                tuple(
                    HeatCell(v, float(table.shares[v.index]), int(directions[v.index]))
                    for v in columns
                ),
            )
        )
    return UnitComparison(key, question_label(key), columns, organisation, tuple(rows))


def _limiting(share: LimitingShare | None) -> LimitingSummary | None:
    if share is None:
        return None
    return LimitingSummary(
        share.share,
        share.low,
        share.high,
        share.band,
        band_label(share.band),
        share.limiting_votes,
        share.total_votes,
    )


def _directions_against_rest(unit: ValueTable, whole: ValueTable) -> np.ndarray:
    """Per value +1/-1 where the unit's share differs from the rest of the employees after
    Benjamini-Hochberg over every value either side picked, else 0. Both tables are shown
    groups, so the rest is what is already derivable from them."""
    rest_votes = whole.votes - unit.votes
    rest_n = whole.respondents - unit.respondents
    directions = np.zeros(unit.votes.shape[0], dtype=np.int64)
    if rest_n <= 0 or unit.respondents <= 0:
        return directions
    compared = np.flatnonzero((unit.votes > 0) | (rest_votes > 0))
    if compared.size == 0:
        return directions
    z, p = two_proportion_test(
        unit.votes[compared],
        np.full(compared.size, unit.respondents),
        rest_votes[compared],
        np.full(compared.size, rest_n),
    )
    q = benjamini_hochberg(p)
    significant = q < ALPHA
    directions[compared[significant]] = np.sign(z[significant]).astype(np.int64)
    return directions


def _limiting_direction(unit: LimitingShare, whole: LimitingShare) -> int:
    """+1/-1 when the unit's limiting share lies outside the employees' 95 % interval and the
    employees' share outside the unit's: a conservative reading of two overlapping intervals."""
    if None in (unit.low, unit.high, whole.low, whole.high):
        return 0
    assert unit.low is not None and unit.high is not None
    assert whole.low is not None and whole.high is not None
    if unit.low > whole.high:
        return 1
    if unit.high < whole.low:
        return -1
    return 0


# -- rounds and reference -------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundComparison:
    """This round against the previous one, per perspective and question asked in both rounds
    and shown in both."""

    previous_id: int
    previous_name: str
    pairs: tuple[PairComparison, ...]
    limiting: tuple[tuple[str, LimitingSummary, LimitingSummary], ...]
    withheld: tuple[Withheld, ...]


def previous_round(mapping: Mapping) -> Mapping | None:
    """The round this mapping is compared with (see the module docstring)."""
    if mapping.previous_round_id:
        return (
            Mapping.objects.select_related("organisation", "catalogue")
            .filter(pk=mapping.previous_round_id, organisation=mapping.organisation)
            .first()
        )
    perspectives = set(mapping.perspectives.values_list("perspective", flat=True))
    earlier = Mapping.objects.filter(
        organisation=mapping.organisation, catalogue=mapping.catalogue
    ).exclude(pk=mapping.pk)
    if mapping.opens_on:
        earlier = earlier.filter(
            Q(opens_on__lt=mapping.opens_on) | Q(opens_on=None, pk__lt=mapping.pk)
        )
    else:
        earlier = earlier.filter(pk__lt=mapping.pk)
    for candidate in earlier.select_related("organisation", "catalogue").order_by(
        "-opens_on", "-pk"
    ):
        if set(candidate.perspectives.values_list("perspective", flat=True)) == perspectives:
            return candidate
    return None


def compare_rounds(
    mapping: Mapping | MappingData, previous: Mapping | MappingData | None = None
) -> RoundComparison | None:
    """This round against the previous one; None when there is none (or it used another
    catalogue version, whose values cannot be compared one to one)."""
    data = _data(mapping)
    if previous is None:
        found = previous_round(data.mapping)
        if found is None:
            return None
        previous = found
    before = previous if isinstance(previous, MappingData) else load_mapping(previous, data.policy)
    if before.mapping.catalogue_id != data.mapping.catalogue_id:
        return None
    pairs = []
    limiting = []
    withheld = []
    for item in data.perspectives:
        old = before.perspective(item.perspective)
        if old is None:
            continue
        label = perspective_label(item.perspective)
        for side, name in ((item, data.mapping.name), (old, before.mapping.name)):
            if side.root not in side.kartbild.groups:
                reason = side.kartbild.gate.reason(side.root) or WithheldReason.TOO_FEW
                withheld.append(Withheld(f"{label}, {name}", reason, withheld_label(reason)))
        if item.root not in item.kartbild.groups or old.root not in old.kartbild.groups:
            continue
        now_result = item.kartbild.groups[item.root]
        old_result = old.kartbild.groups[old.root]
        for key in item.keys:
            if key not in old.keys:
                continue
            comparison = compare_picks(
                data.catalogue,
                item.ballots.question(key).picks,
                old.ballots.question(key).picks,
                data.policy,
                rng=_rng(data, f"round:{before.fingerprint}:{item.perspective}:{key}"),
                first_label=f"{label}, {data.mapping.name}",
                second_label=f"{label}, {before.mapping.name}",
                alpha=ALPHA,
                resamples=RESAMPLES,
            )
            pairs.append(_pair(data, comparison, key))
            if key.kind is QuestionKind.CURRENT:
                now_share = _limiting(now_result.question(key).limiting)
                old_share = _limiting(old_result.question(key).limiting)
                if now_share and old_share:
                    limiting.append((f"{label} – {question_label(key)}", now_share, old_share))
    return RoundComparison(
        before.mapping.pk, before.mapping.name, tuple(pairs), tuple(limiting), tuple(withheld)
    )


@dataclass(frozen=True)
class ReferenceComparison:
    name: str
    pairs: tuple[PairComparison, ...]
    # Problems reading the reference against this mapping's catalogue, in the file's words.
    problems: tuple[str, ...]


def check_reference(mapping: Mapping, text: str, source: str, name: str) -> None:
    """Raise InputError (every problem with its line) unless `text` reads as a reference set
    against the mapping's catalogue."""
    read_reference_csv(text, analysis_catalogue(mapping.catalogue), source=source, name=name)


def parse_reference(reference: ReferenceSet, catalogue: Catalogue) -> ParsedReference:
    return read_reference_csv(reference.csv, catalogue, source=reference.name, name=reference.name)


def compare_reference(
    mapping: Mapping | MappingData, reference: ReferenceSet
) -> ReferenceComparison:
    """Each shown perspective against a reference set, for every question the reference lists
    that the perspective was asked. Only the values the reference lists are compared."""
    data = _data(mapping)
    try:
        parsed = parse_reference(reference, data.catalogue)
    except InputError as error:
        return ReferenceComparison(reference.name, (), tuple(error.messages()))
    pairs = []
    for item in data.perspectives:
        if item.root not in item.kartbild.groups:
            continue
        for key in item.keys:
            if key not in parsed.questions:
                continue
            try:
                comparison = compare_with_reference(
                    data.catalogue,
                    item.ballots.question(key).picks,
                    parsed.question(key),
                    data.policy,
                    rng=_rng(data, f"reference:{reference.pk}:{item.perspective}:{key}"),
                    label=perspective_label(item.perspective),
                    alpha=ALPHA,
                    resamples=RESAMPLES,
                )
            except AnalysisError:
                # No answer falls on the values the reference lists: nothing to compare.
                continue
            pairs.append(_pair(data, comparison, key))
    return ReferenceComparison(reference.name, tuple(pairs), ())
