"""What a meeting's wrap-up does with signals — it records them as drafts of the community —
and the weekly digest of signals waiting for feedback.

These are thin doors onto `signalling.lifecycle`, kept for the wrap-up in
`meetings/views/outcomes.py`; every change still goes through the lifecycle, so the history
cannot be bypassed. Once a signal is passed on it has left the closed room and the wrap-up can
no longer change or delete it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import ngettext

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Community, Programme
from leerkring.core.emails import email_build
from leerkring.meetings.models import Meeting
from leerkring.outbox.services import emails_queue

from . import lifecycle, selectors
from .lifecycle import category_of_subtopic  # noqa: F401 - part of this module's interface
from .models import Signal

#: The fields the wrap-up form edits.
SIGNAL_FIELDS = ("title", "description", "topic_category", "subtopic", "solution_level")


def signal_create(*, community: Community, meeting: Meeting | None = None, by, **fields) -> Signal:
    """A signal named at the end of a meeting: a draft until the lead or facilitator passes it
    on."""
    return lifecycle.signal_raise(
        community=community, meeting=meeting, by=by, source="meeting", **fields
    )


def signal_update(*, signal: Signal, by, **fields) -> Signal:
    return lifecycle.signal_edit_draft(signal=signal, by=by, **fields)


def signal_delete(*, signal: Signal, by) -> None:
    if signal.state != Signal.State.DRAFT:
        # The wrap-up offers delete for its own outcomes; a passed-on signal is not one any more.
        raise PermissionDenied
    lifecycle.signal_delete_draft(signal=signal, by=by)


def _url(signal: Signal) -> str:
    return settings.SITE_URL + reverse("signalling:signal_detail", args=[signal.pk])


def signal_digests_send(*, now: datetime.datetime | None = None) -> int:
    """The weekly digest: per programme with signals waiting past the feedback deadline, one
    e-mail to its coordinators listing them, longest waiting first, put in the outbox (a row
    per coordinator). Returns the number of e-mails (programmes) queued."""
    messages = []
    for programme in Programme.objects.select_related("rule_profile").order_by("pk"):
        waiting = list(selectors.signals_waiting_for_feedback(programme, now=now))
        if not waiting:
            continue
        to = lifecycle.programme_role_emails(programme, ProgrammeRole.Role.COORDINATOR)
        if not to:
            continue
        messages.append(
            email_build(
                template="signalling/email/digest",
                context={
                    "programme": programme,
                    "signals": [(signal, _url(signal)) for signal in waiting],
                    "deadline_days": selectors.feedback_deadline_days(programme),
                },
                subject=ngettext(
                    "%(count)s signaal wacht op terugkoppeling (%(programme)s)",
                    "%(count)s signalen wachten op terugkoppeling (%(programme)s)",
                    len(waiting),
                )
                % {"count": len(waiting), "programme": programme.name},
                to=to,
            )
        )
    with transaction.atomic():
        emails_queue(messages, kind="signalling.digest")
    return len(messages)
