from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "leerkring.communities"
    label = "communities"
    verbose_name = _("Gemeenschappen")

    def ready(self) -> None:
        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .selectors import personal_data
        from .services import personal_data_erase

        register_personal_data(
            key="communities",
            order=20,
            title=_("Gemeenschappen"),
            collect=personal_data,
            erase=personal_data_erase,
        )
