"""The monitor's pages: the programme matrix, a community's own monitor, the community page's
panel, and who may open them (the doors are also in tests/test_permission_matrix.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.communities.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def matrix_url(world) -> str:
    return reverse("evaluation:programme_monitor", args=[world.programme.slug])


def community_url(community) -> str:
    return reverse("evaluation:community_monitor", args=[community.pk])


@pytest.mark.parametrize("visitor", ["coordinator", "evaluator"])
def test_coordinators_and_evaluators_open_the_matrix(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.get(matrix_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.community.name in html and world.sibling.name in html
    assert world.foreign.name not in html
    # In words, not colour alone, with a legend.
    for label in ("Voldoet", "Let op", "Voldoet niet", "Onbekend", "Geen eis"):
        assert label in html
    assert 'scope="row"' in html and 'scope="col"' in html


@pytest.mark.parametrize(
    "visitor",
    ["participant", "lead", "facilitator", "sibling_member", "system_partner", "other_coordinator"],
)
def test_others_may_not_open_the_matrix(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(matrix_url(world)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (matrix_url(world), community_url(world.community)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_matrix_cell_carries_the_reason_norm_and_source(client, world):
    client.force_login(world.coordinator)
    html = client.get(matrix_url(world)).content.decode()
    assert "Rapport §5.1.1" in html  # in a cell's title
    assert community_url(world.community) in html


def test_the_matrix_filters_by_status(client, world):
    # world.community has three members (participant, lead, facilitator), the sibling one.
    rules = world.programme.rule_profile
    rules.members_min, rules.members_target, rules.monitor_members_margin = 3, None, 0
    rules.save()
    client.force_login(world.coordinator)
    response = client.get(matrix_url(world), {"status": "red", "check": "members"})
    html = response.content.decode()
    assert world.sibling.name in html
    assert world.community.name not in html
    assert "1 gemeenschap" in html


def test_a_stale_filter_value_is_ignored(client, world):
    client.force_login(world.coordinator)
    response = client.get(matrix_url(world), {"status": "purple", "sort": "random"})
    assert response.status_code == 200
    assert world.community.name in response.content.decode()


@pytest.mark.parametrize("visitor", ["lead", "facilitator", "coordinator", "evaluator"])
def test_the_community_monitor_is_for_its_guides_and_the_programme(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.get(community_url(world.community))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Aantal deelnemers", "Signalen op tijd beantwoord", "Rapport §5.1.3", "Norm"):
        assert text in html
    assert "geen ranglijst" in html
    assert world.sibling.name not in html  # no comparison with other communities


@pytest.mark.parametrize(
    "visitor", ["participant", "sibling_member", "system_partner", "other_coordinator", "nobody"]
)
def test_others_may_not_open_a_community_monitor(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(community_url(world.community)).status_code == 403


def test_the_lead_of_another_community_may_not_open_this_monitor(client, world):
    other_lead = factories.MembershipFactory(
        community=world.sibling, role=Membership.Role.LEAD
    ).person.user
    client.force_login(other_lead)
    assert client.get(community_url(world.community)).status_code == 403
    assert client.get(community_url(world.sibling)).status_code == 200


@pytest.mark.parametrize(
    ("visitor", "shown"),
    [("lead", True), ("facilitator", True), ("coordinator", True), ("participant", False)],
)
def test_the_community_page_shows_the_monitor_panel_to_its_guides(client, world, visitor, shown):
    client.force_login(getattr(world, visitor))
    html = client.get(reverse("communities:community", args=[world.community.pk])).content.decode()
    assert ('id="panel-monitor-heading"' in html) is shown
    assert (community_url(world.community) in html) is shown


def _page_queries(user, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_matrix_page_query_count_is_flat(world):
    before = _page_queries(world.coordinator, matrix_url(world))
    for _ in range(12):
        community = factories.CommunityFactory(programme=world.programme)
        factories.MembershipFactory(community=community, role=Membership.Role.LEAD)
    assert _page_queries(world.coordinator, matrix_url(world)) == before
