from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "leerkring.core"
    label = "core"
    verbose_name = "Leerkring"

    def ready(self) -> None:
        from . import worker

        worker.periodic_defaults()

        # Retention of the audit history and the access log themselves (the other apps
        # register their own rules).
        from .access_log import records_remove
        from .retention import audit_events_remove, register_retention

        register_retention(
            key="audit",
            setting="RETENTION_AUDIT_DAYS",
            description="audit entries removed",
            apply=audit_events_remove,
        )
        register_retention(
            key="access_log",
            setting="ACCESS_LOG_RETENTION_DAYS",
            description="access-log records removed",
            apply=records_remove,
        )
