"""Themes (hoofdvraagstukken): create, rename, merge, link, and one answer that reaches every
linked community."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from leerkring.core.models import AuditEvent
from leerkring.signalling import coordination, selectors
from leerkring.signalling.models import Signal, SignalEvent, SignalResponse, SignalTheme
from tests.confirm import CONFIRMED
from tests.factories import SignalFactory, SignalThemeFactory


def _signal(community, **fields) -> Signal:
    return SignalFactory(community=community, passed=True, **fields)


def test_a_coordinator_creates_a_theme(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:theme_list", args=[world.programme.slug]),
        {"title": "  Wachttijden   taalscholen ", "description": "Lange wachtlijsten."},
    )
    theme = SignalTheme.objects.get(programme=world.programme)
    assert response["Location"] == reverse("signalling:theme", args=[theme.pk])
    assert theme.title == "Wachttijden taalscholen"
    assert AuditEvent.objects.filter(verb="signal_theme.create", object_id=theme.pk).exists()


def test_a_duplicate_title_is_refused_next_to_the_field(client, world):
    SignalThemeFactory(programme=world.programme, title="Huisvesting")
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:theme_list", args=[world.programme.slug]), {"title": "huisvesting"}
    )
    assert response.status_code == 200
    assert "Er is al een hoofdvraagstuk met deze titel." in response.text
    assert SignalTheme.objects.filter(programme=world.programme).count() == 1


def test_an_empty_title_is_refused(world):
    with pytest.raises(ValidationError):
        coordination.theme_create(programme=world.programme, by=world.coordinator, title="  ")


def test_a_coordinator_renames_a_theme(client, world):
    theme = SignalThemeFactory(programme=world.programme, title="Oud")
    client.force_login(world.coordinator)
    client.post(reverse("signalling:theme_rename", args=[theme.pk]), {"title": "Nieuw"})
    theme.refresh_from_db()
    assert theme.title == "Nieuw"


def test_merging_keeps_every_signal_and_every_event(client, world):
    source = SignalThemeFactory(programme=world.programme, title="Taalschool vol")
    target = SignalThemeFactory(programme=world.programme, title="Wachttijden")
    moved = [_signal(world.community, theme=source), _signal(world.sibling, theme=source)]
    stayed = _signal(world.community, theme=target)
    for signal in moved:
        SignalEvent.objects.create(signal=signal, kind=SignalEvent.Kind.CREATED)
    events_before = SignalEvent.objects.count()

    client.force_login(world.coordinator)
    response = client.post(reverse("signalling:theme_merge", args=[source.pk]), {"into": target.pk})
    assert response["Location"] == reverse("signalling:theme", args=[target.pk])
    assert set(target.signals.values_list("pk", flat=True)) == {s.pk for s in [*moved, stayed]}
    assert Signal.objects.count() == 3
    # Nothing removed, one THEME event added per moved signal.
    assert SignalEvent.objects.count() == events_before + 2
    theme_events = SignalEvent.objects.filter(kind=SignalEvent.Kind.THEME)
    assert {e.signal_id for e in theme_events} == {s.pk for s in moved}
    assert all(e.data["from"] == source.pk and e.data["to"] == target.pk for e in theme_events)
    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert list(selectors.programme_themes(programme=world.programme)) == [target]


def test_merging_a_theme_into_itself_is_refused(world):
    theme = SignalThemeFactory(programme=world.programme)
    with pytest.raises(ValidationError):
        coordination.theme_merge(theme=theme, into=theme, by=world.coordinator)


def test_merging_across_programmes_is_refused(world):
    theme = SignalThemeFactory(programme=world.programme)
    other = SignalThemeFactory(programme=world.other_programme)
    with pytest.raises(ValidationError):
        coordination.theme_merge(theme=theme, into=other, by=world.coordinator)


def test_a_merged_theme_page_leads_to_its_target(client, world):
    source = SignalThemeFactory(programme=world.programme)
    target = SignalThemeFactory(programme=world.programme)
    coordination.theme_merge(theme=source, into=target, by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.get(reverse("signalling:theme", args=[source.pk]))
    assert response["Location"] == reverse("signalling:theme", args=[target.pk])


def test_signals_are_linked_from_the_theme_page_search(client, world):
    theme = SignalThemeFactory(programme=world.programme)
    signal = _signal(world.community, title="Kinderopvang ontbreekt")
    _signal(world.community, title="Iets anders")
    client.force_login(world.coordinator)
    page = client.get(reverse("signalling:theme", args=[theme.pk]), {"q": "kinderopvang"})
    assert "Kinderopvang ontbreekt" in page.text and "Iets anders" not in page.text
    client.post(
        reverse("signalling:theme_link", args=[world.programme.slug]),
        {"theme": theme.pk, "signals": [signal.pk]},
    )
    signal.refresh_from_db()
    assert signal.theme_id == theme.pk


def test_a_theme_answer_reaches_every_linked_community(
    client, world, django_capture_on_commit_callbacks
):
    theme = SignalThemeFactory(programme=world.programme)
    here = _signal(world.community, theme=theme, title="Hier")
    there = _signal(world.sibling, theme=theme, title="Daar")
    unrelated = _signal(world.sibling, title="Los")
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signalling:theme_respond", args=[theme.pk]),
            {"text": "Het ministerie onderzoekt de wachttijden.", **CONFIRMED},
        )
    assert response.status_code == 302
    answer = SignalResponse.objects.get(theme=theme)
    for community, signal in [(world.community, here), (world.sibling, there)]:
        panel = selectors.community_signals(community=community)
        shown = {s.pk: s for s in panel["signals"]}
        assert answer in shown[signal.pk].answers
        assert answer in selectors.community_theme_responses(community=community)
        signal.refresh_from_db()
        assert signal.last_feedback_at is not None
    unrelated.refresh_from_db()
    assert unrelated.last_feedback_at is None
    # The lead of each linked community is told.
    assert world.lead_m.person.email in {a for m in mail.outbox for a in m.to}


def test_an_empty_theme_answer_is_refused_next_to_the_field(client, world):
    theme = SignalThemeFactory(programme=world.programme)
    client.force_login(world.coordinator)
    response = client.post(reverse("signalling:theme_respond", args=[theme.pk]), {"text": ""})
    assert response.status_code == 200
    assert 'id="id_text_error"' in response.text
    assert not SignalResponse.objects.exists()


def test_leads_cannot_change_themes(client, world):
    theme = SignalThemeFactory(programme=world.programme)
    client.force_login(world.lead)
    response = client.post(reverse("signalling:theme_rename", args=[theme.pk]), {"title": "X"})
    assert response.status_code == 403
