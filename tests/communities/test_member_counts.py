"""The kept member counts (`communities.member_counts`) hold the counted ones after every kind
of change to a community's memberships, and the programme overview's list is the same as with
the counts worked out per request."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkring.communities import services
from leerkring.communities.member_counts import refresh_member_counts
from leerkring.communities.models import Community, Membership, active_membership_q
from leerkring.communities.selectors.overview import programme_communities
from tests import factories

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def counted(community: Community, on: datetime.date = TODAY) -> tuple[int, int]:
    active = Membership.objects.active(on=on).filter(community=community)
    return active.count(), active.exclude(organisation=None).values(
        "organisation"
    ).distinct().count()


def shown(community: Community) -> tuple[int, int]:
    row = programme_communities(programme=community.programme).get(pk=community.pk)
    return row.member_count, row.organisation_count


def assert_kept(community: Community) -> None:
    community.refresh_from_db()
    assert community.kept_member_count is not None
    assert (community.kept_member_count, community.kept_organisation_count) == counted(community)
    assert shown(community) == counted(community)


@pytest.fixture
def community(db):
    return factories.CommunityFactory()


def add(community, organisation=None, joined_on=None):
    person = factories.PersonFactory(organisation=organisation or factories.OrganisationFactory())
    return services.membership_add(community=community, person=person, by=None, joined_on=joined_on)


def test_a_new_community_keeps_zero(community):
    factories.MembershipFactory(community=factories.CommunityFactory())
    refresh_member_counts([community.pk])
    assert_kept(community)
    assert shown(community) == (0, 0)


def test_adding_and_ending_keep_the_counts(community):
    organisation = factories.OrganisationFactory()
    first = add(community, organisation)
    add(community, organisation)
    third = add(community)
    assert_kept(community)
    assert shown(community) == (3, 2)
    services.membership_end(membership=first, by=None)
    assert_kept(community)
    services.membership_change_role(membership=third, role=Membership.Role.LEAD, by=None)
    assert_kept(community)
    assert shown(community) == (2, 2)


def test_handover_share_and_erasure_keep_the_counts(community):
    organisation = factories.OrganisationFactory()
    leaving = add(community, organisation)
    other = add(community, organisation)
    successor = factories.PersonFactory(organisation=organisation)
    new = services.membership_handover(membership=leaving, successor=successor, by=None)
    assert_kept(community)
    services.membership_share_seat(membership=other, with_membership=new, by=None)
    assert_kept(community)
    services.personal_data_erase(person=other.person, user=None, by=None)
    assert_kept(community)
    assert shown(community) == (1, 1)


def test_deletes_keep_the_counts(community):
    organisation = factories.OrganisationFactory()
    one = add(community, organisation)
    add(community, organisation)
    add(community)
    one.delete()
    assert_kept(community)
    one = Membership.objects.filter(community=community).first()
    one.person.delete()  # the membership goes by cascade
    assert_kept(community)
    organisation.delete()  # memberships keep going, without an organisation
    assert shown(community) == counted(community)


def _community_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "communities_community"')
    ]


def test_a_delete_counts_each_community_once_and_one_that_goes_not_at_all(community):
    other = factories.CommunityFactory()
    person = factories.PersonFactory(organisation=factories.OrganisationFactory())
    for target in (community, other):
        factories.MembershipFactory(community=target, person=person)
        add(target)
        add(target)
    with CaptureQueriesContext(connection) as queries:
        Membership.objects.filter(community=community).exclude(person=person).delete()
    assert len(_community_writes(queries)) == 1
    assert_kept(community)
    assert shown(community) == (1, 1)
    with CaptureQueriesContext(connection) as queries:
        person.delete()  # a seat in each community
    assert len(_community_writes(queries)) == 2
    assert_kept(community)
    assert_kept(other)
    with CaptureQueriesContext(connection) as queries:
        Community.objects.get(pk=other.pk).delete()
    assert _community_writes(queries) == []


def test_a_date_in_the_future_is_counted_when_it_comes(community):
    today_member = add(community)
    add(community, joined_on=days(3))
    services.membership_end(membership=today_member, by=None, left_on=days(5))
    community.refresh_from_db()
    assert community.kept_counts_until == days(3)
    assert shown(community) == counted(community) == (1, 1)
    for later in (3, 4, 5, 9):
        with mock.patch("django.utils.timezone.localdate", return_value=days(later)):
            assert shown(community) == counted(community, on=days(later))
    assert counted(community, on=days(4)) == (2, 2)
    assert counted(community, on=days(9)) == (1, 1)


def _as_counted_per_request(programme):
    """The overview's list as it was worked out before the counts were kept."""

    def count(field, distinct=False):
        counts = (
            Membership.objects.filter(active_membership_q(), community=OuterRef("pk"))
            .order_by()
            .values("community")
            .annotate(n=Count(field, distinct=distinct))
            .values("n")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), 0)

    return Community.objects.filter(programme=programme).annotate(
        member_count=count("pk"), organisation_count=count("organisation", distinct=True)
    )


@pytest.mark.parametrize("sort", ["members", "-members", "organisations", "-organisations"])
def test_the_overview_sorts_as_when_counted(db, sort):
    programme = factories.ProgrammeFactory()
    organisations = [factories.OrganisationFactory() for _ in range(3)]
    for size in (0, 3, 1, 3, 2, 5):
        community = factories.CommunityFactory(programme=programme)
        for index in range(size):
            add(community, organisations[index % 3])
    stale = Community.objects.filter(programme=programme).order_by("pk")[1]
    Community.objects.filter(pk=stale.pk).update(kept_member_count=None)  # not kept: counted
    column = {"members": "member_count", "organisations": "organisation_count"}[sort.lstrip("-")]
    from django.db.models import F

    order = F(column).desc(nulls_last=True) if sort.startswith("-") else F(column).asc()
    expected = [
        (c.pk, c.member_count, c.organisation_count)
        for c in _as_counted_per_request(programme).order_by(order, "name", "pk")
    ]
    kept = [
        (c.pk, c.member_count, c.organisation_count)
        for c in programme_communities(programme=programme, sort=sort)
    ]
    assert kept == expected


def test_a_membership_moved_to_another_community_keeps_both_counts(community):
    # Both communities are counted again, also when the instance saved was read before another
    # change moved the membership (the old community is read from the row, not the instance).
    other = factories.CommunityFactory(programme=community.programme)
    moving = add(community)
    add(community)
    stale = Membership.objects.get(pk=moving.pk)
    moving.community = other
    moving.save()
    assert_kept(community)
    assert_kept(other)
    stale.save()  # back to the first community, from an instance read before the move
    assert_kept(community)
    assert_kept(other)


@pytest.mark.django_db(transaction=True)
def test_a_membership_saved_outside_a_transaction_is_saved_with_its_counts():
    # Counted in the save's own transaction: a count that fails takes the save back with it.
    community = factories.CommunityFactory()
    person = factories.PersonFactory()
    with (
        mock.patch(
            "leerkring.communities.member_counts.refresh_member_counts",
            side_effect=RuntimeError("the count failed"),
        ),
        pytest.raises(RuntimeError),
    ):
        Membership(community=community, person=person, joined_on=TODAY).save()
    assert not Membership.objects.filter(person=person).exists()
