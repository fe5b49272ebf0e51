"""Workflows of the value catalogue. Views, commands and tests all call these.

A catalogue version that a mapping uses never changes: results record the positions of the values
they were computed on. The shipped catalogue is shared by every organisation, so no organisation
changes it either; an organisation derives its own version and changes that."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kartbild.catalogue.datafile import (
    LIMITING_LEVELS,
    SLUG_PATTERN,
    CatalogueRow,
    read_catalogue_file,
)
from kartbild.catalogue.models import LEVELS, Frame, Polarity, Value, ValueCatalogue, ValueType
from kartbild.organisations.models import Organisation

SHIPPED_NAME = "Kartbilds värdekatalog"
SHIPPED_VERSION = 1
SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "catalogue-v1.csv"
# A respondent reads every word offered; a list far beyond the shipped one cannot be read on a
# phone, and a mistaken script should not fill the catalogue.
MAX_VALUES = 400


class Rejected(Exception):
    """A change that cannot be made; the message is for the person who asked for it, and `field`
    names the form field it concerns, if one does."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def join_frames(frames: Iterable[str]) -> str:
    """The stored form of a set of frames: pipe-separated, in the order of `Frame`."""
    chosen = set(frames)
    return "|".join(frame for frame in Frame.values if frame in chosen)


def load_shipped_catalogue(
    path: Path = SHIPPED_FILE, version: int = SHIPPED_VERSION
) -> ValueCatalogue:
    """The shipped catalogue of this version, created from the data file the first time.

    Running it again changes nothing. If the version already exists with other content, it raises
    Rejected: mappings may use that version, so a changed file must become a new version."""
    rows = read_catalogue_file(path)
    existing = _shipped(version)
    if existing is None:
        try:
            with transaction.atomic():
                catalogue = ValueCatalogue.objects.create(
                    organisation=None, name=SHIPPED_NAME, version=version
                )
                Value.objects.bulk_create(
                    _value_from_row(catalogue, position, row) for position, row in enumerate(rows)
                )
            return catalogue
        except IntegrityError:
            # Another process loaded the same version at the same moment.
            existing = _shipped(version)
            if existing is None:
                raise
    _check_same_content(existing, rows)
    return existing


def _shipped(version: int) -> ValueCatalogue | None:
    return ValueCatalogue.objects.filter(
        organisation=None, name=SHIPPED_NAME, version=version
    ).first()


def _value_from_row(catalogue: ValueCatalogue, position: int, row: CatalogueRow) -> Value:
    return Value(
        catalogue=catalogue,
        position=position,
        slug=row.slug,
        name_sv=row.name_sv,
        name_en=row.name_en,
        description_sv=row.description_sv,
        description_en=row.description_en,
        level=row.level,
        polarity=row.polarity,
        type=row.type,
        frames=join_frames(row.frames),
    )


def _content(value: Value) -> tuple[object, ...]:
    return (
        value.position,
        value.slug,
        value.name_sv,
        value.name_en,
        value.description_sv,
        value.description_en,
        value.level,
        value.polarity,
        value.type,
        value.frames,
    )


def _check_same_content(catalogue: ValueCatalogue, rows: list[CatalogueRow]) -> None:
    stored = [_content(value) for value in catalogue.values.order_by("position")]
    wanted = [_content(_value_from_row(catalogue, i, row)) for i, row in enumerate(rows)]
    if stored == wanted:
        return
    if len(stored) != len(wanted):
        difference = _("den har %(stored)s värden, filen %(wanted)s") % {
            "stored": len(stored),
            "wanted": len(wanted),
        }
    else:
        first = next(i for i, (a, b) in enumerate(zip(stored, wanted, strict=True)) if a != b)
        difference = _("värde nummer %(number)s (%(slug)s) skiljer sig") % {
            "number": first + 1,
            "slug": wanted[first][1],
        }
    raise Rejected(
        _(
            "%(name)s version %(version)s finns redan med ett annat innehåll: %(difference)s. "
            "En katalogversion som kartläggningar kan använda ändras aldrig; "
            "leverera ändringarna som en ny version."
        )
        % {"name": catalogue.name, "version": catalogue.version, "difference": difference}
    )


def derive_catalogue(
    source: ValueCatalogue, organisation: Organisation, name: str
) -> ValueCatalogue:
    """A new version of the organisation's catalogue called `name`, with the values of `source`
    at the same positions and with the same slugs (hidden ones stay hidden).

    The version number is one more than the organisation's latest version with that name."""
    name = " ".join(name.split())
    if not name:
        raise Rejected(_("Ge den nya versionen ett namn."), field="name")
    limit = _max_length(ValueCatalogue, "name")
    if len(name) > limit:
        raise Rejected(_("Högst %(limit)s tecken.") % {"limit": limit}, field="name")
    if source.organisation_id not in (None, organisation.pk):
        raise Rejected(_("Katalogen finns inte."), field="source")
    with transaction.atomic():
        latest = ValueCatalogue.objects.filter(organisation=organisation, name=name).aggregate(
            latest=Max("version")
        )["latest"]
        try:
            with transaction.atomic():
                catalogue = ValueCatalogue.objects.create(
                    organisation=organisation,
                    name=name,
                    version=(latest or 0) + 1,
                    derived_from=source,
                )
        except IntegrityError:
            raise Rejected(
                _("Någon skapade en version med samma namn samtidigt. Försök igen."), field="name"
            ) from None
        Value.objects.bulk_create(
            Value(
                catalogue=catalogue,
                position=value.position,
                slug=value.slug,
                name_sv=value.name_sv,
                name_en=value.name_en,
                description_sv=value.description_sv,
                description_en=value.description_en,
                level=value.level,
                polarity=value.polarity,
                type=value.type,
                frames=value.frames,
                hidden=value.hidden,
            )
            for value in source.values.order_by("position")
        )
    return catalogue


def check_changeable(catalogue: ValueCatalogue) -> None:
    """Raises Rejected when the catalogue may not change: it is shipped or a mapping uses it."""
    if catalogue.is_shipped:
        raise Rejected(
            _(
                "Den levererade katalogen delas av alla organisationer och ändras inte. "
                "Skapa en egen version och ändra den."
            )
        )
    if catalogue.is_locked:
        raise Rejected(
            _(
                "En kartläggning använder den här versionen, så den kan inte längre ändras. "
                "Skapa en ny version och ändra den."
            )
        )


def add_value(
    catalogue: ValueCatalogue,
    *,
    name_sv: str,
    name_en: str,
    description_sv: str,
    description_en: str,
    level: int,
    polarity: str,
    type: str,
    frames: Iterable[str],
    slug: str = "",
) -> Value:
    """A local value at the end of the organisation's own, unused catalogue version.

    Checked like the shipped data file: limiting only on levels 1–3, a slug unique within the
    catalogue (made from the Swedish name when none is given), names not already used."""
    chosen_frames = set(frames)
    slug = slug.strip()
    value = Value(
        catalogue=catalogue,
        name_sv=" ".join(name_sv.split()),
        name_en=" ".join(name_en.split()),
        description_sv=" ".join(description_sv.split()),
        description_en=" ".join(description_en.split()),
        level=level,
        polarity=polarity,
        type=type,
        frames=join_frames(chosen_frames),
    )
    _check_fields(value, chosen_frames)
    # The data file's slug form (a–z, 0–9, single hyphens), so that an exported catalogue reads back.
    value.slug = slugify((slug or value.name_sv).replace("_", " "))[: _max_length(Value, "slug")]
    value.slug = value.slug.strip("-")
    if not SLUG_PATTERN.fullmatch(value.slug):
        raise Rejected(
            _("Kortnamnet måste innehålla minst en bokstav eller siffra."),
            field="slug" if slug else "name_sv",
        )
    with transaction.atomic():
        # Locking the catalogue row serialises additions, so two of them cannot take one position.
        locked = ValueCatalogue.objects.select_for_update().get(pk=catalogue.pk)
        check_changeable(locked)
        existing = list(locked.values.all())
        _check_unique(value, existing, slug_given=bool(slug))
        if len(existing) >= MAX_VALUES:
            raise Rejected(_("En katalog kan ha högst %(max)s värden.") % {"max": MAX_VALUES})
        value.position = max((v.position for v in existing), default=-1) + 1
        value.save()
    return value


def _check_fields(value: Value, frames: set[str]) -> None:
    for field in ("name_sv", "name_en", "description_sv", "description_en"):
        text, limit = getattr(value, field), _max_length(Value, field)
        if not text:
            raise Rejected(_("Fältet måste fyllas i."), field=field)
        if len(text) > limit:
            raise Rejected(_("Högst %(limit)s tecken.") % {"limit": limit}, field=field)
    if value.level not in LEVELS:
        raise Rejected(_("Nivån måste vara 1–7."), field="level")
    if value.polarity not in Polarity.values:
        raise Rejected(_("Välj positivt eller potentiellt begränsande."), field="polarity")
    if value.polarity == Polarity.LIMITING and value.level not in LIMITING_LEVELS:
        raise Rejected(
            _("Ett potentiellt begränsande värde kan bara ligga på nivå 1–3."), field="polarity"
        )
    if value.type not in ValueType.values:
        raise Rejected(
            _("Välj en typ: individ, relation, organisation eller samhälle."), field="type"
        )
    if not frames or not frames <= set(Frame.values):
        raise Rejected(_("Välj minst en ram som värdet passar i."), field="frames")


def _max_length(model: type[Value] | type[ValueCatalogue], field: str) -> int:
    return int(model._meta.get_field(field).max_length)  # type: ignore[union-attr,arg-type]


def _check_unique(value: Value, existing: list[Value], slug_given: bool) -> None:
    # Paper answers name values by slug, Swedish or English name, so, as in the data file, each
    # of these must point at one value whichever column it is in.
    taken = {name.casefold() for v in existing for name in (v.slug, v.name_sv, v.name_en)}
    for field in ("name_sv", "name_en"):
        if getattr(value, field).casefold() in taken:
            raise Rejected(
                _("Det finns redan ett värde som heter ”%(name)s”.")
                % {"name": getattr(value, field)},
                field=field,
            )
    if value.slug in taken:
        if slug_given:
            message = _("Kortnamnet ”%(slug)s” används redan i katalogen.")
        else:
            message = _(
                "Kortnamnet ”%(slug)s” som skapas av namnet används redan i katalogen. "
                "Skriv ett eget kortnamn."
            )
        raise Rejected(message % {"slug": value.slug}, field="slug")


def set_hidden(value: Value, hidden: bool) -> Value:
    """Hide a value from (or show it again in) the organisation's own, unused catalogue version.

    A hidden value keeps its position, so versions derived later stay comparable."""
    with transaction.atomic():
        catalogue = ValueCatalogue.objects.select_for_update().get(pk=value.catalogue_id)
        check_changeable(catalogue)
        Value.objects.filter(pk=value.pk).update(hidden=hidden)
    value.hidden = hidden
    return value
