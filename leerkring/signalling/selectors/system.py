"""Reads for the system level: the system partners' inbox, one escalated signal, answers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from leerkring.communities.models import Programme
from leerkring.signalling.models import Escalation, Signal, SignalResponse


def _system_escalations():
    return Escalation.objects.filter(signal=OuterRef("pk"), level=Escalation.Level.SYSTEM)


def system_inbox(*, programme: Programme) -> QuerySet[Signal]:
    """Signals escalated to the system level (now or before), newest escalation first, those
    without an answer from the system level on top."""
    latest = _system_escalations().order_by("-escalated_at", "-pk")
    answered = SignalResponse.objects.filter(
        signal=OuterRef("pk"), source=SignalResponse.Source.SYSTEM
    )
    return (
        Signal.objects.filter(community__programme=programme)
        .filter(Exists(_system_escalations()))
        .select_related("community", "theme")
        .only(
            "pk",
            "title",
            "state",
            "solution_level",
            "raised_on",
            "passed_on_at",
            "community__region",
            "community__scope",
            "theme__title",
        )
        .annotate(
            escalated_at=Subquery(latest.values("escalated_at")[:1]),
            answered=Exists(answered),
        )
        .order_by("answered", "-escalated_at", "-pk")
    )


def system_signal(*, pk: int) -> Signal:
    """One signal for the system partner's page, with only what they may see: no people."""
    return (
        Signal.objects.select_related("community", "community__programme", "theme")
        .prefetch_related(
            Prefetch(
                "escalations",
                queryset=Escalation.objects.filter(level=Escalation.Level.SYSTEM).order_by(
                    "escalated_at", "pk"
                ),
                to_attr="system_escalations",
            ),
        )
        .get(pk=pk)
    )


def signal_answers(*, signal: Signal) -> list[SignalResponse]:
    """The answers the community received: on the signal itself and on its theme."""
    condition = Q(signal=signal)
    if signal.theme_id:
        condition |= Q(theme_id=signal.theme_id)
    return list(SignalResponse.objects.filter(condition).order_by("created_at", "pk"))
