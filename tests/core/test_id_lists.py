"""`core.id_lists.in_list`: the same rows as `pk__in`, with the ids as one parameter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leerkring.communities.models import Programme
from leerkring.core.id_lists import as_key, in_list, keys
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_it_finds_the_same_rows_as_pk_in():
    programmes = ProgrammeFactory.create_batch(4)
    wanted = [programmes[0].pk, programmes[2].pk, 10**9]

    found = Programme.objects.filter(in_list("pk", wanted)).order_by("pk")

    assert list(found) == list(Programme.objects.filter(pk__in=wanted).order_by("pk"))
    assert list(Programme.objects.exclude(in_list("pk", wanted))) == [
        programmes[1],
        programmes[3],
    ]


def test_it_finds_nothing_for_no_ids():
    ProgrammeFactory()

    assert list(Programme.objects.filter(in_list("pk", []))) == []


def test_it_passes_a_long_list_as_one_parameter_on_postgresql():
    programme = ProgrammeFactory()
    ids = [programme.pk, *range(10**8, 10**8 + 2000)]

    with CaptureQueriesContext(connection) as captured:
        found = list(Programme.objects.filter(in_list("pk", ids)).values_list("pk", flat=True))

    assert found == [programme.pk]
    if connection.vendor == "postgresql":
        assert "= ANY(" in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    ("value", "key"),
    [("12", 12), (12, 12), ("²", None), ("١", None), ("1" * 30, None), (str(2**63), None),
     (str(2**63 - 1), 2**63 - 1), ("", None), ("-1", None), (True, None), (None, None)],
)  # fmt: skip
def test_as_key_takes_ascii_digits_up_to_the_largest_key(value, key):
    assert as_key(value) == key


def test_keys_leaves_out_what_holds_no_key():
    assert keys(["3", "²", "1" * 30, "4"]) == [3, 4]
