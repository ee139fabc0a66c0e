from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "leerkring.core"
    label = "core"
    verbose_name = "Leerkring"

    def ready(self) -> None:
        from . import worker

        worker.periodic_defaults()
