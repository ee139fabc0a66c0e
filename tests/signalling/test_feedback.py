"""Feedback back to the community: the "Onze signalen" panel, the deadline marking and the
weekly digest to the coordinators."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.outbox import services as outbox
from leerkring.signalling import lifecycle, selectors, services
from leerkring.signalling.models import Signal
from leerkring.signalling.panels import our_signals_panel
from tests import factories
from tests.mailbox import mailbox_clear

from .helpers import raise_signal, signal_in_state

State = Signal.State


def _age(signal: Signal, days: int) -> None:
    """Pretend the signal was passed on `days` ago (test data only)."""
    Signal.objects.filter(pk=signal.pk).update(
        passed_on_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_panel_shows_our_signals_with_state_and_answers(client, world):
    draft = raise_signal(world, title="Nog een concept")
    answered = signal_in_state(world, State.IN_PROGRESS, title="Beantwoord signaal")
    lifecycle.signal_back_to_community(
        signal=answered, by=world.coordinator, answer="Neem contact op met de taalschool."
    )
    client.force_login(world.participant)
    page = client.get(reverse("communities:community", args=[world.community.pk]))
    html = page.content.decode()
    assert "Onze signalen" in html
    assert draft.title in html and "Concept" in html
    assert "Beantwoord signaal" in html
    assert "Terug naar de gemeenschap" in html
    assert "1 antwoord" in html
    # The answers themselves are on the community's paged list of signals.
    all_signals = reverse("signalling:community_signals", args=[world.community.pk])
    assert all_signals in html
    html = client.get(all_signals).content.decode()
    assert "Neem contact op met de taalschool." in html
    assert draft.title in html


def test_the_panel_shows_the_newest_signals_and_the_list_pages_the_rest(client, world):
    for n in range(23):
        signal_in_state(world, State.NEW, title=f"Signaal nummer {n:02d}")
    client.force_login(world.participant)
    html = client.get(reverse("communities:community", args=[world.community.pk])).content
    assert html.decode().count('class="lk-task"><a class="utrecht-link" href="/signals/') == 5
    assert "Alle 23 signalen met de antwoorden" in html.decode()
    url = reverse("signalling:community_signals", args=[world.community.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count("Signaal nummer") == 20
    assert second.count("Signaal nummer") == 3


def test_only_members_open_the_communitys_signal_list(client, world):
    url = reverse("signalling:community_signals", args=[world.community.pk])
    for outsider in (world.sibling_member, world.coordinator, world.system_partner):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_theme_answer_shows_in_every_linked_community_panel(world):
    theme = factories.SignalThemeFactory(programme=world.programme)
    ours = signal_in_state(world, State.NEW)
    lifecycle.signal_set_theme(signal=ours, by=world.coordinator, theme=theme)
    lifecycle.theme_respond(
        theme=theme, by=world.coordinator, text="Landelijk opgepakt.", source="coordinator"
    )
    panel = our_signals_panel(world.community, world.participant)
    [signal] = panel["signals"]
    assert [a.text for a in signal.answers] == ["Landelijk opgepakt."]


@pytest.mark.parametrize(
    "visitor", ["coordinator", "evaluator", "sibling_member", "system_partner", "nobody"]
)
def test_the_panel_is_for_members_only(world, visitor):
    raise_signal(world)
    assert our_signals_panel(world.community, getattr(world, visitor)) is None


def test_the_panel_never_shows_another_communitys_signals(world):
    lifecycle.signal_raise(
        community=world.sibling, by=world.sibling_member, title="Van Zeeland", description="x"
    )
    panel = our_signals_panel(world.community, world.participant)
    assert panel["signals"] == []


def test_the_panel_uses_a_fixed_number_of_queries(world):
    def count():
        world.participant._leerkring_access = None
        del world.participant._leerkring_access
        with CaptureQueriesContext(connection) as queries:
            our_signals_panel(world.community, world.participant)
        return len(queries)

    theme = factories.SignalThemeFactory(programme=world.programme)
    signal = signal_in_state(world, State.IN_PROGRESS)
    lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=theme)
    lifecycle.signal_respond(signal=signal, by=world.coordinator, text="Even geduld", source="lcc")
    small = count()
    for _ in range(6):
        other = signal_in_state(world, State.IN_PROGRESS)
        lifecycle.signal_set_theme(
            signal=other,
            by=world.coordinator,
            theme=factories.SignalThemeFactory(programme=world.programme),
        )
        lifecycle.theme_respond(theme=other.theme, by=world.coordinator, text="t", source="lcc")
        lifecycle.signal_respond(signal=other, by=world.coordinator, text="u", source="lcc")
    assert count() == small


# --- The deadline ---------------------------------------------------------------------------


def test_a_signal_without_an_answer_past_the_deadline_waits_for_feedback(world):
    days = world.programme.rule_profile.signal_feedback_days
    old = signal_in_state(world, State.IN_PROGRESS, title="Oud")
    _age(old, days + 1)
    fresh = signal_in_state(world, State.IN_PROGRESS, title="Vers")
    _age(fresh, days - 1)
    answered = signal_in_state(world, State.IN_PROGRESS, title="Beantwoord")
    _age(answered, days + 10)
    lifecycle.signal_respond(signal=answered, by=world.coordinator, text="Bezig", source="lcc")
    closed = signal_in_state(world, State.RESOLVED)
    _age(closed, days + 10)
    draft = raise_signal(world)
    Signal.objects.filter(pk=draft.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days * 3)
    )
    waiting = list(selectors.signals_waiting_for_feedback(world.programme))
    assert waiting == [old]
    old.refresh_from_db()
    assert selectors.signal_is_waiting_for_feedback(signal=old)
    fresh.refresh_from_db()
    assert not selectors.signal_is_waiting_for_feedback(signal=fresh)


def test_the_deadline_follows_the_programmes_rule_profile(world):
    profile = world.programme.rule_profile
    profile.signal_feedback_days = 7
    profile.save()
    signal = signal_in_state(world, State.NEW)
    _age(signal, 8)
    assert list(selectors.signals_waiting_for_feedback(world.programme)) == [signal]
    qs = selectors.filter_waiting_for_feedback(Signal.objects.all(), programme=world.programme)
    assert list(qs) == [signal]


def test_a_waiting_signal_is_marked_on_its_page_and_in_the_panel(client, world):
    signal = signal_in_state(world, State.NEW)
    _age(signal, 100)
    client.force_login(world.lead)
    page = client.get(reverse("signalling:signal_detail", args=[signal.pk])).content.decode()
    assert "Wacht op terugkoppeling" in page
    panel = our_signals_panel(world.community, world.lead)
    assert panel["signals"][0].waiting is True


# --- The weekly digest ----------------------------------------------------------------------


def test_the_digest_goes_to_the_coordinators_of_programmes_with_waiting_signals(world):
    signal = signal_in_state(world, State.NEW, title="Wacht al lang")
    _age(signal, 100)
    fresh = signal_in_state(world, State.NEW, title="Net binnen")
    mailbox_clear()
    assert services.signal_digests_send() == 1
    outbox.deliver()
    [message] = mail.outbox
    assert message.to == [world.coordinator.email]
    assert "Wacht al lang" in message.body
    assert fresh.title not in message.body
    assert reverse("signalling:signal_detail", args=[signal.pk]) in message.body


def test_no_digest_when_nothing_waits(world):
    signal_in_state(world, State.NEW)
    mailbox_clear()
    assert services.signal_digests_send() == 0
    outbox.deliver()
    assert mail.outbox == []


def test_the_command_sends_the_digest_through_the_task(world):
    signal = signal_in_state(world, State.NEW)
    _age(signal, 100)
    mailbox_clear()
    call_command("send_signal_digest")  # the immediate task backend runs it at once in tests
    outbox.deliver()
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
    mailbox_clear()
    call_command("send_signal_digest", "--now")
    outbox.deliver()
    assert len(mail.outbox) == 1
