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
        from leerkring.core.personal_data import register_personal_data

        from . import panels
        from .personal_data import personal_data, personal_data_erase

        register_community_panel(
            key="publications",
            order=500,
            template="publishing/panels/community.html",
            context=panels.community_panel,
            section="sharing",
        )
        register_public_panel(
            key="newsletters",
            order=300,
            template="publishing/panels/newsletters.html",
            context=panels.public_newsletters_panel,
        )
        # What this app holds about a person: their download and their erasure.
        register_personal_data(
            key="publishing",
            order=450,
            title=_("Openbare kennisbank"),
            collect=personal_data,
            erase=personal_data_erase,
        )
        # Whether each publication's source is still shared, set when the source is saved.
        # And the public counts per programme, counted again when a publication changes.
        # And whom each publication names as its authors, set when a credit changes.
        from . import counts, credited, sources

        sources.connect()
        counts.connect()
        credited.connect()

        # Counted again by `manage.py recount` after changes made past the models: whether
        # each source is still shared first, as the public counts depend on it.
        from leerkring.core.kept_figures import register_kept_figure

        register_kept_figure(
            key="source_shared",
            order=300,
            title="whether each publication's source is still shared",
            recount=sources.source_shared_refresh,
        )
        register_kept_figure(
            key="public_counts",
            order=310,
            title="public items per programme, kind, topic, region and year",
            recount=counts.public_counts_rebuild,
        )
        register_kept_figure(
            key="publication_credited",
            order=320,
            title="the people each publication names as its authors",
            recount=credited.credited_refresh,
        )
