"""The only way a view gets an organisation, and one helper per object type built on it.

An object of an organisation the user does not belong to is "not found", never "forbidden", so
that the existence of other tenants does not leak. A member whose role may not is "forbidden".

Who sees what (docs/security.md has the whole table):
- organisation roles (admin, analyst, unit manager, facilitator) see their own organisation only,
  through an active membership;
- a network coordinator sees one aggregate per member organisation on the network page and
  nothing else: no membership, so every organisation page is 404;
- a system admin (Django's `is_superuser`) creates organisations and their first admin account
  and sees no responses or results: without a membership every organisation page is 404 for
  them too."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from kartbild.accounts.models import Membership, Network, Role
from kartbild.organisations.models import Unit
from kartbild.organisations.tree import UnitTree

M = TypeVar("M", bound=Model)


def access_membership(request: HttpRequest, org_slug: str, *roles: Role) -> Membership:
    """The user's active membership in the organisation with this slug.

    Raises Http404 when the user is not an active member, PermissionDenied when their role is
    not among `roles` (all roles pass when none are given)."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.active()
        .select_related("organisation", "unit")
        .filter(user=request.user, organisation__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404
    if roles and membership.role not in roles:
        raise PermissionDenied
    return membership


def access_owned(
    request: HttpRequest,
    org_slug: str,
    objects: QuerySet[M],
    pk: Any,
    *roles: Role,
    organisation_field: str = "organisation",
) -> tuple[Membership, M]:
    """An object of the user's organisation, e.g. a report or an export job:
    `access_owned(request, org, Report.objects, report_id, Role.ADMIN)`.

    `organisation_field` is the lookup from the object to its organisation
    (e.g. "mapping__organisation"). Another organisation's object is 404, as is a missing one."""
    membership = access_membership(request, org_slug, *roles)
    found = get_object_or_404(objects, **{"pk": pk, organisation_field: membership.organisation})
    return membership, found


def visible_unit_ids(membership: Membership) -> set[int] | None:
    """The units whose results this member may see: None for all of them (admin, analyst),
    the unit's subtree for a unit manager, and none for a facilitator."""
    if membership.can_read_all_results:
        return None
    if membership.role == Role.UNIT_MANAGER and membership.unit_id is not None:
        return UnitTree.of(membership.organisation).descendant_ids(membership.unit_id)
    return set()


def access_unit(
    request: HttpRequest, org_slug: str, unit_id: int, *roles: Role
) -> tuple[Membership, Unit]:
    """A unit of the user's organisation. A unit manager gets only units of their own subtree
    (403 for another unit of the same organisation); another organisation's unit is 404."""
    membership, unit = access_owned(request, org_slug, Unit.objects.all(), unit_id, *roles)
    visible = visible_unit_ids(membership)
    if visible is not None and unit.pk not in visible:
        raise PermissionDenied
    return membership, unit


def access_managed_membership(
    request: HttpRequest, org_slug: str, membership_id: int
) -> tuple[Membership, Membership]:
    """The admin's own membership and a membership of the same organisation that they manage."""
    own = access_membership(request, org_slug, Role.ADMIN)
    managed = get_object_or_404(
        Membership.objects.select_related("user", "unit"),
        pk=membership_id,
        organisation=own.organisation,
    )
    return own, managed


def access_network(request: HttpRequest, network_slug: str) -> Network:
    """A network the user coordinates; any other network, or none, is 404."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Network, slug=network_slug, coordinators=request.user)


def require_system_admin(request: HttpRequest) -> None:
    """System pages exist only for system admins; for everyone else they are 404."""
    if not (request.user.is_authenticated and request.user.is_superuser):
        raise Http404
