"""The only way a view gets a catalogue version or one of its values."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from kartbild.accounts.access import access_membership
from kartbild.accounts.models import Membership, Role
from kartbild.catalogue.models import Value, ValueCatalogue


def access_catalogue(
    request: HttpRequest, org_slug: str, catalogue_id: int, *roles: Role
) -> tuple[Membership, ValueCatalogue]:
    """The user's membership and the catalogue, if it is shipped or the organisation's own.

    Another organisation's catalogue is "not found" (404); a role not among `roles` is
    PermissionDenied (403), as in `access_membership`."""
    membership = access_membership(request, org_slug, *roles)
    catalogue = get_object_or_404(
        ValueCatalogue.objects.visible_to(membership.organisation), pk=catalogue_id
    )
    return membership, catalogue


def access_value(catalogue: ValueCatalogue, value_id: int) -> Value:
    """A value of this catalogue version; any other value is 404."""
    return get_object_or_404(Value, pk=value_id, catalogue=catalogue)
