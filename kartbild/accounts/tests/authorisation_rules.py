"""The rules table of the authorisation matrix (test_authorisation_matrix.py): for every named
URL of kartbild.urls, what each persona gets.

A new URL without a rule here fails the suite. To add one, put a line in RULES, e.g.

    "reports:detail": members(ADMIN, ANALYST),          # a page for two roles of the organisation
    "reports:export": post_only(ADMIN, ANALYST),        # a POST-only action
    "reports:public": public(),                         # explicitly public, same for everybody

and, if the URL has a keyword argument the matrix does not know yet, a line in KWARGS saying
where its value comes from (if it is a new kind of object, add a field to `World` and create the
object in the `world` fixture of test_authorisation_matrix.py; a rule can also override a
keyword argument for its URL alone with `Rule(..., kwargs={...})`).

Outcomes: a status code, LOGIN (302 to the sign-in page), REDIRECT (302 elsewhere) or OK
(200 or a redirect that is not to the sign-in page: forms that may re-render or go on)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kartbild.accounts.models import Role
from kartbild.corevalues.tests import matrix as corevalue_matrix
from kartbild.followups.tests import matrix as followup_matrix
from kartbild.steering.tests import matrix as steering_matrix
from kartbild.workshops.tests import matrix as workshop_matrix

LOGIN = "login"
REDIRECT = "redirect"
OK = "ok"
Outcome = int | str

ADMIN, ANALYST, UNIT_MANAGER, FACILITATOR = (
    Role.ADMIN,
    Role.ANALYST,
    Role.UNIT_MANAGER,
    Role.FACILITATOR,
)

# Each role in organisation A, then everyone who must not see organisation A's objects.
ROLE_PERSONAS = {
    ADMIN: "admin_a",
    ANALYST: "analyst_a",
    UNIT_MANAGER: "unit_manager_a",
    FACILITATOR: "facilitator_a",
}
OUTSIDERS = ("admin_b", "coordinator", "system_admin")
PERSONAS = ("anonymous", *ROLE_PERSONAS.values(), *OUTSIDERS)


@dataclass(frozen=True)
class Rule:
    get: dict[str, Outcome]
    # Checked with an empty form when given; None for views that only read.
    post: dict[str, Outcome] | None = None
    # Keyword arguments that differ from KWARGS for this URL.
    kwargs: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


def public(get: Outcome = 200, post: Outcome | None = None) -> Rule:
    """Open to everyone, signed in or not, with the same outcome."""
    return Rule(
        dict.fromkeys(PERSONAS, get), dict.fromkeys(PERSONAS, post) if post is not None else None
    )


def signed_in(outcome: Outcome = 200) -> Rule:
    """Any signed-in user, whatever their roles."""
    return Rule({**dict.fromkeys(PERSONAS, outcome), "anonymous": LOGIN})


def members(
    *roles: Role,
    allowed: Outcome = 200,
    post_roles: tuple[Role, ...] | None = None,
) -> Rule:
    """A page of organisation A for `roles`: other roles of A are 403, everyone outside A 404,
    anonymous visitors go to the sign-in page. The same is checked for an empty POST, where
    `post_roles` (default: `roles`) get OK."""
    allowed_roles = roles or tuple(ROLE_PERSONAS)
    writers = post_roles if post_roles is not None else allowed_roles
    return Rule(_scoped(allowed_roles, allowed), _scoped(writers, OK))


def post_only(*roles: Role, anonymous_get: Outcome = LOGIN) -> Rule:
    """An action of organisation A that only accepts POST: a GET is 405 once signed in (for a
    view that checks the method before the sign-in, `anonymous_get=405`)."""
    get: dict[str, Outcome] = {**dict.fromkeys(PERSONAS, 405), "anonymous": anonymous_get}
    return Rule(get, _scoped(roles, REDIRECT))


def only(persona: str, outcome: Outcome = 200) -> Rule:
    """A page for one kind of user outside organisations (network coordinator, system admin):
    404 for every other signed-in user."""
    get: dict[str, Outcome] = {**dict.fromkeys(PERSONAS, 404), "anonymous": LOGIN, persona: outcome}
    post: dict[str, Outcome] = {**get, persona: OK}
    return Rule(get, post)


def _scoped(roles: tuple[Role, ...], allowed: Outcome) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {"anonymous": LOGIN, **dict.fromkeys(OUTSIDERS, 404)}
    for role, persona in ROLE_PERSONAS.items():
        outcomes[persona] = allowed if role in roles else 403
    return outcomes


def _admin_form() -> Rule:
    """A form page of organisation A for its admin, where an empty form is a 400 with the
    problems named."""
    return Rule(_scoped((ADMIN,), 200), _scoped((ADMIN,), 400))


def _export_job(world: Any) -> Any:
    """An organisation-wide export of the world's mapping, ordered by its admin."""
    from kartbild.reports.models import ExportJob

    job, _created = ExportJob.objects.get_or_create(
        organisation=world.organisation,
        mapping=world.mapping,
        unit=None,
        kind="csv",
        defaults={"created_by": world.users["admin_a"]},
    )
    return job


# Where each keyword argument of a URL comes from in the world the test builds.
KWARGS: dict[str, Callable[[Any], Any]] = {
    "org": lambda w: w.organisation.slug,
    "mapping_id": lambda w: w.mapping.pk,
    "batch_id": lambda w: w.batch.pk,
    "perspective": lambda w: "medarbetare",
    "fmt": lambda w: "svg",
    "token": lambda w: w.mapping_perspective.token,
    "key": lambda w: w.draft.key,
    "step": lambda w: 1,
    "unit_id": lambda w: w.unit.pk,
    "catalogue_id": lambda w: w.catalogue.pk,
    "value_id": lambda w: w.value.pk,
    "membership_id": lambda w: w.membership.pk,
    "network": lambda w: w.network.slug,
    "workshop_id": lambda w: workshop_matrix.session(w).workshop_id,
    "session_id": lambda w: workshop_matrix.session(w).pk,
    "action_id": lambda w: workshop_matrix.action(w).pk,
    "code": lambda w: workshop_matrix.session(w).join_code,
    "framework_id": lambda w: corevalue_matrix.draft(w).pk,
    "core_value_id": lambda w: corevalue_matrix.value(w).pk,
    "behaviour_id": lambda w: corevalue_matrix.behaviour(w).pk,
    "follow_up_id": lambda w: followup_matrix.follow_up(w).pk,
    "goal_id": lambda w: steering_matrix.goal(w).pk,
    "indicator_id": lambda w: steering_matrix.indicator(w).pk,
}

RULES: dict[str, Rule] = {
    # Django and the site
    "set_language": public(REDIRECT, post=REDIRECT),
    # accounts
    "accounts:login": public(200, post=200),
    # Signing out ends on the sign-in page.
    "accounts:logout": Rule(dict.fromkeys(PERSONAS, 405), dict.fromkeys(PERSONAS, LOGIN)),
    # Single sign-on is off unless configured: the test settings do not configure it.
    "accounts:oidc_login": public(404),
    "accounts:oidc_callback": public(404),
    # The invitation link: public (the person has no session yet); a wrong token shows why.
    "accounts:set_password": Rule(
        dict.fromkeys(PERSONAS, 200),
        dict.fromkeys(PERSONAS, 200),
        kwargs={"uidb64": lambda w: "MQ", "token": lambda w: "inte-en-riktig-nyckel"},
    ),
    "accounts:password_change": Rule(
        {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN},
        {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN},
    ),
    "accounts:members": members(ADMIN),
    "accounts:member_add": members(ADMIN),
    "accounts:member_edit": members(ADMIN),
    "accounts:member_active": post_only(ADMIN),
    "accounts:audit_log": members(ADMIN),
    "accounts:network": only("coordinator"),
    "accounts:system": only("system_admin"),
    "accounts:system_networks": only("system_admin"),
    # organisations
    "organisations:home": signed_in(OK),
    "organisations:dashboard": members(),
    "organisations:units": members(ADMIN, ANALYST, post_roles=(ADMIN, ANALYST)),
    "organisations:unit_add": members(ADMIN),
    "organisations:unit_edit": members(ADMIN),
    "organisations:unit_import": members(ADMIN),
    # The accessibility statements are public pages, as Swedish law requires; editing is admin's.
    "organisations:service_accessibility": public(200),
    "organisations:accessibility": public(200),
    "organisations:accessibility_edit": members(ADMIN),
    # catalogue: every role reads it, only the admin derives a version or changes one
    "catalogue:list": members(post_roles=(ADMIN,)),
    "catalogue:detail": members(),
    "catalogue:add_value": members(ADMIN),
    "catalogue:toggle_hidden": post_only(ADMIN, anonymous_get=405),
    # mappings (the world's mapping is open, so its settings page sends the admin back)
    "mappings:create": members(ADMIN),
    "mappings:detail": members(ADMIN, ANALYST),
    "mappings:configure": members(ADMIN, allowed=REDIRECT),
    "mappings:status": post_only(ADMIN),
    "mappings:rates": members(ADMIN),
    "mappings:results": members(ADMIN, ANALYST),
    "mappings:paper_import": members(ADMIN),
    "mappings:batches": members(ADMIN),
    "mappings:batch_csv": members(ADMIN),
    "mappings:batch_pdf": members(ADMIN),
    "mappings:qr": members(ADMIN),
    # reports: the organisation-wide kartbild for admins, analysts and facilitators; unit
    # detail for admins and analysts, and a unit manager's own subtree (the world's unit).
    "reports:overview": members(ADMIN, ANALYST, FACILITATOR),
    "reports:perspective": members(ADMIN, ANALYST, FACILITATOR),
    "reports:unit": members(ADMIN, ANALYST, UNIT_MANAGER),
    "reports:compare_perspectives": members(ADMIN, ANALYST, FACILITATOR),
    "reports:compare_units": members(ADMIN, ANALYST),
    "reports:compare_rounds": members(ADMIN, ANALYST, FACILITATOR),
    "reports:compare_reference": members(ADMIN, ANALYST, FACILITATOR, post_roles=(ADMIN, ANALYST)),
    # exports: every role orders (a unit manager only their subtree; an empty order is 400);
    # an organisation-wide export with unit rows is for admins and analysts (not finished yet:
    # they are sent back to the list).
    "reports:exports": Rule(_scoped(tuple(ROLE_PERSONAS), 200), _scoped(tuple(ROLE_PERSONAS), 400)),
    "reports:export_status": members(),
    "reports:export_download": Rule(
        _scoped((ADMIN, ANALYST), REDIRECT),
        _scoped((ADMIN, ANALYST), REDIRECT),
        kwargs={"job_id": lambda w: _export_job(w).pk},
    ),
    "reports:guides": members(),
    "reports:guide": members(),
    # The respondent flow: public on purpose, no account, the same for everybody.
    "mappings:start": public(200, post=REDIRECT),
    "mappings:code": public(200, post=OK),
    # An empty answer is a validation error (400) for everyone alike.
    "mappings:step": public(200, post=400),
    "mappings:background": public(OK, post=OK),
    "mappings:submit": public(OK, post=400),
    "mappings:thanks": public(200),
    # privacy: the notice is public; data export and deletion are the admin's
    "privacy:notice": public(200),
    "privacy:settings": members(ADMIN),
    "privacy:export": members(ADMIN),
    "privacy:delete": members(ADMIN),
    "privacy:deleted": public(200),
    # workshops (kartbild/workshops/README.md): admins plan; the session's facilitators (here
    # facilitator_a and admin_a) run it; participants need no account.
    "workshops:index": members(ADMIN, FACILITATOR),
    "workshops:create": members(ADMIN),
    "workshops:coverage": members(ADMIN),
    "workshops:attendance_csv": members(ADMIN),
    "workshops:detail": members(ADMIN),
    "workshops:session": members(ADMIN, FACILITATOR),
    "workshops:attendance": post_only(ADMIN, FACILITATOR),
    "workshops:console": members(ADMIN, FACILITATOR),
    "workshops:console_fragment": members(ADMIN, FACILITATOR),
    "workshops:projector": members(ADMIN, FACILITATOR),
    "workshops:projector_fragment": members(ADMIN, FACILITATOR),
    "workshops:summary": members(ADMIN, FACILITATOR),
    "workshops:summary_pdf": members(ADMIN, FACILITATOR),
    "workshops:action_status": post_only(ADMIN, FACILITATOR),
    "workshops:enter": public(200, post=200),
    "workshops:room": public(200, post=200),
    "workshops:state": public(200),
    # värdegrund (kartbild/corevalues/README.md): the admin authors (an empty form is 400),
    # analysts read; the world's framework is a draft. The public page and its PDF show the
    # organisation's published version to everyone.
    "corevalues:index": members(ADMIN, ANALYST),
    "corevalues:create": _admin_form(),
    "corevalues:detail": members(ADMIN, ANALYST),
    "corevalues:edit": _admin_form(),
    "corevalues:publish": post_only(ADMIN),
    "corevalues:new_version": Rule(
        post_only(ADMIN).get,
        post_only(ADMIN).post,
        kwargs={"framework_id": lambda w: corevalue_matrix.published(w).pk},
    ),
    "corevalues:delete": post_only(ADMIN),
    "corevalues:value_add": _admin_form(),
    "corevalues:value_edit": _admin_form(),
    "corevalues:value_move": post_only(ADMIN),
    "corevalues:value_delete": post_only(ADMIN),
    "corevalues:behaviour_add": _admin_form(),
    "corevalues:behaviour_edit": _admin_form(),
    "corevalues:behaviour_move": post_only(ADMIN),
    "corevalues:behaviour_delete": post_only(ADMIN),
    "corevalues:public": Rule(
        public(200).get, kwargs={"org": lambda w: corevalue_matrix.published(w).organisation.slug}
    ),
    "corevalues:public_pdf": Rule(
        public(200).get, kwargs={"org": lambda w: corevalue_matrix.published(w).organisation.slug}
    ),
    # follow-up rounds (kartbild/followups/README.md): the admin runs them; results for admins,
    # analysts and facilitators (no unit rows), a unit manager's own subtree (the world's unit).
    "followups:index": members(),
    "followups:create": _admin_form(),
    # The world's round is open, so its statements no longer change: an edit is a 400.
    "followups:detail": _admin_form(),
    "followups:status": post_only(ADMIN),
    "followups:codes": _admin_form(),
    "followups:codes_csv": Rule(
        members(ADMIN).get,
        members(ADMIN).post,
        kwargs={"batch_id": lambda w: followup_matrix.batch(w).pk},
    ),
    "followups:paper_import": _admin_form(),
    "followups:results": members(ADMIN, ANALYST, FACILITATOR),
    "followups:export": Rule(
        members(ADMIN, ANALYST, FACILITATOR).get,
        members(ADMIN, ANALYST, FACILITATOR).post,
        kwargs={"fmt": lambda w: "csv"},
    ),
    "followups:unit_results": members(ADMIN, ANALYST, UNIT_MANAGER),
    "followups:unit_export": Rule(
        members(ADMIN, ANALYST, UNIT_MANAGER).get,
        members(ADMIN, ANALYST, UNIT_MANAGER).post,
        kwargs={"fmt": lambda w: "csv"},
    ),
    # Respondents: public on purpose; an empty code or answer is a 400 for everyone alike.
    "followups:start": Rule(
        public(200).get,
        public(200, post=REDIRECT).post,
        kwargs={"token": lambda w: followup_matrix.follow_up(w).token},
    ),
    "followups:code": public(200, post=400),
    "followups:answer": Rule(
        public(200).get,
        public(200, post=400).post,
        kwargs={"key": lambda w: followup_matrix.draft(w).key},
    ),
    "followups:thanks": public(200),
    # steering (kartbild/steering/README.md): every role reads goals, indicators and actions,
    # the admin changes them (an empty form is 400); the follow-up view and the compass show
    # the organisation-wide kartbild, so they are for the roles that see it.
    "steering:index": members(),
    "steering:goal_add": _admin_form(),
    "steering:goal": members(),
    "steering:goal_edit": _admin_form(),
    "steering:goal_delete": members(ADMIN),
    "steering:indicator_add": _admin_form(),
    "steering:indicator": Rule(_scoped(tuple(ROLE_PERSONAS), 200), _scoped((ADMIN,), 400)),
    "steering:indicator_edit": _admin_form(),
    "steering:indicator_delete": members(ADMIN),
    "steering:actions": members(),
    "steering:action_add": _admin_form(),
    "steering:action_edit": _admin_form(),
    "steering:follow_up": members(ADMIN, ANALYST, FACILITATOR),
    "steering:compass": members(ADMIN, ANALYST, FACILITATOR),
}
