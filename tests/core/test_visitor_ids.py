"""Ids a visitor sends in a link or a form are read by one rule (`core.id_lists.as_key`): a
superscript digit or a number larger than any key finds nothing, where `int` gave an error
page (or `str.isdigit` took "١" for 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from leerkring.signalling.excel.checking import _number
from tests import factories

ODD = ["²", "١", "9" * 30, "-1", ""]


@pytest.mark.parametrize("value", ODD)
def test_planning_the_next_session_after_an_odd_id_starts_an_empty_plan(client, world, value):
    event = factories.EventFactory(programme=world.programme, title="Maandelijkse kennissessie")
    client.force_login(world.coordinator)
    url = reverse("events:event_create", args=[world.programme.slug])
    response = client.get(url, {"after": value})
    assert response.status_code == 200
    assert response.context["form"].initial.get("title") != event.title
    # The same page with the real id plans the next one.
    planned = client.get(url, {"after": str(event.pk)}).context["form"].initial
    assert planned["title"] == event.title


@pytest.mark.parametrize("value", ODD)
def test_a_joint_session_with_an_odd_partner_id_suggests_none(client, world, value):
    client.force_login(world.lead)
    url = reverse("events:joint_session_create", args=[world.community.pk])
    response = client.get(url, {"with": [value, str(world.sibling.pk)]})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_adding_a_question_with_an_odd_section_id_chooses_none(client, world, value):
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    client.force_login(world.evaluator)
    url = reverse("surveys:question_add", args=[questionnaire.pk])
    response = client.get(url, {"section": value})
    assert response.status_code == 200
    assert "section" not in response.context["form"].initial


@pytest.mark.parametrize(("text", "number"), [("12", 12), ("12.0", 12), (" 7 ", 7)])
def test_a_signal_number_in_a_returned_venster_is_read(text, number):
    assert _number(text) == number


@pytest.mark.parametrize("text", ODD)
def test_an_odd_signal_number_in_a_returned_venster_is_none(text):
    assert _number(text) is None
