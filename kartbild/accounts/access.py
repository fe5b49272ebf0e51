"""The only way a view gets an organisation: through the signed-in user's membership.

An organisation the user does not belong to is "not found", never "forbidden", so that the
existence of other tenants does not leak."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from kartbild.accounts.models import Membership, Role


def access_membership(request: HttpRequest, org_slug: str, *roles: Role) -> Membership:
    """The user's membership in the organisation with this slug.

    Raises Http404 when the user is not a member, PermissionDenied when their role is not
    among `roles` (all roles pass when none are given)."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation", "unit")
        .filter(user=request.user, organisation__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404
    if roles and membership.role not in roles:
        raise PermissionDenied
    return membership
