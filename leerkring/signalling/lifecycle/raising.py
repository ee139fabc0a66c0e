"""Raising a signal inside the community, changing or deleting the draft, and passing it on
after the personal-data check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community
from leerkring.core.audit import audit
from leerkring.meetings.models import Meeting
from leerkring.signalling import guard
from leerkring.signalling.models import Signal

from .handling import text_redact
from .notifications import notify_passed_on
from .transitions import (
    Kind,
    PersonalDataFound,
    State,
    actor_or_none,
    apply_fields,
    event_add,
    meeting_check,
    signal_lock,
    signal_sync,
    transition_check,
)

# --- Raising and the draft -----------------------------------------------------------------


@transaction.atomic
def signal_raise(
    *,
    community: Community,
    by,
    meeting: Meeting | None = None,
    on_behalf: bool = False,
    guard_confirmed: bool = False,
    source: str = "community",
    **fields,
) -> Signal:
    """A member raises a signal: it starts as a draft inside the closed community until the
    lead or facilitator passes it on.

    `on_behalf=True` is a coordinator raising it for a community: the coordinator is outside
    the closed room already, so the signal is passed on at once — after the same personal-data
    check as any pass-on."""
    meeting_check(meeting, community)
    signal = Signal(community=community, meeting=meeting, created_by=actor_or_none(by))
    if meeting is not None and "raised_on" not in fields:
        signal.raised_on = timezone.localtime(meeting.starts_at).date()
    if fields.get("raised_on") is None:
        fields.pop("raised_on", None)
    apply_fields(signal, fields)
    if on_behalf:
        findings = guard.scan_signal(signal.title, signal.description)
        if findings and not guard_confirmed:
            raise PersonalDataFound(findings)
    signal.full_clean()
    signal.save()
    data = {"source": "meeting" if meeting is not None and source == "community" else source}
    if on_behalf:
        data["on_behalf"] = True
    event_add(signal, kind=Kind.CREATED, by=by, to_state=State.DRAFT, data=data)
    if on_behalf:
        _pass_on(signal, by=by, findings=findings, confirmed=bool(findings))
    return signal


@transaction.atomic
def signal_edit_draft(*, signal: Signal, by, meeting: Meeting | None | str = "keep", **fields):
    """Change a draft's fields inside the community (the raiser, the lead or facilitator)."""
    locked = signal_lock(signal)
    if locked.state != State.DRAFT:
        raise ValidationError(
            _("Dit signaal is al doorgegeven; het kan hier niet meer worden gewijzigd.")
        )
    changed = apply_fields(locked, fields)
    if meeting != "keep":
        meeting_check(meeting, locked.community)
        if locked.meeting_id != getattr(meeting, "pk", None):
            changed.append("meeting")
        locked.meeting = meeting
    locked.full_clean()
    locked.save()
    if changed:
        event_add(locked, kind=Kind.TEXT, by=by, data={"fields": changed})
    return signal_sync(signal, locked)


@transaction.atomic
def signal_delete_draft(*, signal: Signal, by) -> None:
    """Only a draft can be deleted: once passed on, a signal's history must stay."""
    locked = signal_lock(signal)
    if locked.state != State.DRAFT:
        raise ValidationError(_("Een doorgegeven signaal kan niet worden verwijderd."))
    audit(actor=by, verb="signal.delete", obj=locked, community_id=locked.community_id)
    locked.delete()


# --- Passing on ----------------------------------------------------------------------------


def _pass_on(signal: Signal, *, by, findings, confirmed: bool) -> None:
    transition_check(signal, State.NEW)
    signal.state = State.NEW
    signal.passed_on_at = timezone.now()
    signal.passed_on_by = actor_or_none(by)
    signal.save(update_fields=["state", "passed_on_at", "passed_on_by"])
    event_add(
        signal,
        kind=Kind.PASSED_ON,
        by=by,
        from_state=State.DRAFT,
        to_state=State.NEW,
        data={
            "guard_findings": sorted({f.kind for f in findings}),
            "guard_confirmed": confirmed,
        },
    )
    notify_passed_on(signal)


@transaction.atomic
def signal_pass_on(
    *,
    signal: Signal,
    by,
    guard_confirmed: bool = False,
    redactions: dict[str, str] | None = None,
) -> Signal:
    """The lead or facilitator lets the signal leave the closed community.

    The text is checked for personal data first (issue §6). `redactions` ({"title": …,
    "description": …}) is the edited text; it is checked again. With findings left, passing
    on needs `guard_confirmed` ("Ik heb dit gecontroleerd"), otherwise `PersonalDataFound`."""
    locked = signal_lock(signal)
    transition_check(locked, State.NEW)
    if redactions:
        text_redact(locked, by=by, **redactions)
    findings = guard.scan_signal(locked.title, locked.description)
    if findings and not guard_confirmed:
        raise PersonalDataFound(findings)
    _pass_on(locked, by=by, findings=findings, confirmed=bool(findings))
    return signal_sync(signal, locked)
