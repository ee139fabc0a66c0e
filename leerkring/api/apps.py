from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "leerkring.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Webhook deliveries follow the signal history (receivers.py, webhooks.py).
        from leerkring.core.personal_data import register_personal_data

        from . import receivers  # noqa: F401
        from .personal_data import personal_data, personal_data_erase

        # What this app holds about a person: their download and their erasure.
        register_personal_data(
            key="api",
            order=900,
            title=_("API-sleutels en webhooks"),
            collect=personal_data,
            erase=personal_data_erase,
        )
