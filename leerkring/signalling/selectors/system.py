"""Reads for the system level: the system partners' inbox, one escalated signal, answers."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet

from leerkring.communities.models import Programme
from leerkring.signalling.models import Escalation, Signal, SignalResponse, SystemInboxTally


def system_inbox(*, programme: Programme) -> QuerySet[Signal]:
    """Signals escalated to the system level (now or before), newest escalation first, those
    without an answer from the system level on top."""
    # Both facts are kept on the signal (`signalling.system_marks`), with an index in this order.
    return (
        Signal.objects.filter(community__programme=programme, system_escalated_at__isnull=False)
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
        .annotate(escalated_at=F("system_escalated_at"), answered=F("system_answered"))
        .order_by("system_answered", "-system_escalated_at", "-pk")
    )


def system_inbox_count(*, programme: Programme) -> int:
    """The number of signals `system_inbox` lists, kept per programme
    (`signalling.system_marks`): one row, where counting read every escalated signal."""
    count = (
        SystemInboxTally.objects.filter(programme=programme)
        .values_list("escalated", flat=True)
        .first()
    )
    return count or 0


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
