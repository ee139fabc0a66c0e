"""The programme overview and the community page: communities with their counts, regions,
organisation-type mix and composition. Every list is built with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from .. import member_counts, permissions, programme_counts
from ..models import (
    Community,
    Membership,
    Organisation,
    Programme,
)


@dataclass
class ProgrammeEntry:
    programme: Programme
    roles: list[str]


def programmes_for_overview(user) -> list[ProgrammeEntry]:
    """Programmes whose overview this user may open (coordinator or evaluator), with the number
    of communities in each."""
    access = permissions.access_for(user)
    ids = access.programmes_with(permissions.COORDINATOR, permissions.EVALUATOR)
    if not ids:
        return []
    programmes = Programme.objects.filter(pk__in=ids).annotate(community_count=Count("communities"))
    return [
        ProgrammeEntry(programme, sorted(access.programme_roles[programme.pk]))
        for programme in programmes.order_by("name")
    ]


def programme_with_rule_profile(*, slug: str) -> QuerySet[Programme]:
    return Programme.objects.select_related("rule_profile").filter(slug=slug)


# Sort keys of the programme overview (``?sort=members`` or ``?sort=-members``) and the columns
# behind them; the community name breaks ties so pages do not shuffle.
COMMUNITY_SORTS: dict[str, str] = {
    "name": "name",
    "members": "member_count",
    "organisations": "organisation_count",
    "region": "region",
    "start": "start_date",
}
# The kept columns a sort on a count uses once every kept count is valid (an index each way).
KEPT_SORTS = {"member_count": "kept_member_count", "organisation_count": "kept_organisation_count"}


def programme_communities(
    *,
    programme: Programme,
    q: str = "",
    scope: str = "",
    scenario: str = "",
    phase: str = "",
    status: str = "",
    region: str = "",
    sort: str = "name",
) -> QuerySet[Community]:
    """The programme's communities with their counts of active members and distinct
    organisations annotated, so a page of them costs one query however large it is. The counts
    are the kept ones (`communities.member_counts`), counted only where not kept or out of
    date. Sorted by a count, the outdated kept counts are counted again first, so the sort is
    on the kept column (an index: only the page is read) and equal to the sort on the counts."""
    communities = Community.objects.filter(programme=programme).annotate(
        member_count=member_counts.member_count(),
        organisation_count=member_counts.organisation_count(),
    )
    exact = {"scope": scope, "scenario": scenario, "phase": phase, "status": status}
    communities = communities.filter(**{name: value for name, value in exact.items() if value})
    if region:
        communities = communities.filter(region=region)
    if q:
        communities = communities.filter(name__icontains=q.strip())
    descending = sort.startswith("-")
    column = COMMUNITY_SORTS.get(sort.lstrip("-"), "name")
    if column in KEPT_SORTS:
        member_counts.refresh_outdated_counts(programme=programme)
        kept = F(KEPT_SORTS[column])
        return communities.order_by(kept.desc() if descending else kept.asc(), "name", "pk")
    order = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return communities.order_by(order, "name", "pk")


def programme_community_count(
    *, programme: Programme, ended: bool = True, **filters: str
) -> int | None:
    """How many communities `programme_communities` lists with these filters (`ended=False`:
    leaving ended ones out), from the kept counts (`communities.programme_counts`) when the
    filters are at most a region and a status; None when it must be counted."""
    if set(filters) - {"region", "status", "sort"}:
        return None
    return programme_counts.kept_count(
        programme,
        region=filters.get("region", ""),
        status=filters.get("status", ""),
        ended=ended,
    )


def programme_regions(*, programme: Programme) -> list[str]:
    """The regions of the programme's communities in order: kept, or read when not kept."""
    kept = programme_counts.kept_regions(programme)
    if kept is not None:
        return kept
    return list(
        Community.objects.filter(programme=programme)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


@dataclass
class TypeCount:
    """Members and distinct organisations of one organisation type in one community."""

    type: str
    label: str
    members: int
    organisations: int
    percent: int = 0

    @property
    def value(self) -> int:
        """The number `partials/bar_chart.html` shows next to the bar."""
        return self.members


def organisation_type_mix(*, community_ids: list[int]) -> dict[int, list[TypeCount]]:
    """Per community, its active members and organisations counted by organisation type: ONE
    grouped query for any number of communities. Types follow the order of
    `Organisation.Type`; members without an organisation come last."""
    if not community_ids:
        return {}
    # Each member's organisation type is looked up by key: joined, PostgreSQL hashed the whole
    # organisation table (10,000 rows at five times national scale) for a page of fifty
    # communities' members, and a list of their organisations' keys was read the same way.
    organisation_type = Subquery(
        Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by().values("type")
    )
    rows = (
        Membership.objects.active()
        .filter(community_id__in=community_ids)
        .annotate(organisation_type=organisation_type)
        .values("community_id", "organisation_type")
        .annotate(members=Count("pk"), organisations=Count("organisation", distinct=True))
        .order_by()
    )
    order = {value: index for index, value in enumerate(Organisation.Type.values)}
    # Translated once per call, not once per row: a page of 50 communities has ~400 rows.
    labels = {value: str(label) for value, label in Organisation.Type.choices}
    labels[""] = _("Zonder organisatie")
    mix: dict[int, list[TypeCount]] = {}
    for row in rows:
        kind = row["organisation_type"] or ""
        mix.setdefault(row["community_id"], []).append(
            TypeCount(
                type=kind,
                label=labels.get(kind, labels[""]),
                members=row["members"],
                organisations=row["organisations"],
            )
        )
    for counts in mix.values():
        counts.sort(key=lambda c: order.get(c.type, len(order)))
        largest = max(c.members for c in counts)
        for count in counts:
            count.percent = round(100 * count.members / largest) if largest else 0
    return mix


@dataclass
class Composition:
    """A community's shape (DESIGN.md §2): what coordinators and evaluators may see instead of
    names."""

    rows: list[TypeCount]
    members: int
    organisations: int


def community_composition(*, community: Community) -> Composition:
    rows = organisation_type_mix(community_ids=[community.pk]).get(community.pk, [])
    return Composition(
        rows=rows,
        members=sum(row.members for row in rows),
        organisations=sum(row.organisations for row in rows),
    )


def communities_with_programme() -> QuerySet[Community]:
    """For one community's pages: its programme and rule profile come along (the effective
    meeting interval falls back to the rule profile)."""
    return Community.objects.select_related("programme__rule_profile")


@dataclass
class OrganisationGroup:
    organisation: Organisation | None
    memberships: list[Membership]


def community_members_by_organisation(*, community: Community) -> list[OrganisationGroup]:
    """Active members grouped by the organisation they take part for, with the seat they share
    and the colleague they took over from, in one query."""
    memberships = (
        Membership.objects.active()
        .filter(community=community)
        .select_related("person", "organisation", "predecessor__person", "shares_seat_with__person")
        .order_by(F("organisation__name").asc(nulls_last=True), "person__full_name")
    )
    groups: list[OrganisationGroup] = []
    for membership in memberships:
        if not groups or groups[-1].organisation != membership.organisation:
            groups.append(OrganisationGroup(membership.organisation, []))
        groups[-1].memberships.append(membership)
    return groups
