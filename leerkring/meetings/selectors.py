"""Reads for the meeting cycle, each with a fixed number of queries."""

from __future__ import annotations

# --- Planning and agenda ---------------------------------------------------------------
import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from leerkring.communities.models import Community, Membership, Organisation
from leerkring.meetings.models import (
    AgendaItem,
    Agreement,
    Attendance,
    Guest,
    Meeting,
    WorkForm,
)


def meetings_of_community(*, community: Community) -> dict:
    """Upcoming and past meetings with the number present, in one query.

    A community meets every six to eight weeks (about 33 meetings at national scale), so the
    whole history fits one page; it is split in Python rather than with two queries.
    """
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(community=community)
        .select_related("host_organisation")
        .annotate(
            present_count=Count(
                "attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)
            )
        )
        .order_by("starts_at", "pk")
    )
    return {
        "upcoming": [m for m in meetings if m.ends_at >= now],
        "past": [m for m in reversed(meetings) if m.ends_at < now],
    }


def meeting_with_context() -> QuerySet[Meeting]:
    """A meeting with what every meeting page shows and what its permission checks need."""
    return Meeting.objects.select_related(
        "community__programme__rule_profile", "host_organisation", "case_organisation"
    )


def _member_organisations(community: Community) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=Membership.objects.active()
        .filter(community=community, organisation__isnull=False)
        .values("organisation_id")
    )


def _rotation(community: Community, field: str) -> list[Organisation]:
    last_turn = (
        Meeting.objects.filter(community=community, **{field: OuterRef("pk")})
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    return list(
        _member_organisations(community)
        .annotate(last_turn=Subquery(last_turn))
        .order_by(F("last_turn").asc(nulls_first=True), "name")
    )


def host_rotation(*, community: Community) -> list[Organisation]:
    """Member organisations in the order they should host next (report §3.2.3: rotating the
    host works well): never hosted first, then the one that hosted longest ago; ties by name.
    Each organisation carries `last_turn`, its latest hosted meeting."""
    return _rotation(community, "host_organisation")


def case_rotation(*, community: Community) -> list[Organisation]:
    """Member organisations in the order they should bring in the next case (Gewogen
    Maatwerk: one case per session, participants in turn), least recently first."""
    return _rotation(community, "case_organisation")


def rotation_turn(rotation: list[Organisation], index: int) -> Organisation | None:
    """The organisation whose turn it is at the `index`-th meeting of a series."""
    return rotation[index % len(rotation)] if rotation else None


def work_forms_for(*, programme_id: int) -> QuerySet[WorkForm]:
    """The catalogue a programme's agendas choose from: built-in forms, then its own."""
    return WorkForm.objects.filter(
        Q(programme__isnull=True) | Q(programme_id=programme_id), is_active=True
    ).order_by(F("programme_id").asc(nulls_first=True), "position", "name")


def open_agreements_before(*, meeting: Meeting) -> list[Agreement]:
    """Open agreements of the community made at earlier meetings: the look-back item lists
    them live, so an agreement marked done disappears from every later agenda at once."""
    return list(
        Agreement.objects.filter(
            community_id=meeting.community_id,
            status=Agreement.Status.OPEN,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .select_related("owner__person", "meeting")
        .order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")
    )


@dataclass(frozen=True)
class AgendaOverview:
    visible: bool
    items: list[AgendaItem]
    guests: list[Guest]
    lookback_agreements: list[Agreement]
    total_minutes: int
    meeting_minutes: int

    @property
    def overflow_minutes(self) -> int:
        """How much longer the agenda is than the meeting; a warning, not an error, because
        facilitators plan generously and cut on the day."""
        return max(0, self.total_minutes - self.meeting_minutes)


def meeting_agenda(*, meeting: Meeting, can_edit: bool) -> AgendaOverview:
    """The agenda as the viewer may see it: members once it is published, the lead and the
    facilitator always. At most three queries, whatever its length."""
    visible = can_edit or meeting.agenda_published_at is not None
    items: list[AgendaItem] = []
    guests: list[Guest] = []
    lookback: list[Agreement] = []
    if visible:
        items = list(meeting.agenda_items.select_related("work_form").order_by("position", "pk"))
        guests = list(meeting.guests.order_by("name", "pk"))
        if any(item.is_lookback for item in items):
            lookback = open_agreements_before(meeting=meeting)
    return AgendaOverview(
        visible=visible,
        items=items,
        guests=guests,
        lookback_agreements=lookback,
        total_minutes=sum(item.minutes for item in items),
        meeting_minutes=meeting.duration_minutes,
    )


def has_open_agreements_before(*, meeting: Meeting) -> bool:
    return Agreement.objects.filter(
        community_id=meeting.community_id,
        status=Agreement.Status.OPEN,
        meeting__starts_at__lt=meeting.starts_at,
    ).exists()


def local_date(value: datetime.datetime) -> datetime.date:
    """The calendar day of a moment in Europe/Amsterdam."""
    return timezone.localtime(value).date()


# --- Invitations, calendar and attendance ----------------------------------------------
import hashlib  # noqa: E402

from django.urls import reverse  # noqa: E402

from leerkring.communities import permissions as community_permissions  # noqa: E402
from leerkring.communities.models import Person  # noqa: E402
from leerkring.meetings import permissions as meeting_permissions  # noqa: E402
from leerkring.meetings.models import CalendarFeed, Rsvp  # noqa: E402


def meeting_page_path(meeting: Meeting) -> str:
    """Where e-mails, calendar events and answers send people: the meeting page."""
    return reverse("meetings:meeting_detail", args=[meeting.pk])


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


def meeting_rsvp_context(meeting: Meeting, user) -> dict:
    """What the meeting page's RSVP and attendance partials need, under two keys so nothing
    collides with the page's own context. Members only (the page checks `can_view_meeting`)."""
    membership = member_of_meeting_community(user=user, meeting=meeting)
    my_answer = ""
    if membership is not None:
        my_answer = (
            meeting.rsvps.filter(membership=membership).values_list("answer", flat=True).first()
            or ""
        )
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


# --- Outcomes, minutes, agreements and threads -----------------------------------------

from django.db.models import Prefetch  # noqa: E402

from leerkring.communities import permissions as _community_permissions  # noqa: E402
from leerkring.meetings import permissions as _meeting_permissions  # noqa: E402
from leerkring.meetings.models import (  # noqa: E402
    AgreementStatusChange,
    Lesson,
    Message,
    Thread,
    ThreadNotificationPreference,
)
from leerkring.signalling.models import Signal  # noqa: E402


def _status_history() -> Prefetch:
    return Prefetch(
        "status_changes",
        queryset=AgreementStatusChange.objects.select_related("changed_by__person").order_by(
            "changed_at", "pk"
        ),
    )


def agreements_with_history() -> QuerySet[Agreement]:
    """Agreements with their owner and status history, for lists that show both."""
    return Agreement.objects.select_related(
        "owner__person", "owner__organisation"
    ).prefetch_related(_status_history())


def _mark_agreements(agreements: list[Agreement], user, today: datetime.date) -> list[Agreement]:
    """Overdue: still open past its due date (issue §4, "overdue ones marked")."""
    for agreement in agreements:
        agreement.is_overdue = bool(
            agreement.status == Agreement.Status.OPEN
            and agreement.due_date
            and agreement.due_date < today
        )
        agreement.can_change_status = _meeting_permissions.can_change_agreement_status(
            user, agreement
        )
    return agreements


def meeting_outcomes(*, meeting: Meeting) -> dict:
    """Lessons, agreements (with history) and signals of one meeting: four queries."""
    agreements = list(
        agreements_with_history().filter(meeting=meeting).order_by("created_at", "pk")
    )
    for agreement in agreements:
        agreement.community = meeting.community
    return {
        "lessons": list(Lesson.objects.filter(meeting=meeting).order_by("created_at", "pk")),
        "agreements": agreements,
        "signals": list(Signal.objects.filter(meeting=meeting).order_by("created_at", "pk")),
    }


def meeting_outcomes_context(*, meeting: Meeting, user) -> dict:
    """What the partials `meeting_outcomes.html` and `meeting_minutes.html` need on the
    meeting page (members only; the page checks `can_view_meeting`)."""
    outcomes = meeting_outcomes(meeting=meeting)
    _mark_agreements(outcomes["agreements"], user, timezone.localdate())
    return {
        "outcomes": outcomes,
        "can_record_outcomes": _meeting_permissions.can_record_outcomes(user, meeting),
        "can_edit_minutes": _meeting_permissions.can_edit_minutes(user, meeting),
        "agreement_status_choices": Agreement.Status.choices,
    }


@dataclass
class CommunityAgreements:
    community: Community
    agreements: list[Agreement]

    @property
    def open_count(self) -> int:
        return sum(1 for a in self.agreements if a.status == Agreement.Status.OPEN)

    @property
    def overdue_count(self) -> int:
        return sum(1 for a in self.agreements if a.is_overdue)


def agreements_of_user(*, user) -> list[CommunityAgreements]:
    """For "my agreements": what the user took on in each community they are a member of now,
    open ones first (by due date), grouped by community. Two queries beyond the user's
    access (the agreements and their histories), however many there are."""
    person = _community_permissions.access_for(user).person
    if person is None:
        return []
    agreements = list(
        agreements_with_history()
        .filter(owner__person=person, owner__in=Membership.objects.active())
        .select_related("community", "meeting")
        .order_by(
            "community__name",
            "community_id",
            F("due_date").asc(nulls_last=True),
            "pk",
        )
    )
    _mark_agreements(agreements, user, timezone.localdate())
    groups: dict[int, CommunityAgreements] = {}
    for agreement in agreements:
        group = groups.setdefault(
            agreement.community_id, CommunityAgreements(agreement.community, [])
        )
        group.agreements.append(agreement)
    for group in groups.values():
        # Open first; the sort is stable, so each part keeps the due-date order.
        group.agreements.sort(key=lambda a: a.status != Agreement.Status.OPEN)
    return list(groups.values())


def minutes_export_context(*, meeting: Meeting, user) -> dict:
    """Everything the DOCX and PDF minutes show. The agenda follows the meeting page's rule
    (`meeting_agenda`): a member who cannot see an unpublished agenda on the page does not get
    it in a download either."""
    present = meeting.attendances.filter(status=Attendance.Status.PRESENT).count()
    guests_present = meeting.guests.filter(present=True).count()
    outcomes = meeting_outcomes(meeting=meeting)
    agenda = meeting_agenda(
        meeting=meeting, can_edit=_meeting_permissions.can_edit_agenda(user, meeting)
    )
    return {
        "meeting": meeting,
        "community": meeting.community,
        "present_count": present + guests_present,
        "agenda_visible": agenda.visible,
        "agenda_items": agenda.items,
        **outcomes,
    }


def threads_of_community(*, community: Community) -> QuerySet[Thread]:
    """Latest activity first, each with its number of messages and who started it."""
    return (
        Thread.objects.filter(community=community)
        .select_related("started_by")
        .annotate(message_count=Count("messages"))
        .order_by("-last_message_at", "-pk")
    )


def thread_messages(*, thread: Thread) -> list[Message]:
    return list(thread.messages.select_related("author").order_by("created_at", "pk"))


def thread_notification_mode_of(*, user, community: Community) -> str | None:
    """The signed-in member's e-mail choice for this community's threads (None: no member)."""
    person = _community_permissions.access_for(user).person
    if person is None:
        return None
    membership = (
        Membership.objects.active()
        .filter(person=person, community=community)
        .select_related("thread_notification")
        .first()
    )
    if membership is None:
        return None
    try:
        return membership.thread_notification.mode
    except ThreadNotificationPreference.DoesNotExist:
        return ThreadNotificationPreference.Mode.EACH


# --- Community timeline ------------------------------------------------------------------

from django.utils.translation import gettext_lazy as _  # noqa: E402

from leerkring.meetings.topics import TopicCategory  # noqa: E402

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
