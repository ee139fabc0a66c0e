"""Background work of the API app: sending webhook deliveries (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from . import webhooks


@task()
def webhook_deliver(delivery_id: int) -> None:
    """One attempt; a failure queues the next one after its back-off, when the backend can
    wait (the database backend can). Otherwise `send_webhooks` picks it up when due."""
    retry_at = webhooks.deliver(delivery_id)
    if retry_at is not None and webhook_deliver.get_backend().supports_defer:
        webhook_deliver.using(run_after=retry_at).enqueue(delivery_id)


@task()
def webhook_deliveries_send_due() -> int:
    return webhooks.deliveries_send_due()
