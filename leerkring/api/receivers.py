"""Signal events become webhook deliveries where the signal history is written.

Connected in `ApiConfig.ready()`. The lifecycle writes every change to `SignalEvent` (one row
per change, `objects.create`); an answer on a theme writes one `SignalResponse` with the theme
and its history rows in bulk, so that answer is taken from the response itself. The deliveries
are rows in the same transaction; their tasks are queued after commit.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from leerkring.signalling.models import SignalEvent, SignalResponse

from . import tasks, webhooks


def _send_after_commit(deliveries) -> None:
    if deliveries:
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: [tasks.webhook_deliver.enqueue(pk) for pk in ids])


@receiver(post_save, sender=SignalEvent, dispatch_uid="api.webhooks.signal_event")
def signal_event_saved(sender, instance: SignalEvent, created: bool, raw=False, **kwargs):
    if created and not raw:
        _send_after_commit(webhooks.deliveries_for_entry(instance))


@receiver(post_save, sender=SignalResponse, dispatch_uid="api.webhooks.theme_answer")
def theme_answer_saved(sender, instance: SignalResponse, created: bool, raw=False, **kwargs):
    if created and not raw and instance.theme_id is not None and instance.signal_id is None:
        _send_after_commit(webhooks.deliveries_for_theme_answer(instance))
