from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "leerkring.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Signal receivers: the session clock starts at sign-in; failed sign-ins are counted;
        # second factors added and removed are audited.
        from allauth.mfa.signals import authenticator_added, authenticator_removed

        from . import middleware, second_factor, throttle  # noqa: F401

        authenticator_added.connect(second_factor.authenticator_added)
        authenticator_removed.connect(second_factor.authenticator_removed)

        # What this app holds about a person: their download and their erasure.
        from leerkring.core.personal_data import register_personal_data

        from .selectors import personal_data
        from .services import personal_data_erase

        register_personal_data(
            key="accounts",
            order=10,
            title=_("Account"),
            collect=personal_data,
            erase=personal_data_erase,
        )

        # Retention: ended invitations and sign-in records (core.retention).
        from leerkring.core.retention import register_retention

        from .services import invitations_remove_ended, sign_in_records_remove

        register_retention(
            key="invitations",
            setting="RETENTION_INVITATION_DAYS",
            description="ended invitations removed",
            apply=invitations_remove_ended,
        )
        register_retention(
            key="sign_ins",
            setting="RETENTION_SIGN_IN_DAYS",
            description="sign-in records and old session entries removed",
            apply=sign_in_records_remove,
        )
