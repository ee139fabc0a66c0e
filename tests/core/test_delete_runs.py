"""`core.delete_runs`: a kept figure counted once per owner per delete, after the owner's last
row of that delete, also when another delete runs inside it, and when a delete that failed
half-way is tried again with the same origin."""

from __future__ import annotations

import pytest
from django.db import transaction

from leerkring.core.delete_runs import PerDelete


def test_the_last_row_of_each_owner_is_the_one_that_counts():
    runs, origin = PerDelete(), object()
    for key in ("a", "a", "b"):
        runs.expect(origin, key)
    assert [runs.last(origin, key) for key in ("a", "b", "a")] == [False, True, True]
    # The delete is done: the next one with the same keys counts again.
    runs.expect(origin, "a")
    assert runs.last(origin, "a")


def test_a_delete_inside_another_counts_its_own_rows():
    runs, outer, inner = PerDelete(), object(), object()
    runs.expect(outer, "a")
    runs.expect(outer, "a")
    runs.expect(inner, "a")
    assert runs.last(inner, "a")
    assert not runs.last(outer, "a")
    assert runs.last(outer, "a")


def test_a_row_deleted_without_notice_counts_at_once():
    assert PerDelete().last(object(), "a")


def test_the_first_row_of_each_owner_is_told():
    runs, origin = PerDelete(), object()
    assert [runs.expect(origin, key) for key in ("a", "a", "b")] == [True, False, True]


@pytest.mark.django_db
def test_a_delete_tried_again_after_a_failure_counts_its_own_rows():
    runs, origin = PerDelete(), object()
    with pytest.raises(RuntimeError), transaction.atomic():
        # Django opens a block per delete; this one fails after announcing its rows.
        runs.expect(origin, "a")
        runs.expect(origin, "a")
        raise RuntimeError("deadlock detected")
    with transaction.atomic():
        runs.expect(origin, "a")
        assert runs.last(origin, "a")
