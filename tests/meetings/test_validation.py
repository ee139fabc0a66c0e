"""What cannot have happened is refused with a Dutch message next to the field (issue 12 §10):
an agreement due before the meeting it was made at, attendance at a meeting that has not begun,
and a meeting recorded as held that says it was planned."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings import services
from leerkring.meetings.models import Agreement, Attendance, Meeting
from leerkring.meetings.workdays import next_working_day
from tests import factories

pytestmark = pytest.mark.django_db


def _meeting_day(meeting: Meeting) -> datetime.date:
    return timezone.localtime(meeting.starts_at).date()


# --- Agreement due dates -------------------------------------------------------------------


def test_the_wrapup_refuses_a_due_date_before_the_meeting_next_to_the_field(client, world, meeting):
    client.force_login(world.facilitator)
    before = _meeting_day(meeting) - datetime.timedelta(days=1)
    response = client.post(
        reverse("meetings:wrapup_add", args=[meeting.pk, "agreement"]),
        {
            "agreement-text": "De taalschool bellen",
            "agreement-owner": world.participant_m.pk,
            "agreement-due_date": before.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "vóór de bijeenkomst" in response.context["agreement_form"].errors["due_date"][0]
    body = response.content.decode()
    assert "vóór de bijeenkomst" in body
    assert 'aria-describedby="id_agreement-due_date_error' in body
    assert not Agreement.objects.exists()


def test_the_service_refuses_a_due_date_before_the_meeting(world, meeting):
    with pytest.raises(ValidationError) as caught:
        services.agreement_create(
            meeting=meeting,
            by=world.facilitator,
            text="Bellen",
            owner=world.participant_m,
            due_date=_meeting_day(meeting) - datetime.timedelta(days=30),
        )
    assert "due_date" in caught.value.message_dict
    assert not Agreement.objects.exists()


def test_a_due_date_on_the_meeting_day_or_later_is_fine(world, meeting):
    for due in (_meeting_day(meeting), _meeting_day(meeting) + datetime.timedelta(days=14)):
        agreement = services.agreement_create(
            meeting=meeting, by=world.facilitator, text="Bellen", owner=world.lead_m, due_date=due
        )
        assert agreement.due_date == due


def test_changing_an_agreement_to_a_due_date_before_the_meeting_is_refused(world, meeting):
    agreement = services.agreement_create(
        meeting=meeting, by=world.facilitator, text="Bellen", owner=world.lead_m
    )
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(
            agreement=agreement,
            by=world.facilitator,
            text="Bellen",
            owner=world.lead_m,
            due_date=_meeting_day(meeting) - datetime.timedelta(days=1),
        )
    assert "due_date" in caught.value.message_dict
    agreement.refresh_from_db()
    assert agreement.due_date is None


# --- Attendance before the start -----------------------------------------------------------


def test_attendance_cannot_be_recorded_for_a_meeting_two_months_ahead(client, world):
    start = timezone.now() + datetime.timedelta(days=60)
    ahead = factories.MeetingFactory(
        community=world.community, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    with pytest.raises(ValidationError, match="nog niet begonnen"):
        services.attendance_record(
            meeting=ahead, statuses={world.participant_m.pk: "present"}, by=world.lead
        )
    client.force_login(world.lead)
    url = reverse("meetings:attendance", args=[ahead.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "nog niet begonnen" in page.content.decode()
    assert f'name="member-{world.participant_m.pk}"' not in page.content.decode()
    response = client.post(url, {f"member-{world.participant_m.pk}": "present"})
    assert response.status_code == 200
    assert "nog niet begonnen" in response.content.decode()
    assert not Attendance.objects.exists()
    ahead.refresh_from_db()
    assert ahead.status == Meeting.Status.PLANNED


def test_attendance_is_recorded_once_the_meeting_has_begun(world):
    start = timezone.now() - datetime.timedelta(minutes=5)
    begun = factories.MeetingFactory(
        community=world.community, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    services.attendance_record(
        meeting=begun, statuses={world.participant_m.pk: "present"}, by=world.lead
    )
    assert Attendance.objects.get().status == "present"
    begun.refresh_from_db()
    assert begun.status == Meeting.Status.HELD


# --- The status text follows what happened -------------------------------------------------


def _meeting_post(day: datetime.date, **extra) -> dict:
    return {
        "date": day.isoformat(),
        "start_time": "13:00",
        "end_time": "16:00",
        "format": "physical",
        "place": "Stadhuis",
        **extra,
    }


def test_a_meeting_recorded_as_held_does_not_say_it_was_planned(client, world):
    client.force_login(world.facilitator)
    day = timezone.localdate() - datetime.timedelta(days=7)
    response = client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]),
        _meeting_post(day, already_held="on"),
        follow=True,
    )
    body = response.content.decode()
    assert Meeting.objects.get().status == Meeting.Status.HELD
    assert "De bijeenkomst is gepland" not in body
    assert "De bijeenkomst is vastgelegd als gehouden." in body
    assert "Gehouden" in body


def test_a_planned_meeting_still_says_it_is_planned(client, world):
    client.force_login(world.facilitator)
    day = next_working_day(timezone.localdate() + datetime.timedelta(days=40))
    response = client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]),
        _meeting_post(day),
        follow=True,
    )
    assert Meeting.objects.get().status == Meeting.Status.PLANNED
    assert "De bijeenkomst is gepland" in response.content.decode()
