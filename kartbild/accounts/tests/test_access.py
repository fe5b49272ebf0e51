from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from kartbild.accounts.access import (
    access_membership,
    access_owned,
    access_unit,
    visible_unit_ids,
)
from kartbild.accounts.models import Membership, Role
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db


def request_of(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def tree(organisation_a: Any) -> dict[str, Unit]:
    def unit(name: str, level: str, parent: Unit | None = None) -> Unit:
        return Unit.objects.create(
            organisation=organisation_a, name=name, level=level, code=name, parent=parent
        )

    social = unit("Social", "forvaltning")
    school = unit("Skola", "forvaltning")
    care = unit("Omsorg", "avdelning", social)
    return {"social": social, "school": school, "care": care}


@pytest.fixture
def manager(organisation_a: Any, tree: dict[str, Unit]) -> Any:
    user = get_user_model().objects.create_user("chef")
    Membership.objects.create(
        user=user, organisation=organisation_a, role=Role.UNIT_MANAGER, unit=tree["social"]
    )
    return user


def test_a_unit_manager_reaches_their_subtree_only(manager: Any, tree: dict[str, Unit]) -> None:
    request = request_of(manager)
    assert access_unit(request, "ystad", tree["care"].pk)[1] == tree["care"]
    with pytest.raises(PermissionDenied):
        access_unit(request, "ystad", tree["school"].pk)


def test_visible_units_follow_the_role(
    manager: Any, admin_a: Any, organisation_a: Any, tree: dict[str, Unit]
) -> None:
    own = Membership.objects.get(user=manager)
    assert visible_unit_ids(own) == {tree["social"].pk, tree["care"].pk}
    assert visible_unit_ids(Membership.objects.get(user=admin_a)) is None
    facilitator = Membership(organisation=organisation_a, role=Role.FACILITATOR)
    assert visible_unit_ids(facilitator) == set()


def test_another_organisations_objects_are_not_found(
    admin_b: Any, organisation_b: Any, make_mapping: Any, tree: dict[str, Unit]
) -> None:
    mapping = make_mapping(("medarbetare",))
    request = request_of(admin_b)
    with pytest.raises(Http404):
        access_owned(request, "strangnas", Mapping.objects.all(), mapping.pk)
    with pytest.raises(Http404):
        access_unit(request, "strangnas", tree["social"].pk)
    with pytest.raises(Http404):
        access_membership(request, "ystad")


def test_a_deactivated_membership_gives_no_access(admin_a: Any) -> None:
    Membership.objects.filter(user=admin_a).update(is_active=False)
    with pytest.raises(Http404):
        access_membership(request_of(admin_a), "ystad")


def test_a_role_that_may_not_is_forbidden(analyst_a: Any, make_mapping: Any) -> None:
    mapping = make_mapping(("medarbetare",))
    with pytest.raises(PermissionDenied):
        access_owned(request_of(analyst_a), "ystad", Mapping.objects.all(), mapping.pk, Role.ADMIN)
    assert (
        access_owned(request_of(analyst_a), "ystad", Mapping.objects.all(), mapping.pk)[1]
        == mapping
    )
