"""Reads behind the signal page, the community's "Onze signalen" panel and the feedback
deadline."""

from __future__ import annotations

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When
from django.utils import timezone

from leerkring.accounts.models import ProgrammeRole, User
from leerkring.communities.models import Community, Programme
from leerkring.signalling.models import Signal, SignalEvent, SignalResponse

from ..waiting import is_waiting
from .venster import feedback_deadline_days, waiting_for_feedback_q


def signal_for_page() -> QuerySet[Signal]:
    """A signal with what its page shows beside it, in one query."""
    return Signal.objects.select_related(
        "community",
        "community__programme",
        "community__programme__rule_profile",
        "meeting",
        "theme",
        "known_as",
        "owner__person",
        "passed_on_by__person",
        "created_by__person",
    )


def programme_coordinator_user_ids(*, signal: Signal) -> set[int]:
    """The accounts of the programme's coordinators (one query), to tell their entries in a
    signal's history apart from the community's."""
    return set(
        User.objects.filter(
            person__programme_roles__programme_id=signal.community.programme_id,
            person__programme_roles__role=ProgrammeRole.Role.COORDINATOR,
        ).values_list("pk", flat=True)
    )


def signal_history(*, signal: Signal):
    """The audit history ("Geschiedenis"), oldest first, with who acted."""
    return SignalEvent.objects.filter(signal=signal).select_related("actor__person")


def filter_waiting_for_feedback(
    queryset: QuerySet[Signal], *, programme: Programme, now: datetime.datetime | None = None
) -> QuerySet[Signal]:
    """Narrow any signal queryset to those past the programme's feedback deadline."""
    return queryset.filter(waiting_for_feedback_q(days=feedback_deadline_days(programme), now=now))


def signals_waiting_for_feedback(
    programme: Programme, *, now: datetime.datetime | None = None
) -> QuerySet[Signal]:
    """The programme's signals waiting for an answer past the deadline, longest waiting first."""
    return filter_waiting_for_feedback(
        Signal.objects.filter(community__programme=programme).select_related("community"),
        programme=programme,
        now=now,
    ).order_by("passed_on_at", "pk")


def signal_is_waiting_for_feedback(*, signal: Signal, now: datetime.datetime | None = None) -> bool:
    values = {
        "state": signal.state,
        "passed_on_at": signal.passed_on_at,
        "last_feedback_at": signal.last_feedback_at,
    }
    if not is_waiting(**values):
        return False  # whatever the deadline: not passed on, closed or answered
    days = feedback_deadline_days(signal.community.programme)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return is_waiting(**values, passed_on_before=cutoff)


COMMUNITY_PANEL_LIMIT = 5


def _community_signal_rows(community: Community) -> QuerySet[Signal]:
    days = feedback_deadline_days(community.programme)
    return (
        Signal.objects.filter(community=community)
        .select_related("theme")
        .annotate(
            waiting=Case(
                When(waiting_for_feedback_q(days=days), then=Value(True)),
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


def _attach_answers(signals: list[Signal]) -> None:
    """Every answer a signal got — on the signal, and on the theme it is linked to — oldest
    first, as `signal.answers`. One query (the signals' own answers come prefetched)."""
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


def community_signals(*, community: Community, limit: int = COMMUNITY_PANEL_LIMIT) -> dict:
    """The community's own signals for "Onze signalen": the newest `limit`, each with its state
    and every answer it got, and how many there are in all. Four queries, whatever the number
    of signals or answers."""
    signals = list(_community_signal_rows(community)[: limit + 1])
    more = len(signals) > limit
    signals = signals[:limit]
    _attach_answers(signals)
    return {
        "signals": signals,
        "more": more,
        "total": Signal.objects.filter(community=community).count(),
        "deadline_days": feedback_deadline_days(community.programme),
    }


def community_signals_page(
    *, community: Community, page_number: str | int | None, per_page: int
) -> Page:
    """One page of the community's signals, newest first, each with its answers. A fixed
    number of queries per page."""
    page = Paginator(_community_signal_rows(community), per_page).get_page(page_number)
    page.object_list = list(page.object_list)
    _attach_answers(page.object_list)
    return page
