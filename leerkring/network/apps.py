from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "leerkring.network"
    label = "network"
    verbose_name = _("Netwerk van trekkers en begeleiders")

    def ready(self) -> None:
        # The home page points members to their network without `core` importing this app.
        from leerkring.core.panels import register_home_panel

        from . import panels

        register_home_panel(
            key="network",
            order=200,
            template="network/panels/home.html",
            context=panels.home_panel,
        )
