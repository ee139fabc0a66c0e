"""What the home page's "Wat nu" lists from meetings (issue "Task-first interface"): for every
member their next meetings with their own RSVP, their agreements due soon and new messages in
their communities' threads; for the lead and the facilitator also what waits after a held
meeting and a meeting to plan when the rhythm says one is due.

Everything here is about the person's own communities (active memberships), so another
community's member never sees any of it. Each read is one query whatever the data holds, so the
home page's query count stays flat (tests/test_query_counts.py).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES, Community
from leerkring.core.panels import Task, Urgency
from leerkring.meetings.models import Agreement, Attendance, Lesson, Meeting, Message, Rsvp

NEXT_MEETINGS = 5
NEXT_MEETING_DAYS = 70
AGREEMENT_DUE_DAYS = 14
AGREEMENTS = 8
MESSAGE_DAYS = 7
THREADS = 5
AFTER_MEETING_DAYS = 60
AFTER_MEETINGS = 8
# A meeting is "to plan" this long before the rhythm says the next one is due: time enough to
# find a host and send the invitation.
PLAN_AHEAD_DAYS = 21
DEFAULT_INTERVAL_WEEKS = 6


def _day(value: datetime.datetime | datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "l j F, H:i")
    return formats.date_format(value, "j F")


def _at_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def next_meeting_tasks(user, *, now: datetime.datetime | None = None) -> list[Task]:
    """The next planned meetings of the person's communities, each with the person's own answer
    to the invitation, so the home page can show the RSVP buttons beside it. One query."""
    access = community_permissions.access_for(user)
    if access.person is None or not access.community_roles:
        return []
    now = now or timezone.now()
    my_answer = Rsvp.objects.filter(
        meeting=OuterRef("pk"), membership__person=access.person
    ).values("answer")[:1]
    meetings = (
        Meeting.objects.filter(
            community_id__in=list(access.community_roles),
            status=Meeting.Status.PLANNED,
            ends_at__gte=now,
            starts_at__lte=now + datetime.timedelta(days=NEXT_MEETING_DAYS),
        )
        .select_related("community")
        .annotate(my_answer=Subquery(my_answer))
        .order_by("starts_at", "pk")[:NEXT_MEETINGS]
    )
    return [
        Task(
            text=_("Bijeenkomst op %(when)s") % {"when": _day(meeting.starts_at)},
            url=reverse("meetings:meeting_detail", args=[meeting.pk]),
            urgency=Urgency.SOON,
            when=meeting.starts_at,
            where=meeting.community.name,
            action="meetings/partials/home_rsvp.html",
            action_context={
                "meeting": meeting,
                "my_answer": meeting.my_answer or "",
                "choices": Rsvp.Answer.choices,
            },
        )
        for meeting in meetings
    ]


def agreement_tasks(user, *, today: datetime.date | None = None) -> list[Task]:
    """The person's own open agreements that are overdue or due within two weeks. One query."""
    access = community_permissions.access_for(user)
    if access.person is None or not access.community_roles:
        return []
    today = today or timezone.localdate()
    agreements = (
        Agreement.objects.filter(
            owner__person=access.person,
            community_id__in=list(access.community_roles),
            status=Agreement.Status.OPEN,
            due_date__lte=today + datetime.timedelta(days=AGREEMENT_DUE_DAYS),
        )
        .select_related("community")
        .order_by("due_date", "pk")[:AGREEMENTS]
    )
    tasks = []
    for agreement in agreements:
        overdue = agreement.due_date < today
        template = (
            _("Afspraak over tijd (uiterlijk %(date)s): %(text)s")
            if overdue
            else _("Afspraak uiterlijk %(date)s: %(text)s")
        )
        tasks.append(
            Task(
                text=template % {"date": _day(agreement.due_date), "text": _short(agreement.text)},
                url=reverse("meetings:agreement", args=[agreement.pk]),
                urgency=Urgency.OVERDUE if overdue else Urgency.SOON,
                when=_at_midnight(agreement.due_date),
                where=agreement.community.name,
            )
        )
    return tasks


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def message_tasks(user, *, now: datetime.datetime | None = None) -> list[Task]:
    """Threads of the person's communities with messages from others in the past week. There is
    no read receipt to consult (none is kept: who read what is nobody's business), so "new"
    means recent. One query."""
    access = community_permissions.access_for(user)
    if access.person is None or not access.community_roles:
        return []
    now = now or timezone.now()
    since = now - datetime.timedelta(days=MESSAGE_DAYS)
    rows = (
        Message.objects.filter(
            thread__community_id__in=list(access.community_roles), created_at__gte=since
        )
        .exclude(author=access.person)
        .values("thread_id", "thread__title", "thread__community__name")
        .annotate(n=Count("pk"), latest=Max("created_at"))
        .order_by("-latest", "thread_id")[:THREADS]
    )
    return [
        Task(
            text=ngettext(
                "%(count)s nieuw bericht in ‘%(title)s’",
                "%(count)s nieuwe berichten in ‘%(title)s’",
                row["n"],
            )
            % {"count": row["n"], "title": row["thread__title"]},
            url=reverse("meetings:thread", args=[row["thread_id"]]),
            urgency=Urgency.NEWS,
            when=row["latest"],
            where=row["thread__community__name"],
        )
        for row in rows
    ]


def _guided_ids(user) -> list[int]:
    """Communities where this person is the lead or the facilitator."""
    roles = community_permissions.access_for(user).community_roles
    return [pk for pk, role in roles.items() if role in LEAD_ROLES | FACILITATOR_ROLES]


def after_meeting_tasks(user, *, now: datetime.datetime | None = None) -> list[Task]:
    """For the lead and facilitator: held meetings of the past two months whose attendance,
    wrap-up (lessons or agreements) or minutes are still missing. One query."""
    guided = _guided_ids(user)
    if not guided:
        return []
    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            community_id__in=guided,
            ends_at__lt=now,
            ends_at__gte=now - datetime.timedelta(days=AFTER_MEETING_DAYS),
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("community")
        .annotate(
            has_attendance=Exists(Attendance.objects.filter(meeting=OuterRef("pk"))),
            has_outcomes=Exists(Lesson.objects.filter(meeting=OuterRef("pk")))
            | Exists(Agreement.objects.filter(meeting=OuterRef("pk"))),
        )
        .filter(Q(has_attendance=False) | Q(has_outcomes=False) | Q(minutes_sent_at__isnull=True))
        .order_by("-starts_at", "pk")[:AFTER_MEETINGS]
    )
    tasks = []
    for meeting in meetings:
        when = _day(meeting.starts_at)
        checks = (
            (
                meeting.has_attendance,
                _("Aanwezigheid registreren van %(when)s"),
                reverse("meetings:attendance", args=[meeting.pk]),
            ),
            (
                meeting.has_outcomes,
                _("Opbrengst vastleggen van %(when)s"),
                reverse("meetings:wrapup", args=[meeting.pk]),
            ),
            (
                meeting.minutes_sent_at is not None,
                _("Verslag versturen van %(when)s"),
                reverse("meetings:minutes", args=[meeting.pk]),
            ),
        )
        for done, text, url in checks:
            if not done:
                tasks.append(
                    Task(
                        text=text % {"when": when},
                        url=url,
                        urgency=Urgency.OVERDUE,
                        when=meeting.starts_at,
                        where=meeting.community.name,
                    )
                )
    return tasks


def planning_tasks(user, *, now: datetime.datetime | None = None) -> list[Task]:
    """For the lead and facilitator: an active community with no meeting ahead while the rhythm
    (the community's interval, else its rule profile's) says the next is due within three
    weeks. One query."""
    guided = _guided_ids(user)
    if not guided:
        return []
    now = now or timezone.now()
    not_cancelled = ~Q(meetings__status=Meeting.Status.CANCELLED)
    communities = (
        Community.objects.filter(pk__in=guided, status=Community.Status.ACTIVE)
        .select_related("programme__rule_profile")
        .annotate(
            last_start=Max("meetings__starts_at", filter=not_cancelled),
            upcoming=Count(
                "meetings",
                filter=not_cancelled & Q(meetings__ends_at__gte=now),
            ),
        )
        .filter(upcoming=0)
        .order_by("name", "pk")
    )
    tasks = []
    for community in communities:
        url = reverse("meetings:meeting_create", args=[community.pk])
        if community.last_start is None:
            tasks.append(
                Task(
                    text=_("De eerste bijeenkomst plannen"),
                    url=url,
                    urgency=Urgency.SOON,
                    when=now,
                    where=community.name,
                )
            )
            continue
        weeks = community.meeting_interval_weeks or _profile_weeks(community)
        due = community.last_start + datetime.timedelta(weeks=weeks)
        if due - datetime.timedelta(days=PLAN_AHEAD_DAYS) <= now:
            tasks.append(
                Task(
                    text=_("Volgende bijeenkomst plannen (volgens het ritme rond %(date)s)")
                    % {"date": _day(timezone.localtime(due).date())},
                    url=url,
                    urgency=Urgency.OVERDUE if due <= now else Urgency.SOON,
                    when=due,
                    where=community.name,
                )
            )
    return tasks


def _profile_weeks(community: Community) -> int:
    profile = getattr(community.programme, "rule_profile", None)
    return (profile.meeting_interval_weeks if profile else None) or DEFAULT_INTERVAL_WEEKS
