"""What programme events add to pages they do not own (see `leerkring.core.panels`):

- the home page: upcoming events meant for this person, with their registration;
- a programme's public page: upcoming events open to anyone;
- the community page (order 400): "who else works on this?" — communities of the programme on
  the same topics and what they shared — with joint sessions to answer or propose;
- the personal calendar feed: the events one has a seat at.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from leerkring.communities.models import Community, Person, Programme
from leerkring.dissemination import permissions as dissemination_permissions

from . import ical, permissions, selectors
from .models import Registration
from .services.mail import absolute


def home_panel(user: Any, _user: Any) -> dict[str, Any] | None:
    entries = selectors.events_upcoming_for(user)
    if not entries:
        return None
    return {"entries": entries}


def public_panel(programme: Programme, user: Any) -> dict[str, Any] | None:
    return {"events": selectors.public_events(programme=programme), "programme": programme}


def linked_panel(community: Community, user: Any) -> dict[str, Any] | None:
    """For whoever reads what the programme's communities share (the knowledge view's rule)."""
    if not dissemination_permissions.is_programme_reader(user, community.programme):
        return None
    can_propose = permissions.can_propose_joint_session(user, community)
    return {
        "linked": selectors.linked_communities(community=community),
        "can_propose": can_propose,
        "invitations": selectors.pending_joint_sessions(community=community) if can_propose else [],
    }


def feed_events(person: Person) -> list:
    """VEVENTs of the events this person has a seat at (or had, before it was cancelled)."""
    registrations = Registration.objects.filter(
        person=person, status=Registration.Status.CONFIRMED
    ).select_related("event__programme")
    return [
        ical.event_vevent(
            registration.event,
            url=absolute(reverse("events:event", args=[registration.event_id])),
        )
        for registration in registrations
    ]
