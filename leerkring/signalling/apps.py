from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignallingConfig(AppConfig):
    name = "leerkring.signalling"
    label = "signalling"
    verbose_name = _("Signalen")

    def ready(self) -> None:
        # The community page shows "Onze signalen" without `communities` importing this app.
        from leerkring.core.panels import register_community_panel, register_home_tasks

        from . import panels

        register_community_panel(
            key="our_signals",
            order=200,
            template="signalling/panels/our_signals.html",
            context=panels.our_signals_panel,
            section="signals",
        )

        register_home_tasks(key="signalling", collect=panels.home_tasks)

        # Names of this app's e-mails in the queue overview.
        from leerkring.outbox.selectors import register_kind

        register_kind("signalling.answer", _("Antwoord op een signaal"))
        register_kind("signalling.passed_on", _("Nieuw signaal"))
        register_kind("signalling.escalated_system", _("Signaal opgeschaald"))
        register_kind("signalling.digest", _("Wekelijks overzicht van signalen"))

        # Each programme's venster counts and each theme's figures, moved with every change to
        # one of its signals (a save; a deletion leaves the venster counts).
        from . import signal_saves, system_marks, tallies, venster_tallies

        signal_saves.connect()
        venster_tallies.connect()
        # What the system partners' inbox sorts on, refreshed with each escalation and answer.
        system_marks.connect()
        # Counted again by `manage.py recount` after changes made past the models.
        from leerkring.core.kept_figures import register_kept_figure

        register_kept_figure(
            key="system_marks",
            order=100,
            title="system-level marks of signals and the system partners' inbox counts",
            recount=system_marks.system_marks_refresh,
        )
        register_kept_figure(
            key="theme_tallies",
            order=110,
            title="signals per theme (themes list, top five)",
            recount=tallies.theme_tallies_rebuild,
        )
        register_kept_figure(
            key="venster_tallies",
            order=120,
            title="signals per state and waiting per day (venster)",
            recount=venster_tallies.venster_tallies_rebuild,
        )

        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .selectors.personal_data import personal_data

        register_personal_data(
            key="signalling",
            order=200,
            title=_("Signalen"),
            collect=personal_data,
        )

        # Retention: personal data blanked in long-closed signals (core.retention).
        from leerkring.core.retention import register_retention

        from .retention import signals_redact

        register_retention(
            key="signals",
            setting="RETENTION_SIGNAL_DAYS",
            description="closed signals with personal data blanked",
            apply=signals_redact,
        )
