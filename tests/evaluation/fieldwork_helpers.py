"""A meeting held yesterday with everything the observation form pre-fills: attendance of
members from three organisations, an agenda with work forms, topics, perspective and who led
each item, guests, and signals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from leerkring.communities.models import Membership, Organisation
from leerkring.meetings.models import AgendaItem, Attendance, Guest, Meeting, WorkForm
from tests import factories


def yesterday_noon() -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )


def held_meeting(community, **kwargs) -> Meeting:
    return factories.MeetingFactory(
        community=community, starts_at=yesterday_noon(), status=Meeting.Status.HELD, **kwargs
    )


@dataclass
class ObservedMeeting:
    meeting: Meeting
    present: Membership


def observed_meeting(community, *, open_to_observation: bool = True) -> ObservedMeeting:
    """`open_to_observation`: the community let the programme's evaluators in."""
    gemeente = factories.OrganisationFactory(name="Gemeente Aalten")
    coa = factories.OrganisationFactory(name="COA Winterswijk", type=Organisation.Type.COA)
    school = factories.OrganisationFactory(name="Taalschool Oost")
    meeting = held_meeting(community, open_to_observation=open_to_observation)
    day = timezone.localtime(meeting.starts_at).date()

    def member(organisation, **kwargs):
        return factories.MembershipFactory(
            community=community,
            person__organisation=organisation,
            organisation=organisation,
            joined_on=day - datetime.timedelta(days=60),
            **kwargs,
        )

    gemeente_present = member(gemeente, person__full_name="Anna Jansen")
    gemeente_absent = member(gemeente)
    coa_present = member(coa)
    school_excused = member(school)
    # Not members on the day: one joined after, one left before.
    factories.MembershipFactory(community=community, joined_on=day + datetime.timedelta(days=1))
    factories.MembershipFactory(
        community=community,
        joined_on=day - datetime.timedelta(days=90),
        left_on=day - datetime.timedelta(days=10),
    )
    for membership, status in [
        (gemeente_present, Attendance.Status.PRESENT),
        (gemeente_absent, Attendance.Status.ABSENT),
        (coa_present, Attendance.Status.PRESENT),
        (school_excused, Attendance.Status.EXCUSED),
    ]:
        Attendance.objects.create(meeting=meeting, membership=membership, status=status)

    case = WorkForm.objects.get(programme=None, key="case_discussion")
    groups = WorkForm.objects.get(programme=None, key="group_discussion")
    AgendaItem.objects.create(
        meeting=meeting,
        position=0,
        title="Kennismaking",
        work_form=groups,
        topic_category="cooperation",
        subtopic="Regievoering",
        minutes=30,
        led_by="De communitytrekker",
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title="Casus wachttijden",
        work_form=case,
        topic_category="procedures",
        subtopic="Wachttijden",
        minutes=45,
        led_by="De procesbegeleider",
        perspective=AgendaItem.Perspective.STORY,
    )
    AgendaItem.objects.create(meeting=meeting, position=2, title="Afsluiting", minutes=15)
    Guest.objects.create(meeting=meeting, name="Dr. Expert", role=Guest.Role.EXPERT)
    Guest.objects.create(meeting=meeting, name="Samira", role=Guest.Role.INBURGERAAR)
    Guest.objects.create(
        meeting=meeting, name="Afwezige gast", role=Guest.Role.GUEST, present=False
    )
    factories.SignalFactory(
        community=community, meeting=meeting, title="Wachttijd taalschool", passed=True
    )
    factories.SignalFactory(community=community, meeting=meeting, title="Binnenskamers")
    return ObservedMeeting(meeting=meeting, present=gemeente_present)
