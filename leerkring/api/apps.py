from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "leerkring.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Webhook deliveries follow the signal history (receivers.py, webhooks.py).
        from . import receivers  # noqa: F401
