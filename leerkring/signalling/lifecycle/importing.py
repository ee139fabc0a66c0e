"""Signals from an existing venster sheet (see `leerkring.signalling.excel`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community
from leerkring.signalling.models import Signal

from .transitions import (
    SIGNAL_FIELDS,
    Kind,
    State,
    actor_or_none,
    apply_fields,
    event_add,
    meeting_check,
    theme_check,
)

IMPORT_FIELDS = SIGNAL_FIELDS + ("passed_on_at", "last_feedback_at", "theme", "meeting")


@transaction.atomic
def signal_import(*, community: Community, by, state: str = State.NEW, **fields) -> Signal:
    """A signal from an existing venster sheet, arriving in the state the sheet gives it.
    It is recorded as created by the import, so the history says where it came from."""
    unknown = set(fields) - set(IMPORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown import fields: {sorted(unknown)}")
    if state not in State.values:
        raise ValidationError({"state": _("Onbekende status.")})
    meeting = fields.pop("meeting", None)
    theme = fields.pop("theme", None)
    passed_on_at = fields.pop("passed_on_at", None)
    last_feedback_at = fields.pop("last_feedback_at", None)
    meeting_check(meeting, community)
    signal = Signal(community=community, meeting=meeting, created_by=actor_or_none(by), state=state)
    if fields.get("raised_on") is None:
        fields.pop("raised_on", None)
    apply_fields(signal, fields)
    if theme is not None:
        signal.theme = theme_check(theme, signal)
    if state != State.DRAFT:
        signal.passed_on_at = passed_on_at or timezone.now()
        signal.passed_on_by = actor_or_none(by)
    signal.last_feedback_at = last_feedback_at
    signal.full_clean()
    signal.save()
    event_add(signal, kind=Kind.CREATED, by=by, to_state=state, data={"source": "import"})
    return signal
