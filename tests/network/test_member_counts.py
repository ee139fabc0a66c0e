"""The number of members kept on each network (`network.member_counts`) against the one
counted the old way (every person tested against the guides' seats and the invitations), after
every kind of change: a guide joining, stepping down, changing role, a seat starting later, an
invitation made and withdrawn, a programme added to the network, a community moving to another
programme, the synthetic network and the demo data; and that only such changes count again, all
networks concerned in one statement."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkring.communities import services as community_services
from leerkring.communities.models import Community, Membership, Person
from leerkring.communities.synthetic import synth_build
from leerkring.network import member_counts, selectors, services
from leerkring.network.models import Network, NetworkMember
from tests import factories

pytestmark = pytest.mark.django_db


def assert_kept() -> None:
    for network in Network.objects.all():
        counted = Person.objects.filter(selectors.members_q(network)).count()
        assert network.kept_member_count == counted
        assert selectors.member_count(network) == counted


@pytest.fixture
def network(world):
    return services.network_create(
        programmes=[world.programme], name="Netwerk trekkers Inburgering", by=world.coordinator
    )


def test_guides_joining_leaving_and_changing_role_keep_the_count(world, network):
    assert_kept()
    lead = factories.MembershipFactory(community=world.sibling, role="lead")
    assert_kept()
    participant = factories.MembershipFactory(community=world.sibling, role="participant")
    assert_kept()
    participant.role = Membership.Role.FACILITATOR
    participant.save()
    assert_kept()
    community_services.membership_end(
        membership=lead, left_on=timezone.localdate(), reason=Membership.LeftReason.LEFT,
        by=world.coordinator,
    )  # fmt: skip
    assert_kept()
    participant.delete()
    assert_kept()


def test_a_seat_starting_later_is_counted_from_that_day(world, network):
    later = timezone.localdate() + datetime.timedelta(days=10)
    factories.MembershipFactory(community=world.sibling, role="lead", joined_on=later)
    network.refresh_from_db()
    assert network.kept_members_until == later
    before = network.kept_member_count
    # On that day the kept number no longer holds and the page counts.
    assert member_counts.member_count(network, today=later) == before + 1


def test_invitations_and_programmes_keep_the_count(world, network):
    services.network_member_add(network=network, person=world.coordinator.person, by=world.lead)
    assert_kept()
    NetworkMember.objects.filter(network=network).delete()
    assert_kept()
    network.programmes.add(world.foreign.programme)
    assert_kept()
    world.foreign.programme.networks.remove(network)
    assert_kept()


def test_a_community_moving_to_another_programme_keeps_the_count(world, network):
    world.foreign.programme = world.programme
    world.foreign.save()
    assert_kept()


def test_the_synthetic_network_keeps_the_count(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        assert Network.objects.filter(kept_member_count__gt=0).exists()
        assert_kept()
        transaction.set_rollback(True)


def test_the_demo_data_keeps_the_count(db):
    call_command("demo", stdout=io.StringIO())
    assert Network.objects.filter(kept_member_count__gt=0).exists()
    assert_kept()


def _network_writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that wrote a network's row: a count made again."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "network_network"')
    ]


def test_a_guides_dates_and_a_move_keep_the_count(world, network):
    later = timezone.localdate() + datetime.timedelta(days=20)
    world.lead_m.left_on = later
    world.lead_m.save()
    assert Network.objects.get(pk=network.pk).kept_members_until == later
    assert_kept()
    # A lead of another programme's community becomes a lead in this network's programme.
    abroad = factories.MembershipFactory(community=world.foreign, role="lead")
    assert_kept()
    abroad.community = world.sibling
    abroad.save()
    assert_kept()
    # A guide's community deleted: its seats go, and the network counts once.
    factories.MembershipFactory(community=world.sibling, role="facilitator")
    with CaptureQueriesContext(connection) as queries:
        Community.objects.get(pk=world.sibling.pk).delete()
    assert len(_network_writes(queries)) == 1
    assert_kept()


def test_only_a_change_of_what_is_counted_counts_again(world, network):
    participant, lead = world.participant_m, world.lead_m
    lead.organisation = factories.OrganisationFactory()
    with CaptureQueriesContext(connection) as queries:
        # A participant joining, leaving and deleted.
        factories.MembershipFactory(community=world.community)
        participant.left_on = timezone.localdate()
        participant.save()
        factories.MembershipFactory(community=world.sibling).delete()
        # A guide's organisation, and a save naming other fields.
        lead.save()
        lead.save(update_fields=["organisation"])
        # A community saved in its own programme, and a new community.
        world.community.name = "CoP Achterhoek-Oost"
        world.community.save()
        factories.CommunityFactory(programme=world.programme)
    assert _network_writes(queries) == []
    assert_kept()
    # A community of another programme that moves counts the networks of both again.
    with CaptureQueriesContext(connection) as queries:
        world.foreign.programme = world.programme
        world.foreign.save()
    assert len(_network_writes(queries)) == 1
    assert_kept()


def test_the_refresh_counts_any_number_of_networks_in_one_statement(world, network):
    others = [
        services.network_create(
            programmes=[world.programme], name=f"Netwerk {n}", by=world.coordinator
        )
        for n in range(3)
    ]
    services.network_member_add(network=others[0], person=world.evaluator.person, by=world.lead)
    Network.objects.update(kept_member_count=None, kept_members_until=None)
    with CaptureQueriesContext(connection) as one:
        member_counts.refresh_network_member_counts([network.pk])
    with CaptureQueriesContext(connection) as four:
        member_counts.refresh_network_member_counts([network.pk] + [n.pk for n in others])
    assert len(four) == len(one)
    assert_kept()
