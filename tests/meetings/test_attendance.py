"""Recording attendance on a phone: present / absent / excused per member, guests by name and
role, for members of this community only."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings import selectors, services
from leerkring.meetings.models import Attendance, Guest, Meeting, Rsvp
from tests import factories


@pytest.fixture
def started(world):
    """A meeting of world.community that began an hour ago."""
    start = timezone.now() - datetime.timedelta(hours=1)
    return factories.MeetingFactory(
        community=world.community, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )


def _url(meeting):
    return reverse("meetings:attendance", args=[meeting.pk])


def _field(membership):
    return f"member-{membership.pk}"


def _management(total=2):
    return {
        "guest-TOTAL_FORMS": str(total),
        "guest-INITIAL_FORMS": "0",
        "guest-MIN_NUM_FORMS": "0",
        "guest-MAX_NUM_FORMS": "20",
    }


def test_the_page_lists_the_members_with_their_rsvp_prefilled(client, world, started):
    services.rsvp_answer(meeting=started, membership=world.participant_m, answer="decline")
    client.force_login(world.lead)
    response = client.get(_url(started))
    assert response.status_code == 200
    html = response.content.decode()
    for membership in (world.participant_m, world.lead_m, world.facilitator_m):
        assert membership.person.full_name in html
    assert world.sibling_member_m.person.full_name not in html
    rows = {row.membership.pk: row for row, _field in response.context["rows"]}
    assert rows[world.participant_m.pk].initial == Attendance.Status.EXCUSED
    assert rows[world.lead_m.pk].initial == ""
    (excused_radio,) = re.findall(
        rf'<input type="radio" name="{_field(world.participant_m)}" value="excused"[^>]*>', html
    )
    assert " checked" in excused_radio


def test_saving_records_statuses_and_marks_a_started_meeting_held(client, world, started):
    client.force_login(world.facilitator)
    data = {
        _field(world.participant_m): "present",
        _field(world.lead_m): "present",
        _field(world.facilitator_m): "excused",
        **_management(),
        "guest-0-name": "Amal Haddad",
        "guest-0-role": Guest.Role.INBURGERAAR,
        "guest-0-organisation_name": "",
        "guest-1-name": "",
        "guest-1-role": Guest.Role.GUEST,
    }
    response = client.post(_url(started), data)
    assert response.status_code == 302
    statuses = dict(started.attendances.values_list("membership_id", "status"))
    assert statuses == {
        world.participant_m.pk: "present",
        world.lead_m.pk: "present",
        world.facilitator_m.pk: "excused",
    }
    assert list(started.guests.values_list("name", "role")) == [("Amal Haddad", "inburgeraar")]
    started.refresh_from_db()
    assert started.status == Meeting.Status.HELD


def test_saving_before_the_start_is_refused_and_keeps_the_meeting_planned(world, meeting):
    with pytest.raises(ValidationError, match="nog niet begonnen"):
        services.attendance_record(
            meeting=meeting, statuses={world.participant_m.pk: "present"}, by=world.lead
        )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_a_change_replaces_the_status_and_blank_clears_it(world, started):
    services.attendance_record(
        meeting=started,
        statuses={world.participant_m.pk: "present", world.lead_m.pk: "absent"},
        by=world.lead,
    )
    services.attendance_record(
        meeting=started,
        statuses={world.participant_m.pk: "excused", world.lead_m.pk: None},
        by=world.lead,
    )
    assert dict(started.attendances.values_list("membership_id", "status")) == {
        world.participant_m.pk: "excused"
    }


def test_a_tampered_membership_id_is_refused_and_nothing_saved(client, world, started):
    client.force_login(world.lead)
    data = {
        _field(world.participant_m): "present",
        _field(world.sibling_member_m): "present",
        **_management(0),
    }
    response = client.post(_url(started), data)
    assert response.status_code == 200
    assert "alleen aanwezigheid vastleggen voor leden van deze gemeenschap" in (
        response.content.decode()
    )
    assert not Attendance.objects.exists()
    started.refresh_from_db()
    assert started.status == Meeting.Status.PLANNED


def test_the_service_refuses_members_of_another_community(world, started):
    with pytest.raises(ValidationError, match="leden van deze gemeenschap"):
        services.attendance_record(
            meeting=started,
            statuses={world.participant_m.pk: "present", world.foreign_member_m.pk: "present"},
            by=world.lead,
        )
    assert not Attendance.objects.exists()


def test_an_invalid_status_is_refused(world, started):
    with pytest.raises(ValidationError):
        services.attendance_record(
            meeting=started, statuses={world.participant_m.pk: "asleep"}, by=world.lead
        )
    assert not Attendance.objects.exists()


def test_a_guest_without_a_name_gets_a_message(client, world, started):
    client.force_login(world.lead)
    data = {
        **_management(1),
        "guest-0-name": "",
        "guest-0-role": Guest.Role.EXPERT,
        "guest-0-organisation_name": "Gemeente Tilburg",
    }
    response = client.post(_url(started), data)
    assert response.status_code == 200
    assert "Vul de naam van de gast in." in response.content.decode()
    assert not Guest.objects.exists()


def test_guests_can_be_taken_off(world, started):
    services.attendance_record(
        meeting=started,
        statuses={},
        guests_new=[{"name": "Jan Jansen", "role": "expert", "organisation_name": "Movisie"}],
        by=world.lead,
    )
    guest = Guest.objects.get()
    other_meeting_guest = Guest.objects.create(
        meeting=factories.MeetingFactory(community=world.sibling), name="Elders"
    )
    services.attendance_record(
        meeting=started,
        statuses={},
        guests_remove=[guest.pk, other_meeting_guest.pk],
        by=world.lead,
    )
    assert list(Guest.objects.all()) == [other_meeting_guest]


def test_a_cancelled_meeting_takes_no_attendance(client, world, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = "Ziek"
    meeting.save()
    with pytest.raises(ValidationError, match="afgelast"):
        services.attendance_record(
            meeting=meeting, statuses={world.participant_m.pk: "present"}, by=world.lead
        )
    client.force_login(world.lead)
    response = client.post(_url(meeting), {_field(world.participant_m): "present"})
    assert response.status_code == 200
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("visitor", ["participant", "sibling_member", "coordinator", "evaluator"])
def test_only_lead_and_facilitator_record_attendance(client, world, started, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(_url(started)).status_code == 403
    response = client.post(_url(started), {_field(world.participant_m): "present"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_a_member_who_joined_after_the_meeting_is_not_listed(world, started):
    late = factories.MembershipFactory(
        community=world.community, joined_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    listed = {row.membership.pk for row in selectors.attendance_rows(meeting=started)}
    assert late.pk not in listed
    assert world.participant_m.pk in listed


def _page_queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(meeting)).status_code == 200
    return len(queries)


def test_the_page_query_count_does_not_grow_with_members(client, world):
    small = factories.MeetingFactory(community=world.sibling)
    large_community = factories.CommunityFactory(programme=world.programme)
    large = factories.MeetingFactory(community=large_community)
    for community, meeting, size in ((world.sibling, small, 10), (large_community, large, 40)):
        factories.MembershipFactory(community=community, role="lead")
        for _ in range(size - 1):
            membership = factories.MembershipFactory(community=community)
            Attendance.objects.create(meeting=meeting, membership=membership, status="present")
        Guest.objects.create(meeting=meeting, name="Gast", role=Guest.Role.EXPERT)
    small_lead = world.sibling.memberships.get(role="lead").person.user
    large_lead = large_community.memberships.get(role="lead").person.user
    client.force_login(small_lead)
    small_count = _page_queries(client, small)
    client.force_login(large_lead)
    large_count = _page_queries(client, large)
    assert small_count == large_count


def test_the_summary_counts_and_names_attendance_and_guests(world, started):
    services.attendance_record(
        meeting=started,
        statuses={
            world.participant_m.pk: "present",
            world.lead_m.pk: "present",
            world.facilitator_m.pk: "excused",
        },
        guests_new=[
            {"name": "Sara de Vries", "role": "experience_expert", "organisation_name": ""}
        ],
        by=world.lead,
    )
    context = selectors.meeting_rsvp_context(started, world.participant)
    summary = context["attendance_summary"]
    assert (summary["present_count"], summary["absent_count"], summary["excused_count"]) == (
        2,
        0,
        1,
    )
    assert summary["guest_count"] == 1
    assert summary["can_record"] is False
    html = render_to_string(
        "meetings/partials/meeting_attendance_summary.html", {"meeting": started, **context}
    )
    assert "Sara de Vries" in html
    assert world.facilitator_m.person.full_name in html
    assert "Aanwezigheid vastleggen" not in html
    lead_context = selectors.meeting_rsvp_context(started, world.lead)
    assert lead_context["attendance_summary"]["can_record"] is True


def test_the_meeting_page_context_does_not_grow_with_answers(world, started):
    def count() -> int:
        lead = factories.UserFactory()  # a fresh user: no cached access
        factories.MembershipFactory(community=world.community, role="lead", person__user=lead)
        with CaptureQueriesContext(connection) as queries:
            selectors.meeting_rsvp_context(started, lead)
        return len(queries)

    before = count()
    for _ in range(5):
        membership = factories.MembershipFactory(community=world.community)
        Rsvp.objects.create(meeting=started, membership=membership, answer="attend")
        Attendance.objects.create(meeting=started, membership=membership, status="present")
        Guest.objects.create(meeting=started, name="Gast")
    assert count() == before


# --- Clearing a status, the meeting's own list, concurrent saves --------------------------------


def test_every_member_can_be_set_back_to_not_recorded(client, world, started):
    services.attendance_record(
        meeting=started, statuses={world.participant_m.pk: "present"}, by=world.lead
    )
    client.force_login(world.lead)
    html = client.get(_url(started)).content.decode()
    for membership in (world.participant_m, world.lead_m, world.facilitator_m):
        (radio,) = re.findall(
            rf'<input type="radio" name="{_field(membership)}" value=""[^>]*>', html
        )
        # Checked only where nothing is recorded or suggested.
        assert (" checked" in radio) is (membership != world.participant_m)
    assert html.count("> Niet vastgelegd</label>") == 3
    response = client.post(_url(started), {_field(world.participant_m): "", **_management(0)})
    assert response.status_code == 302
    assert not started.attendances.exists()


def test_the_service_refuses_a_member_who_joined_after_the_meeting(world, started):
    late = factories.MembershipFactory(
        community=world.community, joined_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="leden van deze gemeenschap"):
        services.attendance_record(
            meeting=started,
            statuses={world.participant_m.pk: "present", late.pk: "present"},
            by=world.lead,
        )
    assert not Attendance.objects.exists()


def test_a_member_who_left_since_keeps_their_recorded_row(world, started):
    services.attendance_record(
        meeting=started, statuses={world.participant_m.pk: "present"}, by=world.lead
    )
    world.participant_m.left_on = timezone.localdate() - datetime.timedelta(days=1)
    world.participant_m.save()
    services.attendance_record(
        meeting=started, statuses={world.participant_m.pk: "absent"}, by=world.lead
    )
    assert started.attendances.get().status == "absent"


def test_saving_attendance_locks_the_meeting_first(world, started, monkeypatch):
    """Two people saving at the door at once: the second waits for the first and then updates
    the rows the first created, instead of failing on the unique constraint."""
    from django.db.models.query import QuerySet

    events = []
    select_for_update = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        events.append(self.model)
        return select_for_update(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    services.attendance_record(
        meeting=started, statuses={world.participant_m.pk: "present"}, by=world.lead
    )
    assert Meeting in events


@pytest.mark.parametrize("bad", ["²", "1" * 30])
def test_a_guest_id_that_is_no_key_removes_nothing(client, world, started, bad):
    guest = Guest.objects.create(meeting=started, name="Jan Jansen")
    client.force_login(world.lead)
    response = client.post(_url(started), {**_management(0), "remove_guest": [bad]})
    assert response.status_code == 302
    assert list(Guest.objects.all()) == [guest]
