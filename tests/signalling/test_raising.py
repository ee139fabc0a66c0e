"""Raising a signal, passing it on past the personal-data guard, and the coordinator's steps
through the signal page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from leerkring.signalling import lifecycle
from leerkring.signalling.models import Signal, SignalEvent
from tests import factories

from .helpers import raise_signal, signal_in_state

State = Signal.State
BSN = "111222333"


def _raise_url(world):
    return reverse("signalling:signal_raise", args=[world.community.pk])


def _form_data(**overrides):
    data = {
        "title": "Wachtlijst taalschool",
        "description": "Inburgeraars wachten maanden op een plek.",
        "raised_on": "2024-03-01",
        "meeting": "",
        "topic_category": "procedures",
        "subtopic": "Wachttijden",
        "solution_level": "national",
        "influence_level": "system",
    }
    data.update(overrides)
    return data


def test_a_member_raises_a_draft_from_the_community_page(client, world):
    client.force_login(world.participant)
    assert client.get(_raise_url(world)).status_code == 200
    response = client.post(_raise_url(world), _form_data())
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("signalling:signal_detail", args=[signal.pk])
    assert (signal.state, signal.community, signal.created_by) == (
        State.DRAFT,
        world.community,
        world.participant,
    )
    assert signal.influence_level == "system"
    assert str(signal.raised_on) == "2024-03-01"


def test_a_member_can_link_a_meeting_of_their_own_community_only(client, world):
    ours = factories.MeetingFactory(community=world.community)
    theirs = factories.MeetingFactory(community=world.sibling)
    client.force_login(world.participant)
    response = client.post(_raise_url(world), _form_data(meeting=theirs.pk))
    assert response.status_code == 200
    assert not Signal.objects.exists()
    client.post(_raise_url(world), _form_data(meeting=ours.pk))
    assert Signal.objects.get().meeting == ours


def test_an_empty_title_gets_a_dutch_message_and_nothing_is_saved(client, world):
    client.force_login(world.participant)
    response = client.post(_raise_url(world), _form_data(title=""))
    assert response.status_code == 200
    assert "Dit veld is verplicht" in response.content.decode()
    assert not Signal.objects.exists()


@pytest.mark.parametrize(
    "visitor",
    [
        "sibling_member",
        "foreign_member",
        "nobody",
        "evaluator",
        "system_partner",
        "other_coordinator",
    ],
)
def test_a_non_member_cannot_raise_a_signal_in_a_community(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(_raise_url(world)).status_code == 403
    assert client.post(_raise_url(world), _form_data()).status_code == 403
    assert not Signal.objects.exists()


def test_a_coordinator_raises_on_behalf_and_it_is_passed_on_at_once(client, world):
    client.force_login(world.coordinator)
    response = client.post(_raise_url(world), _form_data())
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert signal.state == State.NEW
    assert signal.passed_on_by == world.coordinator
    assert signal.events.filter(kind=SignalEvent.Kind.PASSED_ON).exists()


def test_a_coordinator_on_behalf_meets_the_guard_too(client, world):
    client.force_login(world.coordinator)
    data = _form_data(description=f"Cliënt met BSN {BSN} wacht.")
    response = client.post(_raise_url(world), data)
    assert response.status_code == 200
    assert "burgerservicenummer" in response.content.decode()
    assert not Signal.objects.exists()
    client.post(_raise_url(world), {**data, "guard-confirmed": "on"})
    assert Signal.objects.get().state == State.NEW


def test_members_see_their_drafts_and_coordinators_do_not(client, world):
    signal = raise_signal(world)
    url = reverse("signalling:signal_detail", args=[signal.pk])
    for visitor in ("participant", "lead", "facilitator"):
        client.force_login(getattr(world, visitor))
        assert client.get(url).status_code == 200
    for visitor in ("coordinator", "sibling_member", "system_partner", "evaluator"):
        client.force_login(getattr(world, visitor))
        assert client.get(url).status_code == 403


def test_a_participant_cannot_pass_on(client, world):
    signal = raise_signal(world)
    client.force_login(world.participant)
    url = reverse("signalling:signal_pass_on", args=[signal.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(
            url, {"title": signal.title, "description": signal.description, "confirmed": "on"}
        ).status_code
        == 403
    )
    signal.refresh_from_db()
    assert signal.state == State.DRAFT


def test_the_guard_fires_on_a_bsn_and_passing_on_needs_confirmation(client, world):
    signal = raise_signal(world, description=f"Een inburgeraar (BSN {BSN}) wacht al maanden.")
    client.force_login(world.lead)
    url = reverse("signalling:signal_pass_on", args=[signal.pk])
    page = client.get(url).content.decode()
    assert '<mark class="lk-guard-hit"' in page
    assert "elfproef" in page
    response = client.post(url, {"title": signal.title, "description": signal.description})
    assert response.status_code == 400
    signal.refresh_from_db()
    assert signal.state == State.DRAFT
    response = client.post(
        url, {"title": signal.title, "description": signal.description, "confirmed": "on"}
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.state == State.NEW
    assert signal.events.get(kind="passed_on").data == {
        "guard_findings": ["bsn"],
        "guard_confirmed": True,
    }


def test_removing_the_bsn_is_enough_to_pass_on_and_is_checked_again(client, world):
    signal = raise_signal(world, description=f"Een inburgeraar (BSN {BSN}) wacht al maanden.")
    client.force_login(world.lead)
    url = reverse("signalling:signal_pass_on", args=[signal.pk])
    # An edit that leaves personal data in is checked again and refused, nothing half-saved.
    response = client.post(
        url, {"title": signal.title, "description": f"Bel 06-12345678, BSN {BSN}."}
    )
    assert response.status_code == 400
    signal.refresh_from_db()
    assert (signal.state, BSN in signal.description) == (State.DRAFT, True)
    assert not signal.events.filter(kind="redaction").exists()
    response = client.post(
        url, {"title": signal.title, "description": "Een inburgeraar wacht al maanden."}
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.state == State.NEW
    assert signal.description == "Een inburgeraar wacht al maanden."
    redaction = signal.events.get(kind="redaction")
    assert redaction.data == {"fields": ["description"]}
    assert BSN not in str(list(signal.events.values("note", "data")))


def test_the_raiser_edits_and_deletes_a_draft_but_another_participant_cannot(client, world):
    signal = raise_signal(world)
    other = factories.MembershipFactory(community=world.community).person.user
    client.force_login(other)
    assert client.get(reverse("signalling:signal_edit", args=[signal.pk])).status_code == 403
    client.force_login(world.participant)
    response = client.post(
        reverse("signalling:signal_edit", args=[signal.pk]), _form_data(title="Scherper")
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.title == "Scherper"
    response = client.post(reverse("signalling:signal_delete", args=[signal.pk]))
    assert response.status_code == 302
    assert not Signal.objects.exists()


def test_the_signal_page_shows_state_answers_escalations_and_history(client, world):
    signal = signal_in_state(world, State.ESCALATED_LCC)
    lifecycle.signal_resolve(signal=signal, by=world.coordinator, answer="Besproken en opgelost.")
    client.force_login(world.participant)
    page = client.get(reverse("signalling:signal_detail", args=[signal.pk])).content.decode()
    assert "Opgelost" in page
    assert "Besproken en opgelost." in page
    assert "Opschalingen" in page
    assert "Geschiedenis" in page
    assert world.coordinator.person.full_name in page


def test_a_system_partner_cannot_open_the_signal_page(client, world):
    signal = signal_in_state(world, State.ESCALATED_SYSTEM)
    client.force_login(world.system_partner)
    assert client.get(reverse("signalling:signal_detail", args=[signal.pk])).status_code == 403


# --- Coordinator steps through the page -----------------------------------------------------

ACTION_FOR = {
    State.IN_PROGRESS: ("triage", {"triage-owner": "", "triage-note": ""}),
    State.KNOWN: ("known", {"known-theme": "{theme}", "known-known_as": "", "known-note": ""}),
    State.BACK_TO_COMMUNITY: ("back", {"back-answer": "Los het lokaal op."}),
    State.ESCALATED_LCC: ("escalate", {"escalate-level": "lcc", "escalate-question": "Q?"}),
    State.ESCALATED_SYSTEM: ("escalate", {"escalate-level": "system", "escalate-question": "Q?"}),
    State.RESOLVED: ("resolve", {"resolve-answer": "Opgelost."}),
    State.NO_FOLLOW_UP: ("no-follow-up", {"no-follow-up-reason": "Buiten bereik."}),
}
PAGE_PAIRS = [
    (a, b) for a in State.values for b in State.values if b not in (State.DRAFT, State.NEW)
]


@pytest.mark.parametrize(("from_state", "to_state"), PAGE_PAIRS)
def test_every_step_through_the_page_follows_the_table(client, world, from_state, to_state):
    signal = signal_in_state(world, from_state)
    theme = factories.SignalThemeFactory(programme=world.programme)
    action, data = ACTION_FOR[to_state]
    data = {k: v.format(theme=theme.pk) for k, v in data.items()}
    client.force_login(world.coordinator)
    detail = client.get(reverse("signalling:signal_detail", args=[signal.pk]), {"actie": action})
    url = reverse("signalling:signal_action", args=[signal.pk, action])
    response = client.post(url, data)
    signal.refresh_from_db()
    if to_state in lifecycle.TRANSITIONS[from_state]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert signal.state == to_state
        assert url in detail.content.decode()  # the page offered this step
    else:
        assert response.status_code in (400, 403)
        assert signal.state == from_state


@pytest.mark.parametrize("from_state", [s for s in State.values])
def test_passing_on_through_the_page_only_from_a_draft(client, world, from_state):
    signal = signal_in_state(world, from_state)
    client.force_login(world.lead)
    response = client.post(
        reverse("signalling:signal_pass_on", args=[signal.pk]),
        {"title": signal.title, "description": signal.description, "confirmed": "on"},
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    expected = State.NEW if from_state == State.DRAFT else from_state
    assert signal.state == expected
    assert signal.events.filter(kind="passed_on").count() == 1


def test_a_missing_answer_is_shown_next_to_the_field(client, world):
    signal = signal_in_state(world, State.IN_PROGRESS)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:signal_action", args=[signal.pk, "resolve"]), {"resolve-answer": ""}
    )
    assert response.status_code == 400
    assert 'id="id_resolve-answer_error"' in response.content.decode()
    signal.refresh_from_db()
    assert signal.state == State.IN_PROGRESS


@pytest.mark.parametrize("visitor", ["lead", "participant", "other_coordinator", "system_partner"])
def test_only_the_programmes_coordinator_takes_steps(client, world, visitor):
    signal = signal_in_state(world, State.NEW)
    client.force_login(getattr(world, visitor))
    response = client.post(
        reverse("signalling:signal_action", args=[signal.pk, "triage"]),
        {"triage-owner": "", "triage-note": ""},
    )
    assert response.status_code == 403
    signal.refresh_from_db()
    assert signal.state == State.NEW


def test_the_coordinator_redacts_and_the_page_never_shows_the_old_text(client, world):
    signal = signal_in_state(world, State.NEW, description=f"BSN {BSN} wacht.")
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:signal_action", args=[signal.pk, "redact"]),
        {"redact-title": signal.title, "redact-description": "Een inburgeraar wacht."},
    )
    assert response.status_code == 302
    page = client.get(reverse("signalling:signal_detail", args=[signal.pk])).content.decode()
    assert BSN not in page
    assert "Persoonsgegevens verwijderd" in page


def test_the_wrap_up_can_no_longer_delete_a_passed_on_signal(world):
    from django.core.exceptions import PermissionDenied

    from leerkring.signalling import services

    signal = signal_in_state(world, State.NEW)
    with pytest.raises(PermissionDenied):
        services.signal_delete(signal=signal, by=world.lead)
    assert Signal.objects.filter(pk=signal.pk).exists()
