"""What the system partners' inbox sorts on, kept on the signal itself.

The inbox lists the programme's signals escalated to the system level, unanswered first, newest
escalation first. Worked out per request, that meant looking at every signal of the programme
for an escalation and an answer (206,000 rows at national scale, sixteen times slower at five
times it; issue 17). `Signal.system_escalated_at` and `Signal.system_answered` hold the two
facts, with an index in the inbox's order, so a page reads its fifty rows.

Both are worked out again from the escalations and answers whenever one of those is saved
(receivers below; the lifecycle, the import and the factories in tests all save). Writes that
bypass `save()` (the synthetic network, the demo data) call `system_marks_refresh` when done.

The inbox's count — the programme's signals with a mark — is kept too (`SystemInboxTally`):
each refresh adds the signals that got their first mark and takes off those that lost it, with
the signals locked so two escalations of one signal at once count it once; a deleted signal
with a mark is taken off; a refresh of every signal counts every programme again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save

from leerkring.communities.models import Community

from .models import Escalation, Signal, SignalResponse, SystemInboxTally

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
    None) worked out again, and the inbox counts with them."""
    signals = Signal.objects.all()
    if signal_ids is None:
        signals = signals.filter(
            pk__in=Escalation.objects.filter(level=SYSTEM).values("signal_id")
        ) | signals.filter(system_escalated_at__isnull=False)
        changed = system_marks_update(Signal, Escalation, SignalResponse, signals)
        inbox_counts_update(Signal, SystemInboxTally)
        return changed
    ids = list(signal_ids)
    signals = signals.filter(pk__in=ids)
    # Locked first, marked or not, so a second refresh of the same signal waits for this one
    # and counts from what it wrote.
    before = _marked(signals.select_for_update(of=("self",)))
    changed = system_marks_update(Signal, Escalation, SignalResponse, signals)
    after = _marked(signals)
    delta: Counter = Counter()
    for _pk, programme_id in after.items() - before.items():
        delta[programme_id] += 1
    for _pk, programme_id in before.items() - after.items():
        delta[programme_id] -= 1
    _inbox_counts_add(delta)
    return changed


def _marked(signals) -> dict[int, int]:
    """The signals among these with a mark, with their programme."""
    rows = signals.values_list("pk", "community__programme_id", "system_escalated_at")
    return {pk: programme_id for pk, programme_id, marked in rows if marked is not None}


def _inbox_counts_add(delta: Counter) -> None:
    delta = Counter({programme_id: n for programme_id, n in delta.items() if n})
    if not delta:
        return
    SystemInboxTally.objects.bulk_create(
        [SystemInboxTally(programme_id=programme_id) for programme_id in sorted(delta)],
        ignore_conflicts=True,
    )
    for programme_id in sorted(delta):
        SystemInboxTally.objects.filter(programme_id=programme_id).update(
            escalated=F("escalated") + delta[programme_id]
        )


def inbox_counts_update(signal_model, tally_model) -> None:
    """Every programme's inbox count worked out from the marks; the models are arguments so
    the migration that fills the counts can use its own."""
    counts = dict(
        signal_model.objects.filter(system_escalated_at__isnull=False)
        .values_list("community__programme_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tally_model.objects.exclude(programme_id__in=list(counts)).update(escalated=0)
    existing = set(tally_model.objects.values_list("programme_id", flat=True))
    tally_model.objects.bulk_create(
        [tally_model(programme_id=p, escalated=0) for p in sorted(set(counts) - existing)]
    )
    for programme_id, n in sorted(counts.items()):
        tally_model.objects.filter(programme_id=programme_id).update(escalated=n)


def _escalation_saved(sender, instance: Escalation, raw: bool, **kwargs) -> None:
    if not raw and instance.level == SYSTEM:
        system_marks_refresh(signal_ids=[instance.signal_id])


def _response_saved(sender, instance: SignalResponse, raw: bool, **kwargs) -> None:
    if not raw and instance.source == SYSTEM and instance.signal_id:
        system_marks_refresh(signal_ids=[instance.signal_id])


def _signal_deleted(sender, instance: Signal, **kwargs) -> None:
    """A signal with a mark leaves its programme's count (only drafts are deleted by hand, but
    a community's deletion takes its signals along). Never creates a count: the programme may
    be on its way out in the same deletion."""
    if instance.system_escalated_at is None:
        return
    programme_id = (
        Community.objects.filter(pk=instance.community_id)
        .values_list("programme_id", flat=True)
        .first()
    )
    SystemInboxTally.objects.filter(programme_id=programme_id, escalated__gt=0).update(
        escalated=F("escalated") - 1
    )


def connect() -> None:
    post_save.connect(_escalation_saved, sender=Escalation, dispatch_uid="system_marks_escalation")
    post_save.connect(_response_saved, sender=SignalResponse, dispatch_uid="system_marks_response")
    post_delete.connect(_signal_deleted, sender=Signal, dispatch_uid="system_marks_deleted")
