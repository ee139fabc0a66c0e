"""The organisers' list of who registered: a page at a time in the order of the whole list it
replaced, searched and filtered, the attendance of one page, the whole list as a CSV file, and
the doors it keeps shut (DESIGN.md §2: names for the organisers only, never addresses)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.core.models import AccessRecord
from leerkring.events.models import Event, Registration
from leerkring.events.views import registrations as registration_views
from tests import factories

pytestmark = pytest.mark.django_db

ROW_NAME = re.compile(r'<th scope="row" class="utrecht-table__header-cell">([^<]*)</th>')
SMALL_PAGE = 4


@pytest.fixture
def event(world):
    return factories.EventFactory(programme=world.programme, capacity=5)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(registration_views, "REGISTRATIONS_PER_PAGE", SMALL_PAGE)


def _register(event, n: int, **kwargs) -> list[Registration]:
    """`n` registrations of members and people without an account, alternately, in the states
    a real list has: seats, a waiting list (some moved there later than others), cancelled and
    unconfirmed ones."""
    made = []
    start = timezone.now() - datetime.timedelta(days=10)
    for i in range(n):
        status = [
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
            Registration.Status.CANCELLED,
            Registration.Status.PENDING,
            Registration.Status.CONFIRMED,
        ][i % 5]
        when = start + datetime.timedelta(minutes=(7 * i) % 11)
        fields = {
            "event": event,
            "status": status,
            "created_at": when,
            "waitlisted_at": when + datetime.timedelta(hours=i % 3)
            if status == Registration.Status.WAITLISTED or i % 7 == 0
            else None,
        }
        if i % 2:
            fields.update(name=f"Gast {i:03}", email=f"gast{i}@example.org",
                          organisation_name=f"Stichting {i % 4}")  # fmt: skip
        else:
            fields["person"] = factories.PersonFactory(full_name=f"Lid {i:03}")
        fields.update(kwargs)
        made.append(Registration.objects.create(**fields))
    return made


def _old_list(event) -> list[str]:
    """The whole list as the page showed it before it was paged."""
    return [
        r.display_name
        for r in event.registrations.exclude(status=Registration.Status.PENDING)
        .select_related("person__organisation")
        .order_by(F("status").asc(), F("waitlisted_at").asc(nulls_first=True), "created_at", "pk")
    ]


def _names(response) -> list[str]:
    return [html.unescape(name) for name in ROW_NAME.findall(response.content.decode())]


def _all_pages(client, url: str, **filters) -> list[str]:
    names, number = [], 1
    while True:
        response = client.get(url, {**filters, "page": number})
        assert response.status_code == 200
        names += _names(response)
        if f"page={number + 1}" not in response.content.decode():
            return names
        number += 1


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_pages_together_are_the_list_they_replace(client, world, event, small_pages):
    _register(event, 23)
    client.force_login(world.coordinator)
    url = reverse("events:registrations", args=[event.pk])
    first = client.get(url)
    old = _old_list(event)
    assert len(old) > 3 * SMALL_PAGE
    assert _names(first) == old[:SMALL_PAGE]
    assert _all_pages(client, url) == old
    # The pager counts from the kept seats: the same number as counting the rows.
    assert first.context["page"].paginator.count == len(old)


def test_the_download_is_the_whole_list_without_addresses(client, world, event, small_pages):
    made = _register(event, 23)
    made[1].organisation_name = "=HYPERLINK(1)"
    made[1].save()
    client.force_login(world.coordinator)
    response = client.get(reverse("events:registrations_csv", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["Naam", "Organisatie", "Status", "Aanwezig"]
    assert [row[0] for row in rows[1:]] == _old_list(event)
    text = "\n".join(",".join(row) for row in rows)
    assert "@" not in text
    assert "'=HYPERLINK(1)" in text


def test_search_and_status_narrow_the_list(client, world, event, small_pages):
    _register(event, 23)
    client.force_login(world.coordinator)
    url = reverse("events:registrations", args=[event.pk])
    assert _names(client.get(url, {"q": "Lid 004"})) == ["Lid 004"]
    by_organisation = _all_pages(client, url, q="Stichting 3")
    assert by_organisation and all(name.startswith("Gast") for name in by_organisation)
    waiting = _all_pages(client, url, status="waitlisted")
    expected = [
        r.display_name
        for r in event.registrations.filter(status="waitlisted").select_related("person")
        .order_by(F("waitlisted_at").asc(nulls_first=True), "created_at", "pk")
    ]  # fmt: skip
    assert waiting == expected
    page = client.get(url, {"q": "niemand heet zo"}).content.decode()
    assert "Geen aanmeldingen gevonden met deze zoekopdracht." in page
    # A status the list does not know shows everything.
    assert client.get(url, {"status": "pending"}).context["page"].paginator.count == len(
        _old_list(event)
    )


def test_attendance_of_one_page_leaves_the_other_pages(client, world, event, small_pages):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    seats = _register(event, 6, status=Registration.Status.CONFIRMED, waitlisted_at=None)
    seats = sorted(seats, key=lambda r: (r.created_at, r.pk))
    first, rest = seats[:SMALL_PAGE], seats[SMALL_PAGE:]
    Registration.objects.filter(pk=rest[0].pk).update(attended=True)
    client.force_login(world.coordinator)
    url = reverse("events:registrations", args=[event.pk])
    page = client.get(url).content.decode()
    for registration in first:
        assert f'name="shown" value="{registration.pk}"' in page
    for registration in rest:
        assert f'name="shown" value="{registration.pk}"' not in page
    response = client.post(
        url,
        {
            "shown": [r.pk for r in first],
            "present": [first[0].pk],
            "extra_attendance": 2,
        },
    )
    assert response.status_code == 302
    attended = dict(Registration.objects.values_list("pk", "attended"))
    assert attended[first[0].pk] is True
    assert all(attended[r.pk] is False for r in first[1:])
    # The next page was not sent: what was recorded there stays.
    assert attended[rest[0].pk] is True
    assert attended[rest[1].pk] is None
    # An id of another event in the form changes nothing there.
    other = factories.EventFactory(programme=world.programme)
    (elsewhere,) = _register(other, 1, status=Registration.Status.CONFIRMED)
    client.post(
        f"{url}?page=2",
        {"shown": [rest[1].pk, elsewhere.pk], "present": [elsewhere.pk], "extra_attendance": 2},
    )
    elsewhere.refresh_from_db()
    assert elsewhere.attended is None
    assert Registration.objects.get(pk=rest[1].pk).attended is False


def test_the_query_count_does_not_grow_with_the_registrations(client, world):
    def count(n: int) -> int:
        event = factories.EventFactory(programme=world.programme, capacity=40)
        _register(event, n)
        url = reverse("events:registrations", args=[event.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    client.force_login(world.coordinator)
    assert count(3) == count(120)


@pytest.mark.parametrize("name", ["registrations", "registrations_csv"])
@pytest.mark.parametrize(
    "visitor",
    ["participant", "lead", "sibling_member", "foreign_member", "system_partner",
     "evaluator", "other_coordinator", "nobody"],
)  # fmt: skip
def test_it_requires_an_organiser(client, world, event, name, visitor):
    _register(event, 3)
    url = reverse(f"events:{name}", args=[event.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(getattr(world, visitor))
    response = client.get(url)
    assert response.status_code == 403
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    assert b"Lid 000" not in body
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 200


def test_the_csv_download_is_kept_in_the_access_log(client, world, event):
    _register(event, 3)
    client.force_login(world.coordinator)
    response = client.get(reverse("events:registrations_csv", args=[event.pk]))
    b"".join(response.streaming_content)
    (record,) = AccessRecord.objects.all()
    assert record.kind == AccessRecord.Kind.REGISTRATION_EXPORT
    assert record.actor == world.coordinator
    assert (record.object_type, record.object_id) == ("events.event", event.pk)
    assert record.programme_id == event.programme_id
    assert record.subject == event.title
    page = client.get(reverse("events:registrations", args=[event.pk])).content.decode()
    assert "bewaartermijn" in page
    assert AccessRecord.objects.count() == 1


def _started(event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )


@pytest.mark.parametrize("bad", ["²", "1" * 30])
def test_attendance_ignores_ids_that_are_no_key(client, world, event, bad):
    _started(event)
    (seat,) = _register(event, 1, status=Registration.Status.CONFIRMED)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("events:registrations", args=[event.pk]),
        {"shown": [seat.pk, bad], "present": [bad, seat.pk], "extra_attendance": 0},
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=seat.pk).attended is True


def test_attendance_without_the_pages_ticks_saves_nothing_and_says_so(client, world, event):
    _started(event)
    (seat,) = _register(event, 1, status=Registration.Status.CONFIRMED)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("events:registrations", args=[event.pk]),
        {"present": [seat.pk], "extra_attendance": 4},
    )
    assert response.status_code == 400
    assert "er is niets opgeslagen" in response.content.decode()
    assert "Aanwezigheid opgeslagen" not in response.content.decode()
    event.refresh_from_db()
    assert event.extra_attendance == 0
    assert Registration.objects.get(pk=seat.pk).attended is None
