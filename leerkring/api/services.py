"""State changes of the API app: personal tokens, idempotency keys and webhook subscriptions.

Each service validates, runs in one transaction and writes an audit event. A token is returned
once, when it is made; only its hash is kept.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import secrets
import socket
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import Access
from leerkring.core.audit import audit

from .models import ApiToken, IdempotencyKey, WebhookSubscription

TOKEN_PREFIX = "lk_"  # noqa: S105 - a marker that says what the string is, not a secret
#: `last_used_at` is written at most this often per token, not on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
IDEMPOTENCY_KEEP = datetime.timedelta(hours=24)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Tokens --------------------------------------------------------------------------------


@transaction.atomic
def token_create(
    *,
    user,
    name: str,
    access: str,
    days: int,
    programme: Programme | None = None,
    second_factor_passed: bool = False,
) -> tuple[ApiToken, str]:
    """A new personal token; returns the row and the raw token, which is shown once.
    `second_factor_passed`: the session that makes it proved a second factor."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Geef de sleutel een naam, bijvoorbeeld het systeem.")})
    if access not in ApiToken.Access.values:
        raise ValidationError({"access": _("Kies ‘alleen lezen’ of ‘lezen en schrijven’.")})
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("Een sleutel is 1 tot %(max)s dagen geldig.")
                % {"max": settings.API_TOKEN_MAX_DAYS}
            }
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[:10],
        token_hash=token_hash(raw),
        access=access,
        programme=programme,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        second_factor_passed=second_factor_passed,
    )
    token.full_clean()
    token.save()
    audit(
        actor=user,
        verb="api_token.created",
        obj=token,
        access=access,
        programme=getattr(programme, "pk", None),
        days=days,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> bool:
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(actor=by, verb="api_token.revoked", obj=token)
    return True


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The usable token for this raw value, or None; notes when it was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def access_within_programme(access: Access, *, programme_id: int) -> Access:
    """What a person is, seen through a token limited to one programme."""
    communities = set(
        Community.objects.filter(
            pk__in=list(access.community_roles), programme_id=programme_id
        ).values_list("pk", flat=True)
    )
    return replace(
        access,
        community_roles={c: r for c, r in access.community_roles.items() if c in communities},
        programme_roles={
            p: roles for p, roles in access.programme_roles.items() if p == programme_id
        },
    )


# --- Idempotency ---------------------------------------------------------------------------


def idempotency_fingerprint(*, method: str, path: str, body: Any) -> str:
    described = json.dumps([method, path, body], sort_keys=True, default=str)
    return hashlib.sha256(described.encode()).hexdigest()


def idempotency_lookup(*, user, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(
        user=user, key=key, created_at__gte=timezone.now() - IDEMPOTENCY_KEEP
    ).first()


def idempotency_store(*, user, key: str, fingerprint: str, status: int, body: Any) -> None:
    """Kept inside the create's transaction: a second request with the same key that raced
    this one fails on the unique key, and its whole create rolls back."""
    IdempotencyKey.objects.filter(
        user=user, created_at__lt=timezone.now() - IDEMPOTENCY_KEEP
    ).delete()
    IdempotencyKey.objects.create(
        user=user, key=key, fingerprint=fingerprint, status=status, body=body
    )


# --- Webhook subscriptions -----------------------------------------------------------------


def webhook_url_problem(url: str) -> str | None:
    """Why a receiver address is refused, or None. Outside development a receiver must use
    HTTPS and a public address, so a subscription cannot be used to reach the inside of the
    network Leerkring runs in."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Geef een volledig adres dat begint met https://.")
    if parts.username or parts.password:
        return _("Zet geen gebruikersnaam of wachtwoord in het adres.")
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    if parts.scheme != "https":
        return _("Gebruik een adres dat begint met https://.")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return _("Dit adres bestaat niet (de servernaam is onbekend).")
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return _("Dit adres wijst naar een intern netwerk; dat is niet toegestaan.")
    return None


def _check_webhook(url: str, events: list[str]) -> list[str]:
    problem = webhook_url_problem(url)
    if problem:
        raise ValidationError({"url": problem})
    chosen = [e for e in WebhookSubscription.Event.values if e in set(events or [])]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": _("Kies minstens één gebeurtenis uit de lijst.")})
    return chosen


@transaction.atomic
def webhook_subscribe(
    *, programme: Programme, url: str, events: list[str], by
) -> WebhookSubscription:
    chosen = _check_webhook(url, events)
    subscription = WebhookSubscription(
        programme=programme,
        url=url,
        events=chosen,
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by=by,
    )
    subscription.full_clean()
    subscription.save()
    audit(actor=by, verb="webhook.created", obj=subscription, events=chosen)
    return subscription


@transaction.atomic
def webhook_update(
    *, subscription: WebhookSubscription, url: str, events: list[str], active: bool, by
) -> WebhookSubscription:
    subscription.events = _check_webhook(url, events)
    subscription.url = url
    subscription.active = active
    subscription.full_clean()
    subscription.save(update_fields=["url", "events", "active"])
    audit(
        actor=by,
        verb="webhook.changed",
        obj=subscription,
        events=subscription.events,
        active=active,
    )
    return subscription


@transaction.atomic
def webhook_new_secret(*, subscription: WebhookSubscription, by) -> str:
    """A fresh secret; deliveries are signed with it from now on."""
    subscription.secret = "whsec_" + secrets.token_urlsafe(32)
    subscription.save(update_fields=["secret"])
    audit(actor=by, verb="webhook.secret_changed", obj=subscription)
    return subscription.secret


@transaction.atomic
def webhook_delete(*, subscription: WebhookSubscription, by) -> None:
    audit(actor=by, verb="webhook.deleted", obj=subscription, url=subscription.url)
    subscription.delete()
