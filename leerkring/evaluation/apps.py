from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "leerkring.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluatie")

    def ready(self) -> None:
        # The community page shows the monitor's summary without `communities` importing us.
        from leerkring.core.panels import register_community_panel

        from . import panels

        register_community_panel(
            key="evaluation_monitor",
            order=150,
            template="evaluation/panels/evaluation_monitor.html",
            context=panels.monitor_panel,
        )
