"""The network of leads and facilitators: closed like a community, its members are today's
leads and facilitators of the programme and whoever they invited; conversations are threads
that no community page, digest or search shows."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.communities import services as community_services
from leerkring.communities.models import Membership
from leerkring.events.models import Event
from leerkring.network import permissions, selectors, services
from leerkring.network.models import Network, NetworkMember, NetworkNotification
from leerkring.search.selectors import messages_visible, threads_visible
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Onze trekker in Zeeland worstelt met de rol van de gemeente"


@pytest.fixture
def network(world):
    return services.network_create(
        programmes=[world.programme], name="Netwerk trekkers Inburgering", by=world.coordinator
    )


@pytest.fixture
def thread(world, network):
    return services.network_thread_start(
        network=network, title="Intervisie: rolverdeling", body=SECRET, by=world.lead
    )


def test_todays_leads_and_facilitators_are_members_and_nobody_else(world, network):
    assert permissions.is_member(world.lead, network)
    assert permissions.is_member(world.facilitator, network)
    for outsider in ("participant", "sibling_member", "foreign_member", "coordinator",
                     "evaluator", "system_partner", "other_coordinator", "nobody"):  # fmt: skip
        assert not permissions.is_member(getattr(world, outsider), network), outsider
    assert selectors.member_count(network) == 2


def test_a_lead_who_steps_down_leaves_the_network(world, network):
    community_services.membership_end(
        membership=world.lead_m,
        left_on=timezone.localdate(),
        reason=Membership.LeftReason.LEFT,
        by=world.coordinator,
    )
    world.lead._leerkring_access = None
    del world.lead._leerkring_access
    assert not permissions.is_member(world.lead, network)


def test_the_coordinator_sees_the_shape_not_the_conversations(client, world, network, thread):
    client.force_login(world.coordinator)
    page = client.get(reverse("network:network", args=[network.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Intervisie: rolverdeling" not in text
    assert SECRET not in text
    assert world.lead_m.person.full_name not in text
    assert client.get(reverse("network:thread", args=[network.pk, thread.pk])).status_code == 403
    assert client.get(reverse("network:members", args=[network.pk])).status_code == 403


def test_members_invite_a_coordinator_who_then_reads_along(client, world, network, thread):
    services.network_member_add(network=network, person=world.coordinator.person, by=world.lead)
    client.force_login(world.coordinator)
    detail = client.get(reverse("network:thread", args=[network.pk, thread.pk]))
    assert SECRET in detail.content.decode()
    member = NetworkMember.objects.get()
    services.network_member_remove(member=member, by=world.facilitator)
    del world.coordinator._leerkring_access
    assert client.get(reverse("network:thread", args=[network.pk, thread.pk])).status_code == 403


def test_only_coordinators_and_evaluators_of_the_programme_can_be_invited(world, network):
    with pytest.raises(ValidationError):
        services.network_member_add(
            network=network, person=world.participant_m.person, by=world.lead
        )
    with pytest.raises(ValidationError):
        services.network_member_add(
            network=network, person=world.other_coordinator.person, by=world.lead
        )
    with pytest.raises(ValidationError):  # a coordinator cannot let themself in
        services.network_member_add(
            network=network, person=world.coordinator.person, by=world.coordinator
        )


def test_members_hear_of_a_new_message_by_their_choice(
    world, network, django_capture_on_commit_callbacks
):
    services.network_notification_set(
        network=network,
        person=world.facilitator_m.person,
        mode=NetworkNotification.Mode.OFF,
        by=world.facilitator,
    )
    sibling_lead = factories.MembershipFactory(community=world.sibling, role="lead")
    with django_capture_on_commit_callbacks(execute=True):
        services.network_thread_start(
            network=network, title="Vraag", body="Wie heeft ervaring?", by=world.lead
        )
    assert [m.to for m in mail.outbox] == [[sibling_lead.person.email]]
    assert "Wie heeft ervaring?" in mail.outbox[0].body


def test_network_threads_stay_out_of_community_pages_and_search(client, world, network, thread):
    client.force_login(world.lead)
    assert client.get(reverse("meetings:thread", args=[thread.pk])).status_code == 404
    threads_page = client.get(reverse("meetings:threads", args=[world.community.pk]))
    assert "Intervisie: rolverdeling" not in threads_page.content.decode()
    assert not threads_visible(user=world.lead).filter(pk=thread.pk).exists()
    assert not messages_visible(user=world.lead).filter(thread=thread).exists()


def test_a_coordinator_outside_the_network_finds_its_conversations_nowhere(
    client, world, network, thread
):
    """Every door a coordinator of the programme could try: the network's thread, the same
    thread as a community thread, the search, the members and the material."""
    client.force_login(world.coordinator)
    assert client.get(reverse("network:thread", args=[network.pk, thread.pk])).status_code == 403
    assert client.get(reverse("meetings:thread", args=[thread.pk])).status_code == 404
    found = client.get(reverse("search:search"), {"q": "rolverdeling"})
    assert found.status_code == 200
    assert "Intervisie: rolverdeling" not in found.content.decode()
    assert SECRET not in found.content.decode()
    assert not threads_visible(user=world.coordinator).filter(pk=thread.pk).exists()
    assert not messages_visible(user=world.coordinator).filter(thread=thread).exists()
    assert client.get(reverse("network:members", args=[network.pk])).status_code == 403
    notifications = reverse("network:notifications", args=[network.pk])
    assert client.post(notifications, {"mode": "off"}).status_code == 403


def test_a_member_posts_and_an_outsider_cannot(client, world, network, thread):
    client.force_login(world.facilitator)
    url = reverse("network:thread", args=[network.pk, thread.pk])
    assert client.post(url, {"body": "Herkenbaar!"}).status_code == 302
    assert thread.messages.count() == 2
    with pytest.raises(ValidationError):
        services.network_message_post(
            network=network, thread=thread, body="x", by=world.participant
        )


def test_shared_material_for_members_only(client, world, network):
    upload = SimpleUploadedFile(
        "intervisie.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
    )
    document = services.network_document_add(
        network=network, upload=upload, title="Werkvorm intervisie", by=world.lead
    )
    url = reverse("network:document", args=[network.pk, document.pk])
    client.force_login(world.facilitator)
    assert client.get(url).status_code == 200
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 403
    client.force_login(world.participant)
    assert client.get(url).status_code == 403


def test_peer_supervision_days_appear_in_the_network(client, world, network):
    factories.EventFactory(
        programme=world.programme,
        audience=Event.Audience.GUIDES,
        kind=Event.Kind.PEER_SUPERVISION,
        title="Intervisiedag voor trekkers",
    )
    client.force_login(world.lead)
    page = client.get(reverse("network:network", args=[network.pk]))
    assert "Intervisiedag voor trekkers" in page.content.decode()


def test_the_home_page_leads_members_to_their_network(client, world, network):
    client.force_login(world.lead)
    assert network.name in client.get(reverse("core:home")).content.decode()
    client.force_login(world.participant)
    assert network.name not in client.get(reverse("core:home")).content.decode()


def test_only_a_coordinator_of_each_programme_sets_one_up(world):
    with pytest.raises(ValidationError):
        services.network_create(
            programmes=[world.programme, world.other_programme],
            name="Landelijk",
            by=world.coordinator,
        )
    assert not Network.objects.exists()


def test_the_network_page_query_count_does_not_grow_with_threads(client, world, network):
    services.network_thread_start(network=network, title="Eerste", body="a", by=world.lead)
    client.force_login(world.lead)
    url = reverse("network:network", args=[network.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        lead = factories.MembershipFactory(community=world.sibling, role="facilitator")
        services.network_thread_start(
            network=network, title=f"Vraag {n}", body="b", by=lead.person.user
        )
    factories.EventFactory(programme=world.programme, audience=Event.Audience.GUIDES,
                           starts_at=timezone.now() + datetime.timedelta(days=3))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_the_member_count_and_threads_match_the_reads_they_replace(world, network, thread):
    """The count from the guides' seats and the invitations, the per-thread message numbers
    and the thread count are those of the former reads (every person tested against both
    lists; every message of the network joined before the page was cut)."""
    from django.db.models import Count

    from leerkring.communities.models import Person
    from leerkring.meetings.models import Thread

    # Someone who guides two communities, a guide who is also invited, one who left.
    twice = factories.MembershipFactory(community=world.sibling, role="lead")
    factories.MembershipFactory(community=world.community, person=twice.person, role="facilitator")
    NetworkMember.objects.create(network=network, person=world.facilitator_m.person)
    gone = factories.MembershipFactory(community=world.sibling, role="facilitator")
    community_services.membership_end(
        membership=gone, left_on=timezone.localdate(), reason=Membership.LeftReason.LEFT,
        by=world.coordinator,
    )  # fmt: skip
    factories.MembershipFactory(community=world.sibling, role="participant")
    services.network_member_add(network=network, person=world.coordinator.person, by=world.lead)
    second = services.network_thread_start(network=network, title="Tweede", body="a", by=world.lead)
    for body in ("b", "c"):
        services.network_message_post(network=network, thread=second, body=body, by=world.lead)

    before = Person.objects.filter(selectors.members_q(network)).count()
    assert selectors.member_count(network) == before == 4
    old = (
        Thread.objects.filter(network_link__network=network)
        .select_related("started_by")
        .annotate(message_count=Count("messages"))
        .order_by("-last_message_at", "-pk")
    )
    new = selectors.network_threads(network=network)
    assert [(t.pk, t.message_count, t.started_by) for t in new] == [
        (t.pk, t.message_count, t.started_by) for t in old
    ]
    network.refresh_from_db()
    assert selectors.thread_count(network=network) == old.count() == 2
