"""The monitor's satisfaction check takes the responses per community and the small-group
suppression from the results the surveys store after each release (`StoredResults`), instead
of counting every response of the programme's waves (`monitor.facts._wave_groups`). After every
kind of change — a release, a release the worker has not stored yet, a raised threshold, a
renamed or deleted community, the synthetic network, the demo data — its checks are the ones
counted from the responses (the old way: computed with the stored results set aside)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from leerkring.communities.models import Community, Programme
from leerkring.communities.synthetic import synth_build
from leerkring.evaluation import monitor, selectors
from leerkring.surveys import ballots, results, stored_results
from leerkring.surveys.models import StoredResults
from tests.evaluation.test_monitor import set_rules
from tests.surveys.test_stored_results import _invite, _release, _send, setup  # noqa: F401

pytestmark = pytest.mark.django_db


def _communities(programme) -> list[Community]:
    return list(
        Community.objects.filter(programme=programme)
        .select_related("programme__rule_profile")
        .order_by("pk")
    )


def _counted(communities) -> dict:
    """Every check as counted from the responses: the stored results set aside (rolled back)."""
    with transaction.atomic():
        StoredResults.objects.all().delete()
        checks = monitor.monitor_communities(communities)
        transaction.set_rollback(True)
    return checks


def _assert_as_counted(programme) -> dict:
    communities = _communities(programme)
    checks = monitor.monitor_communities(communities)
    assert checks == _counted(communities)
    return {pk: next(c for c in found if c.key == "satisfaction") for pk, found in checks.items()}


@pytest.fixture
def named(setup, world):  # noqa: F811
    """The wave's matrix question V2 named as the satisfaction question."""
    set_rules(world.programme.rule_profile, monitor_satisfaction_question="V2")
    return setup


def _answer(named, community, n: int, start: int) -> int:
    for i, invitation in enumerate(_invite(named[0], community, n, start), start=start):
        _send(named, invitation, i)
    return start + n


def test_after_every_release_the_checks_are_those_counted(named, world):
    wave = named[0]
    threshold = results.group_threshold(world.programme)
    sent = 0
    for community, n in ((world.community, 2 * threshold), (world.sibling, threshold - 1)):
        for _ in range(n):
            sent = _answer(named, community, 1, sent)
            if _release(wave):
                assert StoredResults.objects.filter(wave=wave, community=None).exists()
                _assert_as_counted(world.programme)
    _release(wave, closed=True)
    satisfaction = _assert_as_counted(world.programme)
    # The small community is hidden, and so is its complement: neither is judged.
    assert satisfaction[world.community.pk].status == monitor.UNKNOWN
    assert satisfaction[world.sibling.pk].status == monitor.UNKNOWN


def test_the_stored_results_spare_counting_the_responses(named, world):
    wave = named[0]
    threshold = results.group_threshold(world.programme)
    _answer(named, world.community, 2 * threshold, 0)
    _release(wave, closed=True)
    communities = _communities(world.programme)
    monitor.monitor_communities(communities)  # the satisfaction counts, cached per release
    with CaptureQueriesContext(connection) as captured:
        checks = monitor.monitor_communities(communities)
    assert not any("surveys_response" in q["sql"] for q in captured)
    assert checks == _counted(communities)
    judged = next(c for c in checks[world.community.pk] if c.key == "satisfaction")
    assert judged.status != monitor.UNKNOWN


def test_a_release_the_worker_has_not_stored_is_counted(named, world):
    wave = named[0]
    threshold = results.group_threshold(world.programme)
    sent = _answer(named, world.community, 2 * threshold, 0)
    _release(wave, closed=True)
    before = _assert_as_counted(world.programme)
    _answer(named, world.sibling, threshold, sent)
    # Released without a worker: nothing stored for the new version.
    ballots.wave_release(wave=wave, today=wave.closes_on + datetime.timedelta(days=1))
    wave.refresh_from_db()
    assert StoredResults.objects.get(wave=wave, community=None).version < wave.results_version
    with CaptureQueriesContext(connection) as captured:
        after = _assert_as_counted(world.programme)
    assert any("surveys_response" in q["sql"] for q in captured)
    assert after != before


def test_a_raised_threshold_is_counted_at_once(named, world):
    threshold = results.group_threshold(world.programme)
    _answer(named, world.community, 2 * threshold, 0)
    _release(named[0], closed=True)
    assert _assert_as_counted(world.programme)[world.community.pk].status != monitor.UNKNOWN
    set_rules(world.programme.rule_profile, survey_min_group_size=2 * threshold + 1)
    assert _assert_as_counted(world.programme)[world.community.pk].status == monitor.UNKNOWN


def test_a_renamed_or_deleted_community_is_counted_again(named, world):
    """A deleted community's responses stay without a community, which changes what the
    suppression hides: here the smallest community was hidden as the complement of one
    response without a community, and is shown once the deleted one's join it."""
    wave = named[0]
    threshold = results.group_threshold(world.programme)
    sent = _answer(named, world.community, threshold, 0)
    sent = _answer(named, world.sibling, 3 * threshold, sent)
    _answer(named, None, 1, sent)
    _release(wave, closed=True)
    assert _assert_as_counted(world.programme)[world.community.pk].status == monitor.UNKNOWN
    world.sibling.name = "CoP Nieuwe Naam"
    world.sibling.save()
    _assert_as_counted(world.programme)
    stored_results.wave_results_stored(wave)
    world.sibling.delete()
    satisfaction = _assert_as_counted(world.programme)
    assert satisfaction[world.community.pk].status != monitor.UNKNOWN


def test_the_api_pages_together_are_the_whole_matrix(named, world, client):
    threshold = results.group_threshold(world.programme)
    _answer(named, world.community, 2 * threshold, 0)
    _release(named[0], closed=True)
    whole = selectors.programme_monitor(programme=world.programme)
    rows = selectors.programme_monitor_rows(programme=world.programme)
    assert len(rows) == len(whole) == 2
    assert [(r.community.pk, r.checks) for r in rows[0:2]] == [
        (r.community.pk, r.checks) for r in whole
    ]


def test_the_synthetic_network_is_judged_as_counted(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        programmes = list(Programme.objects.all())
        for programme in programmes:
            code = "V9" if programme.questionnaires.filter(questions__code="V9").exists() else ""
            set_rules(programme.rule_profile, monitor_satisfaction_question=code)
        assert StoredResults.objects.filter(community=None).exists()
        judged = 0
        for programme in programmes:
            satisfaction = _assert_as_counted(programme)
            judged += sum(1 for c in satisfaction.values() if c.status != monitor.UNKNOWN)
        assert judged
        transaction.set_rollback(True)


def test_the_demo_network_is_judged_as_counted(db):
    call_command("demo", stdout=io.StringIO())
    judged = 0
    for programme in Programme.objects.all():
        satisfaction = _assert_as_counted(programme)
        judged += sum(1 for c in satisfaction.values() if c.status != monitor.UNKNOWN)
    assert judged
