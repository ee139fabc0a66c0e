"""Reads for planning meetings and building their agenda."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from leerkring.communities.models import Community, Membership, Organisation
from leerkring.meetings.models import AgendaItem, Agreement, Attendance, Guest, Meeting, WorkForm


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
