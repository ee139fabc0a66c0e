"""The number of members kept on each network (`network.member_counts`) against the one
counted the old way (every person tested against the guides' seats and the invitations), after
every kind of change: a guide joining, stepping down, changing role, a seat starting later, an
invitation made and withdrawn, a programme added to the network, a community moving to another
programme, the synthetic network and the demo data."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from leerkring.communities import services as community_services
from leerkring.communities.models import Membership, Person
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
