from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "leerkring.dissemination"
    label = "dissemination"
    verbose_name = _("Verspreiding")

    def ready(self) -> None:
        # The programmes' numbers of shareable products, kept on every product change.
        from . import product_counts

        product_counts.connect()
        # Counted again by `manage.py recount` after changes made past the models.
        from leerkring.core.kept_figures import register_kept_figure

        register_kept_figure(
            key="product_counts",
            order=200,
            title="shareable products per programme (catalogue)",
            recount=product_counts.product_counts_rebuild,
        )

        # Each issue e-mail the outbox finishes updates its delivery row (newsletter.py).
        from leerkring.outbox.selectors import register_kind
        from leerkring.outbox.signals import message_finished

        from .newsletter import delivery_record

        message_finished.connect(delivery_record, dispatch_uid="dissemination.delivery_record")
        register_kind("dissemination.issue", _("Nieuwsbrief"))
        register_kind("dissemination.confirm", _("Bevestiging van een aanmelding"))

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

        # "Who else works on this?": the closest communities of each community, worked out
        # for a whole programme by the task worker (links.py).
        from leerkring.core import worker

        from . import links

        worker.register_periodic(
            "dissemination.community_links", links.REFRESH_SECONDS, links.community_links_due
        )
