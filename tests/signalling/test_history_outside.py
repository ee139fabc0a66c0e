"""Outside the raising community a signal names the community, never a person; notes in its
history are internal to the programme's coordinators, and the forms say so."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from leerkring.communities.models import Membership
from leerkring.signalling import lifecycle
from tests import factories
from tests.signalling.helpers import raise_signal

pytestmark = pytest.mark.django_db

NOTE = "Lijkt op het hoofdvraagstuk ontheffingen."


@pytest.fixture
def passed_on(world):
    signal = raise_signal(world, title="Wachttijd taalschool")
    lifecycle.signal_pass_on(signal=signal, by=world.participant, guard_confirmed=True)
    lifecycle.signal_triage(signal=signal, by=world.coordinator, note=NOTE)
    return signal


def page(client, user, signal) -> str:
    client.force_login(user)
    response = client.get(reverse("signalling:signal_detail", args=[signal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_leads_of_other_communities_see_the_community_not_the_person(client, world, passed_on):
    other_lead = factories.MembershipFactory(
        community=world.sibling, role=Membership.Role.LEAD
    ).person.user
    html = page(client, other_lead, passed_on)
    raiser = world.participant_m.person.full_name
    assert raiser not in html
    assert world.community.name in html
    assert world.coordinator.person.full_name not in html.split("Geschiedenis")[-1]
    assert "Het coördinatiepunt" in html


def test_coordinators_see_the_community_and_internal_notes(client, world, passed_on):
    html = page(client, world.coordinator, passed_on)
    assert world.participant_m.person.full_name not in html
    assert NOTE in html and "interne notitie" in html


def test_the_community_sees_who_of_them_acted_but_not_internal_notes(client, world, passed_on):
    html = page(client, world.lead, passed_on)
    assert world.participant_m.person.full_name in html
    assert NOTE not in html
    assert "Met een interne notitie van het coördinatiepunt." in html


def test_every_text_field_says_whether_it_is_internal_or_for_the_community(
    client, world, passed_on
):
    # The action panel shows one action's form at a time: walk them all.
    client.force_login(world.coordinator)
    url = reverse("signalling:signal_detail", args=[passed_on.pk])
    actions = re.findall(r"\?actie=([\w-]+)#", client.get(url).content.decode())
    html = "".join(client.get(url, {"actie": a}).content.decode() for a in actions)
    assert "Interne notitie: alleen de coördinatoren van het programma zien dit" in html
    assert "Bericht aan de gemeenschap" in html
