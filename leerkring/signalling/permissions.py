"""Who may see or do what with signals, themes, the venster and the coordination meeting.

Signals leave the closed room only when the lead or facilitator passes them on (DESIGN.md §2):
- a draft is visible to the members of its community only;
- the venster (all passed-on signals of a programme) is for its coordinators, and read-only
  for the leads and facilitators of its communities, as the report describes (§3.2.4);
- system partners see only signals escalated to the system level, with their theme, region and
  dates — never people's names, never minutes — and answer them;
- a community always sees its own signals and every answer to them.
"""

from __future__ import annotations

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import COORDINATOR, SYSTEM_PARTNER, access_for

from .models import Escalation, Signal


def is_signal_coordinator(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, COORDINATOR)


def can_view_venster(user, programme: Programme) -> bool:
    """Coordinators work in it; leads and facilitators of the programme's communities consult it
    to see whether their signal was picked up or is already known."""
    if is_signal_coordinator(user, programme):
        return True
    access = access_for(user)
    guidance = {c for c, role in access.community_roles.items() if role != "participant"}
    if not guidance:
        return False
    return Community.objects.filter(pk__in=guidance, programme=programme).exists()


def can_manage_venster(user, programme: Programme) -> bool:
    """Triage, themes, top five, escalation, import and export."""
    return is_signal_coordinator(user, programme)


def can_raise_signal(user, community: Community) -> bool:
    """Any member raises a signal in their community; a coordinator may on its behalf."""
    return community_permissions.is_member(user, community) or is_signal_coordinator(
        user, community.programme
    )


def can_pass_on_signal(user, signal: Signal) -> bool:
    """Only the lead or facilitator lets a signal leave the closed community."""
    community = signal.community
    return community_permissions.is_lead(user, community) or community_permissions.is_facilitator(
        user, community
    )


def can_edit_draft(user, signal: Signal) -> bool:
    return signal.state == Signal.State.DRAFT and (
        can_pass_on_signal(user, signal) or signal.created_by_id == getattr(user, "pk", None)
    )


def can_view_signal(user, signal: Signal) -> bool:
    community = signal.community
    if community_permissions.is_member(user, community):
        return True
    if signal.state == Signal.State.DRAFT:
        return False
    return can_view_venster(user, community.programme)


def can_view_signal_history(user, signal: Signal) -> bool:
    """The audit history; not for system partners. Who sees names and notes in it is
    decided per entry (`can_see_names_in_history`, `can_read_internal_notes`)."""
    return can_view_signal(user, signal)


def can_see_names_in_history(user, signal: Signal) -> bool:
    """Only the raising community's members see who of them acted: outside the community a
    signal names the community, never a person (DESIGN.md §2)."""
    return community_permissions.is_member(user, signal.community)


def can_read_internal_notes(user, signal: Signal) -> bool:
    """Notes in the history are internal: for the programme's coordinators only. What the
    community is told travels as an answer (terugkoppeling), never as a note."""
    return access_for(user).has_programme_role(signal.community.programme_id, COORDINATOR)


def can_view_escalated_signal(user, signal: Signal) -> bool:
    """System partners see a signal only while, or after, it was escalated to the system level."""
    if not access_for(user).has_programme_role(signal.community.programme_id, SYSTEM_PARTNER):
        return False
    return signal.escalations.filter(level=Escalation.Level.SYSTEM).exists()


def can_answer_as_system_partner(user, signal: Signal) -> bool:
    return can_view_escalated_signal(user, signal)


def can_view_system_inbox(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, SYSTEM_PARTNER)


# --- Similar signals and Excel import/export ----------------------------------------------


def can_suggest_similar(user, programme: Programme, community: Community | None = None) -> bool:
    """Look-alikes are shown to whoever may see some signals of the programme: those who
    consult the venster, and members (who then see only their own communities' signals)."""
    if community is not None and community.programme_id != programme.pk:
        return False
    if can_view_venster(user, programme):
        return True
    member_of = access_for(user).community_roles
    if community is not None:
        return community.pk in member_of
    return Community.objects.filter(pk__in=list(member_of), programme=programme).exists()


def can_import_signals(user, programme: Programme) -> bool:
    """An existing venster sheet is loaded by the programme's coordinators only."""
    return can_manage_venster(user, programme)


def can_export_venster(user, programme: Programme) -> bool:
    """A spreadsheet travels further than a page: like the import, for coordinators only
    (`can_manage_venster`)."""
    return can_manage_venster(user, programme)
