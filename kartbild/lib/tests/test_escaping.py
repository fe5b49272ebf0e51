"""Every text a user can type is escaped wherever a page shows it: organisation, unit and mapping
names, and the open question that respondents read."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kartbild.accounts.models import Network
from kartbild.mappings import actions
from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_escaped(response: Any, url: str) -> None:
    assert response.status_code == 200, url
    text = response.content.decode()
    assert "<script>alert" not in text and "<img src=x" not in text, url
    assert ESCAPED in text, f"{url} does not show the text at all"


def test_user_supplied_names_and_questions_are_escaped_on_every_page(
    admin_a: Any, organisation_a: Any, make_mapping: Any
) -> None:
    organisation_a.name = ATTACK
    organisation_a.save()
    Unit.objects.create(organisation=organisation_a, name=ATTACK, level="forvaltning", code="X")
    mapping = make_mapping(("medarbetare",), open=False, open_question=ATTACK)
    mapping.name = ATTACK
    mapping.save()
    actions.open_mapping(mapping)
    mp = mapping.perspectives.get()
    actions.generate_codes(mp, None, 1)
    staff = Client()
    staff.force_login(admin_a)
    org = organisation_a.slug
    for url in [
        reverse("organisations:dashboard", args=[org]),
        reverse("organisations:units", args=[org]),
        reverse("mappings:detail", args=[org, mapping.pk]),
        reverse("mappings:results", args=[org, mapping.pk]),
        reverse("mappings:rates", args=[org, mapping.pk]),
        reverse("mappings:batches", args=[org, mapping.pk]),
        reverse("reports:overview", args=[org, mapping.pk]),
        reverse("accounts:members", args=[org]),
        reverse("accounts:audit_log", args=[org]),
    ]:
        assert_escaped(staff.get(url), url)
    respondent = Client()
    start = reverse("mappings:start", args=[mp.token])
    assert_escaped(respondent.get(start), start)
    draft = actions.start_draft(mp, code=None)
    background = reverse("mappings:background", args=[draft.key])
    response = respondent.get(background)
    if response.status_code == 302:  # the steps come first; the open question is on the last page
        for question in mp.questions.all():
            draft.answers.setdefault("picks", {})[str(question.pk)] = ["tillit", "mod", "ansvar"]
        draft.save()
        response = respondent.get(background)
    assert_escaped(response, background)


def test_network_and_system_pages_escape_organisation_names(
    organisation_a: Any, organisation_b: Any
) -> None:
    organisation_a.name = ATTACK
    organisation_a.save()
    User = get_user_model()
    coordinator = User.objects.create_user("samordnare")
    network = Network.objects.create(name=ATTACK, slug="natverk")
    network.organisations.add(organisation_a)
    network.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator)
    url = reverse("accounts:network", args=["natverk"])
    assert_escaped(client.get(url), url)
    root = Client()
    root.force_login(User.objects.create_superuser("root", "root@example.se"))
    assert_escaped(root.get(reverse("accounts:system")), "system")
