"""Whether the evaluation may observe a meeting. The community decides: it invites
evaluators of its programme as observers, or opens the meeting to all of them. Only then
does an evaluator open an observation form for it (evaluation/permissions.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Person
from leerkring.core.audit import audit
from leerkring.meetings.models import Meeting


def programme_evaluators(meeting: Meeting) -> list[Person]:
    """The evaluators of the meeting's programme, who can be invited as observer."""
    return list(
        Person.objects.filter(
            programme_roles__programme_id=meeting.community.programme_id,
            programme_roles__role=ProgrammeRole.Role.EVALUATOR,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


@transaction.atomic
def meeting_observation_set(
    *, meeting: Meeting, by: Any, open_to_observation: bool, observers: list[Person]
) -> Meeting:
    allowed = {person.pk for person in programme_evaluators(meeting)}
    if any(person.pk not in allowed for person in observers):
        raise ValidationError(
            {"observers": _("Kies alleen onderzoekers van dit programma als observator.")}
        )
    meeting.open_to_observation = open_to_observation
    meeting.save(update_fields=["open_to_observation"])
    meeting.observers.set(observers)
    audit(
        actor=by,
        verb="meeting.observation",
        obj=meeting,
        community_id=meeting.community_id,
        open=open_to_observation,
        observers=len(observers),
    )
    return meeting
