"""Reads for main issues (themes): a programme's themes, their signals and answers."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from leerkring.communities.models import Community, Programme
from leerkring.signalling import search as signal_search
from leerkring.signalling.models import Signal, SignalResponse, SignalTheme

from .venster import venster_base


def programme_themes(*, programme: Programme) -> QuerySet[SignalTheme]:
    """Current themes (not merged away) with their passed-on signals and communities, read from
    the figures `signalling.tallies` keeps (one row per theme, whatever the number of signals)."""
    return (
        SignalTheme.objects.filter(programme=programme, merged_into__isnull=True)
        .annotate(
            signal_count=Coalesce(F("tally__passed_on"), 0),
            open_count=Coalesce(F("tally__open"), 0),
            community_count=Coalesce(F("tally__communities"), 0),
            latest=F("tally__latest"),
        )
        .order_by("title")
    )


def merged_themes(*, programme: Programme) -> QuerySet[SignalTheme]:
    return (
        SignalTheme.objects.filter(programme=programme, merged_into__isnull=False)
        .select_related("merged_into")
        .order_by("title")
    )


def theme_signals(*, theme: SignalTheme) -> QuerySet[Signal]:
    return (
        Signal.objects.filter(theme=theme)
        .exclude(state=Signal.State.DRAFT)
        .select_related("community")
        .order_by("-raised_on", "-pk")
    )


def theme_answer_signals(*, theme: SignalTheme) -> QuerySet[Signal]:
    """The signals an answer on the theme reaches: passed on, linked to the theme or to a theme
    merged into it. `lifecycle.theme_respond` answers exactly these, and its confirmation
    counts their communities."""
    return Signal.objects.filter(Q(theme=theme) | Q(theme__merged_into=theme)).exclude(
        state=Signal.State.DRAFT
    )


def theme_responses(*, theme: SignalTheme) -> QuerySet[SignalResponse]:
    """Answers given on the theme, and on the themes merged into it."""
    return SignalResponse.objects.filter(Q(theme=theme) | Q(theme__merged_into=theme)).order_by(
        "-created_at", "-pk"
    )


def theme_link_candidates(*, theme: SignalTheme, q: str, limit: int = 20) -> list[Signal]:
    """Passed-on signals not yet linked to this theme, found by a search on the theme page."""
    if not signal_search.query_words(q):
        return []
    queryset = venster_base(programme=theme.programme).exclude(theme=theme)
    queryset = signal_search.signals_search(queryset, q).select_related("community", "theme")
    return list(queryset.order_by("-search_rank", "-raised_on", "-pk")[:limit])


def community_theme_responses(*, community: Community) -> QuerySet[SignalResponse]:
    """Answers given on a theme that one of the community's passed-on signals is linked to —
    one answer, many communities informed."""
    themes = (
        Signal.objects.filter(community=community, theme__isnull=False)
        .exclude(state=Signal.State.DRAFT)
        .values("theme_id")
    )
    return (
        SignalResponse.objects.filter(Q(theme__in=themes) | Q(theme__merged_into__in=themes))
        .select_related("theme")
        .order_by("-created_at", "-pk")
    )
