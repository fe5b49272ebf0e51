"""The export of everything an organisation owns, as one zip file, for moving to another host or
answering a request for its data.

What is in it: the organisation, its unit tree, its accounts (user name, name, e-mail, role — no
passwords), its own catalogue versions, every mapping's settings and questions, every mapping's
results as the gated kartbild (the same document the retention keeps: only groups the anonymity
gate shows carry numbers), the answers to open questions of perspectives large enough for free
text (in random order, without anything else about the respondent), and the audit log.

What is not: individual responses (picks with background answers can single out a person in a
small group, so they leave the system only as gated aggregates), drafts, invitation codes and
which codes were used (a used code tells that the person the letter went to has answered).
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from kartbild.accounts.models import AuditEvent, Membership
from kartbild.analysis.gate import AnonymityPolicy, Purpose
from kartbild.catalogue.models import ValueCatalogue
from kartbild.mappings.letters import spreadsheet_safe
from kartbild.mappings.models import Mapping, MappingPerspective, OpenAnswer, Response
from kartbild.mappings.purge import snapshot_document
from kartbild.organisations.models import Organisation, Unit

README = """Kartbild: export av organisationens data / export of the organisation's data

organisation.json          organisationen / the organisation
enheter.csv                enhetsträdet / the unit tree
konton.csv                 konton och roller (inga lösenord) / accounts and roles (no passwords)
vardekataloger/            organisationens egna versioner av värdekatalogen / own catalogue versions
kartlaggningar/<id>-<namn>/
  installningar.json       inställningar och frågor / settings and questions
  resultat.json            kartbilden genom anonymitetsspärren / the kartbild through the anonymity gate
  oppna-svar-<perspektiv>.txt  svar på den öppna frågan, i slumpad ordning, bara för grupper med
                           minst {free_text} svar / open answers, shuffled, only for groups of at
                           least {free_text}
logg.csv                   vem som har sett och exporterat vad / who viewed and exported what

Finns inte med / Not included: enskilda svar, utkast, inbjudningskoder och vilka koder som har
använts. Individual responses, drafts, invitation codes and which codes were used are never
exported: in a small group they could point to a person.
"""


def organisation_export(organisation: Organisation) -> bytes:
    """The zip file of everything the organisation owns that may leave the system."""
    policy = AnonymityPolicy()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LASMIG.txt", README.format(free_text=policy.min_free_text))
        archive.writestr("organisation.json", _json(_organisation(organisation)))
        archive.writestr("enheter.csv", _units_csv(organisation))
        archive.writestr("konton.csv", _accounts_csv(organisation))
        for catalogue in ValueCatalogue.objects.filter(organisation=organisation):
            name = f"vardekataloger/{slugify(catalogue.name) or 'katalog'}-v{catalogue.version}.csv"
            archive.writestr(name, _catalogue_csv(catalogue))
        mappings = Mapping.objects.filter(organisation=organisation).select_related("catalogue")
        for mapping in mappings:
            folder = f"kartlaggningar/{mapping.pk}-{slugify(mapping.name) or 'kartlaggning'}/"
            archive.writestr(folder + "installningar.json", _json(_settings(mapping)))
            snapshot = getattr(mapping, "snapshot", None) if mapping.purged_on else None
            results = snapshot.document if snapshot else snapshot_document(mapping)
            archive.writestr(folder + "resultat.json", _json(results))
            for mp in mapping.perspectives.all():
                answers = _open_answers(mp, policy)
                if answers:
                    archive.writestr(
                        folder + f"oppna-svar-{mp.perspective}.txt", "\n\n".join(answers) + "\n"
                    )
        archive.writestr("logg.csv", _audit_csv(organisation))
    return buffer.getvalue()


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    # A byte order mark and semicolons: how Swedish Excel opens a CSV with a double click.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in row])
    return buffer.getvalue()


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "code": organisation.code,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
    }


def _units_csv(organisation: Organisation) -> str:
    units = Unit.objects.filter(organisation=organisation).select_related("parent")
    return _csv(
        ["kod", "namn", "nivå", "överordnad", "anställda"],
        [
            [u.code, u.name, u.level, u.parent.code if u.parent else "", u.headcount]
            for u in units.order_by("code")
        ],
    )


def _accounts_csv(organisation: Organisation) -> str:
    memberships = Membership.objects.filter(organisation=organisation).select_related(
        "user", "unit"
    )
    return _csv(
        ["användarnamn", "namn", "e-post", "roll", "enhet"],
        [
            [
                m.user.get_username(),
                m.user.get_full_name(),
                m.user.email,
                m.role,
                m.unit.code if m.unit else "",
            ]
            for m in memberships.order_by("user__username")
        ],
    )


def _catalogue_csv(catalogue: ValueCatalogue) -> str:
    return _csv(
        ["position", "slug", "namn", "name", "nivå", "polaritet", "typ", "ramar", "dold"],
        [
            [
                v.position,
                v.slug,
                v.name_sv,
                v.name_en,
                v.level,
                v.polarity,
                v.type,
                v.frames,
                v.hidden,
            ]
            for v in catalogue.values.order_by("position")
        ],
    )


def _settings(mapping: Mapping) -> dict[str, Any]:
    return {
        "name": mapping.name,
        "status": mapping.status,
        "catalogue": {"name": mapping.catalogue.name, "version": mapping.catalogue.version},
        "opens_on": mapping.opens_on,
        "closes_on": mapping.closes_on,
        "closed_on": mapping.closed_on,
        "picks": mapping.picks,
        "ask_unit": mapping.ask_unit,
        "ask_age": mapping.ask_age,
        "ask_tenure": mapping.ask_tenure,
        "districts": mapping.district_list,
        "open_question": mapping.open_question,
        "retention_months": mapping.retention_months,
        "purged_on": mapping.purged_on,
        "perspectives": {
            mp.perspective: {
                "open_link": mp.open_link,
                "questions": [q.key for q in mp.questions.all()],
            }
            for mp in mapping.perspectives.prefetch_related("questions")
        },
    }


def _open_answers(mapping_perspective: MappingPerspective, policy: AnonymityPolicy) -> list[str]:
    """Free text only for a perspective with enough respondents for free text, shuffled so that
    the order says nothing about who answered when."""
    respondents = Response.objects.filter(mapping_perspective=mapping_perspective).count()
    if not policy.shows(respondents, Purpose.FREE_TEXT):
        return []
    texts = list(
        OpenAnswer.objects.filter(mapping_perspective=mapping_perspective).values_list(
            "text", flat=True
        )
    )
    secrets.SystemRandom().shuffle(texts)
    return texts


def _audit_csv(organisation: Organisation) -> str:
    events = AuditEvent.objects.filter(organisation=organisation).order_by("at", "pk")
    return _csv(
        ["tid", "användare", "händelse", "objekt", "detalj"],
        [
            [e.at.isoformat(timespec="seconds"), e.username, e.action, e.object_label, e.detail]
            for e in events
        ],
    )
