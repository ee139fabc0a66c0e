"""What the API app holds about one person, for their own download and their erasure
(core.personal_data): their API tokens (never the token itself, which is not stored), the
webhooks they subscribed (without the signing secret) and the idempotency keys of their
recent creates. On leaving, the tokens and keys are deleted and their webhooks stop: a webhook
sends with the rights of the person who made it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import ApiToken, IdempotencyKey, WebhookSubscription


def _when(value) -> str:
    return value.isoformat() if value else ""


def personal_data(*, person: Any, user: Any) -> dict[str, list[dict]]:
    if user is None:
        return {}
    tokens = ApiToken.objects.filter(user=user).select_related("programme")
    webhooks = WebhookSubscription.objects.filter(created_by=user).select_related("programme")
    keys = IdempotencyKey.objects.filter(user=user).order_by("created_at")
    return {
        _("API-sleutels"): [
            {
                _("naam"): token.name,
                _("begint met"): token.prefix,
                _("rechten"): token.get_access_display(),
                _("programma"): token.programme.name if token.programme else "",
                _("gemaakt op"): _when(token.created_at),
                _("verloopt op"): _when(token.expires_at),
                _("laatst gebruikt"): _when(token.last_used_at),
                _("ingetrokken op"): _when(token.revoked_at),
            }
            for token in tokens
        ],
        _("Webhooks"): [
            {
                _("programma"): hook.programme.name,
                _("adres"): hook.url,
                _("gebeurtenissen"): ", ".join(hook.events),
                _("gemaakt op"): _when(hook.created_at),
                _("actief"): _("ja") if hook.active else _("nee"),
            }
            for hook in webhooks
        ],
        _("Herhaalbare API-aanvragen"): [
            {_("sleutel"): key.key, _("op"): _when(key.created_at)} for key in keys
        ],
    }


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    if user is None:
        return
    ApiToken.objects.filter(user=user).delete()
    IdempotencyKey.objects.filter(user=user).delete()
    WebhookSubscription.objects.filter(created_by=user).update(active=False, created_by=None)
