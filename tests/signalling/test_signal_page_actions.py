"""The coordinator's action panel on the signal page (issue 13): first the choice, then only
the chosen action's form — `?actie=<key>` without JavaScript, the same block through htmx — and
a refused step comes back with its own form open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from leerkring.signalling.models import Signal

from .helpers import signal_in_state

pytestmark = pytest.mark.django_db

State = Signal.State
# What the coordinator may do with a signal in progress, in the panel's order.
IN_PROGRESS_ACTIONS = [
    "known",
    "back",
    "escalate",
    "resolve",
    "no-follow-up",
    "respond",
    "owner",
    "theme",
    "redact",
]


def _action_forms(page: str, signal: Signal) -> list[str]:
    """The actions whose forms stand on the page."""
    prefix = re.escape(f"/signals/{signal.pk}/actions/")
    return re.findall(rf'<form method="post" action="{prefix}([\w-]+)/', page)


def _page(client, signal: Signal, **query) -> str:
    response = client.get(reverse("signalling:signal_detail", args=[signal.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_first_offers_the_choice_without_any_form(client, world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    client.force_login(world.coordinator)
    page = _page(client, signal)
    assert _action_forms(page, signal) == []
    offered = re.findall(rf"/signals/{signal.pk}/\?actie=([\w-]+)#behandelen", page)
    assert offered == IN_PROGRESS_ACTIONS


@pytest.mark.parametrize("action", IN_PROGRESS_ACTIONS)
def test_choosing_an_action_shows_only_its_form(client, world, action):
    signal = signal_in_state(world, State.IN_PROGRESS)
    client.force_login(world.coordinator)
    page = _page(client, signal, actie=action)
    assert _action_forms(page, signal) == [action]
    assert "Andere actie kiezen" in page


def test_an_action_not_offered_in_this_state_shows_the_choice(client, world):
    signal = signal_in_state(world, State.RESOLVED)
    client.force_login(world.coordinator)
    for action in ("escalate", "bogus"):
        assert _action_forms(_page(client, signal, actie=action), signal) == []


def test_a_refused_step_keeps_its_form_open_with_the_error(client, world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    client.force_login(world.coordinator)
    url = reverse("signalling:signal_action", args=[signal.pk, "resolve"])
    response = client.post(url, {"resolve-answer": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert _action_forms(page, signal) == ["resolve"]
    assert 'id="action-resolve"' in page
    assert 'aria-invalid="true"' in page
    signal.refresh_from_db()
    assert signal.state == State.IN_PROGRESS


def test_each_chosen_form_still_does_its_step(client, world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    client.force_login(world.coordinator)
    page = _page(client, signal, actie="escalate")
    (action,) = _action_forms(page, signal)
    url = reverse("signalling:signal_action", args=[signal.pk, action])
    response = client.post(url, {"escalate-level": "lcc", "escalate-question": "Wat nu?"})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.state == State.ESCALATED_LCC


def test_htmx_swaps_only_the_panel(client, world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    client.force_login(world.coordinator)
    response = client.get(
        reverse("signalling:signal_detail", args=[signal.pk]),
        {"actie": "respond"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="signal-actions"')
    assert "<html" not in page
    assert _action_forms(page, signal) == ["respond"]


@pytest.mark.parametrize("visitor", ["lead", "system_partner"])
def test_who_may_not_act_gets_no_panel_whatever_the_query(client, world, visitor):
    signal = signal_in_state(world, State.ESCALATED_SYSTEM)
    client.force_login(getattr(world, visitor))
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(
            reverse("signalling:signal_detail", args=[signal.pk]), {"actie": "resolve"}, **headers
        )
        if response.status_code == 200:
            page = response.content.decode()
            assert 'id="signal-actions"' not in page
            assert _action_forms(page, signal) == []
        else:
            assert response.status_code in (403, 404)


def test_a_member_of_another_community_cannot_open_the_panel(client, world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    client.force_login(world.sibling_member)
    response = client.get(
        reverse("signalling:signal_detail", args=[signal.pk]), {"actie": "resolve"}
    )
    assert response.status_code == 403
