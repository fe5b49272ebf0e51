"""Workflows of workshops, called by views, commands and tests alike.

A workflow that refuses raises `Rejected` with a Swedish message for the person who asked; the
database is then unchanged."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kartbild.catalogue.models import Value
from kartbild.corevalues.models import CoreValue
from kartbild.followups.models import FollowUp
from kartbild.mappings.letters import spreadsheet_safe
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Organisation, Unit
from kartbild.organisations.tree import TreeNode, UnitTree
from kartbild.steering.models import Goal, Indicator
from kartbild.workshops.models import (
    Action,
    Attendee,
    Invitation,
    LiveParticipant,
    Reflection,
    Statement,
    Step,
    Vote,
    Word,
    Workshop,
    WorkshopSession,
    new_join_code,
)

# Two people lead a session (DESIGN.md: two värdegrundsledare), so that one can moderate while
# the other talks.
FACILITATORS = 2

# A participant may propose this many statements per window, and this many in the whole
# session: enough for anyone with something to say, few enough that one phone cannot bury the
# facilitator's moderation queue.
PROPOSALS_PER_WINDOW = 3
PROPOSAL_WINDOW = timedelta(minutes=5)
PROPOSALS_PER_SESSION = 10
# Reflections per participant: a few thoughts, not a chat.
REFLECTIONS_PER_PARTICIPANT = 3

STATEMENT_MAX_LENGTH = 200
REFLECTION_MAX_LENGTH = 1000
WORD_MAX_LENGTH = 40

ATTENDANCE_CSV_HEADER = ["serie", "datum", "plats", "namn", "e-post", "enhet", "närvarade"]


class Rejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- planning ------------------------------------------------------------------------------------


def plan_session(
    workshop: Workshop,
    *,
    on: date,
    start_time: time,
    facilitators: Iterable[Any],
    end_time: time | None = None,
    place: str = "",
) -> WorkshopSession:
    """Plan a session of a series with its two facilitators."""
    leaders = list(facilitators)
    if len(leaders) != FACILITATORS:
        raise Rejected(_("Välj två värdegrundsledare."))
    with transaction.atomic():
        session = WorkshopSession.objects.create(
            workshop=workshop, date=on, start_time=start_time, end_time=end_time, place=place
        )
        session.facilitators.set(leaders)
    return session


def invite(session: WorkshopSession, name: str, email: str, unit: Unit) -> Invitation:
    """Invite a person to a session. A person already known to the organisation (the same
    e-mail, or without e-mail the same name and unit) is the same attendee, so that coverage
    counts people rather than invitations."""
    organisation = session.workshop.organisation
    if unit.organisation_id != organisation.pk:
        raise Rejected(_("Välj en enhet i organisationen."))
    name = " ".join(name.split())
    email = email.strip().lower()
    if not name:
        raise Rejected(_("Skriv deltagarens namn."))
    same = Q(email=email) if email else Q(email="", name__iexact=name, unit=unit)
    attendee = Attendee.objects.filter(same, organisation=organisation).first()
    if attendee is None:
        attendee = Attendee.objects.create(
            organisation=organisation, name=name, email=email, unit=unit
        )
    elif attendee.unit_id != unit.pk:
        # People move between units; coverage counts them where they are now.
        attendee.unit = unit
        attendee.save(update_fields=["unit"])
    invitation, created = Invitation.objects.get_or_create(session=session, attendee=attendee)
    if not created:
        raise Rejected(_("%(name)s är redan inbjuden.") % {"name": attendee.name})
    return invitation


def record_attendance(session: WorkshopSession, attended_ids: Iterable[int]) -> int:
    """Mark who came: the invitations with these ids attended, the others did not."""
    ids = set(attended_ids)
    with transaction.atomic():
        session.invitations.update(attended=False)
        return session.invitations.filter(pk__in=ids).update(attended=True)


@dataclass(frozen=True)
class CoverageRow:
    node: TreeNode
    headcount: int
    attended: int

    @property
    def share(self) -> float | None:
        if self.headcount == 0:
            return None
        return min(1.0, self.attended / self.headcount)


def coverage(organisation: Organisation) -> list[CoverageRow]:
    """Per unit of the tree: the share of its employees (its subtree's headcount) who attended
    at least one session. Each person counts once, in the unit they belong to now, and in
    every unit above it."""
    tree = UnitTree.of(organisation)
    attended_by_unit: dict[int, int] = {}
    people = (
        Attendee.objects.filter(organisation=organisation, invitations__attended=True)
        .distinct()
        .values_list("unit_id", flat=True)
    )
    for unit_id in people:
        for unit in tree.path(unit_id):
            attended_by_unit[unit.pk] = attended_by_unit.get(unit.pk, 0) + 1
    return [
        CoverageRow(node, tree.headcount(node.unit.pk), attended_by_unit.get(node.unit.pk, 0))
        for node in tree.walk()
    ]


def attendance_csv(organisation: Organisation) -> str:
    """Every invitation of the organisation's sessions, for a spreadsheet: semicolons and a byte
    order mark for Swedish Excel, and no cell that a spreadsheet would run as a formula."""
    tree = UnitTree.of(organisation)
    rows = Invitation.objects.filter(session__workshop__organisation=organisation).select_related(
        "session__workshop", "attendee"
    )
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(ATTENDANCE_CSV_HEADER)
    with translation.override("sv"):
        yes, no = _("ja"), _("nej")
    for invitation in rows.order_by("session__date", "session__start_time", "attendee__name"):
        session = invitation.session
        attendee = invitation.attendee
        row = [
            session.workshop.name,
            session.date.isoformat(),
            session.place,
            attendee.name,
            attendee.email,
            tree.label(attendee.unit_id),
            yes if invitation.attended else no,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


# -- running a live session ----------------------------------------------------------------------


def open_session(session: WorkshopSession) -> WorkshopSession:
    """Open a session for participants: it gets a join code the first time."""
    if session.status == WorkshopSession.Status.ENDED:
        raise Rejected(_("Tillfället är avslutat och kan inte öppnas igen."))
    if session.status == WorkshopSession.Status.LIVE:
        return session
    for _attempt in range(10):
        try:
            with transaction.atomic():
                session.join_code = session.join_code or new_join_code()
                session.status = WorkshopSession.Status.LIVE
                session.save(update_fields=["join_code", "status"])
                return session
        except IntegrityError:
            session.join_code = ""
    raise Rejected(_("Det gick inte att skapa en kod. Försök igen."))


def end_session(session: WorkshopSession) -> None:
    """End a live session: participants can no longer join or answer; the summary stays."""
    session.status = WorkshopSession.Status.ENDED
    session.save(update_fields=["status"])


def set_step(session: WorkshopSession, step: str) -> None:
    if step not in Step.values:
        raise Rejected(_("Okänt moment."))
    if not session.is_live:
        raise Rejected(_("Tillfället pågår inte."))
    session.step = step
    session.save(update_fields=["step"])


def _require_live(session: WorkshopSession) -> None:
    if not session.is_live:
        raise Rejected(_("Tillfället pågår inte längre. Dina tidigare svar finns kvar."))


def add_statement(
    session: WorkshopSession,
    text: str,
    origin: str = Statement.Origin.PREPARED,
    value: Any = None,
) -> Statement:
    """A statement of the facilitator's: shown at once. Text is stored as written and escaped
    wherever it is shown."""
    text = " ".join(text.split())
    if not text:
        raise Rejected(_("Skriv ett påstående."))
    if len(text) > STATEMENT_MAX_LENGTH:
        raise Rejected(
            _("Ett påstående får vara högst %(max)s tecken.") % {"max": STATEMENT_MAX_LENGTH}
        )
    if session.statements.filter(text__iexact=text).exists():
        raise Rejected(_("Påståendet finns redan."))
    return Statement.objects.create(
        session=session, text=text, origin=origin, status=Statement.Status.SHOWN, value=value
    )


def propose_statement(participant: LiveParticipant, text: str) -> Statement:
    """A participant's proposal, waiting for the facilitator. Limited per participant."""
    session = participant.session
    _require_live(session)
    text = " ".join(text.split())
    if not text:
        raise Rejected(_("Skriv ett påstående."))
    if len(text) > STATEMENT_MAX_LENGTH:
        raise Rejected(
            _("Ett påstående får vara högst %(max)s tecken.") % {"max": STATEMENT_MAX_LENGTH}
        )
    now = timezone.now()
    with transaction.atomic():
        participant = LiveParticipant.objects.select_for_update().get(pk=participant.pk)
        if participant.proposals >= PROPOSALS_PER_SESSION:
            raise Rejected(
                _("Du har redan föreslagit %(max)s påståenden i det här tillfället.")
                % {"max": PROPOSALS_PER_SESSION}
            )
        window = participant.proposal_window_start
        if window is None or now - window >= PROPOSAL_WINDOW:
            participant.proposal_window_start = now
            participant.proposals_in_window = 0
        if participant.proposals_in_window >= PROPOSALS_PER_WINDOW:
            raise Rejected(
                _(
                    "Du har föreslagit många påståenden på kort tid. Vänta några minuter "
                    "och försök igen; ditt förslag finns kvar i rutan."
                )
            )
        participant.proposals_in_window += 1
        participant.proposals += 1
        participant.save(
            update_fields=["proposals", "proposals_in_window", "proposal_window_start"]
        )
        if session.statements.filter(text__iexact=text).exists():
            raise Rejected(_("Påståendet finns redan."))
        return Statement.objects.create(
            session=session,
            text=text,
            origin=Statement.Origin.PARTICIPANT,
            status=Statement.Status.PENDING,
        )


def moderate(statement: Statement, status: str) -> None:
    """Accept (show), hide or show again a statement."""
    if status not in (Statement.Status.SHOWN, Statement.Status.HIDDEN):
        raise Rejected(_("Okänt val."))
    statement.status = status
    statement.save(update_fields=["status"])


def join(session: WorkshopSession) -> LiveParticipant:
    _require_live(session)
    return LiveParticipant.objects.create(session=session)


def vote(participant: LiveParticipant, statement_id: int, choice: int) -> None:
    """Record or change a participant's vote on a shown statement."""
    session = participant.session
    _require_live(session)
    if choice not in (-1, 0, 1):
        raise Rejected(_("Välj håller med, håller inte med eller pass."))
    statement = session.statements.filter(pk=statement_id).first()
    if statement is None or statement.status != Statement.Status.SHOWN:
        raise Rejected(
            _(
                "Påståendet har tagits bort av samtalsledaren. Din röst räknades inte; "
                "fortsätt med nästa."
            )
        )
    # One statement whether the vote is new or changed (INSERT … ON CONFLICT DO UPDATE), so a
    # double tap cannot store two votes and a burst of 200 phones costs one write each.
    Vote.objects.bulk_create(
        [Vote(participant=participant, statement=statement, choice=choice)],
        update_conflicts=True,
        unique_fields=["participant", "statement"],
        update_fields=["choice"],
    )


def reflect(participant: LiveParticipant, text: str) -> Reflection:
    _require_live(participant.session)
    text = text.strip()
    if not text:
        raise Rejected(_("Skriv din reflektion."))
    if len(text) > REFLECTION_MAX_LENGTH:
        raise Rejected(
            _("En reflektion får vara högst %(max)s tecken.") % {"max": REFLECTION_MAX_LENGTH}
        )
    with transaction.atomic():
        counted = LiveParticipant.objects.filter(
            pk=participant.pk, reflections__lt=REFLECTIONS_PER_PARTICIPANT
        ).update(reflections=F("reflections") + 1)
        if not counted:
            raise Rejected(
                _("Du har redan skrivit %(max)s reflektioner.")
                % {"max": REFLECTIONS_PER_PARTICIPANT}
            )
        return Reflection.objects.create(session=participant.session, text=text)


# A word is letters, with hyphens or spaces inside ("ansvar för kommande generationer").
WORD_PATTERN = re.compile(r"^[^\W\d_]+(?:[- ][^\W\d_]+)*$")


def give_word(participant: LiveParticipant, word: str) -> Word:
    _require_live(participant.session)
    word = " ".join(word.split()).lower()
    if not word:
        raise Rejected(_("Skriv ett ord."))
    if len(word) > WORD_MAX_LENGTH or not WORD_PATTERN.match(word):
        raise Rejected(
            _("Skriv ett ord eller ett kort uttryck med bokstäver, högst %(max)s tecken.")
            % {"max": WORD_MAX_LENGTH}
        )
    with transaction.atomic():
        counted = LiveParticipant.objects.filter(pk=participant.pk, gave_word=False).update(
            gave_word=True
        )
        if not counted:
            raise Rejected(_("Du har redan gett ditt ord."))
        return Word.objects.create(session=participant.session, word=word)


# -- actions (åtgärder) ----------------------------------------------------------------------------


def save_action(
    organisation: Organisation,
    action: Action | None,
    *,
    what: str,
    owner: str,
    due_on: date,
    status: str = Action.Status.OPEN,
    session: WorkshopSession | None = None,
    mapping: Mapping | None = None,
    finding: str = "",
    follow_up: FollowUp | None = None,
    indicator: Indicator | None = None,
    goal: Goal | None = None,
    values: Iterable[Value] = (),
    core_values: Iterable[CoreValue] = (),
) -> Action:
    """Create an action (`action` None) or change one, with what caused it and the values it is
    about. Anything linked from another organisation is refused and nothing changes."""
    chosen_values = list(values)
    chosen_core_values = list(core_values)
    others = [
        session is not None and session.workshop.organisation_id != organisation.pk,
        mapping is not None and mapping.organisation_id != organisation.pk,
        follow_up is not None and follow_up.organisation_id != organisation.pk,
        indicator is not None and indicator.goal.organisation_id != organisation.pk,
        goal is not None and goal.organisation_id != organisation.pk,
        action is not None and action.organisation_id != organisation.pk,
        any(
            value.catalogue.organisation_id not in (None, organisation.pk)
            for value in chosen_values
        ),
        any(value.framework.organisation_id != organisation.pk for value in chosen_core_values),
    ]
    if any(others):
        raise Rejected(_("Åtgärden kan bara kopplas till sådant som hör till organisationen."))
    what = " ".join(what.split())
    if not what:
        raise Rejected(_("Skriv vad åtgärden är."))
    if status not in Action.Status.values:
        raise Rejected(_("Välj en status."))
    with transaction.atomic():
        if action is None:
            action = Action(organisation=organisation)
        action.what = what
        action.owner = " ".join(owner.split())
        action.due_on = due_on
        action.status = status
        action.session = session
        action.mapping = mapping
        action.finding = finding.strip()
        action.follow_up = follow_up
        action.indicator = indicator
        action.goal = goal
        action.save()
        action.values.set(chosen_values)
        action.core_values.set(chosen_core_values)
    return action
