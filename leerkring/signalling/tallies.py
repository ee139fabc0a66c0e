"""Each theme's signal figures, counted when a signal changes instead of on every request.

The theme list and the top five show, per theme, how many signals were passed on, how many are
open, from how many communities and how recent. Counted per request that reads every signal of
the programme, so the pages grew with the network (issue 17: the top five 42 → 186 ms, the
themes API 87 → 1,041 ms from national scale to five times it). A `SignalThemeTally` row holds
the figures of one theme; the pages read thirty rows, whatever the number of signals.

A signal's figures change when its state, theme, community or date changes. Every such change
goes through `Signal.save()` (the lifecycle, the import, the factories in tests), and its
receivers (`signal_saves`) refresh the themes it left and joined, in the same transaction, with
the theme rows locked (after the programme's venster tally, the first lock of every change to
a programme's signals) so that two changes to one theme cannot both count from a snapshot
without the other. Writes that bypass `save()` (the synthetic network, the demo data) call
`theme_tallies_rebuild` when they are done; `manage.py theme_tallies` does the same
by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from leerkring.core.locking import lock_in_order

from .models import Signal, SignalTheme, SignalThemeTally

DRAFT = "draft"
#: The states the top five counts, and the theme list calls "open": passed on, not closed.
OPEN_STATES = [
    "new",
    "in_progress",
    "known",
    "back_to_community",
    "escalated_lcc",
    "escalated_system",
]
#: Days of open signals kept per day: the top five's window (`ranking.WINDOW_DAYS`).
WINDOW_DAYS = 90
TALLIED_FIELDS = {"state", "theme", "theme_id", "community", "community_id", "raised_on"}
FIGURES = [
    "passed_on",
    "open",
    "communities",
    "communities_open",
    "latest",
    "latest_open",
    "open_since",
    "open_by_day",
    "refreshed_at",
]


def tally_rows(
    signal_model, theme_ids: list[int], *, today: datetime.date | None = None
) -> list[dict]:
    """The figures of `theme_ids`, one dict per theme (zeros for a theme without signals).
    Takes the model as an argument so the migration that fills the table can use its own."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=WINDOW_DAYS)
    is_open = Q(state__in=OPEN_STATES)
    rows = {
        pk: {
            "theme_id": pk,
            "passed_on": 0,
            "open": 0,
            "communities": 0,
            "communities_open": 0,
            "latest": None,
            "latest_open": None,
            "open_since": since,
            "open_by_day": {},
            "refreshed_at": timezone.now(),
        }
        for pk in theme_ids
    }
    figures = (
        signal_model.objects.filter(theme_id__in=theme_ids)
        .exclude(state=DRAFT)
        .values("theme_id")
        .annotate(
            passed_on=Count("pk"),
            open=Count("pk", filter=is_open),
            communities=Count("community_id", distinct=True),
            communities_open=Count("community_id", distinct=True, filter=is_open),
            latest=Max("raised_on"),
            latest_open=Max("raised_on", filter=is_open),
        )
        .order_by()
    )
    for row in figures:
        rows[row["theme_id"]].update(row)
    days = (
        signal_model.objects.filter(theme_id__in=theme_ids, state__in=OPEN_STATES)
        .filter(raised_on__gte=since)
        .values("theme_id", "raised_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in days:
        rows[row["theme_id"]]["open_by_day"][row["raised_on"].isoformat()] = row["n"]
    return list(rows.values())


def theme_tallies_refresh(*, theme_ids: Iterable[int | None]) -> None:
    """Count the signals of these themes again and store the figures."""
    ids = sorted({pk for pk in theme_ids if pk})
    if not ids:
        return
    with transaction.atomic():
        # Locked in one order, so two refreshes of overlapping themes wait instead of
        # deadlocking; a theme deleted meanwhile is left out.
        existing = lock_in_order(SignalTheme.objects.filter(pk__in=ids))
        if not existing:
            return
        SignalThemeTally.objects.bulk_create(
            [SignalThemeTally(**row) for row in tally_rows(Signal, existing)],
            update_conflicts=True,
            unique_fields=["theme"],
            update_fields=FIGURES,
        )


def theme_tallies_rebuild(*, programme_ids: Iterable[int] | None = None) -> int:
    """Every theme's figures (of these programmes) counted again; returns the number of themes."""
    themes = SignalTheme.objects.order_by("pk")
    if programme_ids is not None:
        themes = themes.filter(programme_id__in=list(programme_ids))
    ids = list(themes.values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        theme_tallies_refresh(theme_ids=ids[start : start + 200])
    return len(ids)


def window_sum(tally: SignalThemeTally, since: datetime.date) -> int | None:
    """Open signals raised on or after `since`, or None when the tally does not reach back
    that far (a ranking asked for a day before the last refresh's window)."""
    if tally.open_since is None or since < tally.open_since:
        return None
    first = since.isoformat()
    return sum(n for day, n in tally.open_by_day.items() if day >= first)
