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

        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .personal_data import personal_data, personal_data_erase

        register_personal_data(
            key="outbox",
            order=900,
            title=_("E-mail"),
            collect=personal_data,
            erase=personal_data_erase,
        )
