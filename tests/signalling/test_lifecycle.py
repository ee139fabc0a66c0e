"""The lifecycle: every allowed transition works, every other is refused, each step is kept in
the history with who and when, and notifications go to the right people only."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from leerkring.communities.models import Membership
from leerkring.signalling import lifecycle
from leerkring.signalling.models import (
    Escalation,
    Signal,
    SignalEvent,
    SignalResponse,
)
from tests import factories
from tests.mailbox import mailbox_clear

from .helpers import move_to, raise_signal, signal_in_state

State = Signal.State
TARGETS = [s for s in State.values if s != State.DRAFT]
PAIRS = [(a, b) for a in State.values for b in TARGETS]


def test_the_table_matches_the_design():
    assert lifecycle.TRANSITIONS[State.DRAFT] == {State.NEW}
    assert lifecycle.TRANSITIONS[State.NEW] >= {State.IN_PROGRESS}
    assert lifecycle.TRANSITIONS[State.IN_PROGRESS] == {
        State.KNOWN,
        State.BACK_TO_COMMUNITY,
        State.ESCALATED_LCC,
        State.ESCALATED_SYSTEM,
        State.RESOLVED,
        State.NO_FOLLOW_UP,
    }
    # Any open state may be resolved or closed without follow-up; closed states are final.
    for state in lifecycle.OPEN_STATES:
        assert {State.RESOLVED, State.NO_FOLLOW_UP} <= lifecycle.TRANSITIONS[state]
    assert lifecycle.TRANSITIONS[State.RESOLVED] == set()
    assert lifecycle.TRANSITIONS[State.NO_FOLLOW_UP] == set()


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS)
def test_every_transition_in_the_table_works_and_every_other_is_refused(
    world, mail_outbox_cleared, from_state, to_state
):
    signal = signal_in_state(world, from_state)
    events_before = signal.events.count()
    if to_state in lifecycle.TRANSITIONS[from_state]:
        move_to(world, signal, to_state)
        signal.refresh_from_db()
        assert signal.state == to_state
        last_state_event = signal.events.exclude(to_state="").order_by("pk").last()
        assert last_state_event.to_state == to_state
        assert last_state_event.actor is not None
    else:
        with pytest.raises(ValidationError):
            move_to(world, signal, to_state)
        signal.refresh_from_db()
        assert signal.state == from_state
        assert signal.events.count() == events_before


@pytest.fixture
def mail_outbox_cleared():
    mailbox_clear()


def test_raising_creates_a_draft_with_its_created_event(world):
    signal = raise_signal(world)
    assert signal.state == State.DRAFT
    assert signal.passed_on_at is None
    event = signal.events.get()
    assert event.kind == SignalEvent.Kind.CREATED
    assert event.actor == world.participant


def test_it_refuses_a_meeting_of_another_community(world):
    meeting = factories.MeetingFactory(community=world.sibling)
    with pytest.raises(ValidationError) as error:
        raise_signal(world, meeting=meeting)
    assert "meeting" in error.value.message_dict
    assert not Signal.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * (lifecycle.TEXT_MAX + 1)])
def test_it_refuses_an_empty_or_enormous_description(world, text):
    with pytest.raises(ValidationError) as error:
        raise_signal(world, description=text)
    assert "description" in error.value.message_dict
    assert not Signal.objects.exists()


def test_passing_on_records_who_and_when_and_tells_the_coordinators_only(world):
    signal = raise_signal(world)
    mailbox_clear()
    with _commit():
        lifecycle.signal_pass_on(signal=signal, by=world.lead)
    signal.refresh_from_db()
    assert signal.state == State.NEW
    assert signal.passed_on_by == world.lead
    assert signal.passed_on_at is not None
    event = signal.events.get(kind=SignalEvent.Kind.PASSED_ON)
    assert (event.from_state, event.to_state, event.actor) == (State.DRAFT, State.NEW, world.lead)
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {world.coordinator.email}


@pytest.mark.parametrize(
    ("action", "kwargs", "field"),
    [
        ("signal_resolve", {"answer": " "}, "answer"),
        ("signal_back_to_community", {"answer": ""}, "answer"),
        ("signal_close_no_follow_up", {"reason": ""}, "reason"),
        ("signal_escalate", {"level": "lcc", "question": ""}, "question"),
    ],
)
def test_answers_reasons_and_questions_are_required(world, action, kwargs, field):
    signal = signal_in_state(world, State.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        getattr(lifecycle, action)(signal=signal, by=world.coordinator, **kwargs)
    assert field in error.value.message_dict
    signal.refresh_from_db()
    assert signal.state == State.IN_PROGRESS
    assert not SignalResponse.objects.exists()
    assert not Escalation.objects.exists()


def test_mark_known_needs_a_theme_or_an_earlier_signal(world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    with pytest.raises(ValidationError):
        lifecycle.signal_mark_known(signal=signal, by=world.coordinator)
    earlier = signal_in_state(world, State.NEW)
    lifecycle.signal_mark_known(signal=signal, by=world.coordinator, known_as=earlier)
    signal.refresh_from_db()
    assert (signal.state, signal.known_as) == (State.KNOWN, earlier)


def test_mark_known_refuses_a_theme_of_another_programme(world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    theme = factories.SignalThemeFactory(programme=world.other_programme)
    with pytest.raises(ValidationError):
        lifecycle.signal_mark_known(signal=signal, by=world.coordinator, theme=theme)
    signal.refresh_from_db()
    assert signal.state == State.IN_PROGRESS


def test_resolving_writes_the_answer_as_feedback_and_sets_last_feedback(world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    lifecycle.signal_resolve(signal=signal, by=world.coordinator, answer="Het is geregeld.")
    signal.refresh_from_db()
    response = signal.responses.get()
    assert response.text == "Het is geregeld."
    assert response.source == SignalResponse.Source.COORDINATOR
    assert signal.last_feedback_at == response.created_at


def test_no_follow_up_keeps_the_reason_and_tells_the_community(world):
    signal = signal_in_state(world, State.NEW)
    lifecycle.signal_close_no_follow_up(signal=signal, by=world.coordinator, reason="Dubbel.")
    event = signal.events.get(to_state=State.NO_FOLLOW_UP)
    assert event.note == "Dubbel."
    assert signal.responses.get().text == "Dubbel."


def test_an_escalation_is_its_own_record_and_closes_when_the_signal_comes_down(world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    escalation = lifecycle.signal_escalate(
        signal=signal, by=world.coordinator, level="system", question="Kan de termijn langer?"
    )
    assert (escalation.level, escalation.escalated_by) == ("system", world.coordinator)
    assert escalation.closed_at is None
    lifecycle.signal_resolve(signal=signal, by=world.coordinator, answer="De termijn wordt langer.")
    escalation.refresh_from_db()
    assert escalation.closed_at is not None
    assert signal.events.filter(kind=SignalEvent.Kind.ESCALATION).count() == 1


def test_escalating_to_the_system_level_tells_the_system_partners_only(world):
    factories.ProgrammeRoleFactory(programme=world.other_programme, role="system_partner")
    signal = signal_in_state(world, State.IN_PROGRESS)
    mailbox_clear()
    with _commit():
        lifecycle.signal_escalate(
            signal=signal, by=world.coordinator, level="system", question="Q?"
        )
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {world.system_partner.email}
    body = mail.outbox[0].body
    assert world.participant.person.full_name not in body


def test_an_answer_reaches_the_lead_and_facilitator_of_that_community_only(world):
    factories.MembershipFactory(community=world.sibling, role=Membership.Role.LEAD)
    signal = signal_in_state(world, State.IN_PROGRESS)
    mailbox_clear()
    with _commit():
        lifecycle.signal_back_to_community(signal=signal, by=world.coordinator, answer="Antwoord.")
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {world.lead.email, world.facilitator.email}
    assert "Antwoord." in mail.outbox[0].body


def test_no_mail_is_sent_when_the_change_is_rolled_back(world):
    signal = raise_signal(world, description="Bel mevrouw Jansen op 06-12345678.")
    mailbox_clear()
    with _commit(), pytest.raises(lifecycle.PersonalDataFound):
        lifecycle.signal_pass_on(signal=signal, by=world.lead)
    assert mail.outbox == []
    signal.refresh_from_db()
    assert signal.state == State.DRAFT


def test_a_theme_answer_reaches_every_linked_community(world):
    theme = factories.SignalThemeFactory(programme=world.programme)
    ours = signal_in_state(world, State.IN_PROGRESS)
    theirs = lifecycle.signal_raise(
        community=world.sibling,
        by=world.sibling_member,
        title="Ook wachttijden",
        description="Idem",
    )
    lifecycle.signal_pass_on(signal=theirs, by=world.coordinator, guard_confirmed=True)
    unrelated = signal_in_state(world, State.NEW)
    for signal in (ours, theirs):
        lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=theme)
    sibling_lead = factories.MembershipFactory(
        community=world.sibling, role=Membership.Role.LEAD
    ).person.email
    mailbox_clear()
    with _commit():
        response = lifecycle.theme_respond(
            theme=theme, by=world.coordinator, text="Landelijk opgepakt.", source="coordinator"
        )
    for signal in (ours, theirs):
        signal.refresh_from_db()
        assert signal.last_feedback_at == response.created_at
        assert signal.events.filter(kind=SignalEvent.Kind.RESPONSE).exists()
    unrelated.refresh_from_db()
    assert unrelated.last_feedback_at is None
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {world.lead.email, world.facilitator.email, sibling_lead}
    # One message per community, so a community never sees another's signals (the outbox sends
    # each addressee their own copy, all showing the community's To header).
    to_headers = {m.extra_headers.get("To", ", ".join(m.to)) for m in mail.outbox}
    assert len(to_headers) == 2


def test_theme_and_owner_changes_are_in_the_history(world):
    signal = signal_in_state(world, State.NEW)
    theme = factories.SignalThemeFactory(programme=world.programme)
    lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=theme)
    lifecycle.signal_set_owner(signal=signal, by=world.coordinator, owner=world.coordinator)
    kinds = list(signal.events.values_list("kind", "actor"))
    assert (SignalEvent.Kind.THEME, world.coordinator.pk) in kinds
    assert (SignalEvent.Kind.OWNER, world.coordinator.pk) in kinds


def test_only_a_coordinator_of_the_programme_can_own_a_signal(world):
    signal = signal_in_state(world, State.NEW)
    with pytest.raises(ValidationError):
        lifecycle.signal_set_owner(signal=signal, by=world.coordinator, owner=world.lead)
    with pytest.raises(ValidationError):
        lifecycle.signal_set_owner(
            signal=signal, by=world.coordinator, owner=world.other_coordinator
        )


def test_a_merged_theme_links_to_the_theme_it_was_merged_into(world):
    target = factories.SignalThemeFactory(programme=world.programme)
    merged = factories.SignalThemeFactory(programme=world.programme, merged_into=target)
    signal = signal_in_state(world, State.NEW)
    lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=merged)
    signal.refresh_from_db()
    assert signal.theme == target


def test_a_redaction_event_never_keeps_the_redacted_text(world):
    secret = "111222333"
    signal = signal_in_state(
        world, State.NEW, description=f"Inburgeraar met BSN {secret} wacht al lang."
    )
    lifecycle.signal_redact(
        signal=signal,
        by=world.coordinator,
        title=signal.title,
        description="Inburgeraar wacht al lang.",
    )
    signal.refresh_from_db()
    assert secret not in signal.description
    event = signal.events.get(kind=SignalEvent.Kind.REDACTION)
    assert event.actor == world.coordinator
    assert event.data == {"fields": ["description"]}
    for row in SignalEvent.objects.filter(signal=signal).values("note", "data"):
        assert secret not in str(row)


def test_a_text_edit_names_the_fields_but_keeps_no_old_text(world):
    signal = signal_in_state(world, State.NEW, title="Oude titel")
    lifecycle.signal_edit_text(signal=signal, by=world.coordinator, title="Nieuwe titel")
    event = signal.events.get(kind=SignalEvent.Kind.TEXT)
    assert event.data == {"fields": ["title"]}
    assert "Oude titel" not in str(event.data) + event.note


def test_the_history_is_complete_with_who_and_when(world):
    signal = raise_signal(world)
    lifecycle.signal_pass_on(signal=signal, by=world.lead, guard_confirmed=True)
    lifecycle.signal_triage(signal=signal, by=world.coordinator)
    lifecycle.signal_escalate(signal=signal, by=world.coordinator, level="lcc", question="Q")
    lifecycle.signal_resolve(signal=signal, by=world.coordinator, answer="A")
    events = list(signal.events.order_by("pk"))
    assert [e.kind for e in events] == [
        "created",
        "passed_on",
        "state",
        "state",
        "escalation",
        "state",
        "response",
    ]
    assert [e.actor for e in events] == [world.participant, world.lead] + [world.coordinator] * 5
    assert all(e.created_at for e in events)
    assert [e.to_state for e in events if e.kind == "state"] == [
        State.IN_PROGRESS,
        State.ESCALATED_LCC,
        State.RESOLVED,
    ]


def test_the_lcc_decision_is_a_lifecycle_step(world):
    # Held today: a decision is taken at the meeting held by now (issue 12 §9).
    lcc = factories.CoordinationMeetingFactory(
        programme=world.programme, held_on=timezone.localdate()
    )
    signal = signal_in_state(world, State.ESCALATED_LCC)
    decision = lifecycle.coordination_decide(
        coordination_meeting=lcc,
        signal=signal,
        by=world.coordinator,
        decision="Voorleggen aan het ministerie.",
        resulting_state=State.ESCALATED_SYSTEM,
    )
    signal.refresh_from_db()
    assert signal.state == State.ESCALATED_SYSTEM
    assert decision.resulting_state == State.ESCALATED_SYSTEM
    assert signal.escalations.filter(level="system", coordination_meeting=lcc).exists()
    with pytest.raises(ValidationError):
        lifecycle.coordination_decide(
            coordination_meeting=lcc,
            signal=signal,
            by=world.coordinator,
            decision="Nog eens",
            resulting_state=State.RESOLVED,
        )


def test_the_lcc_cannot_decide_an_illegal_step(world):
    lcc = factories.CoordinationMeetingFactory(
        programme=world.programme, held_on=timezone.localdate()
    )
    signal = signal_in_state(world, State.RESOLVED)
    with pytest.raises(ValidationError, match="niets meer te besluiten|kan niet"):
        lifecycle.coordination_decide(
            coordination_meeting=lcc,
            signal=signal,
            by=world.coordinator,
            decision="Toch opschalen",
            resulting_state=State.ESCALATED_LCC,
        )
    assert not signal.decisions.exists()


def test_the_import_records_where_a_signal_came_from(world):
    signal = lifecycle.signal_import(
        community=world.community,
        by=world.coordinator,
        state=State.IN_PROGRESS,
        title="Uit het venster",
        description="Overgenomen",
        raised_on=datetime.date(2023, 5, 1),
        passed_on_at=timezone.now() - datetime.timedelta(days=300),
    )
    assert signal.state == State.IN_PROGRESS
    assert signal.events.get().data == {"source": "import"}


def test_a_draft_can_be_deleted_but_a_passed_on_signal_cannot(world):
    draft = raise_signal(world)
    lifecycle.signal_delete_draft(signal=draft, by=world.participant)
    assert not Signal.objects.filter(pk=draft.pk).exists()
    passed = signal_in_state(world, State.NEW)
    with pytest.raises(ValidationError):
        lifecycle.signal_delete_draft(signal=passed, by=world.lead)
    with pytest.raises(ValidationError):
        lifecycle.signal_edit_draft(signal=passed, by=world.lead, title="Anders")


def _commit():
    """Run on_commit callbacks at the end of the block, as a real request would."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_an_illegal_step_is_refused_with_a_dutch_message(world):
    signal = signal_in_state(world, State.RESOLVED)
    with pytest.raises(ValidationError) as error:
        lifecycle.signal_triage(signal=signal, by=world.coordinator)
    assert error.value.messages == [
        "Een signaal met status ‘Opgelost’ kan niet naar ‘In behandeling’."
    ]


def test_a_system_partners_answer_is_feedback_and_reaches_the_community(world):
    signal = signal_in_state(world, State.ESCALATED_SYSTEM)
    escalation = signal.escalations.get()
    mailbox_clear()
    with _commit():
        response = lifecycle.signal_respond(
            signal=signal,
            by=world.system_partner,
            text="Wij passen de regel aan.",
            source="system",
            escalation=escalation,
        )
    signal.refresh_from_db()
    assert signal.last_feedback_at == response.created_at
    assert {a for m in mail.outbox for a in m.to} == {world.lead.email, world.facilitator.email}


def test_an_imported_answer_can_arrive_without_mail(world):
    signal = signal_in_state(world, State.NEW)
    mailbox_clear()
    with _commit():
        lifecycle.signal_respond(
            signal=signal,
            by=world.coordinator,
            text="Oud antwoord",
            source="coordinator",
            notify=False,
        )
    assert mail.outbox == []
