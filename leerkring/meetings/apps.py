from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "leerkring.meetings"
    label = "meetings"
    verbose_name = _("Bijeenkomsten")

    def ready(self) -> None:
        # The community page shows the timeline without `communities` importing this app.
        from leerkring.core.panels import register_community_panel, register_home_tasks

        from . import panels

        for key, order, context, section in (
            ("meeting_next", 10, panels.next_meeting_panel, "top"),
            ("meeting_latest_outcomes", 20, panels.latest_outcomes_panel, "top"),
            ("meetings", 100, panels.meetings_panel, "meetings"),
            ("meeting_agreements", 110, panels.agreements_panel, "agreements"),
            ("meeting_member_attendance", 120, panels.member_attendance_panel, "members"),
            ("meeting_topics", 130, panels.topics_panel, "meetings"),
            ("meeting_threads", 140, panels.threads_panel, "threads"),
        ):
            register_community_panel(
                key=key,
                order=order,
                template=f"meetings/panels/{key}.html",
                context=context,
                section=section,
            )

        register_home_tasks(key="meetings", collect=panels.home_tasks)

        # Names of this app's e-mails in the delivery progress and the queue overview.
        from leerkring.outbox.selectors import register_kind

        for kind, label in (
            ("meetings.invitation", _("Uitnodiging")),
            ("meetings.update", _("Wijziging")),
            ("meetings.cancellation", _("Afgelasting")),
            ("meetings.reminder", _("Herinnering")),
            ("meetings.minutes", _("Verslag")),
            ("meetings.thread_message", _("Bericht in een gesprek")),
            ("meetings.thread_digest", _("Dagelijks overzicht van gesprekken")),
        ):
            register_kind(kind, label)

        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .selectors.personal_data import personal_data
        from .services.personal_data import personal_data_erase

        register_personal_data(
            key="meetings",
            order=100,
            title=_("Bijeenkomsten"),
            collect=personal_data,
            erase=personal_data_erase,
        )
