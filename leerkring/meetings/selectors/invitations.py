"""Reads for invitations, answers, attendance and the calendar feed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Membership, Person
from leerkring.meetings import permissions as meeting_permissions
from leerkring.meetings.models import Attendance, CalendarFeed, Meeting, Rsvp

from .planning import local_date


def meeting_page_path(meeting: Meeting) -> str:
    """Where e-mails, calendar events and answers send people: the meeting page."""
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def meeting_mail_recipients(*, meeting: Meeting) -> QuerySet[Membership]:
    """Who gets the meeting's e-mail (invitation, update, cancellation, reminder, minutes):
    every current member with an address. The services send to exactly these and the
    confirmation before sending counts exactly these."""
    return (
        Membership.objects.active()
        .filter(community_id=meeting.community_id, person__email__isnull=False)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )


def members_on_meeting_day(*, meeting: Meeting) -> QuerySet[Membership]:
    """Whoever was a member on the day of the meeting: a member who joined later or left
    before does not belong on its attendance list."""
    return (
        Membership.objects.active(on=local_date(meeting.starts_at))
        .filter(community_id=meeting.community_id)
        .select_related("person", "organisation")
        .order_by("person__full_name", "pk")
    )


@dataclass
class AttendanceRow:
    membership: Membership
    status: str
    rsvp: str

    @property
    def initial(self) -> str:
        """Recorded status first; otherwise what the member answered to the invitation: who
        said they cannot come is excused, who said they will come is probably here."""
        if self.status:
            return self.status
        if self.rsvp == Rsvp.Answer.DECLINE:
            return Attendance.Status.EXCUSED
        if self.rsvp == Rsvp.Answer.ATTEND:
            return Attendance.Status.PRESENT
        return ""


def attendance_rows(*, meeting: Meeting) -> list[AttendanceRow]:
    """Members of the meeting day plus anyone already recorded (a member who left since keeps
    their row). Three queries, whatever the community's size."""
    recorded = {
        a.membership_id: a for a in meeting.attendances.select_related("membership__person")
    }
    answers = dict(meeting.rsvps.values_list("membership_id", "answer"))
    memberships = list(members_on_meeting_day(meeting=meeting))
    listed = {m.pk for m in memberships}
    memberships += [a.membership for pk, a in recorded.items() if pk not in listed]
    memberships.sort(key=lambda m: (m.person.full_name.lower(), m.pk))
    return [
        AttendanceRow(
            membership=m,
            status=recorded[m.pk].status if m.pk in recorded else "",
            rsvp=answers.get(m.pk, ""),
        )
        for m in memberships
    ]


def member_of_meeting_community(*, user, meeting: Meeting) -> Membership | None:
    """The signed-in user's current seat in the meeting's community, if any."""
    person = community_permissions.access_for(user).person
    if person is None:
        return None
    return (
        Membership.objects.active()
        .filter(person=person, community_id=meeting.community_id)
        .select_related("person")
        .first()
    )


def rsvp_overview(*, meeting: Meeting) -> dict:
    """Answers to the invitation with names, for the lead and facilitator. Two queries."""
    rsvps = list(
        meeting.rsvps.select_related("membership__person").order_by(
            "membership__person__full_name", "pk"
        )
    )
    attending = [r.membership.person.full_name for r in rsvps if r.answer == Rsvp.Answer.ATTEND]
    declined = [r.membership.person.full_name for r in rsvps if r.answer == Rsvp.Answer.DECLINE]
    members = Membership.objects.active().filter(community_id=meeting.community_id).count()
    answered_active = sum(1 for r in rsvps if r.membership.is_active)
    return {
        "attending": attending,
        "declined": declined,
        "attending_count": len(attending),
        "declined_count": len(declined),
        "unanswered_count": max(0, members - answered_active),
    }


def attendance_summary(*, meeting: Meeting) -> dict:
    """Counts per status and the guests. Names are included: this summary is shown on the
    meeting page, which only members of the community open. Two queries."""
    attendances = list(
        meeting.attendances.select_related("membership__person").order_by(
            "membership__person__full_name", "pk"
        )
    )
    by_status: dict[str, list[str]] = {value: [] for value in Attendance.Status.values}
    for attendance in attendances:
        by_status[attendance.status].append(attendance.membership.person.full_name)
    guests = list(meeting.guests.filter(present=True).order_by("name", "pk"))
    return {
        "recorded": bool(attendances) or bool(guests),
        "present": by_status[Attendance.Status.PRESENT],
        "absent": by_status[Attendance.Status.ABSENT],
        "excused": by_status[Attendance.Status.EXCUSED],
        "present_count": len(by_status[Attendance.Status.PRESENT]),
        "absent_count": len(by_status[Attendance.Status.ABSENT]),
        "excused_count": len(by_status[Attendance.Status.EXCUSED]),
        "guests": guests,
        "guest_count": len(guests),
    }


def rsvp_answer_of(*, meeting: Meeting, membership: Membership) -> str:
    """The member's answer to the invitation ("attend", "decline"), or "" when none yet."""
    return (
        meeting.rsvps.filter(membership=membership).values_list("answer", flat=True).first() or ""
    )


def meeting_rsvp_context(meeting: Meeting, user) -> dict:
    """What the meeting page's RSVP and attendance partials need, under two keys so nothing
    collides with the page's own context. Members only (the page checks `can_view_meeting`)."""
    membership = member_of_meeting_community(user=user, meeting=meeting)
    my_answer = ""
    if membership is not None:
        my_answer = rsvp_answer_of(meeting=meeting, membership=membership)
    now = timezone.now()
    can_see_answers = meeting_permissions.can_view_rsvp_answers(user, meeting)
    rsvp = {
        "membership": membership,
        "my_answer": my_answer,
        "can_answer": membership is not None
        and meeting.status == Meeting.Status.PLANNED
        and meeting.ends_at > now,
        "can_see_answers": can_see_answers,
        "can_publish": meeting_permissions.can_publish_meeting(user, meeting)
        and meeting.published_at is None
        and meeting.status == Meeting.Status.PLANNED
        and meeting.ends_at > now,
        "published_at": meeting.published_at,
        "answers": rsvp_overview(meeting=meeting) if can_see_answers else None,
        "choices": Rsvp.Answer.choices,
    }
    summary = attendance_summary(meeting=meeting)
    summary["can_record"] = (
        meeting_permissions.can_record_attendance(user, meeting)
        and meeting.status != Meeting.Status.CANCELLED
    )
    return {"rsvp": rsvp, "attendance_summary": summary}


def calendar_feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    if not token:
        return None
    return (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=calendar_feed_token_hash(token))
        .first()
    )


def calendar_feed_meetings(*, person: Person) -> QuerySet[Meeting]:
    """Every meeting of the communities the person is a member of today; one query."""
    communities = Membership.objects.active().filter(person=person).values("community_id")
    return (
        Meeting.objects.filter(community_id__in=communities)
        .select_related("community")
        .order_by("starts_at", "pk")
    )
