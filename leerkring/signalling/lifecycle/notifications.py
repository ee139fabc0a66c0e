"""E-mails about signals, put in the outbox in the transaction of the change: an answer to the
communities that raised the signals, a passed-on signal to the coordinators, an escalation to
the system partners. A rolled-back change sends nothing; a committed one cannot lose its mail."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES, Membership, Programme
from leerkring.core.emails import email_build
from leerkring.outbox.services import emails_queue
from leerkring.signalling.models import Escalation, Signal, SignalResponse


def _signal_url(signal: Signal) -> str:
    return settings.SITE_URL + reverse("signalling:signal_detail", args=[signal.pk])


def guidance_emails(community_ids: Iterable[int]) -> dict[int, list[str]]:
    """The e-mail addresses of each community's lead(s) and facilitator(s)."""
    roles = set(LEAD_ROLES) | set(FACILITATOR_ROLES)
    result: dict[int, list[str]] = {}
    rows = (
        Membership.objects.active()
        .filter(community_id__in=list(community_ids), role__in=roles)
        .exclude(person__email__isnull=True)
        .exclude(person__email="")
        .values_list("community_id", "person__email")
        .order_by("community_id", "person__email")
    )
    for community_id, email in rows:
        if email not in result.setdefault(community_id, []):
            result[community_id].append(email)
    return result


def programme_role_emails(programme: Programme | int, role: str) -> list[str]:
    programme_id = programme if isinstance(programme, int) else programme.pk
    return sorted(
        set(
            ProgrammeRole.objects.filter(programme_id=programme_id, role=role)
            .exclude(person__email__isnull=True)
            .exclude(person__email="")
            .values_list("person__email", flat=True)
        )
    )


def notify_answer(signals: list[Signal], response: SignalResponse) -> None:
    """Every answer reaches the lead and facilitator of each community that raised one of the
    signals (issue §4) — one message per community, never to another community."""
    by_community: dict[int, list[Signal]] = {}
    for signal in signals:
        by_community.setdefault(signal.community_id, []).append(signal)
    recipients = guidance_emails(by_community)
    messages = []
    for community_id, community_signals in by_community.items():
        to = recipients.get(community_id)
        if not to:
            continue
        community = community_signals[0].community
        messages.append(
            email_build(
                template="signalling/email/answer",
                context={
                    "community": community,
                    "signals": [(s, _signal_url(s)) for s in community_signals],
                    "response": response,
                },
                subject=_("Antwoord op een signaal van %(community)s")
                % {"community": community.name},
                to=to,
            )
        )
    emails_queue(messages, kind="signalling.answer", scope=response)


def notify_passed_on(signal: Signal) -> None:
    to = programme_role_emails(signal.community.programme_id, ProgrammeRole.Role.COORDINATOR)
    if to:
        emails_queue(
            [
                email_build(
                    template="signalling/email/passed_on",
                    context={"signal": signal, "url": _signal_url(signal)},
                    subject=_("Nieuw signaal van %(community)s")
                    % {"community": signal.community.name},
                    to=to,
                )
            ],
            kind="signalling.passed_on",
            scope=signal,
        )


def notify_escalated_system(signal: Signal, escalation: Escalation) -> None:
    """System partners get the signal's text and the question — no names (DESIGN.md §2)."""
    to = programme_role_emails(signal.community.programme_id, ProgrammeRole.Role.SYSTEM_PARTNER)
    if to:
        emails_queue(
            [
                email_build(
                    template="signalling/email/escalated_system",
                    context={
                        "signal": signal,
                        "escalation": escalation,
                        "url": _signal_url(signal),
                    },
                    subject=_("Signaal opgeschaald naar stelselniveau: %(title)s")
                    % {"title": signal.title},
                    to=to,
                )
            ],
            kind="signalling.escalated_system",
            scope=signal,
        )
