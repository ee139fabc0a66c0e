from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "leerkring.publishing"
    label = "publishing"
    verbose_name = _("Openbare kennisbank")

    def ready(self) -> None:
        # The community page shows what the community made public, and the programme's public
        # page its public newsletters, without `communities` or `dissemination` importing this.
        from leerkring.core.panels import register_community_panel, register_public_panel

        from . import panels

        register_community_panel(
            key="publications",
            order=500,
            template="publishing/panels/community.html",
            context=panels.community_panel,
        )
        register_public_panel(
            key="newsletters",
            order=300,
            template="publishing/panels/newsletters.html",
            context=panels.public_newsletters_panel,
        )
