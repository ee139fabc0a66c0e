from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "leerkring.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Signal receivers: the session clock starts at sign-in; failed sign-ins are counted.
        from . import middleware, throttle  # noqa: F401
