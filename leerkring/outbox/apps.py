from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "leerkring.outbox"
    label = "outbox"
    verbose_name = _("Uitgaande e-mail")

    def ready(self) -> None:
        from django.conf import settings

        from leerkring.core import health, worker

        from . import services

        worker.register_periodic("outbox.deliver", settings.OUTBOX_POLL_SECONDS, services.pump)
        worker.register_periodic("outbox.prune", 3600, services.prune)
        health.register_check("outbox", services.health)
