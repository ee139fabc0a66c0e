"""The wrap-up: lessons, agreements and signals recorded explicitly at the end of a meeting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leerkring.meetings import selectors, services
from leerkring.meetings.models import Agreement, Lesson
from leerkring.signalling import services as signal_services
from leerkring.signalling.models import Signal
from tests import factories


def _wrapup_add(client, meeting, kind, data):
    prefixed = {f"{kind}-{key}": value for key, value in data.items()}
    return client.post(reverse("meetings:wrapup_add", args=[meeting.pk, kind]), prefixed)


def test_the_facilitator_records_a_lesson_an_agreement_and_a_signal(client, world, meeting):
    client.force_login(world.facilitator)

    response = _wrapup_add(
        client,
        meeting,
        "lesson",
        {
            "text": "Samen met COA plannen werkt beter",
            "learning_order": "second",
            "influence_level": "local_policy",
            "shareable": "on",
        },
    )
    assert response.status_code == 302
    response = _wrapup_add(
        client,
        meeting,
        "agreement",
        {
            "text": "Contact leggen met de taalschool",
            "owner": world.participant_m.pk,
            "due_date": "2030-03-01",
        },
    )
    assert response.status_code == 302
    response = _wrapup_add(
        client,
        meeting,
        "signal",
        {
            "title": "Wachttijden taalles",
            "description": "Inburgeraars wachten maanden op een plek.",
            "topic_category": "",
            "subtopic": "Wachttijden",
            "solution_level": "national",
        },
    )
    assert response.status_code == 302

    lesson = Lesson.objects.get(meeting=meeting)
    assert lesson.shareable and lesson.learning_order == "second"
    assert lesson.community == world.community
    agreement = Agreement.objects.get(meeting=meeting)
    assert agreement.owner == world.participant_m
    assert agreement.status == Agreement.Status.OPEN
    assert agreement.due_date == datetime.date(2030, 3, 1)
    signal = Signal.objects.get(meeting=meeting)
    assert signal.community == world.community
    # The category follows from the chosen subtopic.
    assert signal.topic_category == "procedures"
    assert signal.solution_level == "national"

    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Samen met COA plannen werkt beter" in page
    assert "Contact leggen met de taalschool" in page
    assert "Wachttijden taalles" in page


def test_it_refuses_an_agreement_owner_from_another_community(client, world, meeting):
    client.force_login(world.facilitator)
    response = _wrapup_add(
        client,
        meeting,
        "agreement",
        {"text": "Iets oppakken", "owner": world.sibling_member_m.pk, "due_date": ""},
    )
    assert response.status_code == 200
    assert "Kies iemand die nu lid is van deze gemeenschap." in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_service_refuses_an_owner_who_left(world, meeting):
    world.participant_m.left_on = datetime.date.today() - datetime.timedelta(days=1)
    world.participant_m.save()
    with pytest.raises(ValidationError) as error:
        services.agreement_create(
            meeting=meeting, by=world.facilitator, text="Iets", owner=world.participant_m
        )
    assert "owner" in error.value.message_dict
    assert not Agreement.objects.exists()


def test_the_service_refuses_an_owner_of_another_community(world, meeting):
    with pytest.raises(ValidationError):
        services.agreement_create(
            meeting=meeting, by=world.facilitator, text="Iets", owner=world.foreign_member_m
        )
    assert not Agreement.objects.exists()


def test_it_refuses_a_subtopic_of_another_category(world, meeting):
    with pytest.raises(ValidationError) as error:
        signal_services.signal_create(
            community=world.community,
            meeting=meeting,
            by=world.facilitator,
            title="Titel",
            description="Omschrijving",
            topic_category="cooperation",
            subtopic="Wachttijden",
            solution_level="local",
        )
    assert "subtopic" in error.value.message_dict
    assert not Signal.objects.exists()


def test_an_empty_lesson_gets_a_dutch_message_and_nothing_is_saved(client, world, meeting):
    client.force_login(world.lead)
    response = _wrapup_add(
        client,
        meeting,
        "lesson",
        {"text": "  ", "learning_order": "first", "influence_level": "system"},
    )
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()
    assert not Lesson.objects.exists()


def test_the_facilitator_edits_and_deletes_outcomes(client, world, meeting):
    lesson = services.lesson_create(
        meeting=meeting, by=world.facilitator, text="Oud", learning_order="first",
        influence_level="own_practice", shareable=False,
    )  # fmt: skip
    client.force_login(world.facilitator)
    url = reverse("meetings:wrapup_edit", args=[meeting.pk, "lesson", lesson.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "lesson-text": "Nieuw",
            "lesson-learning_order": "first",
            "lesson-influence_level": "system",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.text == "Nieuw" and lesson.influence_level == "system"

    response = client.post(
        reverse("meetings:wrapup_delete", args=[meeting.pk, "lesson", lesson.pk])
    )
    assert response.status_code == 302
    assert not Lesson.objects.exists()


def test_editing_an_agreement_status_keeps_the_history(client, world, meeting):
    agreement = services.agreement_create(
        meeting=meeting, by=world.facilitator, text="Bellen", owner=world.participant_m
    )
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:wrapup_edit", args=[meeting.pk, "agreement", agreement.pk]),
        {
            "agreement-text": "Bellen",
            "agreement-owner": world.lead_m.pk,
            "agreement-due_date": "",
            "agreement-status": "done",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.owner == world.lead_m
    assert agreement.status == "done"
    change = agreement.status_changes.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("open", "done", world.lead)


def test_an_outcome_of_another_meeting_cannot_be_reached_through_this_one(client, world, meeting):
    other = factories.MeetingFactory(community=world.community)
    lesson = Lesson.objects.create(meeting=other, community=world.community, text="Elders")
    client.force_login(world.facilitator)
    url = reverse("meetings:wrapup_edit", args=[meeting.pk, "lesson", lesson.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("meetings:wrapup_edit", args=[meeting.pk, "poll", 1])).status_code == 404
    )


def test_a_participant_sees_outcomes_but_not_the_wrapup_link(client, world, meeting):
    Lesson.objects.create(meeting=meeting, community=world.community, text="Zichtbaar leerpunt")
    client.force_login(world.participant)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Zichtbaar leerpunt" in page
    assert reverse("meetings:wrapup", args=[meeting.pk]) not in page
    assert client.get(reverse("meetings:wrapup", args=[meeting.pk])).status_code == 403


def _outcomes(meeting, world, n):
    for i in range(n):
        Lesson.objects.create(meeting=meeting, community=world.community, text=f"Les {i}")
        agreement = Agreement.objects.create(
            meeting=meeting,
            community=world.community,
            text=f"Afspraak {i}",
            owner=world.participant_m,
        )
        services.agreement_change_status(agreement=agreement, status="done", by=world.lead)
        Signal.objects.create(
            community=world.community, meeting=meeting, title=f"S{i}", description="x"
        )


def test_the_outcomes_context_uses_a_fixed_number_of_queries(
    world, meeting, django_assert_num_queries
):
    other = factories.MeetingFactory(community=world.community)
    _outcomes(meeting, world, 2)
    _outcomes(other, world, 15)
    meeting = selectors.meeting_with_context().get(pk=meeting.pk)
    other = selectors.meeting_with_context().get(pk=other.pk)
    selectors.meeting_outcomes_context(meeting=meeting, user=world.participant)  # warms access
    with django_assert_num_queries(4):
        small = selectors.meeting_outcomes_context(meeting=meeting, user=world.participant)
    with django_assert_num_queries(4):
        large = selectors.meeting_outcomes_context(meeting=other, user=world.participant)
    assert len(small["outcomes"]["agreements"]) == 2
    assert len(large["outcomes"]["agreements"]) == 15
    assert all(a.can_change_status for a in large["outcomes"]["agreements"])
