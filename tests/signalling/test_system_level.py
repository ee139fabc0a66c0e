"""The system level: system partners see only escalated signals — no names, no minutes — and
their answer goes back to the community as feedback."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.signalling import lifecycle
from leerkring.signalling.models import Escalation, Signal, SignalResponse
from tests.factories import MeetingFactory, SignalFactory, SignalThemeFactory
from tests.signalling.helpers import signal_in_state

State = Signal.State
RAISER = "Fatima Indiener"
LEAD = "Kees Doorgever"
COORDINATOR = "Carla Coördinator"
MINUTES = "Vertrouwelijk verslag: mevrouw Jansen vertelde over haar casus."


@pytest.fixture
def named(world):
    for membership, name in [(world.participant_m, RAISER), (world.lead_m, LEAD)]:
        membership.person.full_name = name
        membership.person.save()
    person = world.coordinator.person
    person.full_name = COORDINATOR
    person.save()
    return world


def _escalated(world, **fields) -> Signal:
    meeting = MeetingFactory(community=world.community, minutes=MINUTES)
    signal = signal_in_state(world, State.ESCALATED_SYSTEM, meeting=meeting, **fields)
    lifecycle.signal_set_owner(signal=signal, by=world.coordinator, owner=world.coordinator)
    return signal


def test_the_inbox_lists_only_escalated_signals_of_the_programme(client, named):
    escalated = _escalated(named, title="Termijn te kort")
    signal_in_state(named, State.ESCALATED_LCC, title="Alleen naar het LCC")
    signal_in_state(named, State.IN_PROGRESS, title="In behandeling")
    SignalFactory(community=named.foreign, passed=True, title="Ander programma")
    client.force_login(named.system_partner)
    response = client.get(reverse("signalling:system_inbox", args=[named.programme.slug]))
    assert response.status_code == 200
    assert escalated.title in response.text
    assert "Alleen naar het LCC" not in response.text
    assert "In behandeling" not in response.text
    assert "Ander programma" not in response.text


def test_pages_show_no_names_and_no_minutes(client, named):
    signal = _escalated(named, title="Termijn te kort")
    lifecycle.signal_respond(
        signal=signal, by=named.coordinator, text="Wij vragen het na.", source="coordinator"
    )
    client.force_login(named.system_partner)
    pages = [
        client.get(reverse("signalling:system_inbox", args=[named.programme.slug])).text,
        client.get(reverse("signalling:system_signal", args=[signal.pk])).text,
    ]
    for html in pages:
        assert "Termijn te kort" in html
        for name in (RAISER, LEAD, COORDINATOR, named.community.name):
            assert name not in html
        assert "Vertrouwelijk verslag" not in html


def test_the_answer_page_shows_region_theme_question_and_earlier_answers(client, named):
    theme = SignalThemeFactory(programme=named.programme, title="Wachttijden")
    signal = _escalated(named)
    lifecycle.signal_set_theme(signal=signal, by=named.coordinator, theme=theme)
    lifecycle.signal_respond(
        signal=signal, by=named.coordinator, text="Eerder antwoord", source="coordinator"
    )
    client.force_login(named.system_partner)
    html = client.get(reverse("signalling:system_signal", args=[signal.pk])).text
    assert named.community.region in html
    assert "Wachttijden" in html
    assert "Kan de wet anders?" in html
    assert "Eerder antwoord" in html


def test_a_system_partner_answers_and_the_community_gets_it(
    client, named, django_capture_on_commit_callbacks
):
    from django.core import mail

    signal = _escalated(named)
    client.force_login(named.system_partner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signalling:system_signal", args=[signal.pk]),
            {"text": "De termijn wordt in de wet verlengd."},
        )
    assert response.status_code == 302
    answer = SignalResponse.objects.get(signal=signal)
    assert answer.source == SignalResponse.Source.SYSTEM
    assert answer.escalation == Escalation.objects.get(signal=signal, level="system")
    signal.refresh_from_db()
    assert signal.last_feedback_at is not None
    assert any(named.lead_m.person.email in m.to for m in mail.outbox)


def test_an_empty_answer_is_refused_next_to_the_field(client, named):
    signal = _escalated(named)
    client.force_login(named.system_partner)
    response = client.post(reverse("signalling:system_signal", args=[signal.pk]), {"text": " "})
    assert response.status_code == 200
    assert 'id="id_text_error"' in response.text
    assert not SignalResponse.objects.filter(signal=signal).exists()


@pytest.mark.parametrize(
    "state", [State.NEW, State.IN_PROGRESS, State.ESCALATED_LCC, State.RESOLVED]
)
def test_a_system_partner_asking_for_a_non_escalated_signal_gets_404(client, world, state):
    signal = signal_in_state(world, state)
    client.force_login(world.system_partner)
    assert client.get(reverse("signalling:system_signal", args=[signal.pk])).status_code == 404
    response = client.post(reverse("signalling:system_signal", args=[signal.pk]), {"text": "X"})
    assert response.status_code == 404
    assert not SignalResponse.objects.filter(signal=signal, source="system").exists()


def test_a_signal_that_came_back_down_stays_readable_for_the_system_partner(client, world):
    signal = _escalated(world)
    lifecycle.signal_resolve(signal=signal, by=world.coordinator, answer="Opgelost.")
    client.force_login(world.system_partner)
    assert client.get(reverse("signalling:system_signal", args=[signal.pk])).status_code == 200


def test_others_cannot_use_the_answer_page(client, world):
    signal = _escalated(world)
    for user in (world.coordinator, world.lead, world.other_coordinator):
        client.force_login(user)
        response = client.get(reverse("signalling:system_signal", args=[signal.pk]))
        assert response.status_code == 404


def test_the_inbox_is_a_fixed_number_of_queries(client, world):
    client.force_login(world.system_partner)
    url = reverse("signalling:system_inbox", args=[world.programme.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    _escalated(world)
    small = count()
    for _ in range(5):
        _escalated(world)
    assert count() == small
