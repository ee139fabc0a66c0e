"""The community timeline (issue "Meetings" §6): meetings, attendance rates, topics, open
agreements and attendance per member on the community page, each for the right visitors."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.models import Membership
from leerkring.meetings import selectors
from leerkring.meetings.models import AgendaItem, Agreement, Attendance, Guest, Meeting
from leerkring.meetings.topics import TopicCategory
from tests import factories

PRESENT = Attendance.Status.PRESENT
ABSENT = Attendance.Status.ABSENT
EXCUSED = Attendance.Status.EXCUSED


def _at(days: int) -> datetime.datetime:
    """Noon, `days` from now (negative: in the past)."""
    return (timezone.now() + datetime.timedelta(days=days)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )


def _meeting(community, days: int, status=None, **fields) -> Meeting:
    if status is None:
        status = Meeting.Status.HELD if days < 0 else Meeting.Status.PLANNED
    return factories.MeetingFactory(
        community=community, starts_at=_at(days), status=status, **fields
    )


def _attend(meeting, membership, status=PRESENT) -> Attendance:
    return Attendance.objects.create(meeting=meeting, membership=membership, status=status)


def _member(community, *, joined_days_ago=400, left_days_ago=None, **fields) -> Membership:
    today = timezone.localdate()
    return factories.MembershipFactory(
        community=community,
        joined_on=today - datetime.timedelta(days=joined_days_ago),
        left_on=today - datetime.timedelta(days=left_days_ago) if left_days_ago else None,
        **fields,
    )


def _page(user, community):
    client = Client()
    client.force_login(user)
    return client.get(reverse("communities:community", args=[community.pk]))


# --- Meetings and attendance rate ----------------------------------------------------------


def test_attendance_rate_divides_present_members_by_members_on_the_meeting_day(world):
    meeting = _meeting(world.community, -10)
    _member(world.community, joined_days_ago=5)  # joined after the meeting: not counted
    _member(world.community, joined_days_ago=60, left_days_ago=20)  # left before: not counted
    left_after = _member(world.community, joined_days_ago=60, left_days_ago=2)  # counted
    _attend(meeting, world.lead_m)
    _attend(meeting, left_after)
    _attend(meeting, world.facilitator_m, EXCUSED)
    Guest.objects.create(meeting=meeting, name="Gastspreker", present=True)  # guests don't count

    (past,) = selectors.timeline_meetings(community=world.community)["past"]

    # Members on the day: participant, lead, facilitator and the one who left after it.
    assert (past.present_count, past.members_count, past.attendance_rate) == (2, 4, 50)


def test_a_meeting_without_recorded_attendance_or_a_cancelled_one_has_no_rate(world):
    _meeting(world.community, -20)
    cancelled = _meeting(
        world.community, -10, Meeting.Status.CANCELLED, cancel_reason="Te weinig aanmeldingen"
    )
    _attend(cancelled, world.lead_m)

    past = selectors.timeline_meetings(community=world.community)["past"]

    assert [m.attendance_rate for m in past] == [None, None]


def test_the_timeline_shows_the_next_three_and_the_last_six_meetings(world):
    upcoming = [_meeting(world.community, days) for days in (70, 10, 40, 100, 130)]
    past = [_meeting(world.community, -days) for days in (300, 20, 60, 100, 140, 180, 220, 260)]
    _meeting(world.sibling, 5)

    timeline = selectors.timeline_meetings(community=world.community)

    assert timeline["upcoming"] == sorted(upcoming, key=lambda m: m.starts_at)[:3]
    assert timeline["past"] == sorted(past, key=lambda m: m.starts_at, reverse=True)[:6]


# --- Topics ------------------------------------------------------------------------------


def _item(meeting, category, title="Punt") -> AgendaItem:
    return AgendaItem.objects.create(meeting=meeting, title=title, topic_category=category)


def test_topics_count_agenda_items_per_category_over_the_last_twelve_months(world):
    recent = _meeting(world.community, -30)
    _item(recent, TopicCategory.COOPERATION)
    _item(recent, TopicCategory.COOPERATION)
    _item(recent, TopicCategory.PROCEDURES)
    _item(recent, "")  # a free topic has no category
    _item(_meeting(world.community, -200), TopicCategory.PROCEDURES)
    _item(_meeting(world.community, -400), TopicCategory.LIFE_DOMAINS)  # too long ago
    _item(_meeting(world.community, 20), TopicCategory.LIFE_DOMAINS)  # not yet covered
    cancelled = _meeting(world.community, -50, Meeting.Status.CANCELLED, cancel_reason="Ziek")
    _item(cancelled, TopicCategory.TARGET_GROUPS)
    _item(_meeting(world.sibling, -30), TopicCategory.OWN_WORK)

    topics = selectors.topics_covered(community=world.community)

    counts = {row.category: (row.count, row.percent) for row in topics["rows"]}
    assert counts == {
        TopicCategory.COOPERATION: (2, 100),
        TopicCategory.TARGET_GROUPS: (0, 0),
        TopicCategory.LIFE_DOMAINS: (0, 0),
        TopicCategory.OWN_WORK: (0, 0),
        TopicCategory.PROCEDURES: (2, 100),
    }
    assert topics["total"] == 4


# --- Open agreements ---------------------------------------------------------------------


def _agreement(meeting, text, *, due_days=None, status=Agreement.Status.OPEN, owner=None):
    return Agreement.objects.create(
        meeting=meeting,
        community=meeting.community,
        text=text,
        owner=owner,
        due_date=timezone.localdate() + datetime.timedelta(days=due_days) if due_days else None,
        status=status,
    )


def test_open_agreements_come_soonest_due_first_with_overdue_ones_marked(world):
    meeting = _meeting(world.community, -30)
    later = _agreement(meeting, "Later", due_days=30)
    overdue = _agreement(meeting, "Te laat", due_days=-3, owner=world.participant_m)
    undated = _agreement(meeting, "Zonder datum")
    _agreement(meeting, "Gedaan", due_days=-10, status=Agreement.Status.DONE)
    _agreement(_meeting(world.sibling, -30), "Andere gemeenschap", due_days=-3)

    agreements = selectors.open_agreements_of_community(community=world.community)

    assert agreements == [overdue, later, undated]
    assert [a.is_overdue for a in agreements] == [True, False, False]


# --- Attendance per member ---------------------------------------------------------------


def test_member_attendance_covers_the_last_six_held_meetings_for_current_members(world):
    oldest = _meeting(world.community, -400)
    _attend(oldest, world.participant_m, ABSENT)
    held = [_meeting(world.community, -days) for days in (360, 300, 240, 180, 120, 60)]
    _meeting(world.community, -30, Meeting.Status.CANCELLED, cancel_reason="Storm")
    _meeting(world.community, 30)
    newcomer = _member(world.community, joined_days_ago=150)
    _member(world.community, joined_days_ago=400, left_days_ago=10)  # left: no row
    for meeting in held[:3]:
        _attend(meeting, world.participant_m, ABSENT)
    _attend(held[3], world.participant_m, EXCUSED)
    _attend(held[4], world.participant_m, PRESENT)
    _attend(held[5], newcomer, PRESENT)
    world.participant_m.joined_on = timezone.localdate() - datetime.timedelta(days=500)
    world.participant_m.save()

    overview = selectors.member_attendance_overview(community=world.community)

    assert overview.meetings == held
    rows = {row.membership: row for row in overview.rows}
    assert set(rows) == {world.participant_m, world.lead_m, world.facilitator_m, newcomer}
    participant = rows[world.participant_m]
    assert participant.statuses == [ABSENT, ABSENT, ABSENT, EXCUSED, PRESENT, ""]
    assert (participant.present_count, participant.member_meetings) == (1, 6)
    assert rows[newcomer].statuses == [None, None, None, None, "", PRESENT]
    assert (rows[newcomer].present_count, rows[newcomer].member_meetings) == (1, 2)
    assert [label for _status, label in rows[newcomer].cells] == [
        "Nog geen lid",
        "Nog geen lid",
        "Nog geen lid",
        "Nog geen lid",
        "Niet geregistreerd",
        "Aanwezig",
    ]


# --- Who sees what on the community page -------------------------------------------------


@pytest.fixture
def timeline(world):
    """A community with a held meeting (named attendance, topics, agreements) and one ahead."""
    world.participant_m.person.full_name = "Stille Deelnemer"
    world.participant_m.person.save()
    world.participant_m.joined_on = timezone.localdate() - datetime.timedelta(days=400)
    world.participant_m.save()
    world.lead_m.joined_on = world.facilitator_m.joined_on = world.participant_m.joined_on
    world.lead_m.save()
    world.facilitator_m.save()
    held = _meeting(world.community, -14, title="Terugkijken op de zomer")
    _attend(held, world.lead_m)
    _attend(held, world.facilitator_m)
    _attend(held, world.participant_m, ABSENT)
    _item(held, TopicCategory.LIFE_DOMAINS)
    _agreement(
        held, "Stuur de flyer over kinderopvang rond", due_days=-2, owner=world.participant_m
    )
    _meeting(world.community, 21, title="Werkbezoek taalschool")
    return world


def _content(user, community) -> str:
    response = _page(user, community)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["lead", "facilitator"])
def test_the_lead_and_the_facilitator_see_the_whole_timeline(timeline, who):
    content = _content(getattr(timeline, who), timeline.community)

    assert "Terugkijken op de zomer" in content and "Werkbezoek taalschool" in content
    assert "2 van 3" in content and "67%" in content
    assert "Leefdomeinen statushouders" in content
    assert "Stuur de flyer over kinderopvang rond" in content and "Te laat" in content
    assert "Aanwezigheid per lid" in content
    assert "Afwezig" in content  # the quiet participant's cell, in words
    assert reverse("meetings:meeting_list", args=[timeline.community.pk]) in content


def test_a_participant_sees_meetings_topics_and_agreements_but_not_attendance_per_member(
    timeline,
):
    content = _content(timeline.participant, timeline.community)

    assert "Terugkijken op de zomer" in content
    assert "67%" in content
    assert "Leefdomeinen statushouders" in content
    assert "Stuur de flyer over kinderopvang rond" in content
    assert "Aanwezigheid per lid" not in content
    assert "Afwezig" not in content


@pytest.mark.parametrize("who", ["coordinator", "evaluator"])
def test_coordinators_and_evaluators_see_rates_and_topic_counts_but_no_names_or_agreements(
    timeline, who
):
    content = _content(getattr(timeline, who), timeline.community)

    assert "2 van 3" in content and "67%" in content
    assert "Leefdomeinen statushouders" in content
    assert reverse("meetings:meeting_list", args=[timeline.community.pk]) in content
    for secret in (
        "Stille Deelnemer",
        timeline.lead_m.person.full_name,
        "Stuur de flyer over kinderopvang rond",
        "Open afspraken",
        "Aanwezigheid per lid",
        "Terugkijken op de zomer",
        reverse("meetings:meeting_detail", args=[Meeting.objects.first().pk]),
    ):
        assert secret not in content


@pytest.mark.parametrize(
    "who", ["system_partner", "sibling_member", "foreign_member", "other_coordinator", "nobody"]
)
def test_the_page_with_its_timeline_stays_closed_to_outsiders(timeline, who):
    assert _page(getattr(timeline, who), timeline.community).status_code == 403


# --- Query counts ------------------------------------------------------------------------


def _grow(community, *, members: int, meetings: int, start: int) -> None:
    """Add members, and past meetings with attendance, topics and agreements, and one ahead."""
    memberships = [_member(community) for _ in range(members)]
    everyone = list(Membership.objects.active().filter(community=community))
    for index in range(meetings - 1):
        meeting = _meeting(community, -(start + 20 * index))
        for position, membership in enumerate(everyone):
            _attend(meeting, membership, (PRESENT, ABSENT, EXCUSED)[position % 3])
        _item(meeting, TopicCategory.values[index % 5])
        _agreement(meeting, f"Afspraak {start}-{index}", due_days=index - 2, owner=everyone[0])
    _meeting(community, start + 10)
    if memberships:
        memberships[0].shares_seat_with = memberships[-1]
        memberships[0].save()


def _queries(user, community) -> int:
    client = Client()
    client.force_login(user)
    url = reverse("communities:community", args=[community.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_community_page_needs_as_many_queries_for_a_large_history_as_a_small_one(world):
    visitors = {
        "participant": world.participant,
        "lead": world.lead,
        "coordinator": world.coordinator,
    }
    _grow(world.community, members=2, meetings=3, start=10)  # 5 members, 3 meetings
    small = {name: _queries(user, world.community) for name, user in visitors.items()}

    _grow(world.community, members=35, meetings=27, start=100)  # 40 members, 30 meetings
    assert Membership.objects.active().filter(community=world.community).count() == 40
    assert Meeting.objects.filter(community=world.community).count() == 30
    large = {name: _queries(user, world.community) for name, user in visitors.items()}

    assert large == small


def test_members_find_the_threads_from_the_community_page(client, world):
    from django.urls import reverse

    threads = reverse("meetings:threads", args=[world.community.pk])
    page = reverse("communities:community", args=[world.community.pk])
    client.force_login(world.participant)
    assert threads in client.get(page).content.decode()
    client.force_login(world.coordinator)
    assert threads not in client.get(page).content.decode()
