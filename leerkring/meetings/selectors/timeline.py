"""Reads for the community page's meeting panels: upcoming and past meetings, topics covered,
open agreements and attendance per member."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Membership
from leerkring.meetings.models import AgendaItem, Agreement, Attendance, Lesson, Meeting, Rsvp
from leerkring.meetings.topics import TopicCategory

from .planning import local_date

LATEST_OUTCOMES = 3
TIMELINE_UPCOMING = 3
TIMELINE_PAST = 6
TIMELINE_TOPIC_DAYS = 365
MEMBER_ATTENDANCE_MEETINGS = 6


MembershipPeriod = tuple[datetime.date, datetime.date | None]


def _members_on(periods: list[MembershipPeriod], day: datetime.date) -> int:
    """Members on a day, by the same rule as `Membership.objects.active(on=day)`."""
    return sum(1 for joined, left in periods if joined <= day and (left is None or left > day))


def attendance_rate(*, present: int, members: int) -> int | None:
    """The attendance rate of one meeting, in whole percent: members marked present divided by
    the community's members on the meeting day (joined on or before it, not yet left). Guests
    do not count, and colleagues who share a seat count as two members, as they are on the
    attendance list. None when there is nobody to divide by."""
    if members <= 0:
        return None
    return min(100, round(100 * present / members))


def timeline_meetings(*, community: Community, now: datetime.datetime | None = None) -> dict:
    """The next few and the last few meetings for the community page, the past ones with their
    attendance rate (see `attendance_rate`); a meeting without recorded attendance, or a
    cancelled one, has no rate. Three queries, however long the history."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(community=community).select_related("host_organisation")
    upcoming = list(
        meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")[:TIMELINE_UPCOMING]
    )
    past = list(
        meetings.filter(ends_at__lt=now)
        .annotate(
            present_count=Count(
                "attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)
            ),
            recorded_count=Count("attendances"),
        )
        .order_by("-starts_at", "-pk")[:TIMELINE_PAST]
    )
    periods = list(
        Membership.objects.filter(community=community).values_list("joined_on", "left_on")
    )
    for meeting in past:
        meeting.members_count = _members_on(periods, local_date(meeting.starts_at))
        meeting.attendance_rate = (
            attendance_rate(present=meeting.present_count, members=meeting.members_count)
            if meeting.recorded_count and meeting.status != Meeting.Status.CANCELLED
            else None
        )
    return {"upcoming": upcoming, "past": past}


def next_meeting(
    *, community: Community, person=None, now: datetime.datetime | None = None
) -> Meeting | None:
    """The community's next planned meeting, for the top of the community page, with
    `my_answer`: the person's own answer to its invitation ("" when none or no person). One
    query."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        community=community, status=Meeting.Status.PLANNED, ends_at__gte=now
    ).select_related("host_organisation")
    if person is not None:
        meetings = meetings.annotate(
            my_answer=Subquery(
                Rsvp.objects.filter(meeting=OuterRef("pk"), membership__person=person).values(
                    "answer"
                )[:1]
            )
        )
    meeting = meetings.order_by("starts_at", "pk").first()
    if meeting is not None:
        meeting.my_answer = getattr(meeting, "my_answer", None) or ""
    return meeting


def latest_outcomes(*, community: Community) -> dict:
    """The newest lessons and agreements of the community, with their meeting: what the
    community recently concluded, for the top of its page. Two queries."""
    lessons = list(
        Lesson.objects.filter(community=community)
        .select_related("meeting")
        .order_by("-created_at", "-pk")[:LATEST_OUTCOMES]
    )
    agreements = list(
        Agreement.objects.filter(community=community)
        .select_related("meeting", "owner__person")
        .order_by("-created_at", "-pk")[:LATEST_OUTCOMES]
    )
    return {"lessons": lessons, "agreements": agreements}


@dataclass
class TopicCount:
    category: str
    label: str
    count: int
    percent: int = 0

    @property
    def value(self) -> int:
        """The number `partials/bar_chart.html` shows next to the bar."""
        return self.count


def topics_covered(*, community: Community, now: datetime.datetime | None = None) -> dict:
    """Agenda items per topic category (report §3.2.2) over the last twelve months, counted
    from meetings that took place or are under way, not cancelled ones. Every category is
    listed, also with zero, because what a community does *not* talk about is worth seeing.
    One query."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=TIMELINE_TOPIC_DAYS)
    counts = dict(
        AgendaItem.objects.filter(
            meeting__community=community,
            meeting__starts_at__gte=since,
            meeting__starts_at__lte=now,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .exclude(topic_category="")
        .values("topic_category")
        .annotate(n=Count("pk"))
        .values_list("topic_category", "n")
    )
    rows = [
        TopicCount(category=value, label=str(label), count=counts.get(value, 0))
        for value, label in TopicCategory.choices
    ]
    largest = max(row.count for row in rows)
    for row in rows:
        row.percent = round(100 * row.count / largest) if largest else 0
    return {"rows": rows, "total": sum(row.count for row in rows), "since": since}


def open_agreements_of_community(
    *, community: Community, today: datetime.date | None = None
) -> list[Agreement]:
    """Open agreements, soonest due first (no due date last), each marked `is_overdue` when
    its due date has passed. One query."""
    today = today or timezone.localdate()
    agreements = list(
        Agreement.objects.filter(community=community, status=Agreement.Status.OPEN)
        .select_related("owner__person", "meeting")
        .order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")
    )
    for agreement in agreements:
        agreement.is_overdue = bool(agreement.due_date and agreement.due_date < today)
    return agreements


@dataclass
class MemberAttendanceRow:
    membership: Membership
    # One per meeting, oldest first: an Attendance.Status value, "" when nothing was recorded,
    # or None when the person was not yet (or no longer) a member that day.
    statuses: list[str | None]

    @property
    def member_meetings(self) -> int:
        return sum(1 for status in self.statuses if status is not None)

    @property
    def present_count(self) -> int:
        return sum(1 for status in self.statuses if status == Attendance.Status.PRESENT)

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(status, Dutch text) per meeting: the table says it in words, not colour alone."""
        labels = {
            **dict(Attendance.Status.choices),
            "": _("Niet geregistreerd"),
            None: _("Nog geen lid"),
        }
        return [(status or "", str(labels[status])) for status in self.statuses]


@dataclass
class MemberAttendance:
    meetings: list[Meeting]
    rows: list[MemberAttendanceRow]


def member_attendance_overview(*, community: Community) -> MemberAttendance:
    """Per current member, their attendance at the last six held meetings, oldest first, so
    the lead and facilitator can approach quiet members personally (report §5.1.2). Three
    queries, whatever the number of members or meetings."""
    meetings = list(
        Meeting.objects.filter(community=community, status=Meeting.Status.HELD).order_by(
            "-starts_at", "-pk"
        )[:MEMBER_ATTENDANCE_MEETINGS]
    )
    meetings.reverse()
    recorded: dict[tuple[int, int], str] = {
        (membership_id, meeting_id): status
        for membership_id, meeting_id, status in Attendance.objects.filter(
            meeting__in=[m.pk for m in meetings]
        ).values_list("membership_id", "meeting_id", "status")
    }
    memberships = list(
        Membership.objects.active()
        .filter(community=community)
        .select_related("person", "organisation", "shares_seat_with__person")
        .order_by("person__full_name", "pk")
    )
    days = [local_date(m.starts_at) for m in meetings]
    rows = []
    for membership in memberships:
        statuses: list[str | None] = []
        for meeting, day in zip(meetings, days, strict=True):
            status = recorded.get((membership.pk, meeting.pk))
            was_member = membership.joined_on <= day and (
                membership.left_on is None or membership.left_on > day
            )
            statuses.append(status if status else ("" if was_member else None))
        rows.append(MemberAttendanceRow(membership=membership, statuses=statuses))
    return MemberAttendance(meetings=meetings, rows=rows)
