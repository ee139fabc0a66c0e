from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "leerkring.surveys"
    label = "surveys"
    verbose_name = _("Enquêtes")

    def ready(self) -> None:
        # The home page's "Wat nu": the invitee's own survey, the evaluator's open waves.
        from leerkring.core.panels import register_home_tasks

        from .selectors.home import home_tasks

        register_home_tasks(key="surveys", collect=home_tasks)

        # Names of this app's e-mails in the delivery progress and the queue overview.
        from leerkring.outbox.selectors import register_kind

        register_kind("surveys.invitation", _("Uitnodiging voor de vragenlijst"))
        register_kind("surveys.reminder", _("Herinnering voor de vragenlijst"))

        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .selectors.personal_data import personal_data
        from .services.personal_data import personal_data_erase

        register_personal_data(
            key="surveys",
            order=300,
            title=_("Vragenlijsten"),
            collect=personal_data,
            erase=personal_data_erase,
        )

        # Retention: invitations of closed waves lose person and address (core.retention).
        from leerkring.core.retention import register_retention

        from .services.retention import invitations_anonymise

        register_retention(
            key="survey_invitations",
            setting="RETENTION_SURVEY_INVITATION_DAYS",
            description="invitations of closed waves anonymised",
            apply=invitations_anonymise,
        )

        # The rule profile may only name a satisfaction question the monitor can judge.
        from leerkring.communities.rule_checks import register_rule_profile_check

        from .satisfaction import rule_profile_problems

        register_rule_profile_check("survey_satisfaction", rule_profile_problems)

        # Stored results name communities: a rename drops them (stored_results.py).
        from . import stored_results

        stored_results.connect()
