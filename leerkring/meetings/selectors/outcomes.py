"""Reads for what meetings yield: lessons, agreements with their history, signals, and the
minutes export."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Membership
from leerkring.meetings import permissions as meeting_permissions
from leerkring.meetings.models import Agreement, AgreementStatusChange, Attendance, Lesson, Meeting
from leerkring.signalling.models import Signal

from .planning import meeting_agenda


def _status_history() -> Prefetch:
    return Prefetch(
        "status_changes",
        queryset=AgreementStatusChange.objects.select_related("changed_by__person").order_by(
            "changed_at", "pk"
        ),
    )


def agreements_with_history() -> QuerySet[Agreement]:
    """Agreements with their owner and status history, for lists that show both."""
    return Agreement.objects.select_related(
        "owner__person", "owner__organisation"
    ).prefetch_related(_status_history())


def _mark_agreements(agreements: list[Agreement], user, today: datetime.date) -> list[Agreement]:
    """Overdue: still open past its due date (issue §4, "overdue ones marked")."""
    for agreement in agreements:
        agreement.is_overdue = bool(
            agreement.status == Agreement.Status.OPEN
            and agreement.due_date
            and agreement.due_date < today
        )
        agreement.can_change_status = meeting_permissions.can_change_agreement_status(
            user, agreement
        )
    return agreements


def meeting_outcomes(*, meeting: Meeting) -> dict:
    """Lessons, agreements (with history) and signals of one meeting: four queries."""
    agreements = list(
        agreements_with_history().filter(meeting=meeting).order_by("created_at", "pk")
    )
    for agreement in agreements:
        agreement.community = meeting.community
    return {
        "lessons": list(Lesson.objects.filter(meeting=meeting).order_by("created_at", "pk")),
        "agreements": agreements,
        "signals": list(Signal.objects.filter(meeting=meeting).order_by("created_at", "pk")),
    }


def meeting_outcomes_context(*, meeting: Meeting, user) -> dict:
    """What the partials `meeting_outcomes.html` and `meeting_minutes.html` need on the
    meeting page (members only; the page checks `can_view_meeting`)."""
    outcomes = meeting_outcomes(meeting=meeting)
    _mark_agreements(outcomes["agreements"], user, timezone.localdate())
    return {
        "outcomes": outcomes,
        "can_record_outcomes": meeting_permissions.can_record_outcomes(user, meeting),
        "can_edit_minutes": meeting_permissions.can_edit_minutes(user, meeting),
        "agreement_status_choices": Agreement.Status.choices,
    }


@dataclass
class CommunityAgreements:
    community: Community
    agreements: list[Agreement]

    @property
    def open_count(self) -> int:
        return sum(1 for a in self.agreements if a.status == Agreement.Status.OPEN)

    @property
    def overdue_count(self) -> int:
        return sum(1 for a in self.agreements if a.is_overdue)


def agreements_of_user(*, user) -> list[CommunityAgreements]:
    """For "my agreements": what the user took on in each community they are a member of now,
    open ones first (by due date), grouped by community. Two queries beyond the user's
    access (the agreements and their histories), however many there are."""
    person = community_permissions.access_for(user).person
    if person is None:
        return []
    agreements = list(
        agreements_with_history()
        .filter(owner__person=person, owner__in=Membership.objects.active())
        .select_related("community", "meeting")
        .order_by(
            "community__name",
            "community_id",
            F("due_date").asc(nulls_last=True),
            "pk",
        )
    )
    _mark_agreements(agreements, user, timezone.localdate())
    groups: dict[int, CommunityAgreements] = {}
    for agreement in agreements:
        group = groups.setdefault(
            agreement.community_id, CommunityAgreements(agreement.community, [])
        )
        group.agreements.append(agreement)
    for group in groups.values():
        # Open first; the sort is stable, so each part keeps the due-date order.
        group.agreements.sort(key=lambda a: a.status != Agreement.Status.OPEN)
    return list(groups.values())


def minutes_export_context(*, meeting: Meeting, user) -> dict:
    """Everything the DOCX and PDF minutes show. The agenda follows the meeting page's rule
    (`meeting_agenda`): a member who cannot see an unpublished agenda on the page does not get
    it in a download either."""
    present = meeting.attendances.filter(status=Attendance.Status.PRESENT).count()
    guests_present = meeting.guests.filter(present=True).count()
    outcomes = meeting_outcomes(meeting=meeting)
    agenda = meeting_agenda(
        meeting=meeting, can_edit=meeting_permissions.can_edit_agenda(user, meeting)
    )
    return {
        "meeting": meeting,
        "community": meeting.community,
        "present_count": present + guests_present,
        "agenda_visible": agenda.visible,
        "agenda_items": agenda.items,
        **outcomes,
    }
