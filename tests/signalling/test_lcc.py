"""The coordination meeting (LCC): planning, an agenda from the top five and the signals new
since the previous one, and per-signal decisions as lifecycle steps."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.signalling import coordination, selectors
from leerkring.signalling.models import (
    CoordinationDecision,
    CoordinationMeeting,
    Escalation,
    Signal,
    SignalEvent,
    SignalResponse,
)
from tests.factories import CoordinationMeetingFactory, SignalFactory, SignalThemeFactory

State = Signal.State
TODAY = timezone.localdate()


def _passed(world, days_ago: int, **fields) -> Signal:
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    fields.setdefault("community", world.community)
    return SignalFactory(passed=True, passed_on_at=moment, raised_on=moment.date(), **fields)


@pytest.fixture
def lcc(world):
    CoordinationMeetingFactory(
        programme=world.programme, title="Vorig LCC", held_on=TODAY - datetime.timedelta(30)
    )
    # Held today: decisions are recorded on the day of the meeting (or after, until the next).
    return CoordinationMeetingFactory(
        programme=world.programme, title="LCC van vandaag", held_on=TODAY
    )


def test_a_coordinator_plans_a_coordination_meeting(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:lcc_list", args=[world.programme.slug]),
        {"title": "LCC juni", "held_on": "2026-06-15"},
    )
    meeting = CoordinationMeeting.objects.get(programme=world.programme)
    assert response["Location"] == reverse("signalling:lcc", args=[meeting.pk])
    assert meeting.held_on == datetime.date(2026, 6, 15)


def test_planning_without_a_date_is_refused_next_to_the_field(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:lcc_list", args=[world.programme.slug]), {"title": "LCC"}
    )
    assert response.status_code == 200
    assert 'id="id_held_on_error"' in response.text
    assert not CoordinationMeeting.objects.exists()


def test_the_agenda_holds_new_and_escalated_signals_not_older_or_closed_ones(world, lcc):
    new = _passed(world, 5, title="Nieuw sinds vorig LCC")
    escalated = _passed(world, 90, title="Opgeschaald", state=State.ESCALATED_LCC)
    _passed(world, 45, title="Al besproken")
    _passed(world, 5, title="Al opgelost", state=State.RESOLVED)
    SignalFactory(community=world.community, title="Concept")
    _passed(world, 5, title="Ander programma", community=world.foreign)
    previous = selectors.previous_coordination_meeting(coordination_meeting=lcc)
    agenda = list(selectors.lcc_agenda_signals(coordination_meeting=lcc, since=previous.held_on))
    assert [s.title for s in agenda] == [escalated.title, new.title]


def test_the_agenda_page_shows_the_top_five_and_the_signals(client, world, lcc):
    theme = SignalThemeFactory(programme=world.programme, title="Wachttijden taalscholen")
    _passed(world, 5, title="Taalschool vol", theme=theme)
    client.force_login(world.coordinator)
    response = client.get(reverse("signalling:lcc", args=[lcc.pk]))
    assert response.status_code == 200
    assert "Wachttijden taalscholen" in response.text
    assert "Taalschool vol" in response.text
    assert "Vorig LCC" in response.text


def test_a_decision_is_a_lifecycle_step_and_is_listed(client, world, lcc):
    signal = _passed(world, 5, title="Taalschool vol", state=State.IN_PROGRESS)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:lcc_decide", args=[lcc.pk, signal.pk]),
        {
            f"s{signal.pk}-resulting_state": State.ESCALATED_SYSTEM,
            f"s{signal.pk}-decision": "Voorleggen aan het ministerie: kan de termijn langer?",
        },
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.state == State.ESCALATED_SYSTEM
    decision = CoordinationDecision.objects.get(coordination_meeting=lcc, signal=signal)
    assert decision.resulting_state == State.ESCALATED_SYSTEM
    assert Escalation.objects.filter(signal=signal, level=Escalation.Level.SYSTEM).exists()
    assert SignalEvent.objects.filter(signal=signal, kind=SignalEvent.Kind.DECISION).exists()
    page = client.get(reverse("signalling:lcc", args=[lcc.pk]))
    assert "Voorleggen aan het ministerie" in page.text
    # Decided: no second form for it.
    assert reverse("signalling:lcc_decide", args=[lcc.pk, signal.pk]) not in page.text


def test_a_resolving_decision_answers_the_community(world, lcc):
    from leerkring.signalling import lifecycle

    signal = _passed(world, 5, state=State.ESCALATED_LCC)
    lifecycle.coordination_decide(
        coordination_meeting=lcc,
        signal=signal,
        by=world.coordinator,
        decision="De taalschool breidt uit.",
        resulting_state=State.RESOLVED,
    )
    response = SignalResponse.objects.get(signal=signal)
    assert response.source == SignalResponse.Source.LCC


def test_a_decision_the_transition_table_forbids_is_refused(client, world, lcc):
    signal = _passed(world, 5)  # new: cannot be escalated straight away
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:lcc_decide", args=[lcc.pk, signal.pk]),
        {f"s{signal.pk}-resulting_state": State.ESCALATED_SYSTEM, f"s{signal.pk}-decision": "X"},
    )
    assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.state == State.NEW
    assert not CoordinationDecision.objects.exists()


def test_a_decision_needs_its_text(client, world, lcc):
    signal = _passed(world, 5, state=State.IN_PROGRESS)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:lcc_decide", args=[lcc.pk, signal.pk]),
        {f"s{signal.pk}-resulting_state": State.RESOLVED, f"s{signal.pk}-decision": ""},
    )
    assert response.status_code == 200
    assert f'id="id_s{signal.pk}-decision_error"' in response.text
    assert not CoordinationDecision.objects.exists()


def test_a_signal_of_another_programme_cannot_be_decided_on(client, world, lcc):
    foreign = _passed(world, 5, community=world.foreign, state=State.IN_PROGRESS)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:lcc_decide", args=[lcc.pk, foreign.pk]),
        {f"s{foreign.pk}-resulting_state": State.RESOLVED, f"s{foreign.pk}-decision": "Klaar"},
    )
    assert response.status_code == 404


def test_the_agenda_page_is_a_fixed_number_of_queries(client, world, lcc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("signalling:lcc", args=[lcc.pk])).status_code == 200
        return len(context)

    for _ in range(3):
        _passed(world, 2, state=State.IN_PROGRESS)
    small = count()
    for _ in range(20):
        _passed(world, 2, state=State.IN_PROGRESS)
    assert count() == small


def test_the_plan_service_refuses_an_empty_title(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        coordination.coordination_meeting_plan(
            programme=world.programme, by=world.coordinator, title=" ", held_on=TODAY
        )
