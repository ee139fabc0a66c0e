"""The top five current main issues (DESIGN.md §3: "computed from the themes — how many
signals, from how many communities, how recent — with the formula visible").

    score = SIGNAL_WEIGHT × signals in the last WINDOW_DAYS days
          + COMMUNITY_WEIGHT × distinct communities that raised the theme's signals
          + recency bonus (RECENT_BONUS if the newest signal is at most RECENT_DAYS old,
                           WINDOW_BONUS if it is at most WINDOW_DAYS old, else 0)

Only signals still open count (passed on, not resolved, not closed without follow-up): a theme
that has been dealt with is no longer a *current* main issue. Breadth weighs double, because
the same problem in many regions says more about the system than many signals from one place.

A coordinator can pin a theme (always in) or exclude it (never in), each with a reason shown
beside it; pins come first, then the highest scores fill the remaining places.

Read from the figures `signalling.tallies` keeps per theme (one query for the themes and their
tallies, whatever the number of signals); counted from the signals only for a ranking as of a
day before the tallies' window.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Programme
from leerkring.core.audit import audit

from . import tallies
from .models import Signal, SignalTheme, SignalThemeTally

TOP_SIZE = 5
WINDOW_DAYS = tallies.WINDOW_DAYS
RECENT_DAYS = 30
SIGNAL_WEIGHT = 1
COMMUNITY_WEIGHT = 2
RECENT_BONUS = 3
WINDOW_BONUS = 1

COUNTED_STATES = tallies.OPEN_STATES


@dataclass
class RankedTheme:
    theme: SignalTheme
    signals_recent: int = 0
    signals_open: int = 0
    communities: int = 0
    latest: datetime.date | None = None
    recency_bonus: int = 0
    score: int = 0
    in_top_five: bool = False

    @property
    def signal_points(self) -> int:
        return SIGNAL_WEIGHT * self.signals_recent

    @property
    def community_points(self) -> int:
        return COMMUNITY_WEIGHT * self.communities


def recency_bonus(latest: datetime.date | None, today: datetime.date) -> int:
    if latest is None:
        return 0
    age = (today - latest).days
    if age <= RECENT_DAYS:
        return RECENT_BONUS
    if age <= WINDOW_DAYS:
        return WINDOW_BONUS
    return 0


def theme_ranking(*, programme: Programme, today: datetime.date | None = None) -> list[RankedTheme]:
    """Every current theme of the programme with its score parts, best first; the ones that
    make the top five are marked `in_top_five`."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=WINDOW_DAYS)
    themes = list(
        SignalTheme.objects.filter(programme=programme, merged_into__isnull=True).select_related(
            "tally"
        )
    )
    parts = theme_parts_tallied(themes, since=since)
    if parts is None:
        parts = theme_parts_counted(programme=programme, since=since)
    return _ranked(themes, parts, today=today)


def theme_parts_tallied(themes: list[SignalTheme], *, since: datetime.date) -> dict | None:
    """The score parts per theme from the figures `tallies` keeps: one row per theme. None when
    a theme's figures do not reach back to `since` (a ranking as of a day before the tally's
    window), and the signals must be counted."""
    parts = {}
    for theme in themes:
        try:
            tally = theme.tally
        except SignalThemeTally.DoesNotExist:
            continue  # no signal of it was ever counted: all zero
        recent = tallies.window_sum(tally, since)
        if recent is None:
            return None
        parts[theme.pk] = {
            "signals_open": tally.open,
            "signals_recent": recent,
            "communities": tally.communities_open,
            "latest": tally.latest_open,
        }
    return parts


def theme_parts_counted(*, programme: Programme, since: datetime.date) -> dict:
    """The score parts per theme counted from the programme's signals (one grouped query over
    all of them)."""
    return {
        row["theme_id"]: row
        for row in Signal.objects.filter(
            community__programme=programme,
            theme__isnull=False,
            state__in=COUNTED_STATES,
        )
        .values("theme_id")
        .annotate(
            signals_open=Count("pk"),
            signals_recent=Count("pk", filter=Q(raised_on__gte=since)),
            communities=Count("community_id", distinct=True),
            latest=Max("raised_on"),
        )
        .order_by()
    }


def _ranked(themes: list[SignalTheme], parts: dict, *, today: datetime.date) -> list[RankedTheme]:
    ranked = []
    for theme in themes:
        row = parts.get(theme.pk, {})
        entry = RankedTheme(
            theme=theme,
            signals_recent=row.get("signals_recent", 0),
            signals_open=row.get("signals_open", 0),
            communities=row.get("communities", 0),
            latest=row.get("latest"),
        )
        entry.recency_bonus = recency_bonus(entry.latest, today)
        entry.score = entry.signal_points + entry.community_points + entry.recency_bonus
        ranked.append(entry)
    ranked.sort(
        key=lambda e: (-e.score, -(e.latest or datetime.date.min).toordinal(), e.theme.title)
    )
    pinned = [e for e in ranked if e.theme.pinned and not e.theme.excluded]
    free_places = max(0, TOP_SIZE - len(pinned))
    scored = [e for e in ranked if not e.theme.pinned and not e.theme.excluded and e.score > 0]
    for entry in pinned + scored[:free_places]:
        entry.in_top_five = True
    return ranked


def top_five(*, programme: Programme, today: datetime.date | None = None) -> list[RankedTheme]:
    """The top five in display order: pinned themes first, then by score."""
    ranked = theme_ranking(programme=programme, today=today)
    chosen = [e for e in ranked if e.in_top_five]
    return sorted(chosen, key=lambda e: not e.theme.pinned)


# --- Pin and exclude --------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden; die staat naast het hoofdvraagstuk.")})
    if len(reason) > SignalTheme._meta.get_field("ranking_reason").max_length:
        raise ValidationError({"reason": _("De reden is te lang (maximaal 300 tekens).")})
    return reason


@transaction.atomic
def theme_pin(*, theme: SignalTheme, by, reason: str) -> SignalTheme:
    """Always in the top five, whatever its score."""
    return _set_ranking(theme=theme, by=by, pinned=True, excluded=False, reason=_reason(reason))


@transaction.atomic
def theme_exclude(*, theme: SignalTheme, by, reason: str) -> SignalTheme:
    """Never in the top five, whatever its score."""
    return _set_ranking(theme=theme, by=by, pinned=False, excluded=True, reason=_reason(reason))


@transaction.atomic
def theme_ranking_reset(*, theme: SignalTheme, by) -> SignalTheme:
    """Back to the plain score."""
    return _set_ranking(theme=theme, by=by, pinned=False, excluded=False, reason="")


def _set_ranking(*, theme: SignalTheme, by, pinned: bool, excluded: bool, reason: str):
    theme = SignalTheme.objects.select_for_update().get(pk=theme.pk)
    if theme.merged_into_id:
        raise ValidationError(_("Dit hoofdvraagstuk is samengevoegd met een ander."))
    theme.pinned, theme.excluded, theme.ranking_reason = pinned, excluded, reason
    theme.full_clean()
    theme.save(update_fields=["pinned", "excluded", "ranking_reason"])
    audit(
        actor=by,
        verb="signal_theme.ranking",
        obj=theme,
        pinned=pinned,
        excluded=excluded,
        reason=reason,
    )
    return theme
