"""Reads the API needs beyond the apps' own selectors: page-sized versions of lists the pages
show whole or cut short. Each is a fixed number of queries for a page, whatever the data."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When

from leerkring.communities.models import Community
from leerkring.signalling import selectors as signal_selectors
from leerkring.signalling.models import Signal, SignalResponse


def community_signals(*, community: Community) -> QuerySet[Signal]:
    """A community's own signals, newest first, as in "Onze signalen" (drafts included)."""
    days = signal_selectors.feedback_deadline_days(community.programme)
    return (
        Signal.objects.filter(community=community)
        .select_related("community", "theme")
        .annotate(
            waiting=Case(
                When(signal_selectors.waiting_for_feedback_q(days=days), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=SignalResponse.objects.order_by("created_at", "pk"),
                to_attr="own_answers",
            )
        )
        .order_by("-raised_on", "-pk")
    )


def attach_answers(signals: list[Signal]) -> None:
    """Every answer a signal received: its own (prefetched) and those on its theme — one
    query for the whole page."""
    theme_ids = {s.theme_id for s in signals if s.theme_id}
    by_theme: dict[int, list[SignalResponse]] = {}
    if theme_ids:
        for response in SignalResponse.objects.filter(theme_id__in=theme_ids).order_by(
            "created_at", "pk"
        ):
            by_theme.setdefault(response.theme_id, []).append(response)
    for signal in signals:
        answers = list(signal.own_answers) + by_theme.get(signal.theme_id, [])
        signal.answers = sorted(answers, key=lambda r: (r.created_at, r.pk))
