"""Every door through which a text leaves a community runs the one personal-data guard
(`core.guard`): a shared lesson, a shared product, a newsletter issue, and the answers of the
coordination point, the LCC and the system level. Without "Ik heb de tekst nagekeken" the text
is refused and nothing is saved; the page shows the text with the finding marked; with the
confirmation it goes through. Signals, change stories and public texts have their own tests
(tests/signalling/test_raising.py, tests/evaluation/test_stories.py, tests/publishing)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from leerkring.core.guard import PersonalDataFound
from leerkring.dissemination import services as dissemination_services
from leerkring.dissemination.models import IssueItem, NewsletterIssue, Product
from leerkring.meetings import services as meeting_services
from leerkring.meetings.models import Lesson
from leerkring.signalling import lifecycle
from leerkring.signalling.models import Escalation, Signal, SignalResponse
from tests import factories
from tests.api.helpers import ApiClient, token_for
from tests.confirm import CONFIRMED
from tests.signalling.helpers import signal_in_state

NAMED = "Mevrouw Fatima Yilmaz wacht al maanden op een plek bij de taalschool."
PLAIN = "Samen met COA plannen werkt beter dan los van elkaar."
MARK = '<mark class="lk-guard-hit"'


def lesson_fields(text: str, shareable: bool = True) -> dict:
    return {
        "text": text,
        "learning_order": "first",
        "influence_level": "own_practice",
        "shareable": shareable,
    }


# --- Shared lessons ----------------------------------------------------------------------


def test_a_shared_lesson_with_a_name_needs_the_confirmation(world, meeting):
    with pytest.raises(PersonalDataFound) as refused:
        meeting_services.lesson_create(
            meeting=meeting, by=world.facilitator, **lesson_fields(NAMED)
        )
    assert {f.kind for f in refused.value.findings} == {"name"}
    assert not Lesson.objects.exists()
    lesson = meeting_services.lesson_create(
        meeting=meeting, by=world.facilitator, guard_confirmed=True, **lesson_fields(NAMED)
    )
    assert lesson.shareable


def test_a_lesson_kept_in_the_community_is_not_checked(world, meeting):
    lesson = meeting_services.lesson_create(
        meeting=meeting, by=world.facilitator, **lesson_fields(NAMED, shareable=False)
    )
    # Sharing it later is the moment it leaves the room.
    with pytest.raises(PersonalDataFound):
        meeting_services.lesson_update(lesson=lesson, by=world.facilitator, shareable=True)
    lesson.refresh_from_db()
    assert not lesson.shareable


def test_a_shared_lessons_edited_text_is_checked_again(world, meeting):
    lesson = meeting_services.lesson_create(
        meeting=meeting, by=world.facilitator, **lesson_fields(PLAIN)
    )
    meeting_services.lesson_update(lesson=lesson, by=world.facilitator, influence_level="system")
    with pytest.raises(PersonalDataFound):
        meeting_services.lesson_update(lesson=lesson, by=world.facilitator, text=NAMED)
    lesson.refresh_from_db()
    assert lesson.text == PLAIN


def test_the_wrap_up_page_shows_the_finding_and_asks_to_confirm(client, world, meeting):
    client.force_login(world.facilitator)
    url = reverse("meetings:wrapup_add", args=[meeting.pk, "lesson"])
    data = {
        "lesson-text": NAMED,
        "lesson-learning_order": "first",
        "lesson-influence_level": "own_practice",
        "lesson-shareable": "on",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'{MARK} title="Naam van een persoon">' in page
    assert "Fatima Yilmaz</mark>" in page
    assert 'name="lesson-guard_confirmed"' in page
    assert not Lesson.objects.exists()
    assert client.post(url, {**data, "lesson-guard_confirmed": "on"}).status_code == 302
    assert Lesson.objects.get().shareable


# --- Products ----------------------------------------------------------------------------


def product_fields(world, summary: str, shareable: bool = True) -> dict:
    return {
        "community": world.community,
        "by": world.lead,
        "title": "Routekaart eerste maanden",
        "kind": Product.Kind.ROUTE_MAP,
        "summary": summary,
        "shareable": shareable,
    }


def test_a_product_shared_with_the_programme_needs_the_confirmation(world):
    with pytest.raises(PersonalDataFound) as refused:
        dissemination_services.product_create(**product_fields(world, NAMED))
    assert refused.value.findings[0].field == "summary"
    assert not Product.objects.exists()
    product = dissemination_services.product_create(
        **product_fields(world, NAMED), guard_confirmed=True
    )
    assert product.shareable
    dissemination_services.product_create(**product_fields(world, NAMED, shareable=False))


def test_sharing_a_product_later_or_changing_its_shared_text_is_checked(world):
    product = dissemination_services.product_create(**product_fields(world, NAMED, False))
    update = {
        "product": product,
        "by": world.lead,
        "communities": [world.community],
        "title": product.title,
        "kind": product.kind,
        "summary": NAMED,
        "scope": product.scope,
        "topic_category": "",
    }
    with pytest.raises(PersonalDataFound):
        dissemination_services.product_update(**update, shareable=True)
    product.refresh_from_db()
    assert not product.shareable
    dissemination_services.product_update(**{**update, "summary": PLAIN}, shareable=True)
    with pytest.raises(PersonalDataFound):
        dissemination_services.product_update(**update, shareable=True)
    product.refresh_from_db()
    assert product.summary == PLAIN


def test_the_product_page_shows_the_finding_and_asks_to_confirm(client, world):
    client.force_login(world.lead)
    url = reverse("dissemination:product_create", args=[world.community.pk])
    data = {
        "title": "Routekaart",
        "kind": Product.Kind.ROUTE_MAP,
        "summary": NAMED,
        "status": Product.Status.IDEA,
        "scope": Product.Scope.REGIONAL,
        "communities": [world.community.pk],
        "shareable": "on",
    }
    page = client.post(url, data).content.decode()
    assert "Fatima Yilmaz</mark>" in page
    assert not Product.objects.exists()
    assert client.post(url, {**data, "guard_confirmed": "on"}).status_code == 302
    assert Product.objects.get().shareable


# --- Newsletter issues -------------------------------------------------------------------


@pytest.fixture
def issue(world):
    newsletter = factories.NewsletterFactory(programme=world.programme)
    issue = dissemination_services.issue_create(newsletter=newsletter, by=world.coordinator)
    dissemination_services.issue_item_add_text(
        issue=issue, title="Uit de regio", body=NAMED, by=world.coordinator
    )
    return issue


def test_an_issue_with_a_name_in_an_own_text_is_not_published_unconfirmed(world, issue):
    with pytest.raises(PersonalDataFound) as refused:
        dissemination_services.issue_publish(issue=issue, by=world.coordinator)
    assert list(refused.value.highlighted) == ["1. Uit de regio"]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    dissemination_services.issue_publish(issue=issue, by=world.coordinator, guard_confirmed=True)
    issue.refresh_from_db()
    assert issue.status != NewsletterIssue.Status.DRAFT


def test_an_editors_change_to_a_picked_item_is_checked_on_publishing(world, issue):
    item = IssueItem.objects.get(issue=issue)
    dissemination_services.issue_item_update(
        item=item, title="Uit de regio", body=PLAIN, by=world.coordinator
    )
    dissemination_services.issue_update(
        issue=issue, title=issue.title, intro="Bel 06-12345678 voor meer.", by=world.coordinator
    )
    with pytest.raises(PersonalDataFound) as refused:
        dissemination_services.issue_publish(issue=issue, by=world.coordinator)
    assert {f.kind for f in refused.value.findings} == {"phone"}


def test_the_publish_button_shows_the_finding_and_asks_to_confirm(client, world, issue):
    client.force_login(world.coordinator)
    url = reverse("dissemination:issue_publish", args=[issue.pk])
    response = client.post(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Fatima Yilmaz</mark>" in page
    assert 'name="publish-guard_confirmed"' in page
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    asked = client.post(url, {"publish-guard_confirmed": "on"})
    assert asked.status_code == 200
    assert 'name="publish-guard_confirmed" value="on"' in asked.content.decode()
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert client.post(url, {"publish-guard_confirmed": "on", **CONFIRMED}).status_code == 302
    issue.refresh_from_db()
    assert issue.status != NewsletterIssue.Status.DRAFT


# --- Answers of the coordination point, the LCC and the system level ----------------------


def test_every_answer_to_a_community_passes_the_guard(world):
    """Each lifecycle step that sends text to the community refuses a name unconfirmed, and
    leaves the signal, its answers and the outbox as they were."""
    steps = [
        (Signal.State.IN_PROGRESS, lambda s, **g: lifecycle.signal_respond(
            signal=s, by=world.coordinator, text=NAMED, source="coordinator", **g)),
        (Signal.State.IN_PROGRESS, lambda s, **g: lifecycle.signal_resolve(
            signal=s, by=world.coordinator, answer=NAMED, **g)),
        (Signal.State.IN_PROGRESS, lambda s, **g: lifecycle.signal_back_to_community(
            signal=s, by=world.coordinator, answer=NAMED, **g)),
        (Signal.State.IN_PROGRESS, lambda s, **g: lifecycle.signal_close_no_follow_up(
            signal=s, by=world.coordinator, reason=NAMED, **g)),
        (Signal.State.IN_PROGRESS, lambda s, **g: lifecycle.signal_escalate(
            signal=s, by=world.coordinator, level=Escalation.Level.SYSTEM, question=NAMED, **g)),
        (Signal.State.ESCALATED_SYSTEM, lambda s, **g: lifecycle.signal_respond(
            signal=s, by=world.system_partner, text=NAMED, source="system", **g)),
    ]  # fmt: skip
    for state, step in steps:
        signal = signal_in_state(world, state)
        before = (signal.state, signal.responses.count(), len(mail.outbox))
        with pytest.raises(PersonalDataFound):
            step(signal)
        signal.refresh_from_db()
        assert (signal.state, signal.responses.count(), len(mail.outbox)) == before
        step(signal, guard_confirmed=True)
        assert (
            SignalResponse.objects.filter(text=NAMED).exists()
            or signal.escalations.filter(question=NAMED).exists()
        )


def test_an_lcc_decision_and_a_theme_answer_pass_the_guard(world):
    signal = signal_in_state(world, Signal.State.ESCALATED_LCC)
    meeting = factories.CoordinationMeetingFactory(
        programme=world.programme, held_on=timezone.localdate()
    )
    decide = {
        "coordination_meeting": meeting,
        "signal": signal,
        "by": world.coordinator,
        "decision": NAMED,
        "resulting_state": Signal.State.RESOLVED,
    }
    with pytest.raises(PersonalDataFound):
        lifecycle.coordination_decide(**decide)
    signal.refresh_from_db()
    assert signal.state == Signal.State.ESCALATED_LCC
    lifecycle.coordination_decide(**decide, guard_confirmed=True)

    theme = factories.SignalThemeFactory(programme=world.programme)
    answer = {"theme": theme, "by": world.coordinator, "text": NAMED, "source": "coordinator"}
    with pytest.raises(PersonalDataFound):
        lifecycle.theme_respond(**answer)
    assert not SignalResponse.objects.filter(theme=theme).exists()
    lifecycle.theme_respond(**answer, guard_confirmed=True)


def test_the_system_partners_answer_page_shows_the_finding(client, world):
    signal = signal_in_state(world, Signal.State.ESCALATED_SYSTEM)
    client.force_login(world.system_partner)
    url = reverse("signalling:system_signal", args=[signal.pk])
    page = client.post(url, {"text": NAMED}).content.decode()
    assert "Fatima Yilmaz</mark>" in page
    assert 'name="guard_confirmed"' in page
    assert not signal.responses.exists()
    assert client.post(url, {"text": NAMED, "guard_confirmed": "on"}).status_code == 302
    assert signal.responses.get().source == SignalResponse.Source.SYSTEM


def test_the_lcc_and_theme_pages_show_the_finding(client, world):
    signal = signal_in_state(world, Signal.State.ESCALATED_LCC)
    meeting = factories.CoordinationMeetingFactory(
        programme=world.programme, held_on=timezone.localdate()
    )
    client.force_login(world.coordinator)
    url = reverse("signalling:lcc_decide", args=[meeting.pk, signal.pk])
    data = {f"s{signal.pk}-decision": NAMED, f"s{signal.pk}-resulting_state": "resolved"}
    assert "Fatima Yilmaz</mark>" in client.post(url, data).content.decode()
    signal.refresh_from_db()
    assert signal.state == Signal.State.ESCALATED_LCC
    assert client.post(url, {**data, f"s{signal.pk}-guard_confirmed": "on"}).status_code == 302

    theme = factories.SignalThemeFactory(programme=world.programme)
    url = reverse("signalling:theme_respond", args=[theme.pk])
    assert "Fatima Yilmaz</mark>" in client.post(url, {"text": NAMED}).content.decode()
    assert not theme.responses.exists()
    confirmed = {"text": NAMED, "guard_confirmed": "on", **CONFIRMED}
    assert client.post(url, confirmed).status_code == 302


def test_the_coordinators_answer_on_the_signal_page_shows_the_finding(client, world):
    signal = signal_in_state(world, Signal.State.IN_PROGRESS)
    client.force_login(world.coordinator)
    url = reverse("signalling:signal_action", args=[signal.pk, "resolve"])
    page = client.post(url, {"resolve-answer": NAMED}).content.decode()
    assert "Fatima Yilmaz</mark>" in page
    assert 'name="resolve-guard_confirmed"' in page
    signal.refresh_from_db()
    assert signal.state == Signal.State.IN_PROGRESS
    client.post(url, {"resolve-answer": NAMED, "resolve-guard_confirmed": "on"})
    signal.refresh_from_db()
    assert signal.state == Signal.State.RESOLVED


def test_the_api_answers_with_the_findings_and_takes_confirmed(world):
    signal = signal_in_state(world, Signal.State.ESCALATED_SYSTEM)
    partner = ApiClient(token_for(world.system_partner))
    url = reverse("api:system_answers", args=[signal.pk])
    refused = partner.post(url, {"text": NAMED})
    assert refused.status_code == 400
    assert refused.json()["type"] == "urn:leerkring:problem:personal-data"
    assert {f["kind"] for f in refused.json()["findings"]} == {"name"}
    assert partner.post(url, {"text": NAMED, "confirmed": True}).status_code == 201

    other = signal_in_state(world, Signal.State.IN_PROGRESS)
    coordinator = ApiClient(token_for(world.coordinator))
    url = reverse("api:signal_action", args=[other.pk])
    refused = coordinator.post(url, {"action": "resolve", "answer": NAMED})
    assert refused.json()["type"] == "urn:leerkring:problem:personal-data"
    done = coordinator.post(url, {"action": "resolve", "answer": NAMED, "confirmed": True})
    assert done.status_code == 200
