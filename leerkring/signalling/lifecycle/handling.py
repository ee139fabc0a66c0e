"""The coordination point's steps on a signal: taking it into handling, marking it known,
sending it back to the community, resolving or closing it, its theme and owner, and
corrections and redactions of its text."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from leerkring.accounts.models import ProgrammeRole
from leerkring.signalling.models import Signal, SignalResponse, SignalTheme

from .answers import answer_check, response_add
from .transitions import (
    SIGNAL_FIELDS,
    Kind,
    State,
    apply_fields,
    event_add,
    required_text,
    signal_lock,
    signal_sync,
    theme_check,
    transition_make,
)


@transaction.atomic
def signal_triage(*, signal: Signal, by, owner=None, note: str = "") -> Signal:
    """Take the signal into handling (new → in progress; also back from known, back to
    community or an escalation when it needs more work)."""
    locked = signal_lock(signal)
    transition_make(locked, to_state=State.IN_PROGRESS, by=by, note=(note or "").strip())
    if owner is not None:
        _set_owner(locked, by=by, owner=owner)
    return signal_sync(signal, locked)


@transaction.atomic
def signal_mark_known(
    *,
    signal: Signal,
    by,
    theme: SignalTheme | None = None,
    known_as: Signal | None = None,
    note: str = "",
) -> Signal:
    """The signal is already known: linked to a theme or to the earlier signal it repeats, so
    it is not counted twice."""
    locked = signal_lock(signal)
    if theme is None and known_as is None:
        raise ValidationError(
            {"theme": _("Kies het hoofdvraagstuk of het eerdere signaal waar dit bij hoort.")}
        )
    if known_as is not None:
        if known_as.pk == locked.pk:
            raise ValidationError({"known_as": _("Een signaal kan niet naar zichzelf verwijzen.")})
        if (
            known_as.community.programme_id != locked.community.programme_id
            or known_as.state == State.DRAFT
        ):
            raise ValidationError(
                {"known_as": _("Kies een doorgegeven signaal uit hetzelfde programma.")}
            )
    transition_make(
        locked,
        to_state=State.KNOWN,
        by=by,
        note=(note or "").strip(),
        data={"known_as": getattr(known_as, "pk", None)},
    )
    if theme is not None:
        _set_theme(locked, by=by, theme=theme)
    if known_as is not None:
        locked.known_as = known_as
        locked.save(update_fields=["known_as"])
    return signal_sync(signal, locked)


def _answer_transition(
    signal: Signal,
    *,
    by,
    to_state: str,
    answer: str,
    source: str,
    guard_confirmed: bool,
    field: str = "answer",
) -> Signal:
    locked = signal_lock(signal)
    text = required_text(
        answer, field=field, message=_("Schrijf het antwoord voor de gemeenschap.")
    )
    answer_check(text, field=field, confirmed=guard_confirmed)
    transition_make(locked, to_state=to_state, by=by)
    response_add(locked, by=by, text=text, source=source, guard_confirmed=True, field=field)
    return signal_sync(signal, locked)


@transaction.atomic
def signal_back_to_community(
    *,
    signal: Signal,
    by,
    answer: str,
    source: str = SignalResponse.Source.COORDINATOR,
    guard_confirmed: bool = False,
) -> Signal:
    """To be solved locally; the community gets the answer why and how."""
    return _answer_transition(
        signal,
        by=by,
        to_state=State.BACK_TO_COMMUNITY,
        answer=answer,
        source=source,
        guard_confirmed=guard_confirmed,
    )


@transaction.atomic
def signal_resolve(
    *,
    signal: Signal,
    by,
    answer: str,
    source: str = SignalResponse.Source.COORDINATOR,
    guard_confirmed: bool = False,
) -> Signal:
    return _answer_transition(
        signal,
        by=by,
        to_state=State.RESOLVED,
        answer=answer,
        source=source,
        guard_confirmed=guard_confirmed,
    )


@transaction.atomic
def signal_close_no_follow_up(
    *,
    signal: Signal,
    by,
    reason: str,
    source: str = SignalResponse.Source.COORDINATOR,
    guard_confirmed: bool = False,
) -> Signal:
    """Closed without follow-up; the reason is required and is told to the community."""
    locked = signal_lock(signal)
    text = required_text(reason, field="reason", message=_("Geef de reden op."))
    answer_check(text, field="reason", confirmed=guard_confirmed)
    transition_make(locked, to_state=State.NO_FOLLOW_UP, by=by, note=text)
    response_add(locked, by=by, text=text, source=source, guard_confirmed=True, field="reason")
    return signal_sync(signal, locked)


def _set_theme(signal: Signal, *, by, theme: SignalTheme | None) -> None:
    if theme is not None:
        theme = theme_check(theme, signal)
    if signal.theme_id == getattr(theme, "pk", None):
        return
    old = signal.theme
    signal.theme = theme
    signal.save(update_fields=["theme"])
    event_add(
        signal,
        kind=Kind.THEME,
        by=by,
        data={
            "from": getattr(old, "pk", None),
            "from_title": getattr(old, "title", ""),
            "to": getattr(theme, "pk", None),
            "to_title": getattr(theme, "title", ""),
        },
    )


@transaction.atomic
def signal_set_theme(*, signal: Signal, by, theme: SignalTheme | None) -> Signal:
    """Link the signal to a main issue (or unlink it with None)."""
    locked = signal_lock(signal)
    if locked.state == State.DRAFT:
        raise ValidationError(
            _("Een concept kan nog niet aan een hoofdvraagstuk worden gekoppeld.")
        )
    _set_theme(locked, by=by, theme=theme)
    return signal_sync(signal, locked)


def _set_owner(signal: Signal, *, by, owner) -> None:
    if (
        owner is not None
        and not ProgrammeRole.objects.filter(
            person__user=owner,
            programme_id=signal.community.programme_id,
            role=ProgrammeRole.Role.COORDINATOR,
        ).exists()
    ):
        raise ValidationError({"owner": _("Kies een coördinator van dit programma.")})
    if signal.owner_id == getattr(owner, "pk", None):
        return
    old = signal.owner_id
    signal.owner = owner
    signal.save(update_fields=["owner"])
    event_add(signal, kind=Kind.OWNER, by=by, data={"from": old, "to": getattr(owner, "pk", None)})


@transaction.atomic
def signal_set_owner(*, signal: Signal, by, owner) -> Signal:
    """Who at the coordination point handles it (a coordinator of the programme, or None)."""
    locked = signal_lock(signal)
    if locked.state == State.DRAFT:
        raise ValidationError(_("Een concept heeft nog geen behandelaar."))
    _set_owner(locked, by=by, owner=owner)
    return signal_sync(signal, locked)


@transaction.atomic
def signal_edit_text(
    *, signal: Signal, by, title: str | None = None, description: str | None = None
) -> Signal:
    """Correct the wording. The event names the changed fields only — not the old text."""
    locked = signal_lock(signal)
    fields = {}
    if title is not None:
        fields["title"] = title
    if description is not None:
        fields["description"] = description
    changed = apply_fields(locked, fields)
    locked.full_clean()
    locked.save(update_fields=["title", "description"])
    if changed:
        event_add(locked, kind=Kind.TEXT, by=by, data={"fields": changed})
    return signal_sync(signal, locked)


@transaction.atomic
def signal_edit_details(*, signal: Signal, by, source: str = "", **fields) -> Signal:
    """Correct what is recorded about a passed-on signal — wording, date, topic, level — as
    the coordination point does when an edited venster sheet comes back (issue 12 §7). Like a
    text edit, the event names the changed fields only, never the old values. Returns the
    signal; nothing is written when nothing changed."""
    locked = signal_lock(signal)
    if locked.state == State.DRAFT:
        raise ValidationError(
            _("Een concept wordt in de gemeenschap gewijzigd, niet door het coördinatiepunt.")
        )
    changed = apply_fields(locked, fields)
    if changed:
        locked.full_clean()
        locked.save(update_fields=list(SIGNAL_FIELDS))
        data = {"fields": changed}
        if source:
            data["source"] = source
        event_add(locked, kind=Kind.TEXT, by=by, data=data)
    return signal_sync(signal, locked)


def text_redact(signal: Signal, *, by, title: str | None = None, description: str | None = None):
    fields = {}
    if title is not None:
        fields["title"] = title
    if description is not None:
        fields["description"] = description
    changed = apply_fields(signal, fields)
    if not changed:
        raise ValidationError(_("De tekst is niet veranderd; er is niets weggehaald."))
    signal.full_clean()
    signal.save(update_fields=["title", "description"])
    # Only which fields — the removed text must not survive anywhere (DESIGN.md §2).
    event_add(signal, kind=Kind.REDACTION, by=by, data={"fields": changed})


@transaction.atomic
def signal_redact(*, signal: Signal, by, title: str, description: str) -> Signal:
    """Remove personal data from the text. The history keeps that it happened, not what."""
    locked = signal_lock(signal)
    text_redact(locked, by=by, title=title, description=description)
    return signal_sync(signal, locked)
