from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "leerkring.events"
    label = "events"
    verbose_name = _("Programma-activiteiten")

    def ready(self) -> None:
        # Pages of other apps show events without importing this app (leerkring.core.panels),
        # and the personal calendar feed takes the events one registered for.
        from leerkring.core.ical import register_feed_source
        from leerkring.core.panels import (
            register_community_panel,
            register_home_panel,
            register_public_panel,
        )

        from . import panels

        register_home_panel(
            key="events",
            order=100,
            template="events/panels/home.html",
            context=panels.home_panel,
        )
        register_public_panel(
            key="events",
            order=100,
            template="events/panels/public.html",
            context=panels.public_panel,
        )
        register_community_panel(
            key="linked",
            order=400,
            template="events/panels/linked.html",
            context=panels.linked_panel,
        )
        register_feed_source("events", panels.feed_events)
