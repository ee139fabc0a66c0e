from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "leerkring.dissemination"
    label = "dissemination"
    verbose_name = _("Verspreiding")

    def ready(self) -> None:
        # The community page lists products without `communities` importing this app.
        from leerkring.core.panels import register_community_panel, register_home_tasks

        from . import panels

        register_community_panel(
            key="products",
            order=300,
            template="dissemination/panels/products.html",
            context=panels.products_panel,
            section="sharing",
        )

        register_home_tasks(key="dissemination", collect=panels.home_tasks)

        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .personal_data import personal_data, personal_data_erase

        register_personal_data(
            key="dissemination",
            order=400,
            title=_("Producten en nieuwsbrieven"),
            collect=personal_data,
            erase=personal_data_erase,
        )
