"""The kartbild in sentences: the messages that the PDF summary, the slide titles and the dialogue
guides lead with. Each says what one gated number of `reports.report` shows; none computes one.

A message is a plain sentence in the active language; value names are the catalogue's own
(lower case in both languages), so they read well inside a sentence."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kartbild.mappings.models import Perspective
from kartbild.reports.report import (
    ChangeLine,
    DifferenceLine,
    FrameReport,
    PairComparison,
    PerspectiveReport,
    QuestionReport,
)

# A message names at most three values: a slide title or a sentence in a summary stays readable.
NAMED_VALUES = 3


def percent(share: float | None, digits: int = 0) -> str:
    if share is None:
        return "–"
    # A no-break space: "70 %" never breaks between the number and its sign.
    return f"{number_format(100 * share, digits)}\u00a0%"


def join_words(words: Sequence[str]) -> str:
    """ "a", "a och b", "a, b och c" (or "and" in English)."""
    words = list(words)
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return _("%(first)s och %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def subject(perspective: str) -> str:
    """The perspective as the subject of a sentence: "Medarbetarna ser ..."."""
    return {
        Perspective.EMPLOYEES: _("Medarbetarna"),
        Perspective.CITIZENS: _("Medborgarna"),
        Perspective.ELECTED: _("De förtroendevalda"),
    }.get(Perspective(perspective), str(perspective))


def top_names(question: QuestionReport, count: int = NAMED_VALUES) -> list[str]:
    return [line.value.name for line in question.top[:count]]


def current_message(report: PerspectiveReport, question: QuestionReport) -> str:
    return _("%(who)s ser %(values)s som en del av kulturen idag") % {
        "who": subject(report.perspective),
        "values": join_words(top_names(question)),
    }


def desired_message(report: PerspectiveReport, question: QuestionReport) -> str:
    return _("%(who)s önskar en kultur med %(values)s") % {
        "who": subject(report.perspective),
        "values": join_words(top_names(question)),
    }


def personal_message(report: PerspectiveReport, question: QuestionReport) -> str:
    return _("%(who)s bär själva med sig %(values)s") % {
        "who": subject(report.perspective),
        "values": join_words(top_names(question)),
    }


def question_message(report: PerspectiveReport, question: QuestionReport) -> str:
    kind = question.key.kind.value
    if kind == "current":
        return current_message(report, question)
    if kind == "desired":
        return desired_message(report, question)
    return personal_message(report, question)


def limiting_message(question: QuestionReport) -> str:
    limiting = question.limiting
    if limiting is None:
        return ""
    return _("%(share)s av rösterna om kulturen idag går till potentiellt begränsande värden") % {
        "share": percent(limiting.share)
    }


def limiting_detail(question: QuestionReport) -> str:
    limiting = question.limiting
    if limiting is None:
        return ""
    if limiting.low is None or limiting.high is None:
        return _("Läge: %(band)s.") % {"band": limiting.band_label}
    return _("Läge: %(band)s. Med 95 %% säkerhet ligger andelen mellan %(low)s och %(high)s.") % {
        "band": limiting.band_label,
        "low": percent(limiting.low),
        "high": percent(limiting.high),
    }


def jumps_message(report: PerspectiveReport, frame: FrameReport) -> str:
    if not frame.jumps:
        return ""
    return _("%(who)s vill se mer av %(values)s") % {
        "who": subject(report.perspective),
        "values": join_words([c.value.name for c in frame.jumps[:NAMED_VALUES]]),
    }


def drops_message(report: PerspectiveReport, frame: FrameReport) -> str:
    if not frame.drops:
        return ""
    return _("%(who)s vill se mindre av %(values)s") % {
        "who": subject(report.perspective),
        "values": join_words([c.value.name for c in frame.drops[:NAMED_VALUES]]),
    }


def change_text(change: ChangeLine) -> str:
    sign = "+" if change.change > 0 else "−"
    return _("%(value)s (%(sign)s%(votes)s röster)") % {
        "value": change.value.name,
        "sign": sign,
        "votes": abs(change.change),
    }


def match_message(frame: FrameReport, top: int) -> str:
    match = next((m for m in frame.matches if m.pair == "current_desired"), None)
    if match is None:
        return ""
    return _(
        "Kulturen idag och den önskade kulturen delar %(count)s av %(top)s värden: %(reading)s "
        "överensstämmelse"
    ) % {"count": match.count, "top": top, "reading": match.reading_label}


def difference_message(pair: PairComparison, difference: DifferenceLine) -> str:
    more, less = (pair.first, pair.second)
    if difference.difference < 0:
        more, less = less, more
    high = max(difference.share_first, difference.share_second)
    low = min(difference.share_first, difference.share_second)
    return _("%(more)s väljer %(value)s oftare än %(less)s (%(high)s mot %(low)s)") % {
        "more": more,
        "less": less.lower(),
        "value": difference.value.name,
        "high": percent(high),
        "low": percent(low),
    }


def agreement_message(pair: PairComparison) -> str:
    return _("%(first)s och %(second)s: %(share)s av rösterna ligger på samma värden") % {
        "first": pair.first,
        "second": pair.second.lower(),
        "share": percent(pair.agreement),
    }
