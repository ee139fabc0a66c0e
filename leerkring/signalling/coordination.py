"""State changes of the coordination point's own records: themes (hoofdvraagstukken) and
coordination meetings (LCC).

Whatever touches a signal — linking it to a theme, moving it when themes merge, a decision of
the LCC — is handed to `lifecycle`, so every signal keeps its own event in its history.
Changes to themes and meetings themselves are written to the audit log.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Programme
from leerkring.core.audit import audit

from . import learning, lifecycle, ranking, selectors
from .models import (
    CoordinationAgendaItem,
    CoordinationMeeting,
    CoordinationTopTheme,
    Signal,
    SignalTheme,
)
from .selectors import venster_changed
from .venster_tallies import programmes_lock

TITLE_MAX = SignalTheme._meta.get_field("title").max_length


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Geef het hoofdvraagstuk een titel.")})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("De titel is te lang (meer dan %(max)s tekens).") % {"max": TITLE_MAX}}
        )
    return title


def _check_unique(programme_id: int, title: str, exclude_pk: int | None = None) -> None:
    clash = SignalTheme.objects.filter(
        programme_id=programme_id, title__iexact=title, merged_into__isnull=True
    ).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"title": _("Er is al een hoofdvraagstuk met deze titel.")})


def _save(theme: SignalTheme) -> None:
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError as error:
        raise ValidationError(
            {"title": _("Er is al een hoofdvraagstuk met deze titel.")}
        ) from error


@transaction.atomic
def theme_create(*, programme: Programme, by, title: str, description: str = "") -> SignalTheme:
    title = _title(title)
    _check_unique(programme.pk, title)
    theme = SignalTheme(
        programme=programme,
        title=title,
        description=(description or "").strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    theme.full_clean(validate_constraints=False)
    _save(theme)
    learning.themes_changed()  # a new theme is suggested from its title at once
    audit(actor=by, verb="signal_theme.create", obj=theme, title=title)
    return theme


@transaction.atomic
def theme_rename(
    *, theme: SignalTheme, by, title: str, description: str | None = None
) -> SignalTheme:
    theme = SignalTheme.objects.select_for_update().get(pk=theme.pk)
    if theme.merged_into_id:
        raise ValidationError(_("Dit hoofdvraagstuk is samengevoegd; pas het doel aan."))
    title = _title(title)
    _check_unique(theme.programme_id, title, exclude_pk=theme.pk)
    old = theme.title
    theme.title = title
    if description is not None:
        theme.description = description.strip()
    theme.full_clean(validate_constraints=False)
    _save(theme)
    venster_changed(theme.programme_id)  # the venster's theme groups show the title
    learning.themes_changed()  # and the title is part of the theme's profile
    audit(actor=by, verb="signal_theme.rename", obj=theme, old_title=old, title=title)
    return theme


@transaction.atomic
def theme_merge(*, theme: SignalTheme, into: SignalTheme, by) -> SignalTheme:
    """Fold `theme` into `into`: each of its signals moves through the lifecycle (one THEME
    event per signal, so every history shows it), and the old theme points to the new one so
    links and answers given on it stay readable."""
    # The programme before the themes: the order of every change to its signals
    # (`signalling.signal_saves`); the signals moved below lock the themes' figures again.
    programmes_lock([theme.programme_id])
    source, target = (
        SignalTheme.objects.select_for_update().get(pk=theme.pk),
        SignalTheme.objects.select_for_update().get(pk=into.pk),
    )
    if source.pk == target.pk:
        raise ValidationError({"into": _("Kies een ander hoofdvraagstuk om mee samen te voegen.")})
    if source.programme_id != target.programme_id:
        raise ValidationError({"into": _("Dit hoofdvraagstuk hoort bij een ander programma.")})
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError({"into": _("Dit hoofdvraagstuk is al samengevoegd.")})
    moving = Signal.objects.filter(theme=source).exclude(state=Signal.State.DRAFT).order_by("pk")
    for signal in moving:
        lifecycle.signal_set_theme(signal=signal, by=by, theme=target)
    source.merged_into = target
    source.pinned = source.excluded = False
    source.ranking_reason = ""
    source.save(update_fields=["merged_into", "pinned", "excluded", "ranking_reason"])
    learning.themes_changed()  # the merged theme's words now teach the one it joined
    audit(actor=by, verb="signal_theme.merge", obj=source, into=target.pk, into_title=target.title)
    return target


@transaction.atomic
def theme_link_signals(*, theme: SignalTheme, signal_ids: Iterable[int], by) -> int:
    """Link passed-on signals of the theme's programme to it; returns how many changed.

    All or nothing: a draft or a signal of another programme among them refuses the lot."""
    ids = sorted({int(pk) for pk in signal_ids})
    if not ids:
        raise ValidationError({"signals": _("Kies een of meer signalen.")})
    signals = list(
        Signal.objects.filter(pk__in=ids, community__programme_id=theme.programme_id)
        .exclude(state=Signal.State.DRAFT)
        .order_by("pk")
    )
    if len(signals) != len(ids):
        raise ValidationError({"signals": _("Niet alle gekozen signalen horen bij dit venster.")})
    changed = 0
    for signal in signals:
        before = signal.theme_id
        lifecycle.signal_set_theme(signal=signal, by=by, theme=theme)
        changed += signal.theme_id != before
    return changed


# --- The coordination meeting (LCC) -----------------------------------------------------


@transaction.atomic
def coordination_meeting_plan(
    *, programme: Programme, by, title: str, held_on: datetime.date, notes: str = ""
) -> CoordinationMeeting:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Geef het overleg een titel.")})
    if held_on is None:
        raise ValidationError({"held_on": _("Kies de datum van het overleg.")})
    meeting = CoordinationMeeting(
        programme=programme,
        title=title,
        held_on=held_on,
        notes=(notes or "").strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    meeting.full_clean()
    meeting.save()
    audit(actor=by, verb="coordination_meeting.plan", obj=meeting, held_on=str(held_on))
    return meeting


@transaction.atomic
def coordination_meeting_record_held(*, coordination_meeting: CoordinationMeeting, by):
    """The meeting took place: what it discussed is fixed from now on (issue 12 §9). Its agenda
    — the signals with their state, theme and escalation — and the top five are kept as rows,
    so the page no longer follows the venster, and the meeting takes no new decisions. Only on
    or after its day, and once."""
    meeting = CoordinationMeeting.objects.select_for_update().get(pk=coordination_meeting.pk)
    if meeting.recorded_at is not None:
        raise ValidationError(_("Dit overleg is al vastgelegd als gehouden."))
    if meeting.held_on > timezone.localdate():
        raise ValidationError(
            _("Een overleg dat nog moet komen, kan niet als gehouden worden vastgelegd.")
        )
    previous = selectors.previous_coordination_meeting(coordination_meeting=meeting)
    since = previous.held_on if previous else None
    if meeting.held_on == timezone.localdate():
        # On its day the venster is the agenda as it stands, top five included.
        rows = [
            selectors.AgendaRow(
                signal_id=signal.pk,
                state=signal.state,
                theme_title=signal.theme.title if signal.theme_id else "",
                escalated=signal.escalated,
                passed_on_at=signal.passed_on_at,
            )
            for signal in selectors.lcc_agenda_signals(
                coordination_meeting=meeting, since=since
            ).iterator(chunk_size=1000)
        ]
        top = ranking.top_five(programme=meeting.programme)
    else:
        # Recorded afterwards: the agenda as its history says it stood at the end of its day;
        # that day's top five cannot be known, so it is not guessed.
        rows = selectors.lcc_agenda_as_of(coordination_meeting=meeting, since=since)
        top = []
        meeting.top_five_kept = False
    CoordinationAgendaItem.objects.bulk_create(
        [
            CoordinationAgendaItem(
                coordination_meeting=meeting,
                signal_id=row.signal_id,
                position=position,
                state=row.state,
                theme_title=row.theme_title,
                escalated=row.escalated,
            )
            for position, row in enumerate(rows)
        ],
        batch_size=1000,
    )
    CoordinationTopTheme.objects.bulk_create(
        [
            CoordinationTopTheme(
                coordination_meeting=meeting,
                rank=rank,
                theme=row.theme,
                title=row.theme.title,
                score=row.score,
                signals_recent=row.signals_recent,
                communities=row.communities,
                pinned=row.theme.pinned,
                ranking_reason=row.theme.ranking_reason if row.theme.pinned else "",
            )
            for rank, row in enumerate(top, start=1)
        ]
    )
    meeting.recorded_at = timezone.now()
    meeting.recorded_by = by if getattr(by, "is_authenticated", False) else None
    meeting.save(update_fields=["recorded_at", "recorded_by", "top_five_kept"])
    audit(
        actor=by,
        verb="coordination_meeting.record_held",
        obj=meeting,
        agenda=meeting.agenda_items.count(),
        decisions=meeting.decisions.count(),
    )
    coordination_meeting.recorded_at = meeting.recorded_at
    coordination_meeting.recorded_by = meeting.recorded_by
    return meeting
