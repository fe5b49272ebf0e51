"""Every named URL × every persona, with the outcome the rules table expects.

The URLs are read from the URL configuration, so a new view is in the matrix the moment it is
routed, and fails until authorisation_rules.RULES says who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kartbild.accounts.models import Membership, Network, Role
from kartbild.accounts.tests.authorisation_rules import (
    KWARGS,
    LOGIN,
    OK,
    PERSONAS,
    REDIRECT,
    RULES,
    Outcome,
)
from kartbild.catalogue import actions as catalogue_actions
from kartbild.mappings import actions
from kartbild.organisations.models import Unit

RULES_FILE = "kartbild/accounts/tests/authorisation_rules.py"


def named_urls(patterns: list[Any] | None = None, namespace: str = "") -> dict[str, list[str]]:
    """Every named URL of the project, with the names of its keyword arguments."""
    found: dict[str, list[str]] = {}
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, kwargs in named_urls(entry.url_patterns, inner).items():
                found[name] = _prefixed(entry, kwargs)
        elif isinstance(entry, URLPattern) and entry.name:
            found[f"{namespace}{entry.name}"] = list(entry.pattern.regex.groupindex)
    return found


def _prefixed(resolver: URLResolver, kwargs: list[str]) -> list[str]:
    return list(resolver.pattern.regex.groupindex) + kwargs


URLS = named_urls()


@dataclass
class World:
    organisation: Any
    unit: Any
    mapping: Any
    mapping_perspective: Any
    batch: Any
    draft: Any
    catalogue: Any
    value: Any
    membership: Any
    network: Any
    users: dict[str, Any]


@pytest.fixture
def world(organisation_a: Any, organisation_b: Any, make_mapping: Any, catalogue: Any) -> World:
    User = get_user_model()
    unit = Unit.objects.create(
        organisation=organisation_a, name="Socialförvaltningen", level="forvaltning", code="SOC"
    )
    users: dict[str, Any] = {}
    # Unusable passwords: the test signs in with force_login and hashing would be slow.
    for persona, organisation, role, member_unit in [
        ("admin_a", organisation_a, Role.ADMIN, None),
        ("analyst_a", organisation_a, Role.ANALYST, None),
        ("unit_manager_a", organisation_a, Role.UNIT_MANAGER, unit),
        ("facilitator_a", organisation_a, Role.FACILITATOR, None),
        ("admin_b", organisation_b, Role.ADMIN, None),
    ]:
        users[persona] = User.objects.create_user(persona, email=f"{persona}@example.se")
        Membership.objects.create(
            user=users[persona], organisation=organisation, role=role, unit=member_unit
        )
    users["coordinator"] = User.objects.create_user("coordinator")
    network = Network.objects.create(name="Kulturnätverket", slug="kulturnatverket")
    network.organisations.add(organisation_a, organisation_b)
    network.coordinators.add(users["coordinator"])
    users["system_admin"] = User.objects.create_superuser("system_admin", "root@example.se")
    mapping = make_mapping(("medarbetare", "medborgare"))
    mapping_perspective = mapping.perspectives.get(perspective="medarbetare")
    batch = actions.generate_codes(mapping_perspective, unit, 3)
    own_catalogue = catalogue_actions.derive_catalogue(catalogue, organisation_a, "Ystads ord")
    return World(
        organisation=organisation_a,
        unit=unit,
        mapping=mapping,
        mapping_perspective=mapping_perspective,
        batch=batch,
        draft=actions.start_draft(mapping_perspective, code=None),
        catalogue=own_catalogue,
        value=own_catalogue.values.first(),
        membership=Membership.objects.get(user=users["facilitator_a"]),
        network=network,
        users=users,
    )


def test_every_url_has_a_rule() -> None:
    missing = sorted(set(URLS) - set(RULES))
    assert not missing, (
        f"No authorisation rule for {', '.join(missing)}: add one to RULES in {RULES_FILE} "
        "saying which personas may see it (members(...), post_only(...), public(), ...)."
    )


def test_every_rule_has_a_url() -> None:
    stale = sorted(set(RULES) - set(URLS))
    assert not stale, f"Rules for URLs that no longer exist: {', '.join(stale)} ({RULES_FILE})"


def test_the_matrix_is_not_empty() -> None:
    # A resolver walk that found nothing would make every other test here pass vacuously.
    assert {"accounts:login", "mappings:results", "mappings:start"} <= set(URLS)


def _mismatch(response: Any, expected: Outcome) -> str:
    """What is wrong with the response, or "" when it is the expected outcome."""
    login = reverse("accounts:login")
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and location.startswith(login)
    if expected == LOGIN:
        ok = to_login
    elif expected == REDIRECT:
        ok = status == 302 and not to_login
    elif expected == OK:
        ok = status == 200 or (status == 302 and not to_login)
    else:
        ok = status == expected
    return "" if ok else f"expected {expected}, got {status} {location}".rstrip()


@pytest.mark.parametrize("name", sorted(URLS))
def test_authorisation(name: str, world: World) -> None:
    """Each persona in turn, each in a savepoint that is rolled back, so that what one persona's
    POST changed is not there for the next."""
    rule = RULES.get(name)
    if rule is None:
        pytest.fail(f"No authorisation rule for {name}: add one to RULES in {RULES_FILE}.")
    sources = {**KWARGS, **rule.kwargs}
    unknown = [kwarg for kwarg in URLS[name] if kwarg not in sources]
    if unknown:
        pytest.fail(f"{name} takes {', '.join(unknown)}: say where it comes from in KWARGS.")
    url = reverse(name, kwargs={kwarg: sources[kwarg](world) for kwarg in URLS[name]})
    problems = []
    for persona in PERSONAS:
        with transaction.atomic():
            client = Client()
            if persona != "anonymous":
                client.force_login(world.users[persona])
            checks = [("GET", client.get(url), rule.get[persona])]
            if rule.post is not None:
                checks.append(("POST", client.post(url, {}), rule.post[persona]))
            for method, response, expected in checks:
                problem = _mismatch(response, expected)
                if problem:
                    problems.append(f"{method} {url} as {persona}: {problem}")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
