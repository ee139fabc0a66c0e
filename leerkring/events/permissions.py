"""Who may see, plan, register for and wrap up programme events.

- An event is for its audience: the programme's members (anyone in one of its communities,
  its coordinators and evaluators), only its leads and facilitators, or anyone — the last only
  through the public page once it is announced.
- Coordinators plan events for their programme. Leads and facilitators of a community plan a
  joint session with other communities; each community's lead or facilitator agrees for it.
- The organisers — the programme's coordinators, and for a joint session the leads and
  facilitators of the communities that agreed — see who registered and record attendance.
  Registrants' addresses are never shown to anyone.
- An event open to anyone that leads planned goes public only after a coordinator other than
  the one who asked approves it (four eyes).
"""

from __future__ import annotations

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES, Community, Programme
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, access_for

from .models import Event

GUIDE_ROLES = LEAD_ROLES | FACILITATOR_ROLES


def is_coordinator(user, programme_id: int) -> bool:
    return access_for(user).has_programme_role(programme_id, COORDINATOR)


def guided_community_ids(user, programme_id: int | None = None) -> set[int]:
    """Communities where the user is lead or facilitator (of one programme, if given)."""
    guided = {pk for pk, role in access_for(user).community_roles.items() if role in GUIDE_ROLES}
    if programme_id is None or not guided:
        return guided
    return set(
        Community.objects.filter(pk__in=guided, programme_id=programme_id).values_list(
            "pk", flat=True
        )
    )


def is_programme_member(user, programme_id: int) -> bool:
    """In a community of the programme, or its coordinator or evaluator. System partners see
    escalated signals only (DESIGN.md §2), not the programme's events."""
    access = access_for(user)
    if access.has_programme_role(programme_id, COORDINATOR, EVALUATOR):
        return True
    if not access.community_roles:
        return False
    return Community.objects.filter(
        pk__in=access.community_roles, programme_id=programme_id
    ).exists()


def is_programme_guide(user, programme_id: int) -> bool:
    return bool(guided_community_ids(user, programme_id))


def is_organiser(user, event: Event) -> bool:
    if is_coordinator(user, event.programme_id):
        return True
    if not event.is_joint:
        return False
    guided = guided_community_ids(user)
    if not guided:
        return False
    return event.organisers.filter(community_id__in=guided, accepted_at__isnull=False).exists()


def is_invited_organiser(user, event: Event) -> bool:
    """A lead or facilitator of any community named on a joint session, agreed or not."""
    guided = guided_community_ids(user)
    return bool(guided) and event.organisers.filter(community_id__in=guided).exists()


def in_audience(user, event: Event) -> bool:
    if event.audience == Event.Audience.GUIDES:
        return is_programme_guide(user, event.programme_id) or is_coordinator(
            user, event.programme_id
        )
    return is_programme_member(user, event.programme_id)


def can_view_event(user, event: Event) -> bool:
    """The members' page of an event. Drafts are for their organisers (and the communities
    invited to a joint session); announced events for their audience."""
    if is_organiser(user, event) or (event.is_joint and is_invited_organiser(user, event)):
        return True
    if event.status not in (Event.Status.PUBLISHED, Event.Status.CANCELLED):
        return False
    return in_audience(user, event)


def can_view_events(user, programme: Programme) -> bool:
    return is_programme_member(user, programme.pk)


def can_create_event(user, programme: Programme) -> bool:
    return is_coordinator(user, programme.pk)


def can_propose_joint_session(user, community: Community) -> bool:
    return community_permissions.is_lead(user, community) or community_permissions.is_facilitator(
        user, community
    )


def can_manage_event(user, event: Event) -> bool:
    return is_organiser(user, event)


def can_answer_for(user, community: Community) -> bool:
    """Agreeing (or not) to a joint session is for the community's lead or facilitator."""
    return can_propose_joint_session(user, community)


def can_approve_event(user, event: Event) -> bool:
    if not is_coordinator(user, event.programme_id):
        return False
    return event.submitted_by_id is None or event.submitted_by_id != getattr(user, "pk", None)


def can_register(user, event: Event) -> bool:
    """A signed-in member of the audience, with a person to register."""
    return (
        access_for(user).person is not None
        and event.status == Event.Status.PUBLISHED
        and in_audience(user, event)
    )
