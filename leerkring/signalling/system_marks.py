"""What the system partners' inbox sorts on, kept on the signal itself.

The inbox lists the programme's signals escalated to the system level, unanswered first, newest
escalation first. Worked out per request, that meant looking at every signal of the programme
for an escalation and an answer (206,000 rows at national scale, sixteen times slower at five
times it; issue 17). `Signal.system_escalated_at` and `Signal.system_answered` hold the two
facts, with an index in the inbox's order, so a page reads its fifty rows.

Both are worked out again from the escalations and answers whenever one of those is saved
(receivers below; the lifecycle, the import and the factories in tests all save). Writes that
bypass `save()` (the synthetic network, the demo data) call `system_marks_refresh` when done.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.signals import post_save

from .models import Escalation, Signal, SignalResponse

SYSTEM = "system"


def system_marks_update(signal_model, escalation_model, response_model, signals) -> int:
    """Set both marks on the `signals` queryset from their escalations and answers; the models
    are arguments so the migration that fills them can use its own."""
    latest = (
        escalation_model.objects.filter(signal=OuterRef("pk"), level=SYSTEM)
        .order_by("-escalated_at")
        .values("escalated_at")[:1]
    )
    answered = response_model.objects.filter(signal=OuterRef("pk"), source=SYSTEM)
    return signals.update(system_escalated_at=Subquery(latest), system_answered=Exists(answered))


def system_marks_refresh(*, signal_ids: Iterable[int] | None = None) -> int:
    """The marks of these signals (all signals with an escalation to the system level when
    None) worked out again."""
    signals = Signal.objects.all()
    if signal_ids is None:
        signals = signals.filter(
            pk__in=Escalation.objects.filter(level=SYSTEM).values("signal_id")
        ) | signals.filter(system_escalated_at__isnull=False)
    else:
        signals = signals.filter(pk__in=list(signal_ids))
    return system_marks_update(Signal, Escalation, SignalResponse, signals)


def _escalation_saved(sender, instance: Escalation, raw: bool, **kwargs) -> None:
    if not raw and instance.level == SYSTEM:
        system_marks_refresh(signal_ids=[instance.signal_id])


def _response_saved(sender, instance: SignalResponse, raw: bool, **kwargs) -> None:
    if not raw and instance.source == SYSTEM and instance.signal_id:
        system_marks_refresh(signal_ids=[instance.signal_id])


def connect() -> None:
    post_save.connect(_escalation_saved, sender=Escalation, dispatch_uid="system_marks_escalation")
    post_save.connect(_response_saved, sender=SignalResponse, dispatch_uid="system_marks_response")
