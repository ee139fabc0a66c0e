"""Threads between meetings: conversations, messages, and how each member hears of them
(each message by e-mail, a daily digest, or not at all)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Membership, Person
from leerkring.core import emails
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.meetings.models import Message, Thread, ThreadNotificationPreference
from leerkring.outbox.services import emails_queue


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _membership_of(person: Person, community_id: int) -> Membership:
    membership = (
        Membership.objects.active().filter(person=person, community_id=community_id).first()
    )
    if membership is None:
        raise ValidationError(_("Alleen leden van de gemeenschap kunnen hier schrijven."))
    return membership


def thread_create(*, title: str, author: Person, community: Community | None = None) -> Thread:
    """The thread row itself, for any closed space: the caller has checked who may write,
    and adds the first message (`message_add`), the audit entry and the e-mails."""
    now = timezone.now()
    thread = Thread(
        community=community,
        title=clean_text(title).strip(),
        started_by=author,
        created_at=now,
        last_message_at=now,
    )
    thread.full_clean()
    thread.save()
    return thread


def message_add(*, thread: Thread, author: Person, body: str) -> Message:
    """A message row in any thread, and the thread's latest activity moved to it; like
    `thread_create`, without checks, audit or e-mail."""
    now = timezone.now()
    message = Message(thread=thread, author=author, body=clean_text(body).strip(), created_at=now)
    message.full_clean()
    message.save()
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    thread.last_message_at = now
    return message


@transaction.atomic
def thread_start(*, community: Community, author: Person, title: str, body: str, by) -> Thread:
    """A new conversation with its first message; members who want it hear of it."""
    _membership_of(author, community.pk)
    thread = thread_create(title=title, author=author, community=community)
    audit(actor=by, verb="thread.start", obj=thread, community_id=community.pk)
    message = message_add(thread=thread, author=author, body=body)
    emails_queue(_thread_message_emails(message), kind="meetings.thread_message", scope=thread)
    return thread


@transaction.atomic
def message_post(*, thread: Thread, author: Person, body: str, by) -> Message:
    _membership_of(author, thread.community_id)
    message = message_add(thread=thread, author=author, body=body)
    audit(actor=by, verb="thread.message", obj=message, community_id=thread.community_id)
    emails_queue(_thread_message_emails(message), kind="meetings.thread_message", scope=thread)
    return message


def _thread_message_emails(message: Message) -> list:
    """One e-mail per current member who wants every message (the default), not the author."""
    thread = message.thread
    memberships = (
        Membership.objects.active()
        .filter(community_id=thread.community_id, person__email__isnull=False)
        .exclude(person__email="")
        .exclude(person_id=message.author_id)
        .select_related("person", "thread_notification")
    )
    url = _absolute(reverse("meetings:thread", args=[thread.pk]))
    community = thread.community
    mails = []
    # Members read the site's language, whatever language the author browses in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Nieuw bericht in %(community)s: %(title)s") % {
            "community": community.name,
            "title": thread.title,
        }
        for membership in memberships:
            if thread_notification_mode(membership) != ThreadNotificationPreference.Mode.EACH:
                continue
            mails.append(
                emails.email_build(
                    template="meetings/email/thread_message",
                    context={
                        "thread": thread,
                        "message": message,
                        "community": community,
                        "person": membership.person,
                        "url": url,
                    },
                    subject=subject,
                    to=[membership.person.email],
                )
            )
    return mails


def thread_notification_mode(membership: Membership) -> str:
    """Each message unless the member chose otherwise (issue §5)."""
    try:
        return membership.thread_notification.mode
    except ThreadNotificationPreference.DoesNotExist:
        return ThreadNotificationPreference.Mode.EACH


@transaction.atomic
def thread_notification_set(*, membership: Membership, mode: str, by) -> None:
    if mode not in ThreadNotificationPreference.Mode.values:
        raise ValidationError({"mode": _("Kies een van de mogelijkheden.")})
    preference, _created = ThreadNotificationPreference.objects.select_for_update().get_or_create(
        membership=membership, defaults={"mode": mode}
    )
    if mode == ThreadNotificationPreference.Mode.DIGEST and (
        _created or preference.mode != ThreadNotificationPreference.Mode.DIGEST
    ):
        # The first digest covers what is written from now on, not the whole history.
        preference.digest_sent_until = timezone.now()
    preference.mode = mode
    preference.save()
    audit(
        actor=by,
        verb="thread.notification",
        obj=preference,
        community_id=membership.community_id,
        mode=mode,
    )


def thread_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Once a day: each member who chose the digest gets one e-mail per community with the
    messages others wrote since their last digest. Returns the number of e-mails queued.

    A fixed number of queries whatever the number of members: the preferences, the messages,
    the outbox rows.
    """
    now = now or timezone.now()
    fallback_since = now - datetime.timedelta(days=1)
    preferences = list(
        ThreadNotificationPreference.objects.filter(
            mode=ThreadNotificationPreference.Mode.DIGEST,
            membership__in=Membership.objects.active(),
            membership__person__email__isnull=False,
        )
        .exclude(membership__person__email="")
        .select_related("membership__person", "membership__community")
    )
    if not preferences:
        return 0
    since_of = {p.pk: p.digest_sent_until or fallback_since for p in preferences}
    earliest = min(since_of.values())
    community_ids = {p.membership.community_id for p in preferences}
    messages_by_community: dict[int, list[Message]] = {}
    for message in (
        Message.objects.filter(
            thread__community_id__in=community_ids, created_at__gt=earliest, created_at__lte=now
        )
        .select_related("thread", "author")
        .order_by("thread__community_id", "thread_id", "created_at", "pk")
    ):
        messages_by_community.setdefault(message.thread.community_id, []).append(message)

    mails, sent_preferences = [], []
    # A task has no visitor: the e-mails are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for preference in preferences:
            membership = preference.membership
            since = since_of[preference.pk]
            new = [
                m
                for m in messages_by_community.get(membership.community_id, [])
                if m.created_at > since and m.author_id != membership.person_id
            ]
            sent_preferences.append(preference)
            if not new:
                continue
            threads: dict[int, dict] = {}
            for message in new:
                entry = threads.setdefault(
                    message.thread_id,
                    {
                        "thread": message.thread,
                        "url": _absolute(reverse("meetings:thread", args=[message.thread_id])),
                        "messages": [],
                    },
                )
                entry["messages"].append(message)
            mails.append(
                emails.email_build(
                    template="meetings/email/thread_digest",
                    context={
                        "community": membership.community,
                        "person": membership.person,
                        "threads": list(threads.values()),
                        "count": len(new),
                        "url": _absolute(
                            reverse("meetings:threads", args=[membership.community_id])
                        ),
                    },
                    subject=_("Nieuwe berichten in %(community)s")
                    % {"community": membership.community.name},
                    to=[membership.person.email],
                )
            )
    # The digests are queued and marked sent in one transaction: a digest is neither lost
    # nor sent twice when the worker stops half-way.
    with transaction.atomic():
        queued = emails_queue(mails, kind="meetings.thread_digest")
        ThreadNotificationPreference.objects.filter(pk__in=[p.pk for p in sent_preferences]).update(
            digest_sent_until=now
        )
    return queued
