"""The number of threads kept on each network (`network.thread_counts`) against the number of
threads its list shows (`selectors.network_threads`), after every kind of change: a thread
started, a thread deleted (its link goes by cascade), a link deleted or moved, a linked thread
given a community or freed of it, a network deleted, a refresh, the synthetic network and the
demo data; the network page's pager; and that other saves count nothing again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.communities.synthetic import synth_build
from leerkring.meetings.models import Thread
from leerkring.network import selectors, services
from leerkring.network.models import Network, NetworkThread
from leerkring.network.thread_counts import refresh_thread_counts

pytestmark = pytest.mark.django_db


def assert_kept() -> None:
    """Each kept count is the number of threads the network's list shows; where every linked
    thread is without a community, also the number of links (the old count)."""
    kept = {network: network.kept_thread_count for network in Network.objects.all()}
    assert kept == {network: selectors.network_threads(network=network).count() for network in kept}
    if not NetworkThread.objects.filter(thread__community__isnull=False).exists():
        assert kept == {
            network: NetworkThread.objects.filter(network=network).count() for network in kept
        }


@pytest.fixture
def network(world):
    return services.network_create(
        programmes=[world.programme], name="Netwerk trekkers Inburgering", by=world.coordinator
    )


def _start(network, world, title="Intervisie"):
    return services.network_thread_start(network=network, title=title, body="a", by=world.lead)


def test_starting_and_deleting_threads_keeps_the_count(world, network):
    other = services.network_create(
        programmes=[world.programme], name="Tweede netwerk", by=world.coordinator
    )
    threads = [_start(network, world, f"Vraag {n}") for n in range(3)]
    _start(other, world)
    assert Network.objects.get(pk=network.pk).kept_thread_count == 3
    assert_kept()
    threads[0].delete()  # the link goes with the thread
    assert_kept()
    NetworkThread.objects.filter(thread=threads[1]).delete()
    assert Network.objects.get(pk=network.pk).kept_thread_count == 1
    assert_kept()
    network.delete()
    assert_kept()


def test_the_refresh_puts_every_count_right(world, network):
    _start(network, world)
    Network.objects.filter(pk=network.pk).update(kept_thread_count=9)
    refresh_thread_counts()
    assert_kept()


def test_the_network_page_pages_by_the_kept_count(client, world, network):
    for n in range(21):
        _start(network, world, f"Vraag {n}")
    client.force_login(world.lead)
    page = client.get(reverse("network:network", args=[network.pk])).context["page"]
    assert page.paginator.count == 21
    assert page.paginator.num_pages == 2


def test_the_synthetic_network_keeps_the_count(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        assert Network.objects.filter(kept_thread_count__gt=0).exists()
        assert_kept()
        transaction.set_rollback(True)


def test_the_demo_data_keeps_the_count(db):
    call_command("demo", stdout=io.StringIO())
    assert Network.objects.filter(kept_thread_count__gt=0).exists()
    assert_kept()


def test_the_count_is_the_number_the_list_shows(world, network):
    other = services.network_create(
        programmes=[world.programme], name="Tweede netwerk", by=world.coordinator
    )
    first, second = _start(network, world, "Vraag 1"), _start(network, world, "Vraag 2")
    # A linked thread given to a community leaves the network's list, and comes back.
    first.community = world.community
    first.save()
    assert Network.objects.get(pk=network.pk).kept_thread_count == 1
    assert_kept()
    first.community = None
    first.save(update_fields=["community"])
    assert_kept()
    # A link moved to another network counts in both.
    link = NetworkThread.objects.get(thread=second)
    link.network = other
    link.save()
    assert Network.objects.get(pk=other.pk).kept_thread_count == 1
    assert_kept()


def test_other_saves_count_nothing_again(world, network):
    thread = _start(network, world)
    community_thread = Thread.objects.create(community=world.community, title="Agenda")
    link = NetworkThread.objects.get(thread=thread)
    with CaptureQueriesContext(connection) as queries:
        services.network_message_post(network=network, thread=thread, body="b", by=world.lead)
        thread.title = "Intervisie in maart"
        thread.save(update_fields=["title"])
        community_thread.title = "Agenda en verslag"
        community_thread.save()
        link.save()
    assert [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "network_network"')
    ] == []
    assert_kept()


def test_a_save_reads_the_row_before_once_and_counts_only_a_real_change(world, network):
    thread = _start(network, world)
    other = services.network_create(
        programmes=[world.programme], name="Tweede netwerk", by=world.coordinator
    )
    link = NetworkThread.objects.get(thread=thread)
    fresh = Thread.objects.get(pk=thread.pk)
    fresh.title = "Intervisie in maart"
    with CaptureQueriesContext(connection) as queries:
        fresh.save()  # linked, its community kept: one read, nothing counted
        link.save(update_fields=["thread"])  # no read, nothing counted
    assert len(queries.captured_queries) == 3  # the read and the two updates
    assert [q["sql"] for q in queries.captured_queries if '"network_network"' in q["sql"]] == []
    # A change read from the row, not from an instance read before it.
    stale = Thread.objects.get(pk=thread.pk)
    fresh.community = world.community
    fresh.save(update_fields=["community"])
    assert Network.objects.get(pk=network.pk).kept_thread_count == 0
    stale.save()  # back without a community
    assert Network.objects.get(pk=network.pk).kept_thread_count == 1
    assert_kept()
    link.network = other
    link.save(update_fields=["network"])
    assert Network.objects.get(pk=other.pk).kept_thread_count == 1
    assert_kept()
