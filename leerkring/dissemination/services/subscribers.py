"""Subscribers: a member's one-click opt-in, the public sign-up with double opt-in, one-click
unsubscribe, and bounces."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.permissions import access_for
from leerkring.core.audit import audit
from leerkring.dissemination import newsletter as newsletter_machinery
from leerkring.dissemination.models import Delivery, Newsletter, Subscriber
from leerkring.outbox.services import emails_queue


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@transaction.atomic
def subscriber_member_join(*, newsletter: Newsletter, user: Any) -> Subscriber:
    """A signed-in member opts in with one click: their address is the one they sign in with,
    so it counts as confirmed at once (no double opt-in needed)."""
    email = _normalise_email(user.email)
    if not email:
        raise ValidationError(_("Je account heeft geen e-mailadres."))
    person = access_for_person(user)
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        newsletter=newsletter, email=email, defaults={"person": person}
    )
    now = timezone.now()
    subscriber.person = subscriber.person or person
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["person", "confirmed_at", "unsubscribed_at"])
    audit(
        actor=user,
        verb="newsletter.member_subscribed",
        obj=subscriber,
        community_id=newsletter.community_id,
    )
    return subscriber


def access_for_person(user: Any):
    return access_for(user).person


@transaction.atomic
def subscriber_request(*, newsletter: Newsletter, email: str) -> Subscriber:
    """A public sign-up: the row waits, unconfirmed, until the link in the confirmation e-mail
    is followed (double opt-in). Signing up again sends a new link and makes no second row;
    an active subscription is left as it is, so nobody can unsubscribe someone else by typing
    their address."""
    email = _normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Vul een geldig e-mailadres in.")}) from None
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        newsletter=newsletter, email=email
    )
    audit(
        actor=AnonymousUser(),
        verb="newsletter.subscription_requested",
        obj=subscriber,
        community_id=newsletter.community_id,
        created=created,
    )
    url = newsletter_machinery.absolute(
        reverse(
            "dissemination:newsletter_confirm",
            args=[newsletter_machinery.confirm_token(subscriber)],
        )
    )
    message = newsletter_machinery.message_build(
        template="dissemination/email/confirm",
        context={"newsletter": newsletter, "confirm_url": url},
        subject=_("Bevestig je aanmelding voor %(title)s") % {"title": newsletter.title},
        to=email,
    )
    # The link confirms the subscription: sealed while it waits, cleared once sent.
    emails_queue([message], kind="dissemination.confirm", scope=newsletter, secret=True)
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber_id: int, email: str) -> Subscriber | None:
    """Follow the confirmation link. Returns None when the link does not match a sign-up."""
    subscriber = (
        Subscriber.objects.select_for_update()
        .filter(pk=subscriber_id, email=email)
        .select_related("newsletter")
        .first()
    )
    if subscriber is None:
        return None
    if subscriber.confirmed_at and not subscriber.unsubscribed_at:
        return subscriber
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    audit(
        actor=AnonymousUser(),
        verb="newsletter.subscription_confirmed",
        obj=subscriber,
        community_id=subscriber.newsletter.community_id,
    )
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber, by: Any = None) -> bool:
    """Returns False when the subscriber had already unsubscribed (the link was used before)."""
    locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if locked.unsubscribed_at:
        return False
    locked.unsubscribed_at = timezone.now()
    locked.save(update_fields=["unsubscribed_at"])
    newsletter_machinery.deliveries_cancel(subscriber=locked)
    subscriber.unsubscribed_at = locked.unsubscribed_at
    audit(
        actor=by or AnonymousUser(),
        verb="newsletter.unsubscribed",
        obj=locked,
        community_id=subscriber.newsletter.community_id if subscriber.newsletter_id else None,
    )
    return True


@transaction.atomic
def delivery_mark_bounced(*, email: str, by: Any = None, reason: str = "") -> int:
    """Record that mail to this address bounced (reported by the mail server afterwards), for
    the latest delivery of each of its subscriptions, and stop sending to it: the subscriptions
    end, as a hard bounce means the address is gone. Returns the deliveries marked.

    Used by the Django admin's "onbestelbaar" action; a bounce-mailbox reader or a webhook of
    the mail provider can call the same function later."""
    email = _normalise_email(email)
    subscribers = list(Subscriber.objects.select_for_update().filter(email=email))
    marked = 0
    now = timezone.now()
    for subscriber in subscribers:
        latest = (
            Delivery.objects.filter(subscriber=subscriber)
            .exclude(status=Delivery.Status.PENDING)
            .order_by("-issue__number", "-pk")
            .first()
        )
        if latest is not None:
            latest.status = Delivery.Status.BOUNCED
            latest.error = reason or _("Onbestelbaar gemeld")
            latest.save(update_fields=["status", "error"])
            marked += 1
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = now
            subscriber.save(update_fields=["unsubscribed_at"])
        newsletter_machinery.deliveries_cancel(subscriber=subscriber)
        audit(
            actor=by or AnonymousUser(),
            verb="newsletter.bounced",
            obj=subscriber,
            community_id=subscriber.newsletter.community_id,
            delivery=latest.pk if latest else None,
        )
    return marked
