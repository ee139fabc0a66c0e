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
        from leerkring.core.personal_data import register_personal_data
        from leerkring.core.retention import register_retention

        from . import panels
        from .personal_data import personal_data, personal_data_erase
        from .services import registrations_purge

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
            section="sharing",
        )
        register_feed_source("events", panels.feed_events)
        # The event's kept seat counts follow every registration made, moved or deleted.
        from . import seat_counts

        seat_counts.connect()
        # Counted again by `manage.py recount` after changes made past the models.
        from leerkring.core.kept_figures import register_kept_figure

        register_kept_figure(
            key="seat_counts",
            order=400,
            title="seats taken and waiting per event",
            recount=seat_counts.refresh_seat_counts,
        )
        # What this app holds about a person: their download and their erasure.
        register_personal_data(
            key="events",
            order=460,
            title=_("Programma-activiteiten"),
            collect=personal_data,
            erase=personal_data_erase,
        )
        # Retention: registrants without an account lose name and address after the event.
        register_retention(
            key="event_registrations",
            setting="EVENT_REGISTRATION_RETENTION_DAYS",
            description="names and addresses of public event registrants removed",
            apply=registrations_purge,
        )
