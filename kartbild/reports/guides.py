"""Dialogue guides (samtalsunderlag): for each audience of a mapping — employees, citizens, elected
officials — a printable guide that makes DESIGN.md's dialogue questions concrete with the
organisation's own results, plus a facilitator page.

A guide quotes only what `reports.report` let through (via `exports.content`): the audience's top
values, its largest jumps and drops, and the significant differences between it and the other
perspectives. When the audience's group is withheld, the guide says why and keeps the questions
without numbers, so the conversation can still be held."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kartbild.mappings.models import Perspective
from kartbild.reports.exports import messages
from kartbild.reports.exports.content import ExportContent, ExportFile, Progress, filename
from kartbild.reports.report import PerspectiveReport, perspective_label

# A guide names five values per list: enough to talk about, few enough to remember.
GUIDE_VALUES = 5
# Differences quoted per other perspective.
GUIDE_DIFFERENCES = 3


@dataclass(frozen=True)
class Fact:
    """A line of results in a guide: a value and what the numbers say about it."""

    text: str
    limiting: bool = False


@dataclass(frozen=True)
class Section:
    question: str
    intro: str
    facts: tuple[Fact, ...]
    prompts: tuple[str, ...]
    # Votes more and fewer in the desired culture than today, listed apart from the facts.
    changes: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Guide:
    audience: str
    audience_label: str
    title: str
    purpose: str
    mapping_name: str
    organisation: str
    scope: str
    respondents: int | None
    # Why the audience's numbers are not shown; empty when they are.
    withheld: str
    sections: tuple[Section, ...]
    min_group: int


def _purpose(audience: str) -> str:
    return {
        Perspective.EMPLOYEES: _(
            "Underlaget är till för ett samtal bland medarbetare, till exempel på en "
            "arbetsplatsträff eller i en värdegrundsworkshop med deltagare från flera enheter."
        ),
        Perspective.CITIZENS: _(
            "Underlaget är till för ett samtal med invånare, till exempel i en medborgardialog, "
            "ett möte med en förening eller ett öppet möte på biblioteket."
        ),
        Perspective.ELECTED: _(
            "Underlaget är till för ett samtal bland förtroendevalda, till exempel i en nämnd, "
            "ett utskott eller på en utbildningsdag för fullmäktige."
        ),
    }[Perspective(audience)]


def _meaning_prompts(audience: str) -> tuple[str, ...]:
    own = {
        Perspective.EMPLOYEES: _("Vad betyder bilden för hur jag gör mitt arbete i morgon?"),
        Perspective.CITIZENS: _("Vad betyder bilden för mig som bor och lever här?"),
        Perspective.ELECTED: _("Vad betyder bilden för de beslut vi fattar och hur vi fattar dem?"),
    }[Perspective(audience)]
    return (
        own,
        _("Vad innebär det för medarbetarna?"),
        _("Vad innebär det för brukarna och medborgarna?"),
        _("Vad innebär det för de förtroendevalda?"),
        _("Vad är en sak vi kan göra annorlunda redan nu?"),
    )


def _value_facts(report: PerspectiveReport, kind: str) -> tuple[tuple[Fact, ...], str]:
    frame = report.main_frame
    question = next(
        (
            q
            for q in report.questions
            if q.key.kind.value == kind and (frame is None or q.key.frame == frame.frame)
        ),
        None,
    )
    if question is None or not question.top:
        return (), ""
    facts = tuple(
        Fact(
            _("%(value)s – valt av %(share)s")
            % {
                "value": line.value.name,
                "share": messages.percent(line.share),
            },
            line.value.limiting,
        )
        for line in question.top[:GUIDE_VALUES]
    )
    return facts, question.top[0].value.name


def build_guide(content: ExportContent, audience: str) -> Guide:
    """The guide for one audience (a perspective of the mapping)."""
    report = content.report
    label = perspective_label(audience)
    title = _("Samtalsunderlag: %(audience)s") % {"audience": label.lower()}
    perspective = report.perspective(audience)
    if perspective is None or not perspective.shown:
        reason = perspective.withheld.explanation if perspective and perspective.withheld else ""
        return Guide(
            audience,
            label,
            title,
            _purpose(audience),
            report.mapping_name,
            report.organisation,
            report.scope,
            None,
            reason or _("inga svar"),
            _sections_without_numbers(audience),
            report.min_group,
        )
    return Guide(
        audience,
        label,
        title,
        _purpose(audience),
        report.mapping_name,
        report.organisation,
        report.scope,
        perspective.respondents,
        "",
        _sections(content, perspective),
        report.min_group,
    )


def _sections(content: ExportContent, perspective: PerspectiveReport) -> tuple[Section, ...]:
    who = messages.subject(perspective.perspective)
    current, first_current = _value_facts(perspective, "current")
    desired, first_desired = _value_facts(perspective, "desired")
    current_question = perspective.main_current
    limiting = (
        (
            messages.limiting_message(current_question)
            + ". "
            + messages.limiting_detail(current_question)
        )
        if current_question and current_question.limiting
        else ""
    )
    sections = [
        Section(
            _("Stämmer bilden med hur det ser ut hos oss?"),
            (_("%(who)s beskriver kulturen idag med de här värdena:") % {"who": who})
            + (" " + limiting if limiting else ""),
            current,
            tuple(
                p
                for p in (
                    _("Känner ni igen bilden? Var i vardagen märks %(value)s?")
                    % {"value": first_current}
                    if first_current
                    else "",
                    _("Vad saknas i bilden? Vad skulle ni ha lagt till?"),
                    _("Vilket av värdena är lättast att känna igen, och vilket är svårast?"),
                )
                if p
            ),
        )
    ]
    frame = perspective.main_frame
    jumps = tuple(
        Fact(messages.change_text(c)) for c in (frame.jumps if frame else ())[:GUIDE_VALUES]
    )
    drops = tuple(
        Fact(messages.change_text(c), c.value.limiting)
        for c in (frame.drops if frame else ())[:GUIDE_VALUES]
    )
    sections.append(
        Section(
            _("Varför väljer vi vissa värderingar framför andra?"),
            _(
                "Så här vill %(who_lower)s att kulturen ska vara. Skillnaden mot idag visar vad "
                "som önskas mer av och mindre av (antal röster fler eller färre)."
            )
            % {"who_lower": who.lower()},
            desired,
            tuple(
                p
                for p in (
                    _("Varför tror ni att så många valde %(value)s?") % {"value": first_desired}
                    if first_desired
                    else "",
                    _("Vad skulle det betyda i praktiken att få mer av %(value)s?")
                    % {"value": frame.jumps[0].value.name}
                    if frame and frame.jumps
                    else "",
                    _("Vad behöver vi sluta göra för att komma dit?"),
                )
                if p
            ),
            jumps + drops,
        )
    )
    differences = _differences(content, perspective.perspective)
    if content.perspectives is not None and len(content.report.shown) > 1:
        sections.append(
            Section(
                _("Ser andra samma kultur som vi?"),
                _(
                    "Så skiljer sig bilden mellan grupperna. Bara skillnader som håller statistiskt "
                    "finns med."
                )
                if differences
                else _("Grupperna ser kulturen på ungefär samma sätt: inga säkra skillnader."),
                differences,
                (
                    _("Varför kan andra se vår kultur på ett annat sätt än vi själva?"),
                    _("Vad kan vi lära av hur de andra ser på oss?"),
                ),
            )
        )
    sections.append(
        Section(
            _(
                "Vad innebär det för mig? För medarbetarna? För brukarna och medborgarna? "
                "För de förtroendevalda?"
            ),
            _("Avsluta med det som går att göra något åt."),
            (),
            _meaning_prompts(perspective.perspective),
        )
    )
    return tuple(sections)


def _differences(content: ExportContent, audience: str) -> tuple[Fact, ...]:
    if content.perspectives is None:
        return ()
    label = perspective_label(audience)
    found = []
    for pair in content.perspectives.pairs:
        if label not in (pair.first, pair.second):
            continue
        for difference in pair.differences[:GUIDE_DIFFERENCES]:
            found.append(
                (
                    abs(difference.difference),
                    Fact(f"{pair.title}: {messages.difference_message(pair, difference)}"),
                )
            )
    found.sort(key=lambda item: -item[0])
    return tuple(fact for _size, fact in found[: 2 * GUIDE_DIFFERENCES])


def _sections_without_numbers(audience: str) -> tuple[Section, ...]:
    return (
        Section(
            _("Stämmer bilden med hur det ser ut hos oss?"),
            _("Beskriv kulturen idag med några egna ord innan ni pratar."),
            (),
            (_("Vilka tre ord beskriver kulturen hos oss idag?"), _("Var i vardagen märks de?")),
        ),
        Section(
            _("Varför väljer vi vissa värderingar framför andra?"),
            "",
            (),
            (
                _("Hur vill vi att kulturen ska vara?"),
                _("Vad behöver vi sluta göra för att komma dit?"),
            ),
        ),
        Section(
            _(
                "Vad innebär det för mig? För medarbetarna? För brukarna och medborgarna? "
                "För de förtroendevalda?"
            ),
            "",
            (),
            _meaning_prompts(audience),
        ),
    )


def audiences(content: ExportContent) -> tuple[str, ...]:
    """The audiences the mapping has guides for: its perspectives, in the report's order."""
    return tuple(p.perspective for p in content.report.perspectives)


def guide_html(content: ExportContent, audience: str) -> str:
    """The guide as a printable HTML document (the PDF is made from it)."""
    return render_to_string(
        "reports/guides/guide_pdf.html", {"guide": build_guide(content, audience)}
    )


def render_guide_pdf(content: ExportContent, audience: str, progress: Progress) -> ExportFile:
    from weasyprint import HTML

    document = guide_html(content, audience)
    progress(70)
    pdf = HTML(string=document).write_pdf()
    assert pdf is not None
    return ExportFile(
        pdf, filename(content, "pdf", prefix=f"samtalsunderlag-{audience}"), "application/pdf"
    )
