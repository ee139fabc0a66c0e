"""Answers to the community: on one signal, or on a main issue (theme) for every signal
linked to it. Every answer sets `last_feedback_at` and reaches the community by e-mail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from leerkring.core import guard
from leerkring.signalling.models import Escalation, Signal, SignalEvent, SignalResponse, SignalTheme
from leerkring.signalling.selectors import theme_answer_signals, venster_changed
from leerkring.signalling.venster_tallies import (
    part_of,
    parts_moved,
    programmes_lock,
    tallies_add,
)

from .notifications import guidance_emails, notify_answer
from .transitions import (
    Kind,
    State,
    actor_or_none,
    event_add,
    required_text,
    signal_lock,
    signal_sync,
    theme_final,
)


def answer_check(text: str, *, field: str, confirmed: bool) -> list[guard.Finding]:
    """An answer from the coordination point, the LCC or the system level reaches the
    community and its e-mail, and can go on into the newsletter; a theme answer reaches many
    communities. It passes the one personal-data guard like every text that travels between
    the rooms (DESIGN.md §2); with findings it needs `guard_confirmed`."""
    return guard.check({field: text}, confirmed=confirmed)


def response_add(
    signal: Signal,
    *,
    by,
    text: str,
    source: str,
    escalation: Escalation | None = None,
    notify: bool = True,
    guard_confirmed: bool = False,
    field: str = "text",
) -> SignalResponse:
    answer_check(text, field=field, confirmed=guard_confirmed)
    response = SignalResponse.objects.create(
        signal=signal, escalation=escalation, source=source, text=text, author=actor_or_none(by)
    )
    signal.last_feedback_at = response.created_at
    signal.save(update_fields=["last_feedback_at"])
    event_add(
        signal,
        kind=Kind.RESPONSE,
        by=by,
        note=text,
        data={"response": response.pk, "source": source},
    )
    if notify:
        notify_answer([signal], response)
    return response


# --- Answers -------------------------------------------------------------------------------


@transaction.atomic
def signal_respond(
    *,
    signal: Signal,
    by,
    text: str,
    source: str,
    escalation: Escalation | None = None,
    notify: bool = True,
    guard_confirmed: bool = False,
) -> SignalResponse:
    """An answer or progress update for the community; it does not change the state.
    `notify=False` is for answers carried over from an imported sheet, which the community
    received long ago."""
    if source not in SignalResponse.Source.values:
        raise ValidationError({"source": _("Onbekende afzender van het antwoord.")})
    locked = signal_lock(signal)
    if locked.state == State.DRAFT:
        raise ValidationError(
            _("Een concept is nog niet doorgegeven en kan geen antwoord krijgen.")
        )
    if escalation is not None and escalation.signal_id != locked.pk:
        raise ValidationError({"escalation": _("Deze opschaling hoort bij een ander signaal.")})
    body = required_text(text, field="text", message=_("Schrijf het antwoord."))
    response = response_add(
        locked,
        by=by,
        text=body,
        source=source,
        escalation=escalation,
        notify=notify,
        guard_confirmed=guard_confirmed,
    )
    signal_sync(signal, locked)
    return response


@transaction.atomic
def theme_answer_reach(*, theme: SignalTheme) -> tuple[int, int]:
    """How far an answer on the theme would go, for the confirmation before it is sent: the
    communities with a linked signal, and the addresses of their leads and facilitators that
    `notify_answer` mails."""
    community_ids = set(
        theme_answer_signals(theme=theme_final(theme)).values_list("community_id", flat=True)
    )
    addresses = guidance_emails(community_ids)
    return len(community_ids), sum(len(to) for to in addresses.values())


@transaction.atomic
def theme_respond(
    *, theme: SignalTheme, by, text: str, source: str, guard_confirmed: bool = False
) -> SignalResponse:
    """One answer on a main issue reaches every community whose signals are linked to it
    (also through themes merged into it)."""
    if source not in SignalResponse.Source.values:
        raise ValidationError({"source": _("Onbekende afzender van het antwoord.")})
    body = required_text(text, field="text", message=_("Schrijf het antwoord."))
    answer_check(body, field="text", confirmed=guard_confirmed)
    theme = theme_final(theme)
    # The programme first, then its signals (`signalling.signal_saves`).
    programmes_lock([theme.programme_id])
    response = SignalResponse.objects.create(
        theme=theme, source=source, text=body, author=actor_or_none(by)
    )
    signals = list(
        theme_answer_signals(theme=theme)
        .select_for_update(of=("self",))
        .select_related("community")
        .order_by("pk")
    )
    Signal.objects.filter(pk__in=[s.pk for s in signals]).update(
        last_feedback_at=response.created_at
    )
    # Written past `save()`: the answered signals leave their programme's never-answered count.
    before = [part_of(s) for s in signals]
    for s in signals:
        s.last_feedback_at = response.created_at
    tallies_add(parts_moved(before, [part_of(s) for s in signals]))
    venster_changed(theme.programme_id)
    SignalEvent.objects.bulk_create(
        [
            SignalEvent(
                signal=s,
                kind=Kind.RESPONSE,
                note=body,
                data={"response": response.pk, "source": source, "theme": theme.pk},
                actor=actor_or_none(by),
            )
            for s in signals
        ]
    )
    notify_answer(signals, response)
    return response
