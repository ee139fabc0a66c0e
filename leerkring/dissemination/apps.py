from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "leerkring.dissemination"
    label = "dissemination"
    verbose_name = _("Verspreiding")

    def ready(self) -> None:
        # The community page lists products without `communities` importing this app.
        from leerkring.core.panels import register_community_panel

        from . import panels

        register_community_panel(
            key="products",
            order=300,
            template="dissemination/panels/products.html",
            context=panels.products_panel,
        )
