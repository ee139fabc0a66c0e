"""LCC meetings are records (issue 12 §9): once recorded as held, a meeting keeps the signals it
discussed and the top five as they stood; a decision belongs to the meeting at which it is
taken; the counts are right; past meetings are frozen by a data migration from their history."""

from __future__ import annotations

import datetime
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from leerkring.signalling import coordination, lifecycle, selectors
from leerkring.signalling.models import (
    CoordinationAgendaItem,
    CoordinationDecision,
    CoordinationMeeting,
    Signal,
    SignalEvent,
)
from tests.factories import CoordinationMeetingFactory, SignalFactory, SignalThemeFactory

pytestmark = pytest.mark.django_db

State = Signal.State
TODAY = timezone.localdate()


def _passed(world, days_ago: int, **fields) -> Signal:
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    fields.setdefault("community", world.community)
    return SignalFactory(passed=True, passed_on_at=moment, raised_on=moment.date(), **fields)


def _decide(meeting, signal, by, text="Besproken.", state=None):
    return lifecycle.coordination_decide(
        coordination_meeting=meeting,
        signal=signal,
        by=by,
        decision=text,
        resulting_state=state or signal.state,
    )


@pytest.fixture
def held_today(world):
    CoordinationMeetingFactory(
        programme=world.programme, title="LCC september", held_on=TODAY - datetime.timedelta(60)
    )
    return CoordinationMeetingFactory(programme=world.programme, title="LCC nu", held_on=TODAY)


# --- Recording a meeting as held freezes what it discussed ---------------------------------


def test_recording_as_held_keeps_the_agenda_and_top_five_as_they_stood(client, world, held_today):
    waiting = SignalThemeFactory(programme=world.programme, title="Wachttijden taalscholen")
    discussed = _passed(world, 5, title="Taalschool vol", theme=waiting, state=State.IN_PROGRESS)
    coordination.coordination_meeting_record_held(
        coordination_meeting=held_today, by=world.coordinator
    )
    held_today.refresh_from_db()
    assert held_today.is_recorded and held_today.recorded_by == world.coordinator
    (item,) = held_today.agenda_items.all()
    assert (item.signal, item.state, item.theme_title) == (
        discussed,
        State.IN_PROGRESS,
        "Wachttijden taalscholen",
    )
    assert [t.title for t in held_today.top_themes.all()] == ["Wachttijden taalscholen"]

    # Afterwards the venster moves on: a new signal, a new theme at the top, a state change.
    childcare = SignalThemeFactory(programme=world.programme, title="Kinderopvang")
    for days in (1, 2, 3):
        _passed(world, days, title=f"Geen opvang {days}", theme=childcare)
    lifecycle.signal_resolve(signal=discussed, by=world.coordinator, answer="Opgelost.")

    client.force_login(world.coordinator)
    page = client.get(reverse("signalling:lcc", args=[held_today.pk]))
    assert page.status_code == 200
    text = page.text
    assert "Taalschool vol" in text and "toen: In behandeling" in text
    assert "Geen opvang" not in text  # passed on after the meeting
    assert "Kinderopvang" not in text  # the top five of today is not the meeting's
    assert "Wachttijden taalscholen" in text
    assert "Gehouden; vastgelegd op" in text
    assert reverse("signalling:lcc_decide", args=[held_today.pk, discussed.pk]) not in text


def test_a_meeting_still_ahead_or_already_recorded_cannot_be_recorded(world, held_today):
    ahead = CoordinationMeetingFactory(
        programme=world.programme, held_on=TODAY + datetime.timedelta(days=7)
    )
    with pytest.raises(ValidationError, match="nog moet komen"):
        coordination.coordination_meeting_record_held(coordination_meeting=ahead, by=None)
    coordination.coordination_meeting_record_held(coordination_meeting=held_today, by=None)
    with pytest.raises(ValidationError, match="al vastgelegd"):
        coordination.coordination_meeting_record_held(coordination_meeting=held_today, by=None)


def test_the_record_button_posts_and_says_what_happened(client, world, held_today):
    _passed(world, 5, title="Taalschool vol")
    client.force_login(world.coordinator)
    page = client.get(reverse("signalling:lcc", args=[held_today.pk]))
    assert reverse("signalling:lcc_record_held", args=[held_today.pk]) in page.text
    response = client.post(reverse("signalling:lcc_record_held", args=[held_today.pk]), follow=True)
    assert "vastgelegd als gehouden" in response.text
    assert CoordinationAgendaItem.objects.filter(coordination_meeting=held_today).count() == 1


# --- Decisions belong to the meeting at which they are taken --------------------------------


def test_a_decision_today_is_not_filed_under_an_earlier_meeting(client, world, held_today):
    earlier = CoordinationMeeting.objects.get(title="LCC september")
    signal = _passed(world, 70, state=State.ESCALATED_LCC)
    with pytest.raises(ValidationError, match="LCC nu"):
        _decide(earlier, signal, world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:lcc_decide", args=[earlier.pk, signal.pk]),
        {f"s{signal.pk}-resulting_state": State.IN_PROGRESS, f"s{signal.pk}-decision": "Verder."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Een besluit van nu hoort bij dat overleg." in response.text
    assert not CoordinationDecision.objects.exists()
    page = client.get(reverse("signalling:lcc", args=[earlier.pk])).text
    assert reverse("signalling:lcc_decide", args=[earlier.pk, signal.pk]) not in page
    assert "Een besluit van nu hoort bij" in page
    # The meeting held today takes it.
    decision = _decide(held_today, signal, world.coordinator, state=State.IN_PROGRESS)
    assert decision.coordination_meeting == held_today
    assert selectors.decision_meeting(programme=world.programme) == held_today


def test_a_meeting_ahead_takes_no_decisions_yet(world):
    ahead = CoordinationMeetingFactory(
        programme=world.programme, held_on=TODAY + datetime.timedelta(days=14)
    )
    signal = _passed(world, 3, state=State.IN_PROGRESS)
    with pytest.raises(ValidationError, match="nog niet gehouden"):
        _decide(ahead, signal, world.coordinator)


def test_a_recorded_meeting_takes_no_new_decisions(world, held_today):
    signal = _passed(world, 3, state=State.IN_PROGRESS)
    coordination.coordination_meeting_record_held(
        coordination_meeting=held_today, by=world.coordinator
    )
    with pytest.raises(ValidationError, match="vastgelegd als gehouden"):
        _decide(held_today, signal, world.coordinator)
    assert not signal.events.filter(kind=SignalEvent.Kind.DECISION).exists()


def test_the_list_counts_each_meetings_own_decisions(client, world, held_today):
    signals = [_passed(world, 3 + i, state=State.IN_PROGRESS) for i in range(3)]
    _decide(held_today, signals[0], world.coordinator, state=State.ESCALATED_SYSTEM)
    _decide(held_today, signals[1], world.coordinator, state=State.ESCALATED_SYSTEM)
    coordination.coordination_meeting_record_held(
        coordination_meeting=held_today, by=world.coordinator
    )
    rows = {m.title: m for m in selectors.coordination_meetings(programme=world.programme)}
    assert rows["LCC nu"].decision_count == 2
    assert rows["LCC nu"].agenda_count == 3  # counted apart: no multiplied join
    assert rows["LCC september"].decision_count == 0
    client.force_login(world.coordinator)
    page = client.get(reverse("signalling:lcc_list", args=[world.programme.slug])).text
    row = page.split("LCC nu</a></th>", 1)[1].split("</tr>", 1)[0]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[1:]]
    assert cells[1:] == ["Gehouden", "3", "2"]


# --- Past meetings frozen by the data migration --------------------------------------------


def _freeze():
    module = importlib.import_module(
        "leerkring.signalling.migrations.0008_freeze_past_lcc_meetings"
    )
    module.freeze_past_meetings(django_apps, None)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_migration_freezes_a_past_meeting_from_its_history(world):
    november = TODAY - datetime.timedelta(days=30)
    meeting = CoordinationMeetingFactory(
        programme=world.programme, title="LCC 4 november", held_on=november
    )
    later = CoordinationMeetingFactory(
        programme=world.programme, title="LCC december", held_on=TODAY - datetime.timedelta(3)
    )
    theme = SignalThemeFactory(programme=world.programme, title="Ontheffingen")
    before = _passed(world, 40, title="Voor het overleg", theme=theme)
    SignalEvent.objects.create(
        signal=before,
        kind="passed_on",
        to_state=State.NEW,
        created_at=_at(november, 9) - datetime.timedelta(days=10),
    )
    # Taken into handling before the meeting, resolved after it.
    SignalEvent.objects.create(
        signal=before,
        kind="state",
        from_state=State.NEW,
        to_state=State.IN_PROGRESS,
        created_at=_at(november - datetime.timedelta(days=2)),
    )
    SignalEvent.objects.create(
        signal=before,
        kind="state",
        from_state=State.IN_PROGRESS,
        to_state=State.RESOLVED,
        created_at=_at(TODAY - datetime.timedelta(days=1)),
    )
    Signal.objects.filter(pk=before.pk).update(state=State.RESOLVED)
    after = _passed(world, 10, title="Doorgegeven in december")
    SignalEvent.objects.create(
        signal=after, kind="passed_on", to_state=State.NEW, created_at=after.passed_on_at
    )
    # A decision taken today but filed under the November meeting.
    decided_today = CoordinationDecision.objects.create(
        coordination_meeting=meeting,
        signal=after,
        decision="Naar het ministerie.",
        resulting_state=State.NEW,
        decided_at=timezone.now(),
    )
    _freeze()

    meeting.refresh_from_db()
    later.refresh_from_db()
    assert meeting.is_recorded and not meeting.top_five_kept
    assert meeting.recorded_at.date() <= november + datetime.timedelta(days=1)
    items = list(meeting.agenda_items.all())
    assert [(i.signal_id, i.state, i.theme_title) for i in items] == [
        (before.pk, State.IN_PROGRESS, "Ontheffingen")
    ]
    decided_today.refresh_from_db()
    assert decided_today.coordination_meeting == later
    # The December meeting is past too, and holds what it discussed then.
    assert later.is_recorded
    assert {i.signal_id for i in later.agenda_items.all()} == {after.pk}
    # A meeting today or ahead stays open.
    ahead = CoordinationMeetingFactory(programme=world.programme, held_on=TODAY)
    _freeze()
    ahead.refresh_from_db()
    assert not ahead.is_recorded


# --- Who may see and record ------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["other_coordinator", "participant", "anonymous"])
def test_only_the_programmes_coordinators_reach_the_lcc_pages(client, world, held_today, visitor):
    signal = _passed(world, 3, state=State.IN_PROGRESS)
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor))
    requests = [
        ("get", reverse("signalling:lcc_list", args=[world.programme.slug])),
        ("get", reverse("signalling:lcc", args=[held_today.pk])),
        ("post", reverse("signalling:lcc_record_held", args=[held_today.pk])),
        ("post", reverse("signalling:lcc_decide", args=[held_today.pk, signal.pk])),
    ]
    for method, url in requests:
        response = getattr(client, method)(url)
        if visitor == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code in (403, 404), url
    held_today.refresh_from_db()
    assert not held_today.is_recorded
    assert not CoordinationDecision.objects.exists()


def test_recording_a_meeting_afterwards_keeps_it_as_its_history_says(world):
    """Recorded a month late: the signals passed on since are not on its record, and a signal
    resolved since stands as it was."""
    past = CoordinationMeetingFactory(
        programme=world.programme, held_on=TODAY - datetime.timedelta(days=30)
    )
    before = _passed(world, 35, title="Voor het overleg", state=State.NEW)
    SignalEvent.objects.create(
        signal=before, kind="passed_on", to_state=State.NEW, created_at=before.passed_on_at
    )
    lifecycle.signal_resolve(signal=before, by=world.coordinator, answer="Opgelost.")
    after = _passed(world, 5, title="Daarna doorgegeven")
    coordination.coordination_meeting_record_held(coordination_meeting=past, by=None)
    past.refresh_from_db()
    assert [(i.signal_id, i.state) for i in past.agenda_items.all()] == [(before.pk, State.NEW)]
    assert after.pk not in {i.signal_id for i in past.agenda_items.all()}
    assert not past.top_five_kept and not past.top_themes.exists()


def test_the_demo_lcc_is_a_record_whose_decisions_match_its_notes(db, client):
    call_command("demo", stdout=io.StringIO())
    meeting = CoordinationMeeting.objects.get(title="Landelijk coördinatieoverleg")
    assert "Twee signalen gaan door naar het ministerie" in meeting.notes
    assert meeting.is_recorded
    decisions = list(meeting.decisions.all())
    assert len(decisions) == 2
    assert {d.resulting_state for d in decisions} == {State.ESCALATED_SYSTEM}
    assert all(
        d.decided_at.date() <= meeting.held_on + datetime.timedelta(days=1) for d in decisions
    )
    (row,) = [m for m in selectors.coordination_meetings(programme=meeting.programme)]
    assert row.decision_count == 2
    # Nothing passed on after the meeting is on its record.
    end = meeting.recorded_at
    for item in meeting.agenda_items.select_related("signal"):
        assert item.signal.passed_on_at <= end


def test_the_api_gives_a_recorded_meeting_as_it_stood(client, world, held_today):
    discussed = _passed(world, 5, title="Taalschool vol", state=State.IN_PROGRESS)
    coordination.coordination_meeting_record_held(
        coordination_meeting=held_today, by=world.coordinator
    )
    lifecycle.signal_resolve(signal=discussed, by=world.coordinator, answer="Opgelost.")
    _passed(world, 1, title="Daarna")
    client.force_login(world.coordinator)
    data = client.get(reverse("api:lcc", args=[held_today.pk])).json()
    assert data["recorded_at"] is not None
    assert [(s["id"], s["state"]) for s in data["agenda"]] == [(discussed.pk, State.IN_PROGRESS)]
    listed = client.get(reverse("api:lcc_list", args=[world.programme.slug])).json()
    assert {m["title"]: m["recorded_at"] is not None for m in listed["results"]} == {
        "LCC nu": True,
        "LCC september": False,
    }
