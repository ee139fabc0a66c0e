"""Planning meetings: the list, one meeting, a series with holidays and rotating hosts and
cases, editing, and who may open which page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.models import Organisation
from leerkring.meetings import selectors, services
from leerkring.meetings.models import AgendaItem, Attendance, Meeting
from leerkring.meetings.workdays import next_working_day, series_dates
from tests import factories

pytestmark = pytest.mark.django_db


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _future(days: int = 30) -> datetime.date:
    """A weekday `days` ahead that is no public holiday, so tests do not depend on today."""
    return next_working_day(timezone.localdate() + datetime.timedelta(days=days))


def _next(month: int, day: int) -> datetime.date:
    """The next occurrence of a calendar day, at least a month away."""
    today = timezone.localdate()
    year = (
        today.year
        if datetime.date(today.year, month, day) > today + datetime.timedelta(days=31)
        else today.year + 1
    )
    return datetime.date(year, month, day)


def _meeting_post(day: datetime.date, **extra) -> dict:
    return {
        "date": day.isoformat(),
        "start_time": "13:00",
        "end_time": "16:00",
        "format": "physical",
        "place": "Stadhuis",
        **extra,
    }


# --- Holidays and the rhythm of a series ---------------------------------------------------


def test_a_series_moves_kings_day_to_the_next_working_day():
    dates = series_dates(first=datetime.date(2027, 4, 13), interval_weeks=2, count=3)
    assert [d.date for d in dates] == [
        datetime.date(2027, 4, 13),
        datetime.date(2027, 4, 28),
        datetime.date(2027, 5, 11),
    ]
    assert dates[1].moved and dates[1].holiday == "Koningsdag"
    assert not dates[0].moved and dates[0].holiday is None


def test_christmas_moves_past_boxing_day_and_the_weekend():
    dates = series_dates(first=datetime.date(2026, 12, 11), interval_weeks=2, count=2)
    # Friday 25 December, Saturday 26 (second Christmas day), Sunday: Monday 28 it is.
    assert dates[1].scheduled == datetime.date(2026, 12, 25)
    assert dates[1].date == datetime.date(2026, 12, 28)


def test_easter_sunday_moves_past_easter_monday():
    assert next_working_day(datetime.date(2027, 3, 28)) == datetime.date(2027, 3, 30)


def test_the_rhythm_follows_the_schedule_not_the_moved_date():
    dates = series_dates(first=datetime.date(2027, 4, 20), interval_weeks=1, count=3)
    assert [d.date for d in dates] == [
        datetime.date(2027, 4, 20),
        datetime.date(2027, 4, 28),
        datetime.date(2027, 5, 4),
    ]


def test_a_series_can_run_until_an_end_date():
    dates = series_dates(
        first=datetime.date(2027, 1, 5), interval_weeks=6, until=datetime.date(2027, 6, 1)
    )
    assert [d.scheduled for d in dates] == [
        datetime.date(2027, 1, 5),
        datetime.date(2027, 2, 16),
        datetime.date(2027, 3, 30),
        datetime.date(2027, 5, 11),
    ]


# --- Rotation -------------------------------------------------------------------------------


def _member_org(community, name):
    organisation = factories.OrganisationFactory(name=name)
    factories.MembershipFactory(
        community=community, person=factories.PersonFactory(organisation=organisation)
    )
    return organisation


def test_the_host_proposed_is_the_one_that_hosted_least_recently(world):
    community = factories.CommunityFactory(programme=world.programme)
    alpha = _member_org(community, "Alpha")
    beta = _member_org(community, "Beta")
    gamma = _member_org(community, "Gamma")
    delta = _member_org(community, "Delta")
    now = timezone.now()
    factories.MeetingFactory(
        community=community, host_organisation=alpha, starts_at=now - datetime.timedelta(days=60)
    )
    factories.MeetingFactory(
        community=community, host_organisation=beta, starts_at=now - datetime.timedelta(days=120)
    )
    # A cancelled meeting was not hosted.
    factories.MeetingFactory(
        community=community,
        host_organisation=gamma,
        starts_at=now - datetime.timedelta(days=10),
        status=Meeting.Status.CANCELLED,
        cancel_reason="Te weinig aanmeldingen",
    )
    order = selectors.host_rotation(community=community)
    # Never hosted first (ties by name), then the one that hosted longest ago.
    assert [o.name for o in order] == ["Delta", "Gamma", "Beta", "Alpha"]
    assert order[0] == delta


def test_organisations_of_former_members_are_not_in_the_rotation(world):
    community = factories.CommunityFactory(programme=world.programme)
    _member_org(community, "Blijft")
    gone = factories.MembershipFactory(
        community=community,
        person=factories.PersonFactory(organisation=factories.OrganisationFactory(name="Weg")),
        left_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert gone.organisation not in selectors.host_rotation(community=community)


def test_a_series_rotates_hosts_and_cases(client, world):
    world.programme.rule_profile.case_rotation = True
    world.programme.rule_profile.save()
    community = world.community
    names = sorted(m.organisation.name for m in community.memberships.all())
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:meeting_series", args=[community.pk]),
        {
            "first_date": _future().isoformat(),
            "count": "4",
            "start_time": "13:00",
            "end_time": "16:00",
            "format": "physical",
            "step": "preview",
        },
    )
    rows = response.context["formset"].initial
    by_pk = {o.pk: o.name for o in Organisation.objects.all()}
    hosts = [by_pk[row["host_organisation"]] for row in rows]
    assert hosts == [*names, names[0]]
    cases = [row["case_organisation"] for row in rows]
    assert cases[0] != cases[1] and cases[0] == cases[3]
    assert "case_organisation" in response.context["formset"].forms[0].fields


def test_without_case_rotation_no_case_is_asked(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("meetings:meeting_create", args=[world.community.pk]))
    assert "case_organisation" not in response.context["form"].fields


# --- Planning one meeting ---------------------------------------------------------------------


def test_a_lead_plans_a_meeting_with_the_proposed_host(client, world):
    client.force_login(world.lead)
    url = reverse("meetings:meeting_create", args=[world.community.pk])
    proposed = client.get(url).context["form"].initial["host_organisation"]
    assert proposed == selectors.host_rotation(community=world.community)[0].pk
    day = _future()
    response = client.post(url, _meeting_post(day, host_organisation=proposed))
    meeting = Meeting.objects.get(community=world.community)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_detail", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).hour == 13
    assert timezone.localtime(meeting.starts_at).date() == day
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.host_organisation_id == proposed
    assert meeting.created_by == world.lead


def test_it_refuses_a_past_date_when_planning(client, world):
    client.force_login(world.lead)
    day = timezone.localdate() - datetime.timedelta(days=7)
    response = client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]), _meeting_post(day)
    )
    assert response.status_code == 200
    assert "in het verleden" in response.context["form"].errors["date"][0]
    assert not Meeting.objects.exists()


def test_a_past_meeting_can_be_recorded_as_held(client, world):
    client.force_login(world.facilitator)
    day = timezone.localdate() - datetime.timedelta(days=7)
    client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]),
        _meeting_post(day, already_held="on"),
    )
    assert Meeting.objects.get().status == Meeting.Status.HELD


def test_it_refuses_a_future_meeting_recorded_as_held(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]),
        _meeting_post(_future(), already_held="on"),
    )
    assert "nog niet gehouden" in response.context["form"].errors["already_held"][0]
    assert not Meeting.objects.exists()


def test_it_refuses_an_end_before_the_start(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]),
        _meeting_post(_future(), start_time="15:00", end_time="13:00"),
    )
    assert response.context["form"].errors["end_time"] == ["De eindtijd ligt niet na de begintijd."]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("meeting_format", ["online", "hybrid"])
def test_it_refuses_an_online_meeting_without_a_link(client, world, meeting_format):
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]),
        _meeting_post(_future(), format=meeting_format),
    )
    assert response.context["form"].errors["online_url"] == ["Geef een link voor online deelname."]
    assert not Meeting.objects.exists()


def test_it_refuses_overlapping_meetings_of_one_community(client, world):
    day = _future()
    existing = factories.MeetingFactory(
        community=world.community, starts_at=_at(day, 10), ends_at=_at(day, 14)
    )
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:meeting_create", args=[world.community.pk]), _meeting_post(day)
    )
    assert "al een bijeenkomst" in response.context["form"].errors["date"][0]
    assert list(Meeting.objects.all()) == [existing]


def test_meetings_of_other_communities_and_cancelled_ones_do_not_overlap(world):
    day = _future()
    factories.MeetingFactory(community=world.sibling, starts_at=_at(day, 13), ends_at=_at(day, 16))
    factories.MeetingFactory(
        community=world.community,
        starts_at=_at(day, 13),
        ends_at=_at(day, 16),
        status=Meeting.Status.CANCELLED,
        cancel_reason="Ziekte",
    )
    meeting = services.meeting_create(
        community=world.community, by=world.lead, starts_at=_at(day, 13), ends_at=_at(day, 16)
    )
    assert meeting.pk


def test_a_planned_meeting_starts_its_agenda_with_a_look_back(world):
    day = _future()
    meeting = services.meeting_create(
        community=world.community, by=world.lead, starts_at=_at(day, 13), ends_at=_at(day, 16)
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.is_lookback and item.title == "Terugblik op openstaande afspraken"


# --- Planning a series ------------------------------------------------------------------------


def _series_post(first: datetime.date, count: int = 3, **extra) -> dict:
    return {
        "first_date": first.isoformat(),
        "count": str(count),
        "start_time": "13:00",
        "end_time": "16:00",
        "format": "physical",
        "place": "Gemeentehuis",
        **extra,
    }


def _preview(client, community, data):
    response = client.post(
        reverse("meetings:meeting_series", args=[community.pk]), {**data, "step": "preview"}
    )
    assert response.status_code == 200
    return response


def _save_data(data: dict, rows: list[dict]) -> dict:
    post = {
        **data,
        "step": "save",
        "dates-TOTAL_FORMS": str(len(rows)),
        "dates-INITIAL_FORMS": str(len(rows)),
        "dates-MIN_NUM_FORMS": "0",
        "dates-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            post[f"dates-{index}-{key}"] = value
    return post


def test_the_interval_comes_from_the_rule_profile(client, world):
    world.programme.rule_profile.meeting_interval_weeks = 6
    world.programme.rule_profile.save()
    client.force_login(world.lead)
    first = _future()
    rows = _preview(client, world.community, _series_post(first)).context["formset"].initial
    scheduled = [row["scheduled"] for row in rows]
    assert scheduled == [first + datetime.timedelta(weeks=6 * i) for i in range(3)]


def test_the_community_interval_overrides_the_rule_profile(client, world):
    world.community.meeting_interval_weeks = 4
    world.community.save()
    client.force_login(world.lead)
    first = _future()
    rows = _preview(client, world.community, _series_post(first)).context["formset"].initial
    assert [row["scheduled"] for row in rows] == [
        first + datetime.timedelta(weeks=4 * i) for i in range(3)
    ]


def test_the_preview_says_a_date_moved_for_kings_day(client, world):
    world.community.meeting_interval_weeks = 2
    world.community.save()
    kings_day = _next(4, 27)
    client.force_login(world.lead)
    response = _preview(
        client, world.community, _series_post(kings_day - datetime.timedelta(weeks=2))
    )
    rows = response.context["formset"].initial
    assert rows[1]["scheduled"] == kings_day
    assert rows[1]["date"] == next_working_day(kings_day) != kings_day
    assert "Koningsdag" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_series_is_saved_with_moved_and_removed_dates(client, world):
    client.force_login(world.lead)
    data = _series_post(_future(), count=3)
    rows = _preview(client, world.community, data).context["formset"].initial
    moved = rows[1]["date"] + datetime.timedelta(days=1)
    post_rows = [
        {"scheduled": r["scheduled"].isoformat(), "date": r["date"].isoformat()} for r in rows
    ]
    post_rows[1]["date"] = moved.isoformat()
    post_rows[2]["DELETE"] = "on"
    response = client.post(
        reverse("meetings:meeting_series", args=[world.community.pk]), _save_data(data, post_rows)
    )
    assert response.status_code == 302
    days = [timezone.localtime(m.starts_at).date() for m in Meeting.objects.order_by("starts_at")]
    assert days == [rows[0]["date"], moved]
    assert AgendaItem.objects.filter(is_lookback=True).count() == 2


def test_nothing_of_a_series_is_saved_when_one_meeting_overlaps(client, world):
    client.force_login(world.lead)
    data = _series_post(_future(), count=3)
    rows = _preview(client, world.community, data).context["formset"].initial
    clash = rows[2]["date"]
    factories.MeetingFactory(
        community=world.community, starts_at=_at(clash, 14), ends_at=_at(clash, 17)
    )
    post_rows = [
        {"scheduled": r["scheduled"].isoformat(), "date": r["date"].isoformat()} for r in rows
    ]
    response = client.post(
        reverse("meetings:meeting_series", args=[world.community.pk]), _save_data(data, post_rows)
    )
    assert response.status_code == 200
    assert "al een bijeenkomst" in response.context["formset"].forms[2].errors["date"][0]
    assert Meeting.objects.count() == 1
    assert not AgendaItem.objects.exists()


def test_a_series_refuses_a_past_first_date_and_needs_a_length(client, world):
    client.force_login(world.lead)
    data = _series_post(timezone.localdate() - datetime.timedelta(days=1))
    data["count"] = ""
    response = client.post(reverse("meetings:meeting_series", args=[world.community.pk]), data)
    errors = response.context["form"].errors
    assert "in het verleden" in errors["first_date"][0]
    assert errors["count"] == ["Vul een aantal bijeenkomsten of een einddatum in."]


def test_a_series_refuses_a_moved_date_in_the_past_and_double_dates(client, world):
    client.force_login(world.lead)
    data = _series_post(_future(), count=3)
    rows = _preview(client, world.community, data).context["formset"].initial
    post_rows = [
        {"scheduled": r["scheduled"].isoformat(), "date": r["date"].isoformat()} for r in rows
    ]
    post_rows[1]["date"] = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("meetings:meeting_series", args=[world.community.pk]), _save_data(data, post_rows)
    )
    assert response.context["formset"].forms[1].errors["date"] == [
        "Deze datum ligt in het verleden."
    ]
    post_rows[1]["date"] = post_rows[0]["date"]
    response = client.post(
        reverse("meetings:meeting_series", args=[world.community.pk]), _save_data(data, post_rows)
    )
    assert "staat al bij bijeenkomst 1" in response.context["formset"].forms[1].errors["date"][0]
    assert not Meeting.objects.exists()


def test_the_series_service_undoes_everything_on_an_error(world):
    day = _future()
    meetings = [
        {"starts_at": _at(day, 13), "ends_at": _at(day, 16)},
        {"starts_at": _at(day, 15), "ends_at": _at(day, 17)},
    ]
    with pytest.raises(services.MeetingSeriesError) as caught:
        services.meeting_series_create(community=world.community, by=world.lead, meetings=meetings)
    assert caught.value.index == 1
    assert not Meeting.objects.exists()


# --- Editing ------------------------------------------------------------------------------------


def _edit_post(meeting, **changes) -> dict:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    return {
        "date": start.date().isoformat(),
        "start_time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}",
        "format": meeting.format,
        "place": meeting.place,
        "status": meeting.status,
        **changes,
    }


def test_moving_a_published_meeting_raises_its_calendar_sequence(client, world, meeting):
    meeting.published_at = timezone.now()
    meeting.save()
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:meeting_edit", args=[meeting.pk]),
        _edit_post(meeting, start_time="10:00"),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.ical_sequence == 1
    assert timezone.localtime(meeting.starts_at).hour == 10


def test_changing_an_unpublished_meeting_keeps_its_sequence(client, world, meeting):
    client.force_login(world.lead)
    client.post(
        reverse("meetings:meeting_edit", args=[meeting.pk]), _edit_post(meeting, place="Bieb")
    )
    meeting.refresh_from_db()
    assert meeting.place == "Bieb" and meeting.ical_sequence == 0


def test_a_retitled_published_meeting_raises_the_sequence(client, world, meeting):
    """The title is the calendar event's SUMMARY: calendars take it over only as an update."""
    meeting.published_at = timezone.now()
    meeting.save()
    client.force_login(world.lead)
    client.post(
        reverse("meetings:meeting_edit", args=[meeting.pk]), _edit_post(meeting, title="Casus")
    )
    meeting.refresh_from_db()
    assert meeting.title == "Casus" and meeting.ical_sequence == 1


def test_cancelling_needs_a_reason_and_raises_the_sequence(client, world, meeting):
    meeting.published_at = timezone.now()
    meeting.save()
    client.force_login(world.lead)
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    response = client.post(url, _edit_post(meeting, status="cancelled"))
    assert response.context["form"].errors["cancel_reason"] == [
        "Geef een reden voor het afgelasten."
    ]
    client.post(url, _edit_post(meeting, status="cancelled", cancel_reason="Storm"))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancel_reason == "Storm"
    assert meeting.ical_sequence == 1


def test_a_meeting_cannot_be_moved_into_the_past_while_planned(client, world, meeting):
    client.force_login(world.lead)
    past = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(
        reverse("meetings:meeting_edit", args=[meeting.pk]),
        _edit_post(meeting, date=past.isoformat()),
    )
    assert "Gehouden" in response.context["form"].errors["date"][0]
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).date() != past


def test_editing_keeps_an_invitation_sent_meanwhile(world, meeting):
    stale = Meeting.objects.get(pk=meeting.pk)
    Meeting.objects.filter(pk=meeting.pk).update(minutes="Verslag")
    services.meeting_update(meeting=stale, by=world.lead, place="Bibliotheek")
    meeting.refresh_from_db()
    assert meeting.minutes == "Verslag" and meeting.place == "Bibliotheek"


def test_refusing_an_edit_changes_nothing(world, meeting):
    day = timezone.localtime(meeting.starts_at).date()
    factories.MeetingFactory(community=world.community, starts_at=_at(day, 8), ends_at=_at(day, 10))
    with pytest.raises(ValidationError):
        services.meeting_update(meeting=meeting, by=world.lead, starts_at=_at(day, 9))
    assert Meeting.objects.get(pk=meeting.pk).starts_at != _at(day, 9)


# --- The meeting list and page, and who may open them ----------------------------------------


def test_members_get_links_to_meeting_pages(client, world, meeting):
    client.force_login(world.participant)
    response = client.get(reverse("meetings:meeting_list", args=[world.community.pk]))
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) in response.content.decode()
    assert "Bijeenkomst plannen" not in response.content.decode()


def test_leads_and_facilitators_get_the_planning_buttons(client, world):
    client.force_login(world.facilitator)
    content = client.get(reverse("meetings:meeting_list", args=[world.community.pk])).content
    assert "Bijeenkomst plannen" in content.decode() and "Reeks plannen" in content.decode()


def test_a_coordinator_sees_the_shape_without_links(client, world):
    held = factories.MeetingFactory(
        community=world.community,
        title="Geheime casus",
        starts_at=timezone.now() - datetime.timedelta(days=20),
        status=Meeting.Status.HELD,
        host_organisation=world.lead_m.organisation,
    )
    Attendance.objects.create(
        meeting=held, membership=world.participant_m, status=Attendance.Status.PRESENT
    )
    Attendance.objects.create(
        meeting=held, membership=world.lead_m, status=Attendance.Status.EXCUSED
    )
    client.force_login(world.coordinator)
    response = client.get(reverse("meetings:meeting_list", args=[world.community.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("meetings:meeting_detail", args=[held.pk]) not in content
    assert "Geheime casus" not in content
    assert world.lead_m.organisation.name in content
    assert response.context["past"][0].present_count == 1


@pytest.mark.parametrize(
    "visitor", ["coordinator", "evaluator", "sibling_member", "foreign_member", "system_partner"]
)
def test_only_members_open_a_meeting_page(client, world, meeting, visitor):
    client.force_login(getattr(world, visitor))
    response = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("visitor", ["sibling_member", "foreign_member", "system_partner"])
def test_outsiders_do_not_see_the_meeting_list(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.get(reverse("meetings:meeting_list", args=[world.community.pk]))
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, meeting):
    response = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("visitor", ["participant", "coordinator"])
def test_only_leads_and_facilitators_plan(client, world, visitor):
    client.force_login(getattr(world, visitor))
    for name in ("meetings:meeting_create", "meetings:meeting_series"):
        response = client.post(reverse(name, args=[world.community.pk]), _meeting_post(_future()))
        assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_the_meeting_page_shows_its_facts_in_amsterdam_time(client, world):
    day = _future()
    meeting = factories.MeetingFactory(
        community=world.community,
        starts_at=_at(day, 13, 30),
        ends_at=_at(day, 16),
        place="Stadskantoor",
        address="Markt 1, Doetinchem",
        host_organisation=world.lead_m.organisation,
    )
    client.force_login(world.participant)
    content = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "13:30–16:00" in content
    assert "Markt 1, Doetinchem" in content
    assert world.lead_m.organisation.name in content


# --- Query counts -------------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_meeting_list_has_a_fixed_number_of_queries(client, world):
    def add_meetings(n):
        for i in range(n):
            start = timezone.now() + datetime.timedelta(days=7 * (i - n // 2))
            meeting = factories.MeetingFactory(
                community=world.community,
                starts_at=start,
                host_organisation=factories.OrganisationFactory(),
            )
            Attendance.objects.create(
                meeting=meeting, membership=world.participant_m, status="present"
            )

    url = reverse("meetings:meeting_list", args=[world.community.pk])
    client.force_login(world.lead)
    add_meetings(5)
    small = _count_queries(client, url)
    add_meetings(45)
    assert _count_queries(client, url) == small


def test_the_meeting_page_has_a_fixed_number_of_queries(client, world, meeting):
    from leerkring.meetings.models import Guest, WorkForm

    work_forms = list(WorkForm.objects.values_list("pk", flat=True))

    def grow(n):
        for _ in range(n):
            membership = factories.MembershipFactory(community=world.community)
            Attendance.objects.create(meeting=meeting, membership=membership, status="present")
        for i in range(n // 4):
            AgendaItem.objects.create(
                meeting=meeting,
                title=f"Punt {i}",
                position=i,
                work_form_id=work_forms[i % len(work_forms)],
                minutes=5,
            )
            Guest.objects.create(meeting=meeting, name=f"Gast {i}")

    meeting.agenda_published_at = timezone.now()
    meeting.save()
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    client.force_login(world.lead)
    grow(10)
    _count_queries(client, url)  # a running process has read the content types once
    small = _count_queries(client, url)
    grow(30)
    assert _count_queries(client, url) == small
