"""Reads of the signalling app, one module per page family. Every list is a fixed number of
queries.

- `venster`: the coordinator's overview, its filters, sorting, cached counts and theme groups,
  and the feedback deadline every page shares
- `themes`: main issues, their signals and answers
- `lcc`: coordination meetings, their agenda and decisions
- `system`: the system partners' inbox
- `signals`: the signal page, its history, the community's panel, signals waiting for feedback
- `similar`: similar signals, theme suggestions and the answers written into the Excel export
- `home`: the lines of the home page's "Wat nu"

Callers use `from leerkring.signalling import selectors`; the names below are the public ones."""

from .lcc import (
    LCC_AGENDA_LIMIT,
    AgendaRow,
    coordination_meetings,
    decision_meeting,
    decisions_closed_reason,
    lcc_agenda_as_of,
    lcc_agenda_kept,
    lcc_agenda_signals,
    lcc_decisions,
    previous_coordination_meeting,
)
from .signals import (
    COMMUNITY_PANEL_LIMIT,
    community_signals,
    community_signals_page,
    filter_waiting_for_feedback,
    programme_coordinator_user_ids,
    signal_for_page,
    signal_history,
    signal_is_waiting_for_feedback,
    signals_waiting_for_feedback,
)
from .similar import (
    THEME_SUGGESTION_MIN_SCORE,
    THEME_SUGGESTIONS,
    export_answers,
    similar_scope,
    similar_signals_for,
    theme_suggestions_for,
)
from .system import signal_answers, system_inbox, system_inbox_count, system_signal
from .themes import (
    community_theme_responses,
    merged_themes,
    programme_themes,
    theme_answer_signals,
    theme_link_candidates,
    theme_responses,
    theme_signals,
)
from .venster import (
    NO_THEME,
    VENSTER_CACHE_SECONDS,
    VENSTER_CLOSED_STATES,
    VENSTER_SORTS,
    VENSTER_STATES,
    SegmentedRows,
    VensterSearchResults,
    feedback_deadline_days,
    venster_base,
    venster_cache_version,
    venster_changed,
    venster_communities,
    venster_counts,
    venster_filter,
    venster_rows,
    venster_search,
    venster_signals,
    venster_theme_groups,
    venster_waiting_q,
    waiting_for_feedback_q,
)

__all__ = [
    "AgendaRow",
    "COMMUNITY_PANEL_LIMIT",
    "LCC_AGENDA_LIMIT",
    "NO_THEME",
    "SegmentedRows",
    "VENSTER_CACHE_SECONDS",
    "VENSTER_CLOSED_STATES",
    "VENSTER_SORTS",
    "VENSTER_STATES",
    "community_signals",
    "community_signals_page",
    "community_theme_responses",
    "coordination_meetings",
    "export_answers",
    "feedback_deadline_days",
    "filter_waiting_for_feedback",
    "decision_meeting",
    "decisions_closed_reason",
    "lcc_agenda_as_of",
    "lcc_agenda_kept",
    "lcc_agenda_signals",
    "lcc_decisions",
    "merged_themes",
    "previous_coordination_meeting",
    "programme_themes",
    "signal_answers",
    "signal_for_page",
    "programme_coordinator_user_ids",
    "signal_history",
    "signal_is_waiting_for_feedback",
    "signals_waiting_for_feedback",
    "similar_scope",
    "similar_signals_for",
    "theme_suggestions_for",
    "THEME_SUGGESTIONS",
    "THEME_SUGGESTION_MIN_SCORE",
    "system_inbox",
    "system_inbox_count",
    "system_signal",
    "theme_answer_signals",
    "theme_link_candidates",
    "theme_responses",
    "theme_signals",
    "venster_base",
    "venster_cache_version",
    "venster_changed",
    "venster_communities",
    "venster_counts",
    "venster_filter",
    "venster_rows",
    "venster_search",
    "VensterSearchResults",
    "venster_signals",
    "venster_theme_groups",
    "venster_waiting_q",
    "waiting_for_feedback_q",
]
