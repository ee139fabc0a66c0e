"""Past coordination meetings become records (issue 12 §9), from what the history can tell.

Until now a meeting's page followed today's venster, and a decision taken on any day was filed
under whichever meeting's page it was entered on. For every meeting whose day has passed:

1. A decision taken after the meeting, when a later meeting had been held by then, moves to
   that later meeting (the latest one held on or before the day of the decision).
2. Its agenda is rebuilt as it stood at the end of its day: each signal's state is the last
   state its history reached by then, its theme the one its history names; the selection is the
   agenda's rule (escalated to the LCC, or passed on since the previous meeting, while open —
   plus what it decided on).
3. The top five of that day cannot be known (the ranking's inputs were not kept), so it is
   marked as not kept rather than guessed.
"""

from __future__ import annotations

import bisect
import datetime
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import migrations
from django.utils import timezone

CLOSED = ("resolved", "no_follow_up")
FIRST_WINDOW_DAYS = 90


def _end_of(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), zone)


def _refile_decisions(apps, meetings: list) -> None:
    Decision = apps.get_model("signalling", "CoordinationDecision")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    days = [m.held_on for m in meetings]  # sorted by held_on, pk
    by_pk = {m.pk: m for m in meetings}
    taken = set(
        Decision.objects.filter(coordination_meeting__in=meetings).values_list(
            "coordination_meeting_id", "signal_id"
        )
    )
    for decision in Decision.objects.filter(coordination_meeting__in=meetings).order_by("pk"):
        decided_on = decision.decided_at.astimezone(zone).date()
        index = bisect.bisect_right(days, decided_on) - 1
        if index < 0:
            continue
        target = meetings[index]
        current = by_pk[decision.coordination_meeting_id]
        if target.pk == current.pk or target.held_on <= current.held_on:
            continue
        if (target.pk, decision.signal_id) in taken:
            continue
        taken.discard((current.pk, decision.signal_id))
        taken.add((target.pk, decision.signal_id))
        decision.coordination_meeting_id = target.pk
        decision.save(update_fields=["coordination_meeting"])


def freeze_past_meetings(apps, schema_editor) -> None:
    Meeting = apps.get_model("signalling", "CoordinationMeeting")
    Item = apps.get_model("signalling", "CoordinationAgendaItem")
    Decision = apps.get_model("signalling", "CoordinationDecision")
    Escalation = apps.get_model("signalling", "Escalation")
    Signal = apps.get_model("signalling", "Signal")
    Event = apps.get_model("signalling", "SignalEvent")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    programmes = (
        Meeting.objects.filter(held_on__lt=today, recorded_at__isnull=True)
        .values_list("programme_id", flat=True)
        .distinct()
    )
    for programme_id in sorted(set(programmes)):
        meetings = list(Meeting.objects.filter(programme_id=programme_id).order_by("held_on", "pk"))
        _refile_decisions(apps, meetings)
        signals = {
            pk: (state, passed_on_at, theme_title or "")
            for pk, state, passed_on_at, theme_title in Signal.objects.filter(
                community__programme_id=programme_id
            ).values_list("pk", "state", "passed_on_at", "theme__title")
        }
        states: dict[int, list] = defaultdict(list)
        for signal_id, created_at, to_state in (
            Event.objects.filter(signal_id__in=list(signals))
            .exclude(to_state="")
            .order_by("created_at", "pk")
            .values_list("signal_id", "created_at", "to_state")
            .iterator(chunk_size=5000)
        ):
            states[signal_id].append((created_at, to_state))
        themes: dict[int, list] = defaultdict(list)
        for signal_id, created_at, data in (
            Event.objects.filter(signal_id__in=list(signals), kind="theme")
            .order_by("created_at", "pk")
            .values_list("signal_id", "created_at", "data")
        ):
            themes[signal_id].append((created_at, data if isinstance(data, dict) else {}))

        def state_at(pk: int, moment: datetime.datetime) -> str | None:
            history = states.get(pk)
            current, passed_on_at, _title = signals[pk]
            if not history:
                # No history kept (older data): the state now, if it had been passed on.
                return current if passed_on_at and passed_on_at < moment else None
            index = bisect.bisect_left([at for at, _state in history], moment) - 1
            return history[index][1] if index >= 0 else None

        def theme_at(pk: int, moment: datetime.datetime) -> str:
            history = themes.get(pk)
            if not history:
                return signals[pk][2]
            before = [data for at, data in history if at < moment]
            if before:
                return before[-1].get("to_title") or ""
            return history[0][1].get("from_title") or ""

        previous_day = None
        for meeting in meetings:
            if meeting.held_on >= today or meeting.recorded_at is not None:
                previous_day = meeting.held_on
                continue
            end = _end_of(meeting.held_on, zone)
            since = previous_day or meeting.held_on - datetime.timedelta(days=FIRST_WINDOW_DAYS)
            decided = set(
                Decision.objects.filter(coordination_meeting=meeting).values_list(
                    "signal_id", flat=True
                )
            )
            rows = []
            for pk, (_state, passed_on_at, _title) in signals.items():
                state = state_at(pk, end)
                if state is None or state == "draft":
                    continue
                passed_on = passed_on_at.astimezone(zone).date() if passed_on_at else None
                new_since = passed_on is not None and since < passed_on <= meeting.held_on
                escalated = state == "escalated_lcc"
                if (state not in CLOSED and (escalated or new_since)) or pk in decided:
                    rows.append((pk, state, theme_at(pk, end), escalated, passed_on_at))
            escalated_here = set(
                Escalation.objects.filter(
                    coordination_meeting=meeting, level="lcc", escalated_at__lt=end
                ).values_list("signal_id", flat=True)
            )
            # The agenda's order: escalated first, then by theme, newest passed on first.
            rows.sort(
                key=lambda r: (
                    not r[3],
                    r[2].lower(),
                    -(r[4].timestamp() if r[4] else 0),
                    -r[0],
                )
            )
            Item.objects.bulk_create(
                [
                    Item(
                        coordination_meeting=meeting,
                        signal_id=pk,
                        position=position,
                        state=state,
                        theme_title=theme_title[:200],
                        escalated=escalated or pk in escalated_here,
                    )
                    for position, (pk, state, theme_title, escalated, _at) in enumerate(rows)
                ],
                batch_size=1000,
            )
            meeting.recorded_at = end - datetime.timedelta(seconds=1)
            meeting.top_five_kept = False
            meeting.save(update_fields=["recorded_at", "top_five_kept"])
            previous_day = meeting.held_on


class Migration(migrations.Migration):
    dependencies = [("signalling", "0007_lcc_records")]

    operations = [migrations.RunPython(freeze_past_meetings, migrations.RunPython.noop)]
