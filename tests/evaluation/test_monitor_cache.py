"""The programme matrix is computed once per data version: a second look reads it from the
cache, and any change made through a service shows at once (the key changes)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leerkring.communities import services as community_services
from leerkring.evaluation import selectors

pytestmark = pytest.mark.django_db


def _members_value(world) -> str:
    rows = selectors.programme_monitor(programme=world.programme)
    row = next(row for row in rows if row.community == world.community)
    return next(check.value for check in row.checks if check.key == "members")


def _matrix_queries(world) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.programme_monitor(programme=world.programme)
    return len(captured.captured_queries)


def test_a_second_look_at_the_matrix_reads_the_checks_from_the_cache(world):
    cold = _matrix_queries(world)
    warm = _matrix_queries(world)
    # The community list, the data version and the cache read.
    assert warm == 3 < cold


def test_a_change_through_a_service_shows_on_the_matrix_at_once(world):
    before = _members_value(world)
    community_services.membership_end(membership=world.participant_m, by=world.coordinator)
    after = _members_value(world)
    assert before != after


def test_the_cached_matrix_equals_the_computed_one(world):
    first = selectors.programme_monitor(programme=world.programme)
    second = selectors.programme_monitor(programme=world.programme)
    assert [(row.community, row.checks, row.counts) for row in first] == [
        (row.community, row.checks, row.counts) for row in second
    ]
