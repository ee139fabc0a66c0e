"""Reads for the coordination meeting (LCC): meetings, the agenda drawn from the venster,
and decisions."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from leerkring.communities.models import Programme
from leerkring.signalling.models import CoordinationMeeting, Signal

from .venster import VENSTER_CLOSED_STATES, venster_base

LCC_AGENDA_LIMIT = 200


def coordination_meetings(*, programme: Programme) -> QuerySet[CoordinationMeeting]:
    return CoordinationMeeting.objects.filter(programme=programme).annotate(
        decision_count=Count("decisions")
    )


def previous_coordination_meeting(
    *, coordination_meeting: CoordinationMeeting
) -> CoordinationMeeting | None:
    return (
        CoordinationMeeting.objects.filter(
            programme_id=coordination_meeting.programme_id,
            held_on__lt=coordination_meeting.held_on,
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def lcc_agenda_signals(
    *, coordination_meeting: CoordinationMeeting, since: datetime.date | None
) -> QuerySet[Signal]:
    """The signals the LCC discusses: those escalated to it, and those passed on since the
    previous LCC (or, for the first one, in the last 90 days), while still open — plus those it
    has already decided on, so its decisions stay on its agenda."""
    held_on = coordination_meeting.held_on
    since = since or held_on - datetime.timedelta(days=90)
    new_since = Q(passed_on_at__date__gt=since, passed_on_at__date__lte=held_on)
    open_ = ~Q(state__in=VENSTER_CLOSED_STATES)
    decided = Q(decisions__coordination_meeting=coordination_meeting)
    return (
        venster_base(programme=coordination_meeting.programme)
        .filter((open_ & (Q(state=Signal.State.ESCALATED_LCC) | new_since)) | decided)
        .select_related("community", "theme")
        .annotate(
            escalated=Case(
                When(state=Signal.State.ESCALATED_LCC, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .distinct()
        .order_by("-escalated", "theme__title", "-passed_on_at", "-pk")
    )


def lcc_decisions(*, coordination_meeting: CoordinationMeeting):
    return coordination_meeting.decisions.select_related("signal", "signal__community").order_by(
        "decided_at", "pk"
    )
