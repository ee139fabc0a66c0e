"""Reads for the threads between meetings."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Membership
from leerkring.meetings.models import Message, Thread, ThreadNotificationPreference


def threads_of_community(*, community: Community) -> QuerySet[Thread]:
    """Latest activity first, each with its number of messages and who started it."""
    return (
        Thread.objects.filter(community=community)
        .select_related("started_by")
        .annotate(message_count=Count("messages"))
        .order_by("-last_message_at", "-pk")
    )


def thread_messages(*, thread: Thread) -> list[Message]:
    return list(thread.messages.select_related("author").order_by("created_at", "pk"))


def thread_notification_mode_of(*, user, community: Community) -> str | None:
    """The signed-in member's e-mail choice for this community's threads (None: no member)."""
    person = community_permissions.access_for(user).person
    if person is None:
        return None
    membership = (
        Membership.objects.active()
        .filter(person=person, community=community)
        .select_related("thread_notification")
        .first()
    )
    if membership is None:
        return None
    try:
        return membership.thread_notification.mode
    except ThreadNotificationPreference.DoesNotExist:
        return ThreadNotificationPreference.Mode.EACH
