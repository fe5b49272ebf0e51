"""The kartbild pages: the overview, one page per perspective, the comparisons and the unit
subtree page. Every number comes from `reports.report` (through the anonymity gate); the charts
from `reports.charts`.

Access (docs/reports.md): admins and analysts see everything; facilitators the organisation-wide
pages (they present them in the dialogue), not the unit pages; unit managers only the pages of
their own unit subtree. Another organisation's mapping or unit is 404, a role that may not 403."""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from kartbild.accounts import audit
from kartbild.accounts.access import visible_unit_ids
from kartbild.accounts.models import Membership, Role
from kartbild.analysis.errors import InputError
from kartbild.mappings.models import Mapping, Perspective
from kartbild.mappings.views import access_mapping
from kartbild.organisations.models import Unit
from kartbild.reports import charts, report
from kartbild.reports.models import ReferenceSet

# Who sees the organisation-wide kartbild.
ORGANISATION_ROLES = (Role.ADMIN, Role.ANALYST, Role.FACILITATOR)
# Who sees unit-level detail of the whole organisation, and manages reference sets.
ANALYSIS_ROLES = (Role.ADMIN, Role.ANALYST)
# Comparisons are cached under the answers' fingerprint; a day keeps unused ones from piling up.
CACHE_SECONDS = 24 * 3600
# A reference table is a few hundred lines; anything much larger is not one.
MAX_REFERENCE_BYTES = 1_000_000
TEMPLATES = Path(__file__).resolve().parent / "templates" / "reports"


def _figure(chart: charts.Chart, element_id: str) -> dict[str, Any]:
    return {
        "id": element_id,
        "title": chart.title,
        "description": chart.description,
        "svg": mark_safe(chart.inline(element_id)),  # noqa: S308 - our own SVG
    }


def _render(
    request: HttpRequest,
    template: str,
    membership: Membership,
    mapping: Mapping,
    perspectives: Sequence[str],
    **context: Any,
) -> HttpResponse:
    audit.record(request, "viewed_report", mapping, detail=request.path)
    return render(
        request,
        template,
        {
            "membership": membership,
            "organisation": mapping.organisation,
            "mapping": mapping,
            "report_perspectives": [(p, report.perspective_label(p)) for p in perspectives],
            "sees_organisation": membership.role in ORGANISATION_ROLES,
            "sees_units": membership.role in ANALYSIS_ROLES,
            **context,
        },
    )


# Requests of one process that render the same body wait for the first (see `_body`); a pool of
# its own, apart from `_DRAWING`, which a body's rendering takes inside.
_RENDERING = tuple(threading.Lock() for _ in range(16))


@functools.cache
def _templates_digest() -> str:
    """A hash of this app's page templates, so that a changed template (a deploy) is never
    served from a body rendered by the old one, even from a cache shared by processes."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(TEMPLATES.glob("*.html")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _body(
    template: str, state: report.AnswersState, subject: str, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """The part of a kartbild page that shows the report, rendered once per version of the
    answers (`state.version`), subject and language and then taken from the cache: rendering
    the tables and charts of a report is most of a warm page's time. The part is the same for
    every reader allowed to see it (nothing of the user, the session or a form is in it); the
    page around it (navigation, links to the units the reader may see) is rendered per request."""
    key = hashlib.blake2b(
        f"{_templates_digest()}:{charts.CHART_VERSION}:{template}:{state.version}:"
        f"{get_language()}:{subject}".encode(),
        digest_size=16,
    ).hexdigest()
    html = cache.get(f"reports:body:{key}")
    if not isinstance(html, str):
        # Right after a new response every request of the page misses at once: the first
        # renders, the others of this process wait for it and read what it kept.
        with _RENDERING[int(key[:4], 16) % len(_RENDERING)]:
            html = cache.get(f"reports:body:{key}")
            if not isinstance(html, str):
                html = render_to_string(template, context())
                cache.set(f"reports:body:{key}", html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, which escapes


@login_required
def overview(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *ORGANISATION_ROLES)
    state = report.answers_state(mapping)
    body = _body(
        "reports/overview_body.html",
        state,
        f"{mapping.organisation.slug}:overview",
        lambda: {
            "report": report.cached_kartbild_report(mapping, state),
            "organisation": mapping.organisation,
            "mapping": mapping,
        },
    )
    return _render(
        request,
        "reports/overview.html",
        membership,
        mapping,
        state.perspectives,
        body=body,
        page="overview",
    )


def _perspectives(data: report.MappingData | None) -> list[str]:
    return [p.perspective for p in data.perspectives] if data else []


# Requests of one process that show the same charts at once (right after a new response, when
# the report's fingerprint is new) wait for the first to draw them and then read them from the
# cache, rather than all drawing the same charts side by side. A fixed set of locks, picked by
# the charts' subject, so that nothing grows with the number of versions.
_DRAWING = tuple(threading.Lock() for _ in range(16))


def _drawing(subject: str) -> threading.Lock:
    digest = hashlib.blake2b(subject.encode(), digest_size=2).digest()
    return _DRAWING[int.from_bytes(digest) % len(_DRAWING)]


def _perspective_context(
    kartbild: report.KartbildReport, perspective: report.PerspectiveReport, prefix: str
) -> dict[str, Any]:
    if not perspective.shown:
        return {"perspective": perspective}
    with _drawing(f"{kartbild.fingerprint}:{perspective.perspective}"):
        return _drawn_context(kartbild, perspective, prefix)


def _drawn_context(
    kartbild: report.KartbildReport, perspective: report.PerspectiveReport, prefix: str
) -> dict[str, Any]:
    drawn = charts.perspective_charts(kartbild, perspective)
    return {
        "perspective": perspective,
        "values_figure": _figure(drawn["values"], f"{prefix}-values"),
        "levels_figure": _figure(drawn["levels"], f"{prefix}-levels"),
        "types_figure": _figure(drawn["types"], f"{prefix}-types"),
        "change_figures": [
            (frame, _figure(drawn[f"changes:{frame.frame}"], f"{prefix}-changes-{frame.frame}"))
            for frame in perspective.frames
            if f"changes:{frame.frame}" in drawn
        ],
        "values_columns": _value_columns(perspective),
        "level_rows": [
            (f"{level} {name}", [q.levels[level - 1] for q in perspective.questions])
            for level, name in enumerate(report.level_names(), start=1)
        ],
    }


def _value_columns(perspective: report.PerspectiveReport) -> list[report.QuestionReport]:
    """The questions of the values plot: personal values and the main frame's culture."""
    frame = perspective.main_frame.frame if perspective.main_frame else ""
    return [q for q in perspective.questions if not q.key.frame or q.key.frame == frame]


@login_required
def perspective(request: HttpRequest, org: str, mapping_id: int, perspective: str) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *ORGANISATION_ROLES)
    if perspective not in Perspective.values:
        raise Http404
    state = report.answers_state(mapping)
    if perspective not in state.perspectives:
        raise Http404

    def context() -> dict[str, Any]:
        kartbild = report.cached_kartbild_report(mapping, state)
        found = kartbild.perspective(perspective)
        assert found is not None  # the report has every perspective of the mapping
        return {"report": kartbild, **_perspective_context(kartbild, found, perspective)}

    body = _body("reports/perspective_body.html", state, f"perspective:{perspective}", context)
    return _render(
        request,
        "reports/perspective.html",
        membership,
        mapping,
        state.perspectives,
        body=body,
        page=perspective,
        heading=report.perspective_label(perspective),
    )


@login_required
def unit(request: HttpRequest, org: str, mapping_id: int, unit_id: int) -> HttpResponse:
    roles = (*ANALYSIS_ROLES, Role.UNIT_MANAGER)
    membership, mapping = access_mapping(request, org, mapping_id, *roles)
    found = get_object_or_404(Unit, pk=unit_id, organisation=membership.organisation)
    visible = visible_unit_ids(membership)
    if visible is not None and found.pk not in visible:
        raise PermissionDenied
    state = report.answers_state(mapping)
    subunits = [
        node.unit
        for node in state.tree.walk(found.pk)
        if node.depth == 0 and (visible is None or node.unit.pk in visible)
    ]
    parent = state.tree.units.get(found.parent_id) if found.parent_id else None

    def context() -> dict[str, Any]:
        kartbild = report.cached_kartbild_report(mapping, state, unit=found)
        if not kartbild.perspectives:
            return {"report": kartbild, "perspective": None}
        return {
            "report": kartbild,
            **_perspective_context(kartbild, kartbild.perspectives[0], f"unit-{found.pk}"),
        }

    return _render(
        request,
        "reports/unit.html",
        membership,
        mapping,
        state.perspectives,
        body=_body("reports/perspective_body.html", state, f"unit:{found.pk}", context),
        unit=found,
        parent=parent if visible is None or found.parent_id in visible else None,
        subunits=subunits,
        page="unit",
        heading=state.tree.label(found.pk) if found.pk in state.tree.units else found.name,
    )


@login_required
def compare_perspectives(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *ORGANISATION_ROLES)
    data = report.load_mapping(mapping)
    # The bootstrap intervals cost a few hundred milliseconds: compute them once per set of
    # answers and language (the fingerprint changes with every new answer).
    comparison = cache.get_or_set(
        f"reports:perspectives:{data.fingerprint}:{get_language()}",
        lambda: report.compare_perspectives(data),
        CACHE_SECONDS,
    )
    assert isinstance(comparison, report.PerspectiveComparison)
    kinds = []
    for kind, title in (
        ("personal", _("Personliga värderingar")),
        ("current", _("Rådande kultur")),
        ("desired", _("Önskad kultur")),
    ):
        columns = []
        for column in comparison.columns:
            if not column.shown:
                continue
            questions = [q for q in column.questions if q.key.kind.value == kind]
            if questions:
                columns.append((column, questions[0]))
        if columns:
            kinds.append((title, columns))
    return _render(
        request,
        "reports/compare_perspectives.html",
        membership,
        mapping,
        _perspectives(data),
        comparison=comparison,
        kinds=kinds,
        page="compare-perspectives",
    )


@login_required
def compare_units(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *ANALYSIS_ROLES)
    data = report.load_mapping(mapping)
    units = report.compare_units(data)
    figure = (
        _figure(charts.heatmap_chart(units, data.fingerprint), "units-heatmap")
        if units.rows
        else None
    )
    return _render(
        request,
        "reports/compare_units.html",
        membership,
        mapping,
        _perspectives(data),
        units=units,
        figure=figure,
        page="compare-units",
    )


@login_required
def compare_rounds(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *ORGANISATION_ROLES)
    data = report.load_mapping(mapping)
    previous = report.previous_round(mapping)
    rounds = None
    if previous is not None:
        rounds = cache.get_or_set(
            f"reports:rounds:{data.fingerprint}:{previous.pk}:{get_language()}",
            lambda: report.compare_rounds(data, previous),
            CACHE_SECONDS,
        )
    return _render(
        request,
        "reports/compare_rounds.html",
        membership,
        mapping,
        _perspectives(data),
        previous=previous,
        rounds=rounds,
        page="compare-rounds",
    )


class ReferenceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Namn"), max_length=120)
    file = forms.FileField(
        label=gettext_lazy("Fil (CSV)"),
        help_text=gettext_lazy(
            "Kolumnerna question, value, share (eller percent) och n; en rad per fråga och värde."
        ),
    )


@login_required
def compare_reference(request: HttpRequest, org: str, mapping_id: int) -> HttpResponse:
    membership, mapping = access_mapping(request, org, mapping_id, *ORGANISATION_ROLES)
    references = list(ReferenceSet.objects.filter(organisation=mapping.organisation))
    may_upload = membership.role in ANALYSIS_ROLES
    form = ReferenceForm()
    problems: list[str] = []
    data = None
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        form = ReferenceForm(request.POST, request.FILES)
        if form.is_valid():
            created = _save_reference(mapping, form, problems)
            if created is not None:
                messages.success(request, _("Referensdata är inläst."))
                response = redirect("reports:compare_reference", org=org, mapping_id=mapping.pk)
                response["Location"] += f"?referens={created.pk}"
                return response
    selected = None
    requested = request.GET.get("referens", "")
    if requested.isdigit():
        selected = next((r for r in references if r.pk == int(requested)), None)
    elif references and not requested:
        selected = references[0]
    comparison = None
    if selected is not None:
        data = report.load_mapping(mapping)
        comparison = report.compare_reference(data, selected)
    return _render(
        request,
        "reports/compare_reference.html",
        membership,
        mapping,
        _perspectives(data),
        references=references,
        selected=selected,
        comparison=comparison,
        form=form,
        may_upload=may_upload,
        import_errors=problems,
        page="compare-reference",
    )


def _save_reference(
    mapping: Mapping, form: ReferenceForm, problems: list[str]
) -> ReferenceSet | None:
    """Store an uploaded reference set if it reads against the mapping's catalogue; otherwise
    fill `problems` (in the file's own terms, line by line) and store nothing."""
    upload = form.cleaned_data["file"]
    if upload.size > MAX_REFERENCE_BYTES:
        problems.append(_("Filen är för stor för att vara en referenstabell (högst 1 MB)."))
        return None
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(_("Filen är inte en textfil i UTF-8."))
        return None
    name = form.cleaned_data["name"]
    try:
        report.check_reference(mapping, text, upload.name, name)
    except InputError as error:
        problems.extend(reference_problem(p.line, p.message) for p in error.problems)
        return None
    return ReferenceSet.objects.create(organisation=mapping.organisation, name=name, csv=text)


# The analysis core describes problems in English (it is a library and a command-line tool);
# the page says the common ones in Swedish and keeps the core's words for the rest.
_REFERENCE_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"unknown value '(?P<x>.*)': not in the catalogue"),
        gettext_noop("okänt värde ”%(x)s”"),
    ),
    (
        re.compile(r"share '(?P<x>.*)' is not a number"),
        gettext_noop("andelen ”%(x)s” är inte ett tal"),
    ),
    (
        re.compile(r"share (?P<x>.*) is outside 0-1"),
        gettext_noop("andelen %(x)s ligger inte mellan 0 och 1"),
    ),
    (
        re.compile(r"percent (?P<x>.*) is outside 0-100"),
        gettext_noop("procentsatsen %(x)s ligger inte mellan 0 och 100"),
    ),
    (
        re.compile(r"n '(?P<x>.*)' is not a positive whole number"),
        gettext_noop("n ”%(x)s” är inte ett positivt heltal"),
    ),
    (re.compile(r"missing column '(?P<x>[^']*)'"), gettext_noop("kolumnen ”%(x)s” saknas")),
    (re.compile(r"unknown question '(?P<x>[^']*)'"), gettext_noop("okänd fråga ”%(x)s”")),
    (
        re.compile(r".* already given on line (?P<x>\d+)"),
        gettext_noop("samma fråga och värde finns redan på rad %(x)s"),
    ),
    (re.compile(r"no rows"), gettext_noop("filen har inga rader")),
    (re.compile(r"the file is empty"), gettext_noop("filen är tom")),
]


def reference_problem(line: int | None, message: str) -> str:
    """One problem of an uploaded reference table, in Swedish when it is a common one."""
    text = message
    for pattern, swedish in _REFERENCE_PROBLEMS:
        found = pattern.match(message)
        if found:
            text = _(swedish) % {"x": found.groupdict().get("x", "")}
            break
    if line is None:
        return text
    return _("Rad %(line)s: %(problem)s") % {"line": line, "problem": text}
