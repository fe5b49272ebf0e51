"""The network coordinator's overview: one aggregate per member organisation, nothing finer.

Only closed mappings are shown: numbers of a running mapping change from day to day, and two
releases of the same group could be subtracted to read a few respondents' answers. Each
organisation's employees are one group, passed through the anonymity gate; the organisations
are disjoint and no network total is shown, so no group can be derived from others."""

from __future__ import annotations

from dataclasses import dataclass

from kartbild.accounts.models import Network
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.metrics import LimitingShare, limiting_share
from kartbild.mappings.ballots import analysis_catalogue, load_ballots
from kartbild.mappings.models import Mapping, Perspective, QuestionFrame, QuestionKind
from kartbild.organisations.models import Organisation


@dataclass(frozen=True)
class OrganisationAggregate:
    organisation: Organisation
    mapping: Mapping | None
    # None when the gate withholds the group (or there is no mapping to show).
    respondents: int | None
    limiting: LimitingShare | None


def network_overview(
    network: Network, policy: AnonymityPolicy | None = None
) -> list[OrganisationAggregate]:
    """Employees' respondents and limiting share (current culture at the workplace) of each
    member organisation's latest closed mapping."""
    policy = policy or AnonymityPolicy()
    rows = []
    for organisation in network.organisations.all():
        mapping = (
            Mapping.objects.filter(organisation=organisation, status=Mapping.Status.CLOSED)
            .select_related("catalogue")
            .order_by("-closes_on", "-pk")
            .first()
        )
        employees = (
            mapping.perspectives.filter(perspective=Perspective.EMPLOYEES).first()
            if mapping
            else None
        )
        if mapping is None or employees is None:
            rows.append(OrganisationAggregate(organisation, mapping, None, None))
            continue
        ballots = load_ballots(employees, mapping.picks)
        if not policy.shows(ballots.respondents):
            rows.append(OrganisationAggregate(organisation, mapping, None, None))
            continue
        share = None
        for index, question in enumerate(ballots.questions):
            if question.kind == QuestionKind.CURRENT and question.frame == QuestionFrame.WORKPLACE:
                share = limiting_share(
                    analysis_catalogue(mapping.catalogue), ballots.question_picks(index)
                )
        rows.append(OrganisationAggregate(organisation, mapping, ballots.respondents, share))
    return rows
