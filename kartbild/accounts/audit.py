"""The audit log: who viewed or exported what, and who changed which account.

One line in a view records an event:

    audit.record(request, "viewed_report", report)

The organisation is taken from the object (`obj.organisation`, or the object itself when it is
an organisation) unless given. Only signed-in staff are recorded; respondents and workshop
participants never are, and an event never points at a response, a draft or a code."""

from __future__ import annotations

from django.db.models import Model
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kartbild.accounts.models import AuditEvent
from kartbild.organisations.models import Organisation

# Every action that may be recorded, with its label on the log page. Add a line here for a new
# one; `record` refuses an unknown action so that a typo does not go unnoticed.
ACTIONS: dict[str, Promise] = {
    "viewed_results": _("Visade resultat"),
    "viewed_rates": _("Visade svarsfrekvens"),
    "viewed_report": _("Visade rapport"),
    "exported_report": _("Exporterade rapport"),
    "downloaded_codes_csv": _("Laddade ned inbjudningskoder (CSV)"),
    "downloaded_letters_pdf": _("Laddade ned inbjudningsbrev (PDF)"),
    "created_codes": _("Skapade inbjudningskoder"),
    "exported_organisation": _("Exporterade organisationens data"),
    "deleted_organisation_data": _("Raderade organisationens data"),
    "created_account": _("Skapade konto"),
    "changed_account": _("Ändrade konto"),
    "deactivated_account": _("Inaktiverade konto"),
    "reactivated_account": _("Aktiverade konto"),
    "created_organisation": _("Skapade organisation"),
    "created_network": _("Skapade nätverk"),
    "viewed_network": _("Visade nätverkets översikt"),
    "viewed_follow_up_results": _("Visade resultat av uppföljning"),
    "exported_follow_up_results": _("Exporterade resultat av uppföljning"),
    "published_core_values": _("Publicerade värdegrund"),
}

# Objects that belong to respondents: the log must never point at one.
_RESPONDENT_MODELS = {"Response", "OpenAnswer", "Draft", "InvitationCode"}


def record(
    request: HttpRequest,
    action: str,
    obj: Model | None = None,
    *,
    organisation: Organisation | None = None,
    detail: str = "",
) -> AuditEvent | None:
    """Record that the signed-in user did `action` (a key of ACTIONS) on `obj`.

    Returns None, recording nothing, for a visitor who is not signed in."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.ACTIONS")
    if obj is not None and type(obj).__name__ in _RESPONDENT_MODELS:
        raise ValueError("the audit log never records a respondent's data")
    user = request.user
    if not user.is_authenticated:
        return None
    if organisation is None and obj is not None:
        organisation = obj if isinstance(obj, Organisation) else getattr(obj, "organisation", None)
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username(),
        organisation=organisation,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        detail=detail[:200],
    )


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
