from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "leerkring.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluatie")

    def ready(self) -> None:
        # The community page shows the monitor's summary without `communities` importing us.
        from leerkring.core.panels import register_community_panel, register_home_tasks

        from . import panels

        register_community_panel(
            key="evaluation_monitor",
            order=150,
            template="evaluation/panels/evaluation_monitor.html",
            context=panels.monitor_panel,
            section="about",
        )

        register_home_tasks(key="evaluation", collect=panels.home_tasks)

        # The monitor matrix's stored statuses follow the data without waiting for a visitor.
        from leerkring.core import worker

        from .monitor import standings

        worker.register_periodic(
            "evaluation.monitor_standings", standings.REFRESH_SECONDS, standings.refresh_stale
        )

        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .personal_data import personal_data

        register_personal_data(
            key="evaluation",
            order=310,
            title=_("Evaluatie"),
            collect=personal_data,
        )
