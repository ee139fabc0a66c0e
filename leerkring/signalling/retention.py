"""Retention for signals (core.retention): a closed signal keeps its history, but personal
data that slipped into its title, description or answers (a phone number, a BSN, a name after
"mevrouw") is blanked out once the signal has been closed for RETENTION_SIGNAL_DAYS. The same
guard that warns before a signal is passed on (guard.py) finds what to blank."""

from __future__ import annotations

import datetime

from django.db.models import Max

from . import guard, lifecycle
from .models import Signal, SignalEvent, SignalResponse

REDACTED = "[verwijderd]"
CLOSED = (Signal.State.RESOLVED, Signal.State.NO_FOLLOW_UP)


def redact(text: str) -> str:
    """`text` with every finding of the guard replaced; text without findings is unchanged."""
    findings = guard.scan(text)
    for finding in reversed(findings):
        text = text[: finding.start] + REDACTED + text[finding.end :]
    return text


def signals_redact(cutoff: datetime.datetime) -> int:
    """Closed signals whose last change is older than `cutoff`. Returns the number changed."""
    signals = (
        Signal.objects.filter(state__in=CLOSED)
        .annotate(last_event=Max("events__created_at"))
        .filter(last_event__lt=cutoff)
    )
    changed = 0
    for signal in signals.iterator():
        title, description = redact(signal.title), redact(signal.description)
        responses = []
        for response in SignalResponse.objects.filter(signal=signal):
            text = redact(response.text)
            if text != response.text:
                response.text = text
                responses.append(response)
        events = []
        for event in SignalEvent.objects.filter(signal=signal).exclude(note=""):
            note = redact(event.note)
            if note != event.note:
                event.note = note
                events.append(event)
        unchanged = (title, description) == (signal.title, signal.description)
        if unchanged and not responses and not events:
            continue
        SignalResponse.objects.bulk_update(responses, ["text"])
        SignalEvent.objects.bulk_update(events, ["note"])
        if not unchanged:
            # Through the lifecycle, so the history records that (not what) was removed.
            lifecycle.signal_redact(signal=signal, by=None, title=title, description=description)
        changed += 1
    return changed
