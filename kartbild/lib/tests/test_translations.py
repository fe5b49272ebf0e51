"""The English translation: complete, not fuzzy, and compiled from the .po file as it is now.

No database: the .po file is read with a small parser here, the .mo file with the standard
library's gettext."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
PO_FILE = MESSAGES / "django.po"
MO_FILE = MESSAGES / "django.mo"

KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|__[A-Z]+__")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """How gettext names the entry in a compiled catalogue."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Every active entry of a .po file, the header included (its msgid is empty)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    pending_flags: set[str] = set()

    def start(line: int) -> Entry:
        nonlocal pending_flags
        entry = Entry(line=line, flags=pending_flags)
        pending_flags = set()
        entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text:
            current, target = None, None
            continue
        if text.startswith("#~"):  # obsolete entry: not part of the catalogue
            continue
        if text.startswith("#,"):
            pending_flags |= {flag.strip() for flag in text[2:].split(",") if flag.strip()}
            continue
        if text.startswith("#"):
            continue
        match = KEYWORD.match(text)
        if match:
            keyword, index, literal = match.groups()
            value = ast.literal_eval(literal)
            if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
                current = start(number)
            assert current is not None, f"line {number}: {keyword} outside an entry"
            if keyword == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                position = int(index) if index is not None else 0
                current.msgstr[position], target = value, ("msgstr", position)
            continue
        assert text.startswith('"') and current is not None and target is not None, (
            f"line {number}: cannot read {raw!r}"
        )
        value = ast.literal_eval(text)
        name, position = target
        if name == "msgstr":
            current.msgstr[position] += value
        elif name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        else:
            setattr(current, name, getattr(current, name) + value)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries: list[Entry]) -> list[Entry]:
    """The translatable entries, without the header."""
    return [entry for entry in entries if entry.msgid or entry.msgctxt]


def plural_count(entries: list[Entry]) -> int:
    header = next(entry for entry in entries if not entry.msgid and entry.msgctxt is None)
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def test_the_parser_reads_plurals_contexts_and_multi_line_strings(tmp_path: Path) -> None:
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "knapp"\nmsgid ""\n"Spara "\n"%(n)s"\n'
        'msgstr "Save %(n)s"\n\n'
        'msgid "%(n)s svar"\nmsgid_plural "%(n)s svar"\nmsgstr[0] "%(n)s answer"\n'
        'msgstr[1] ""\n"%(n)s \\"answers\\""\n\n'
        '#~ msgid "Gammal"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    header, saved, answers = parse_po(po)
    assert "nplurals=2" in header.msgstr[0]
    assert (saved.msgctxt, saved.msgid, saved.msgstr) == ("knapp", "Spara %(n)s", {0: "Save %(n)s"})
    assert saved.flags == {"fuzzy", "python-format"}
    assert answers.msgid_plural == "%(n)s svar"
    assert answers.msgstr == {0: "%(n)s answer", 1: '%(n)s "answers"'}
    assert answers.flags == set()


def test_the_po_file_has_messages(messages: list[Entry]) -> None:
    assert len(messages) > 100


def test_every_message_is_translated_in_every_plural_form(entries: list[Entry]) -> None:
    forms = plural_count(entries)
    untranslated = []
    for entry in entries:
        if not entry.msgid and entry.msgctxt is None:
            continue
        wanted = range(forms) if entry.msgid_plural is not None else range(1)
        if sorted(entry.msgstr) != list(wanted) or not all(entry.msgstr.values()):
            untranslated.append(str(entry))
    assert untranslated == []


def test_no_message_is_marked_fuzzy(entries: list[Entry]) -> None:
    assert [str(entry) for entry in entries if "fuzzy" in entry.flags] == []


def test_every_translation_keeps_the_placeholders_of_its_swedish_original(
    messages: list[Entry],
) -> None:
    broken = []
    for entry in messages:
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for position, translation in entry.msgstr.items():
            source = sources[min(position, 1)]
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translation)):
                broken.append(f"{entry} [{position}]: {translation!r}")
    assert broken == []


def test_the_compiled_mo_file_holds_exactly_the_translations_of_the_po_file(
    messages: list[Entry],
) -> None:
    """Compare contents, not modification times: a git checkout gives both files a new mtime."""
    with MO_FILE.open("rb") as mo:
        catalog = dict(gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)  # the header
    expected: dict[object, str] = {}
    for entry in messages:
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            for position, translation in entry.msgstr.items():
                expected[(entry.key, position)] = translation
    missing = sorted(str(key) for key in expected.keys() - catalog.keys())
    extra = sorted(str(key) for key in catalog.keys() - expected.keys())
    different = sorted(
        str(key) for key in expected.keys() & catalog.keys() if expected[key] != catalog[key]
    )
    hint = "run: manage.py compilemessages --ignore=.venv"
    assert missing == [], hint
    assert extra == [], hint
    assert different == [], hint


@pytest.mark.parametrize(
    ("swedish", "english"),
    [
        ("Logga in", "Log in"),
        ("Tack för ditt svar!", "Thank you for your answer!"),
        ("Medarbetare", "Employees"),
        ("Potentiellt begränsande", "Potentially limiting"),
        ("Inbjudningskoder", "Invitation codes"),
    ],
)
def test_key_strings_read_in_english_when_english_is_active(swedish: str, english: str) -> None:
    with override("en"):
        assert _(swedish) == english
    with override("sv"):
        assert _(swedish) == swedish


def test_a_message_with_placeholders_is_filled_in_in_english() -> None:
    with override("en"):
        text = _("Välj exakt %(n)s värden. Du har valt %(chosen)s.") % {"n": 10, "chosen": 7}
    assert text == "Choose exactly 10 values. You have chosen 7."


def test_plural_messages_choose_the_english_form_by_number() -> None:
    singular, plural = "%(n)s svarande", "%(n)s svarande"
    with override("en"):
        assert ngettext(singular, plural, 1) % {"n": 1} == "1 respondent"
        assert ngettext(singular, plural, 12) % {"n": 12} == "12 respondents"
