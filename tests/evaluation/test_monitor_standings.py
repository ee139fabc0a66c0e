"""The matrix page filters, sorts and pages on the programme's stored statuses
(`evaluation.monitor.standings`) and computes the checks of its own page only: on the same data
it shows, page after page, exactly what the whole matrix (`selectors.programme_monitor`) shows,
and its summary holds the same counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.communities import services as community_services
from leerkring.communities.models import Community
from leerkring.evaluation import monitor, selectors
from leerkring.evaluation.models import MonitorStanding, MonitorSummary
from leerkring.evaluation.monitor import standings
from tests import factories
from tests.evaluation.test_monitor import LONG_AGO, R, _network, member, members, set_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    programme = factories.ProgrammeFactory()
    set_rules(
        programme.rule_profile,
        members_min=3,
        members_target=None,
        members_max=10,
        monitor_members_margin=0,
    )
    _network(programme, 4)
    # Communities that fail in different ways, and names that tie on the number of reds.
    for i, size in enumerate((1, 2, 3, 1, 2, 5, 0)):
        community = factories.CommunityFactory(
            programme=programme, name=f"CoP {i % 3} {i}", start_date=LONG_AGO
        )
        if size:
            member(community, role=R.LEAD)
            members(community, size - 1)
    factories.CommunityFactory(programme=programme, status=Community.Status.ENDED)
    factories.CommunityFactory()  # another programme's
    return programme


def _all_pages(programme, per_page: int = 3, **filters) -> list[selectors.MonitorRow]:
    rows, number = [], 1
    while True:
        page = selectors.programme_monitor_page(
            programme=programme, page=number, per_page=per_page, **filters
        )
        rows += page.rows
        if not page.page.has_next():
            return rows
        number += 1


def _shape(rows) -> list[tuple[int, list[monitor.Check]]]:
    return [(row.community.pk, row.checks) for row in rows]


FILTERS = [
    {},
    {"sort": "name"},
    {"status": monitor.RED},
    {"status": monitor.ORANGE, "sort": "name"},
    {"status": monitor.UNKNOWN},
    {"status": monitor.RED, "check": "members"},
    {"status": monitor.GREEN, "check": "members"},
    {"status": monitor.RED, "check": "guidance", "sort": "name"},
    {"q": "CoP 1"},
    {"q": "cop 2", "status": monitor.RED},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_the_pages_together_are_the_whole_matrix(programme, filters):
    whole = selectors.programme_monitor(programme=programme, **filters)
    assert whole  # every filter above keeps some
    assert _shape(_all_pages(programme, **filters)) == _shape(whole)
    page = selectors.programme_monitor_page(programme=programme, per_page=3, **filters)
    assert page.page.paginator.count == len(whole)


def test_the_summary_counts_each_status_per_check(programme):
    whole = selectors.programme_monitor(programme=programme)
    summary = standings.current_summary(programme)
    assert summary.communities == len(whole) == 11
    for index, key in enumerate(monitor.CHECK_KEYS):
        for status in monitor.STATUS_ORDER:
            expected = sum(1 for row in whole if row.checks[index].status == status)
            assert summary.counts[key][status] == expected, (key, status)
    for status in monitor.STATUS_ORDER:
        assert summary.counts["any"][status] == sum(1 for row in whole if row.counts[status])


def test_a_warm_page_reads_the_data_version_the_summary_its_statuses_and_the_cache(programme):
    standings.current_summary(programme)
    selectors.programme_monitor_page(programme=programme, per_page=3, page=2)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.programme_monitor_page(programme=programme, per_page=3, page=2)
    assert len(page.rows) == 3
    assert len(captured.captured_queries) == 4
    assert "evaluation_monitorstanding" in captured.captured_queries[2]["sql"]


def test_the_task_worker_refreshes_stale_standings(programme):
    assert standings.refresh_stale() == 2  # this programme and the other one
    before = MonitorSummary.objects.get(programme=programme).version
    assert standings.refresh_stale() == 0
    lonely = Community.objects.get(programme=programme, name="CoP 0 0")
    membership = lonely.memberships.get()
    community_services.membership_end(membership=membership, by=factories.UserFactory())
    assert standings.refresh_stale() == 2  # the data version is the network's
    after = MonitorSummary.objects.get(programme=programme)
    assert after.version != before
    whole = selectors.programme_monitor(programme=programme)
    assert _shape(_all_pages(programme)) == _shape(whole)


def test_a_page_sorts_on_recent_standings_and_shows_current_checks(programme):
    standings.current_summary(programme)
    lonely = Community.objects.get(programme=programme, name="CoP 0 0")
    community_services.membership_end(
        membership=lonely.memberships.get(), by=factories.UserFactory()
    )
    stored = MonitorSummary.objects.get(programme=programme).version
    page = selectors.programme_monitor_page(programme=programme, per_page=50)
    # Within STALE_AFTER the stored order stays until the worker refreshes it ...
    assert MonitorSummary.objects.get(programme=programme).version == stored
    # ... but every check on the page is the current one.
    current = {
        row.community.pk: row.checks for row in selectors.programme_monitor(programme=programme)
    }
    assert {row.community.pk: row.checks for row in page.rows} == current


def test_old_standings_or_those_of_another_day_are_refreshed_by_the_page(programme):
    standings.current_summary(programme)
    MonitorSummary.objects.filter(programme=programme).update(
        computed_at=timezone.now() - standings.STALE_AFTER - datetime.timedelta(minutes=1),
        version="1:2000-01-01:0",
    )
    MonitorStanding.objects.filter(programme=programme).update(red=0, orange=0)
    page = selectors.programme_monitor_page(programme=programme, per_page=50)
    assert _shape(page.rows) == _shape(selectors.programme_monitor(programme=programme))


def test_the_page_shows_fifty_communities_and_the_summary(client, programme):
    for _ in range(45):
        factories.CommunityFactory(programme=programme, start_date=LONG_AGO)
    coordinator = factories.ProgrammeRoleFactory(programme=programme, role="coordinator")
    client.force_login(coordinator.person.user)
    url = reverse("evaluation:programme_monitor", args=[programme.slug])
    html = client.get(url).content.decode()
    assert html.count('<th scope="row" class="utrecht-table__header-cell"><a ') == 50
    assert "56 gemeenschappen" in html
    assert "Samenvatting van het programma" in html
    assert "?status=red&amp;check=members" in html
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('<th scope="row" class="utrecht-table__header-cell"><a ') == 6
    found = client.get(url, {"q": "CoP 2"}).content.decode()
    assert "2 gemeenschappen" in found


def test_the_coordinators_home_task_counts_the_communities_with_a_red_light(programme):
    coordinator = factories.ProgrammeRoleFactory(programme=programme, role="coordinator")
    tasks = selectors.monitor_tasks(coordinator.person.user)
    whole = selectors.programme_monitor(programme=programme)
    red = sum(1 for row in whole if row.counts[monitor.RED])
    assert red > 1
    assert [task.text for task in tasks] == [
        f"{red} gemeenschappen met een rood lampje in de monitor"
    ]


@pytest.mark.parametrize("filters", FILTERS)
def test_the_apis_pages_together_are_the_whole_matrix(programme, filters):
    """The API pages on the stored statuses too (`selectors.programme_monitor_rows`)."""
    whole = selectors.programme_monitor(programme=programme, **filters)
    rows = selectors.programme_monitor_rows(programme=programme, **filters)
    assert rows.count() == len(rows) == len(whole)
    paged = [row for start in range(0, len(rows), 3) for row in rows[start : start + 3]]
    assert _shape(paged) == _shape(whole)


def test_the_api_answers_the_whole_matrix_page_by_page(client, programme):
    from tests.api.helpers import ApiClient, token_for

    coordinator = factories.ProgrammeRoleFactory(programme=programme, role="coordinator")
    api = ApiClient(token_for(coordinator.person.user, access="read"))
    url = reverse("api:programme_monitor", args=[programme.slug])
    whole = selectors.programme_monitor(programme=programme, status=monitor.RED)
    seen, page = [], 1
    while True:
        body = api.get(url, {"status": "red", "page": page, "page_size": 2}).json()
        assert body["count"] == len(whole)
        seen += body["results"]
        if not body["next"]:
            break
        page += 1
    assert [row["community"]["id"] for row in seen] == [row.community.pk for row in whole]
    assert [[c["status"] for c in row["checks"]] for row in seen] == [
        [c.status for c in row.checks] for row in whole
    ]
    assert api.get(url, {"page": 99}).status_code == 404
