"""What the home page's "Wat nu" lists from signals (issue "Task-first interface"):

- a member: new answers to the signals their community passed on;
- a coordinator: per programme, signals past the feedback deadline and new signals to triage;
- a system partner: per programme, escalated signals still waiting for its answer.

Coordinators and system partners get counts with a link to their list, never names; each read
is one query (one per programme held in that role), whatever the data holds.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from leerkring.communities.models import Programme
from leerkring.communities.permissions import COORDINATOR, SYSTEM_PARTNER, access_for
from leerkring.core.panels import Task, Urgency
from leerkring.signalling.models import Signal, SignalResponse

from .system import system_inbox
from .venster import venster_waiting_q

ANSWER_DAYS = 30
ANSWERED_SIGNALS = 5


def answer_tasks(user, *, now: datetime.datetime | None = None) -> list[Task]:
    """Signals of the person's communities that received an answer in the past month. One
    query."""
    access = access_for(user)
    if access.person is None or not access.community_roles:
        return []
    now = now or timezone.now()
    rows = (
        SignalResponse.objects.filter(
            signal__community_id__in=list(access.community_roles),
            created_at__gte=now - datetime.timedelta(days=ANSWER_DAYS),
        )
        .values("signal_id", "signal__title", "signal__community__name")
        .annotate(n=Count("pk"), latest=Max("created_at"))
        .order_by("-latest", "signal_id")[:ANSWERED_SIGNALS]
    )
    return [
        Task(
            text=ngettext(
                "Nieuw antwoord op het signaal ‘%(title)s’",
                "%(count)s nieuwe antwoorden op het signaal ‘%(title)s’",
                row["n"],
            )
            % {"count": row["n"], "title": row["signal__title"]},
            url=reverse("signalling:signal_detail", args=[row["signal_id"]]),
            urgency=Urgency.NEWS,
            when=row["latest"],
            where=row["signal__community__name"],
        )
        for row in rows
    ]


def _programmes(ids: set[int]) -> list[Programme]:
    if not ids:
        return []
    return list(
        Programme.objects.filter(pk__in=ids).select_related("rule_profile").order_by("name")
    )


def coordinator_tasks(user, *, now: datetime.datetime | None = None) -> list[Task]:
    """Per coordinated programme: signals waiting for feedback past the deadline (the venster's
    own definition) and new signals not yet triaged. One query per programme."""
    now = now or timezone.now()
    tasks = []
    for programme in _programmes(access_for(user).programmes_with(COORDINATOR)):
        counts = (
            Signal.objects.filter(community__programme=programme)
            .exclude(state=Signal.State.DRAFT)
            .aggregate(
                waiting=Count("pk", filter=venster_waiting_q(programme, now=now)),
                new=Count("pk", filter=Q(state=Signal.State.NEW)),
            )
        )
        venster = reverse("signalling:venster", args=[programme.slug])
        if counts["waiting"]:
            tasks.append(
                Task(
                    text=ngettext(
                        "%(count)s signaal wacht langer dan de termijn op terugkoppeling",
                        "%(count)s signalen wachten langer dan de termijn op terugkoppeling",
                        counts["waiting"],
                    )
                    % {"count": counts["waiting"]},
                    url=f"{venster}?waiting=on",
                    urgency=Urgency.OVERDUE,
                    where=programme.name,
                )
            )
        if counts["new"]:
            tasks.append(
                Task(
                    text=ngettext(
                        "%(count)s nieuw signaal om te beoordelen",
                        "%(count)s nieuwe signalen om te beoordelen",
                        counts["new"],
                    )
                    % {"count": counts["new"]},
                    url=f"{venster}?state={Signal.State.NEW}",
                    urgency=Urgency.WAITING,
                    where=programme.name,
                )
            )
    return tasks


def system_partner_tasks(user) -> list[Task]:
    """Per programme where the person is a system partner: signals escalated to the system
    level that have no answer from it yet. One query per programme."""
    tasks = []
    for programme in _programmes(access_for(user).programmes_with(SYSTEM_PARTNER)):
        waiting = (
            system_inbox(programme=programme)
            .filter(answered=False, state=Signal.State.ESCALATED_SYSTEM)
            .count()
        )
        if waiting:
            tasks.append(
                Task(
                    text=ngettext(
                        "%(count)s signaal wacht op je antwoord",
                        "%(count)s signalen wachten op je antwoord",
                        waiting,
                    )
                    % {"count": waiting},
                    url=reverse("signalling:system_inbox", args=[programme.slug]),
                    urgency=Urgency.WAITING,
                    where=programme.name,
                )
            )
    return tasks
