"""Deleting an organisation and everything it owns."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from kartbild.accounts.models import Membership
from kartbild.catalogue.models import ValueCatalogue
from kartbild.mappings.actions import Rejected
from kartbild.mappings.models import Mapping, Response
from kartbild.organisations.models import Organisation, Unit


@dataclass(frozen=True)
class Deleted:
    name: str
    mappings: int
    responses: int
    units: int
    accounts: int


def delete_organisation(organisation: Organisation) -> Deleted:
    """Delete the organisation, its mappings with every answer, its units, catalogue versions,
    memberships and audit log, and the accounts of users who belong to no other organisation.
    One transaction: everything goes, or nothing does."""
    try:
        with transaction.atomic():
            organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
            responses = Response.objects.filter(
                mapping_perspective__mapping__organisation=organisation
            ).count()
            # Users whose only organisation this is; staff accounts for the whole system stay.
            elsewhere = Membership.objects.exclude(organisation=organisation).values("user")
            lonely = list(
                get_user_model()
                .objects.filter(memberships__organisation=organisation, is_superuser=False)
                .exclude(pk__in=elsewhere)
                .values_list("pk", flat=True)
            )
            mappings = Mapping.objects.filter(organisation=organisation)
            mapping_count = mappings.count()
            # Responses and codes protect the units they name: mappings go before units.
            mappings.delete()
            # Derived catalogue versions protect the versions they come from: newest first.
            for catalogue in ValueCatalogue.objects.filter(organisation=organisation).order_by(
                "-pk"
            ):
                catalogue.delete()
            _delete_other_rows(organisation)
            units = _delete_units(organisation)
            Membership.objects.filter(organisation=organisation).delete()
            get_user_model().objects.filter(pk__in=lonely).delete()
            name = organisation.name
            organisation.delete()
    except (ProtectedError, RestrictedError) as error:
        raise Rejected(
            _("Organisationen kunde inte raderas eftersom annat hänvisar till den: %(what)s")
            % {"what": ", ".join(sorted({type(o).__name__ for o in error.args[1]}))}
        ) from None
    return Deleted(name, mapping_count, responses, units, len(lonely))


def _delete_other_rows(organisation: Organisation) -> None:
    """Everything else that belongs to the organisation, whichever app it comes from (workshops,
    reports, …), so that a new app needs no change here. Rows that protect each other are
    retried until a pass deletes nothing more; units come after, since such rows may protect
    them."""
    relations = [
        relation
        for relation in Organisation._meta.related_objects
        if relation.related_model not in (Unit, Membership, Mapping, ValueCatalogue)
        and relation.field.many_to_one
    ]
    pending = list(relations)
    while pending:
        blocked = []
        for relation in pending:
            try:
                with transaction.atomic():
                    relation.related_model._default_manager.filter(
                        **{relation.field.name: organisation}
                    ).delete()
            except (ProtectedError, RestrictedError):
                blocked.append(relation)
        if len(blocked) == len(pending):
            # Let the final delete raise, naming what protects what.
            return
        pending = blocked


def _delete_units(organisation: Organisation) -> int:
    """Leaves first: a unit protects its children from being orphaned."""
    deleted = 0
    while True:
        leaves = Unit.objects.filter(organisation=organisation, children__isnull=True)
        _total, kinds = leaves.delete()
        removed = kinds.get(Unit._meta.label, 0)
        if not removed:
            return deleted
        deleted += removed
