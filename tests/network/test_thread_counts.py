"""The number of threads kept on each network (`network.thread_counts`) against the one
counted from the links, after every kind of change: a thread started, a thread deleted (its
link goes by cascade), a link deleted, a network deleted, a refresh, the synthetic network and
the demo data; and the network page's pager."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from leerkring.communities.synthetic import synth_build
from leerkring.network import services
from leerkring.network.models import Network, NetworkThread
from leerkring.network.thread_counts import refresh_thread_counts

pytestmark = pytest.mark.django_db


def assert_kept() -> None:
    kept = dict(Network.objects.values_list("pk", "kept_thread_count"))
    assert kept == {pk: NetworkThread.objects.filter(network_id=pk).count() for pk in kept}


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
