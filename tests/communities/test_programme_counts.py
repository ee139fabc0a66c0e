"""The programmes' kept numbers of communities per region and status
(`communities.programme_counts`) stay equal to the communities counted after every kind of
change; the overview and the API count, list regions and show the organisation-type mix as
when everything was read per request; and a sort on a kept count stays exact when dates pass."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities import selectors, services
from leerkring.communities.models import (
    Community,
    Membership,
    Organisation,
    Programme,
    active_membership_q,
)
from leerkring.communities.programme_counts import programme_counts_rebuild
from leerkring.communities.synthetic import synth_build
from tests import factories

TODAY = timezone.localdate()


def _kept() -> dict[int, list]:
    return {
        pk: kept
        for pk, kept in Programme.objects.values_list("pk", "kept_community_counts")
        if kept
    }


def _counted() -> dict[int, list]:
    counted: dict[int, list] = {}
    for row in (
        Community.objects.values("programme_id", "region", "status")
        .annotate(n=Count("pk"))
        .order_by("programme_id", "region", "status")
    ):
        counted.setdefault(row["programme_id"], []).append([row["region"], row["status"], row["n"]])
    return counted


def _regions_read(programme: Programme) -> list[str]:
    """The region filter's choices as read from the communities before they were kept."""
    return list(
        Community.objects.filter(programme=programme)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


def _mix_joined(community_ids: list[int]) -> dict[int, list[tuple]]:
    """The organisation-type mix as the join worked it out before."""
    rows = (
        Membership.objects.active()
        .filter(community_id__in=community_ids)
        .values("community_id", "organisation__type")
        .annotate(members=Count("pk"), organisations=Count("organisation", distinct=True))
        .order_by()
    )
    mix: dict[int, list[tuple]] = {}
    for row in rows:
        mix.setdefault(row["community_id"], []).append(
            (row["organisation__type"] or "", row["members"], row["organisations"])
        )
    return {pk: sorted(counts) for pk, counts in mix.items()}


def test_the_kept_counts_follow_every_change(db):
    programme, other = factories.ProgrammeFactory(), factories.ProgrammeFactory()
    first = services.community_create(
        programme=programme,
        by=None,
        name="CoP Twente",
        scope=Community.Scope.REGIONAL,
        region="Twente",
        scenario=Community.Scenario.B,
    )
    assert _kept() == _counted() == {programme.pk: [["Twente", "starting", 1]]}
    second = factories.CommunityFactory(programme=programme, region="Achterhoek")
    factories.CommunityFactory(programme=other, region="")
    assert _kept() == _counted()
    services.community_update(community=first, by=None, status=Community.Status.ACTIVE)
    assert _kept() == _counted()
    services.community_update(community=second, by=None, region="Drenthe")
    assert _kept() == _counted()
    # A community moved to another programme counts in both again.
    second.programme = other
    second.save()
    assert _kept() == _counted()
    assert [region for region, *_ in _kept()[programme.pk]] == ["Twente"]
    # A save of other fields only does not count again, and need not.
    first.theme = "Taal"
    first.save(update_fields=["theme"])
    assert _kept() == _counted()
    second.delete()
    assert _kept() == _counted()
    Community.objects.filter(programme=programme).delete()
    assert _kept() == _counted()
    assert Programme.objects.get(pk=programme.pk).kept_community_counts == []
    # Writes past save() are counted again by the rebuild.
    factories.CommunityFactory(programme=programme, region="Zeeland")
    Community.objects.filter(programme=programme).update(status=Community.Status.ENDED)
    programme_counts_rebuild()
    assert _kept() == _counted()


def _programme_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "communities_programme"')
    ]


def test_only_a_change_of_region_status_or_programme_counts_again(db):
    programme, other = factories.ProgrammeFactory(), factories.ProgrammeFactory()
    community = factories.CommunityFactory(programme=programme, region="Twente")
    stale = Community.objects.get(pk=community.pk)
    with CaptureQueriesContext(connection) as queries:
        community.name = "CoP Twente-Noord"
        community.phase = Community.Phase.DEVELOP
        community.save()
        services.community_update(community=community, by=None, theme="Werk")
        factories.MembershipFactory(community=community)  # the kept member counts
    assert _programme_writes(queries) == []
    assert _kept() == _counted()
    # A change counts again, also from an instance read before another change: the old
    # values are the row's, not the instance's.
    with CaptureQueriesContext(connection) as queries:
        community.region = "Salland"
        community.save()
    assert len(_programme_writes(queries)) == 1
    assert _kept() == _counted()
    stale.region = "Twente"
    stale.save()
    assert _kept() == _counted()
    stale.status = Community.Status.ENDED
    stale.save(update_fields=["status"])
    assert _kept() == _counted()
    with CaptureQueriesContext(connection) as queries:
        stale.programme = other
        stale.save()
    assert len(_programme_writes(queries)) == 2  # both programmes
    assert _kept() == _counted()
    assert programme.pk not in _counted()


def test_the_synthetic_network_keeps_the_counts(db):
    synth_build(seed=3, scale=0.01, out=lambda _message: None)
    assert _kept() == _counted()
    assert _kept()


def _world():
    programme = factories.ProgrammeFactory()
    organisations = [
        factories.OrganisationFactory(type=kind)
        for kind in (Organisation.Type.MUNICIPALITY, Organisation.Type.MUNICIPALITY, "coa")
    ]
    regions = ["Twente", "Achterhoek", "", "Zeeland", "Twente", "Drenthe", "Achterhoek"]
    for index, region in enumerate(regions):
        community = factories.CommunityFactory(
            programme=programme,
            region=region,
            scope=Community.Scope.NATIONAL if not region else Community.Scope.REGIONAL,
            status=Community.Status.ENDED if index == 3 else Community.Status.ACTIVE,
        )
        for seat in range(index % 4):
            factories.MembershipFactory(
                community=community,
                organisation=organisations[seat % 3] if seat != 2 else None,
            )
    return programme


def test_the_overview_counts_regions_and_mix_as_read(client, db):
    programme = _world()
    role = factories.ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.COORDINATOR)
    client.force_login(role.person.user)
    url = reverse("communities:programme", args=[programme.slug])
    for params in (
        {},
        {"region": "Twente"},
        {"status": "ended"},
        {"q": "CoP"},
        {"sort": "-members"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200, params
        listed = selectors.programme_communities(
            programme=programme, **{k: v for k, v in params.items() if k != "sort"}
        )
        assert response.context["page"].paginator.count == listed.count(), params
    assert selectors.programme_regions(programme=programme) == _regions_read(programme)
    ids = list(Community.objects.filter(programme=programme).values_list("pk", flat=True))
    mix = selectors.organisation_type_mix(community_ids=ids)
    assert {
        pk: sorted((c.type, c.members, c.organisations) for c in counts)
        for pk, counts in mix.items()
    } == _mix_joined(ids)


def test_a_programme_without_kept_counts_is_counted(db):
    programme = _world()
    Programme.objects.filter(pk=programme.pk).update(kept_community_counts=None)
    programme.refresh_from_db()
    assert selectors.programme_community_count(programme=programme) is None
    assert selectors.programme_regions(programme=programme) == _regions_read(programme)
    programme_counts_rebuild()
    programme.refresh_from_db()
    assert selectors.programme_community_count(programme=programme) == 7
    assert selectors.programme_community_count(programme=programme, region="Twente") == 2
    assert selectors.programme_community_count(programme=programme, q="x") is None


@pytest.mark.parametrize("sort", ["members", "-members", "organisations", "-organisations"])
def test_a_sort_on_a_kept_count_stays_exact_when_a_date_passes(db, sort):
    programme = factories.ProgrammeFactory()
    later = TODAY + datetime.timedelta(days=3)
    for size, joining in ((2, 0), (1, 3), (3, 0), (0, 2)):
        community = factories.CommunityFactory(programme=programme)
        for _seat in range(size):
            factories.MembershipFactory(community=community)
        for _seat in range(joining):
            factories.MembershipFactory(community=community, joined_on=later)
    column = {"members": "member_count", "organisations": "organisation_count"}[sort.lstrip("-")]
    order = F(column).desc(nulls_last=True) if sort.startswith("-") else F(column).asc()
    for day in (TODAY, later):
        with mock.patch("django.utils.timezone.localdate", return_value=day):
            expected = [
                (c.pk, c.member_count, c.organisation_count)
                for c in _counted_per_request(programme, day).order_by(order, "name", "pk")
            ]
            kept = [
                (c.pk, c.member_count, c.organisation_count)
                for c in selectors.programme_communities(programme=programme, sort=sort)
            ]
            assert kept == expected, day


def _counted_per_request(programme: Programme, day: datetime.date):
    """The overview's list as it was worked out before the counts were kept."""

    def count(field, distinct=False):
        counts = (
            Membership.objects.filter(active_membership_q(on=day), community=OuterRef("pk"))
            .order_by()
            .values("community")
            .annotate(n=Count(field, distinct=distinct))
            .values("n")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), 0)

    return Community.objects.filter(programme=programme).annotate(
        member_count=count("pk"), organisation_count=count("organisation", distinct=True)
    )
