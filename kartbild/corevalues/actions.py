"""Workflows of the värdegrund, called by views, the demo seed and tests alike.

A version is authored as a draft, published once, and never edited again: changing a published
värdegrund means `copy_to_new_version` (a draft of version + 1 that remembers what each value and
behaviour was copied from) and `publish` (which marks the version before it replaced).

A workflow that refuses raises `Rejected` with a Swedish message for the person who asked, and
the database is then unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Max, ProtectedError, QuerySet
from django.utils.translation import gettext as _

from kartbild.catalogue.models import Value, ValueCatalogue
from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework
from kartbild.organisations.models import Organisation

# The lengths the model allows (CoreValueFramework.introduction, Behaviour.text …).
INTRODUCTION_MAX_LENGTH = 4000


class Rejected(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The form field the message is about, or None for the whole form.
        self.field = field


def read_only(framework: CoreValueFramework) -> Rejected:
    """The refusal for a change to a published or replaced version."""
    return Rejected(
        _(
            "Version %(version)s av %(name)s är %(status)s och kan inte ändras. "
            "Skapa en ny version för att ändra värdegrunden."
        )
        % {
            "version": framework.version,
            "name": framework.name,
            "status": framework.get_status_display().lower(),
        }
    )


def _require_draft(framework: CoreValueFramework) -> None:
    if not framework.is_draft:
        raise read_only(framework)


def _locked(framework: CoreValueFramework) -> CoreValueFramework:
    """The framework row again, locked for the rest of the transaction, so that two requests
    cannot both publish or copy it."""
    return CoreValueFramework.objects.select_for_update().get(pk=framework.pk)


def linkable_values(framework: CoreValueFramework) -> QuerySet[Value]:
    """The catalogue values a value of this framework may link to: the values of its catalogue
    (or, without one, of every catalogue the organisation sees) that are not hidden."""
    if framework.catalogue_id is not None:
        values = Value.objects.filter(catalogue_id=framework.catalogue_id)
    else:
        values = Value.objects.filter(
            catalogue__in=ValueCatalogue.objects.visible_to(framework.organisation)
        )
    return values.filter(hidden=False).select_related("catalogue")


def _check_links(framework: CoreValueFramework, values: Iterable[Value]) -> list[Value]:
    chosen = list(values)
    allowed = set(
        linkable_values(framework)
        .filter(pk__in=[value.pk for value in chosen])
        .values_list("pk", flat=True)
    )
    # A value already linked stays allowed when it was hidden later.
    if chosen and len(allowed) < len(chosen):
        allowed |= set(
            Value.objects.filter(
                core_values__framework=framework, pk__in=[value.pk for value in chosen]
            ).values_list("pk", flat=True)
        )
    if any(value.pk not in allowed for value in chosen):
        raise Rejected(
            _("Ett av de valda värdena finns inte i värdegrundens värdekatalog."),
            field="catalogue_values",
        )
    return chosen


def _clean_text(text: str, field: str, label: str, limit: int, multiline: bool = False) -> str:
    """The text trimmed (and, on one line, with its runs of spaces made one), or a refusal
    naming the field when it is empty or too long."""
    cleaned = text.strip() if multiline else " ".join(text.split())
    if not cleaned:
        raise Rejected(_("%(label)s behöver fyllas i.") % {"label": label}, field=field)
    if len(cleaned) > limit:
        raise Rejected(
            _("%(label)s får vara högst %(limit)s tecken.") % {"label": label, "limit": limit},
            field=field,
        )
    return cleaned


def _clean_introduction(introduction: str) -> str:
    cleaned = introduction.strip()
    if len(cleaned) > INTRODUCTION_MAX_LENGTH:
        raise Rejected(
            _("Inledningen får vara högst %(limit)s tecken.") % {"limit": INTRODUCTION_MAX_LENGTH},
            field="introduction",
        )
    return cleaned


@transaction.atomic
def create_draft(
    organisation: Organisation,
    name: str,
    introduction: str = "",
    catalogue: ValueCatalogue | None = None,
) -> CoreValueFramework:
    """A new värdegrund, version 1, as an empty draft. `catalogue` is the one whose values its
    values may link to; it must be the shipped catalogue or one of the organisation's own."""
    name = _clean_text(name, "name", _("Namn"), 120)
    if (
        catalogue is not None
        and not ValueCatalogue.objects.visible_to(organisation).filter(pk=catalogue.pk).exists()
    ):
        raise Rejected(_("Värdekatalogen hör inte till organisationen."), field="catalogue")
    return CoreValueFramework.objects.create(
        organisation=organisation,
        name=name,
        introduction=_clean_introduction(introduction),
        catalogue=catalogue,
        version=1,
    )


@transaction.atomic
def update_framework(
    framework: CoreValueFramework, name: str, introduction: str
) -> CoreValueFramework:
    framework = _locked(framework)
    _require_draft(framework)
    framework.name = _clean_text(name, "name", _("Namn"), 120)
    framework.introduction = _clean_introduction(introduction)
    framework.save(update_fields=["name", "introduction"])
    return framework


@transaction.atomic
def add_value(
    framework: CoreValueFramework,
    name: str,
    description: str,
    catalogue_values: Iterable[Value] = (),
) -> CoreValue:
    """A value at the end of the framework's list."""
    framework = _locked(framework)
    _require_draft(framework)
    links = _check_links(framework, catalogue_values)
    last = framework.values.aggregate(last=Max("position"))["last"]
    value = CoreValue.objects.create(
        framework=framework,
        name=_clean_text(name, "name", _("Namn"), 80),
        description=_clean_text(description, "description", _("Beskrivning"), 2000, True),
        position=0 if last is None else last + 1,
    )
    value.catalogue_values.set(links)
    return value


@transaction.atomic
def update_value(
    value: CoreValue, name: str, description: str, catalogue_values: Iterable[Value]
) -> CoreValue:
    framework = _locked(value.framework)
    _require_draft(framework)
    links = _check_links(framework, catalogue_values)
    value.name = _clean_text(name, "name", _("Namn"), 80)
    value.description = _clean_text(description, "description", _("Beskrivning"), 2000, True)
    value.save(update_fields=["name", "description"])
    value.catalogue_values.set(links)
    return value


def _move(rows: list[CoreValue] | list[Behaviour], pk: int, offset: int) -> None:
    """Swap the row with its neighbour `offset` (-1 up, +1 down) steps away; at either end
    nothing moves. Positions are renumbered 0, 1, 2 … on the way."""
    order = [row.pk for row in rows]
    index = order.index(pk)
    target = index + offset
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    by_pk = {row.pk: row for row in rows}
    for position, row_pk in enumerate(order):
        row = by_pk[row_pk]
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def move_value(value: CoreValue, offset: int) -> None:
    """Move a value one step up (-1) or down (+1) in its framework."""
    framework = _locked(value.framework)
    _require_draft(framework)
    _move(list(framework.values.all()), value.pk, 1 if offset > 0 else -1)


@transaction.atomic
def delete_value(value: CoreValue) -> None:
    """Remove a value and its behaviours from a draft."""
    _require_draft(_locked(value.framework))
    _delete(value)


@transaction.atomic
def add_behaviour(
    value: CoreValue,
    text: str,
    audience: str = Behaviour.Audience.EVERYONE,
    kind: str = Behaviour.Kind.BEHAVIOUR,
) -> Behaviour:
    """A behaviour statement or principle at the end of the value's list."""
    _require_draft(_locked(value.framework))
    audience, kind = _check_choices(audience, kind)
    last = value.behaviours.aggregate(last=Max("position"))["last"]
    return Behaviour.objects.create(
        core_value=value,
        text=_clean_text(text, "text", _("Text"), 300),
        audience=audience,
        kind=kind,
        position=0 if last is None else last + 1,
    )


def _check_choices(audience: str, kind: str) -> tuple[str, str]:
    if audience not in Behaviour.Audience.values:
        raise Rejected(_("Välj vilka beteendet gäller."), field="audience")
    if kind not in Behaviour.Kind.values:
        raise Rejected(_("Välj om det är ett beteende eller en princip."), field="kind")
    return audience, kind


@transaction.atomic
def update_behaviour(behaviour: Behaviour, text: str, audience: str, kind: str) -> Behaviour:
    _require_draft(_locked(behaviour.core_value.framework))
    audience, kind = _check_choices(audience, kind)
    behaviour.text = _clean_text(text, "text", _("Text"), 300)
    if audience != behaviour.audience:
        # To the end of the other audience's list, where the author will look for it.
        last = behaviour.core_value.behaviours.filter(audience=audience).aggregate(
            last=Max("position")
        )["last"]
        behaviour.position = 0 if last is None else last + 1
    behaviour.audience, behaviour.kind = audience, kind
    behaviour.save(update_fields=["text", "audience", "kind", "position"])
    return behaviour


@transaction.atomic
def move_behaviour(behaviour: Behaviour, offset: int) -> None:
    """Move a behaviour one step up (-1) or down (+1) among its value's behaviours for the same
    audience (the pages list each audience apart)."""
    _require_draft(_locked(behaviour.core_value.framework))
    siblings = list(behaviour.core_value.behaviours.filter(audience=behaviour.audience))
    _move(siblings, behaviour.pk, 1 if offset > 0 else -1)


@transaction.atomic
def delete_behaviour(behaviour: Behaviour) -> None:
    _require_draft(_locked(behaviour.core_value.framework))
    _delete(behaviour)


def _delete(row: CoreValueFramework | CoreValue | Behaviour) -> None:
    try:
        row.delete()
    except ProtectedError as protected:
        # Something measured it (a follow-up round): it is kept, whatever state it is in.
        raise Rejected(
            _("Det går inte att ta bort: en uppföljning eller ett mål bygger på det.")
        ) from protected


@transaction.atomic
def delete_draft(framework: CoreValueFramework) -> None:
    """Throw a draft away; published and replaced versions are kept for good."""
    _require_draft(_locked(framework))
    _delete(framework)


@transaction.atomic
def copy_to_new_version(framework: CoreValueFramework) -> CoreValueFramework:
    """A draft of the next version of a published värdegrund: its name, introduction and
    catalogue, every value with its description and catalogue links, every behaviour, each
    copy pointing at what it was copied from (`carried_from`), so that follow-up trends can
    cross versions. Only the published version has a next one, and only one."""
    locked = CoreValueFramework.objects.select_for_update().get(pk=framework.pk)
    if locked.status != CoreValueFramework.Status.PUBLISHED:
        raise Rejected(_("Bara den publicerade versionen kan bli utgångspunkt för en ny version."))
    if CoreValueFramework.objects.filter(previous_version=locked).exists():
        raise Rejected(
            _("Det finns redan ett utkast till version %(version)s.")
            % {"version": locked.version + 1}
        )
    draft = CoreValueFramework.objects.create(
        organisation=locked.organisation,
        name=locked.name,
        introduction=locked.introduction,
        catalogue=locked.catalogue,
        version=locked.version + 1,
        previous_version=locked,
    )
    for value in locked.values.prefetch_related("catalogue_values", "behaviours"):
        copy = CoreValue.objects.create(
            framework=draft,
            name=value.name,
            description=value.description,
            position=value.position,
            carried_from=value,
        )
        copy.catalogue_values.set(value.catalogue_values.all())
        Behaviour.objects.bulk_create(
            Behaviour(
                core_value=copy,
                text=behaviour.text,
                audience=behaviour.audience,
                kind=behaviour.kind,
                position=behaviour.position,
                carried_from=behaviour,
            )
            for behaviour in value.behaviours.all()
        )
    return draft


def publication_problems(framework: CoreValueFramework) -> list[str]:
    """Why the draft cannot be published yet: it needs a value, and every value needs at least
    one behaviour or principle (follow-up rounds ask about those)."""
    values = list(framework.values.prefetch_related("behaviours"))
    if not values:
        return [_("Lägg till minst ett värde innan värdegrunden publiceras.")]
    return [
        _("Värdet ”%(name)s” har inga beteenden eller principer ännu.") % {"name": value.name}
        for value in values
        if not value.behaviours.all()
    ]


@transaction.atomic
def publish(framework: CoreValueFramework, on: date) -> CoreValueFramework:
    """Publish a draft on the given date: it becomes the organisation's current värdegrund, and
    the version published before it (whichever the organisation had) is marked replaced."""
    locked = CoreValueFramework.objects.select_for_update().get(pk=framework.pk)
    _require_draft(locked)
    problems = publication_problems(locked)
    if problems:
        raise Rejected(" ".join(problems))
    current = list(
        CoreValueFramework.objects.select_for_update()
        .published()
        .filter(organisation=locked.organisation)
    )
    if any(earlier.published_on and earlier.published_on > on for earlier in current):
        raise Rejected(_("Publiceringsdatumet kan inte vara före den nuvarande versionens."))
    CoreValueFramework.objects.filter(pk__in=[earlier.pk for earlier in current]).update(
        status=CoreValueFramework.Status.REPLACED
    )
    locked.status = CoreValueFramework.Status.PUBLISHED
    locked.published_on = on
    locked.save(update_fields=["status", "published_on"])
    return locked
