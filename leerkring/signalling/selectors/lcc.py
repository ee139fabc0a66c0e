"""Reads for the coordination meeting (LCC): meetings, the agenda drawn from the venster while
a meeting is ahead, the agenda kept when it was recorded as held, and where decisions belong."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Programme
from leerkring.signalling.models import (
    CoordinationAgendaItem,
    CoordinationDecision,
    CoordinationMeeting,
    Signal,
    SignalEvent,
)

from .venster import VENSTER_CLOSED_STATES, venster_base

LCC_AGENDA_LIMIT = 200


def coordination_meetings(*, programme: Programme) -> QuerySet[CoordinationMeeting]:
    """The programme's meetings with the number of decisions each took (a subquery each, so
    the counts cannot multiply one another)."""
    return CoordinationMeeting.objects.filter(programme=programme).annotate(
        decision_count=Coalesce(
            Subquery(
                CoordinationDecision.objects.filter(coordination_meeting=OuterRef("pk"))
                .order_by()
                .values("coordination_meeting")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
        agenda_count=Coalesce(
            Subquery(
                CoordinationAgendaItem.objects.filter(coordination_meeting=OuterRef("pk"))
                .order_by()
                .values("coordination_meeting")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
    )


def decision_meeting(
    *, programme: Programme, today: datetime.date | None = None
) -> CoordinationMeeting | None:
    """The meeting a decision taken today belongs to: the latest one held on or before today.
    A decision is filed under the meeting at which it was taken, never under an earlier one."""
    today = today or timezone.localdate()
    return (
        CoordinationMeeting.objects.filter(programme=programme, held_on__lte=today)
        .order_by("-held_on", "-pk")
        .first()
    )


def decisions_closed_reason(
    *, coordination_meeting: CoordinationMeeting, today: datetime.date | None = None
) -> str:
    """Why this meeting takes no decision today, in Dutch; "" when it does."""
    today = today or timezone.localdate()
    if coordination_meeting.recorded_at is not None:
        return _(
            "Dit overleg is vastgelegd als gehouden. Een nieuw besluit hoort bij het overleg "
            "waarin het wordt genomen."
        )
    if coordination_meeting.held_on > today:
        return _(
            "Dit overleg is nog niet gehouden. Besluiten leg je vast op de dag van het overleg "
            "of daarna."
        )
    current = decision_meeting(programme=coordination_meeting.programme, today=today)
    if current is not None and current.pk != coordination_meeting.pk:
        return _(
            "Na dit overleg is %(title)s gehouden (%(date)s). Een besluit van nu hoort bij "
            "dat overleg."
        ) % {"title": current.title, "date": formats.date_format(current.held_on, "j F Y")}
    return ""


def lcc_agenda_kept(*, coordination_meeting: CoordinationMeeting) -> QuerySet:
    """The signals a recorded meeting discussed, as they stood then."""
    return coordination_meeting.agenda_items.select_related("signal", "signal__community").order_by(
        "position", "pk"
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


@dataclass
class AgendaRow:
    signal_id: int
    state: str
    theme_title: str
    escalated: bool
    passed_on_at: datetime.datetime | None


def lcc_agenda_as_of(
    *, coordination_meeting: CoordinationMeeting, since: datetime.date | None
) -> list[AgendaRow]:
    """The agenda as it stood at the end of the meeting's day, rebuilt from the signals'
    history (every change writes an event): for a meeting recorded as held after its day, so
    signals passed on or changed since do not end up in its record. The same rule as
    `lcc_agenda_signals`, in the same order."""
    zone = timezone.get_current_timezone()
    held_on = coordination_meeting.held_on
    end = datetime.datetime.combine(held_on + datetime.timedelta(days=1), datetime.time(0), zone)
    since = since or held_on - datetime.timedelta(days=90)
    signals = {
        pk: (state, passed_on_at, theme_title or "")
        for pk, state, passed_on_at, theme_title in venster_base(
            programme=coordination_meeting.programme
        )
        .filter(passed_on_at__lt=end)
        .values_list("pk", "state", "passed_on_at", "theme__title")
    }
    states: dict[int, str] = {}
    for signal_id, to_state in (
        SignalEvent.objects.filter(signal_id__in=list(signals), created_at__lt=end)
        .exclude(to_state="")
        .order_by("created_at", "pk")
        .values_list("signal_id", "to_state")
    ):
        states[signal_id] = to_state
    themes: dict[int, str] = {}
    later_themes: dict[int, str] = {}
    for signal_id, created_at, data in (
        SignalEvent.objects.filter(signal_id__in=list(signals), kind=SignalEvent.Kind.THEME)
        .order_by("created_at", "pk")
        .values_list("signal_id", "created_at", "data")
    ):
        data = data if isinstance(data, dict) else {}
        if created_at < end:
            themes[signal_id] = data.get("to_title") or ""
        else:
            later_themes.setdefault(signal_id, data.get("from_title") or "")
    decided = set(coordination_meeting.decisions.values_list("signal_id", flat=True))
    rows = []
    for pk, (current, passed_on_at, theme_title) in signals.items():
        state = states.get(pk, current)
        if state == Signal.State.DRAFT:
            continue
        passed_on = timezone.localtime(passed_on_at, zone).date() if passed_on_at else None
        new_since = passed_on is not None and since < passed_on <= held_on
        escalated = state == Signal.State.ESCALATED_LCC
        if (state not in VENSTER_CLOSED_STATES and (escalated or new_since)) or pk in decided:
            theme = themes.get(pk, later_themes.get(pk, theme_title))
            rows.append(AgendaRow(pk, state, theme, escalated, passed_on_at))
    rows.sort(
        key=lambda r: (
            not r.escalated,
            r.theme_title.lower(),
            -(r.passed_on_at.timestamp() if r.passed_on_at else 0),
            -r.signal_id,
        )
    )
    return rows
