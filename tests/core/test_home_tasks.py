"""The home page's "Wat nu": each role finds its next task there, and only its own.

Every test looks at the page as the person it concerns and as someone it does not concern —
above all a member of another community (DESIGN.md §2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings.models import Agreement, Attendance, Message, Rsvp, Thread
from leerkring.signalling.models import Escalation, Signal, SignalResponse
from leerkring.surveys.models import Invitation
from tests import factories


def _tasks(client, user) -> str:
    """The "Wat nu" section of the home page as this user sees it."""
    client.force_login(user)
    body = client.get(reverse("core:home")).content.decode()
    start = body.index('id="tasks-heading"')
    return body[start : body.index("</section>", start)]


def test_it_says_when_nothing_waits(client, world):
    assert "Er wacht nu niets op je." in _tasks(client, world.nobody)


def test_a_member_sees_the_next_meeting_with_the_rsvp_buttons(client, world, meeting):
    tasks = _tasks(client, world.participant)
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) in tasks
    assert reverse("meetings:meeting_rsvp", args=[meeting.pk]) in tasks
    assert "Kom je?" in tasks
    for outsider in (world.sibling_member, world.foreign_member, world.coordinator):
        assert reverse("meetings:meeting_detail", args=[meeting.pk]) not in _tasks(client, outsider)


def test_answering_on_the_home_page_records_the_rsvp_and_returns_home(client, world, meeting):
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:meeting_rsvp", args=[meeting.pk]), {"answer": "attend", "from": "home"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert Rsvp.objects.get(meeting=meeting, membership=world.participant_m).answer == "attend"
    assert "Je komt." in _tasks(client, world.participant)


def test_answering_with_htmx_swaps_only_the_buttons(client, world, meeting):
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:meeting_rsvp", args=[meeting.pk]),
        {"answer": "decline", "from": "home"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<form class="lk-task-action"')
    assert "Je kunt niet." in body


def test_another_community_cannot_answer_from_the_home_page(client, world, meeting):
    client.force_login(world.sibling_member)
    response = client.post(
        reverse("meetings:meeting_rsvp", args=[meeting.pk]), {"answer": "attend", "from": "home"}
    )
    assert response.status_code == 403
    assert not Rsvp.objects.exists()


def test_an_owner_sees_their_agreement_due_soon_and_overdue_first(client, world, meeting):
    today = timezone.localdate()
    soon = Agreement.objects.create(
        meeting=meeting,
        community=world.community,
        text="Folder naar de taalschool sturen",
        owner=world.participant_m,
        due_date=today + datetime.timedelta(days=5),
    )
    late = Agreement.objects.create(
        meeting=meeting,
        community=world.community,
        text="Contact leggen met het COA",
        owner=world.participant_m,
        due_date=today - datetime.timedelta(days=2),
    )
    tasks = _tasks(client, world.participant)
    assert "Afspraak over tijd" in tasks
    assert tasks.index(reverse("meetings:agreement", args=[late.pk])) < tasks.index(
        reverse("meetings:agreement", args=[soon.pk])
    )
    # Someone else's agreement in the same community is not their task.
    assert "Folder naar de taalschool" not in _tasks(client, world.lead)
    assert "Folder naar de taalschool" not in _tasks(client, world.sibling_member)


def test_a_member_sees_new_messages_from_others(client, world):
    thread = Thread.objects.create(
        community=world.community, title="Vervoer naar de taalles", started_by=world.lead_m.person
    )
    Message.objects.create(thread=thread, author=world.lead_m.person, body="Wie weet raad?")
    assert "1 nieuw bericht in ‘Vervoer naar de taalles’" in _tasks(client, world.participant)
    # Their own message is not news to the author; another community sees nothing.
    assert "Vervoer naar de taalles" not in _tasks(client, world.lead)
    assert "Vervoer naar de taalles" not in _tasks(client, world.sibling_member)


def test_a_member_sees_a_new_answer_to_their_communitys_signal(client, world):
    signal = factories.SignalFactory(community=world.community, passed=True)
    SignalResponse.objects.create(
        signal=signal, source=SignalResponse.Source.COORDINATOR, text="We nemen het mee."
    )
    url = reverse("signalling:signal_detail", args=[signal.pk])
    assert url in _tasks(client, world.participant)
    assert url not in _tasks(client, world.sibling_member)
    assert url not in _tasks(client, world.foreign_member)


def _held_meeting(community):
    start = timezone.now() - datetime.timedelta(days=3)
    return factories.MeetingFactory(
        community=community,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        status="held",
    )


def test_the_lead_sees_what_waits_after_a_held_meeting(client, world):
    held = _held_meeting(world.community)
    tasks = _tasks(client, world.lead)
    assert reverse("meetings:attendance", args=[held.pk]) in tasks
    assert reverse("meetings:wrapup", args=[held.pk]) in tasks
    assert reverse("meetings:minutes", args=[held.pk]) in tasks
    assert reverse("meetings:minutes", args=[held.pk]) in _tasks(client, world.facilitator)
    # A participant does not record attendance; another community's lead sees nothing.
    assert reverse("meetings:attendance", args=[held.pk]) not in _tasks(client, world.participant)
    assert reverse("meetings:attendance", args=[held.pk]) not in _tasks(
        client, world.sibling_member
    )

    Attendance.objects.create(meeting=held, membership=world.participant_m, status="present")
    held.minutes_sent_at = timezone.now()
    held.save()
    tasks = _tasks(client, world.lead)
    assert reverse("meetings:attendance", args=[held.pk]) not in tasks
    assert reverse("meetings:minutes", args=[held.pk]) not in tasks
    assert reverse("meetings:wrapup", args=[held.pk]) in tasks


def test_the_lead_is_asked_to_plan_when_the_rhythm_says_a_meeting_is_due(client, world):
    world.community.meeting_interval_weeks = 6
    world.community.save()
    start = timezone.now() - datetime.timedelta(weeks=5)
    factories.MeetingFactory(
        community=world.community, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    plan = reverse("meetings:meeting_create", args=[world.community.pk])
    assert plan in _tasks(client, world.lead)
    assert plan not in _tasks(client, world.participant)
    factories.MeetingFactory(community=world.community)  # one planned ahead: nothing to plan
    assert plan not in _tasks(client, world.lead)


def test_the_coordinator_sees_waiting_and_new_signals_of_their_programme_only(client, world):
    factories.SignalFactory(community=world.community, passed=True)
    factories.SignalFactory(
        community=world.community,
        passed=True,
        state=Signal.State.IN_PROGRESS,
        passed_on_at=timezone.now() - datetime.timedelta(days=120),
    )
    tasks = _tasks(client, world.coordinator)
    assert "1 signaal wacht langer dan de termijn op terugkoppeling" in tasks
    assert "1 nieuw signaal om te beoordelen" in tasks
    assert "signaal" not in _tasks(client, world.other_coordinator)
    assert "om te beoordelen" not in _tasks(client, world.lead)


def test_the_system_partner_sees_signals_waiting_for_its_answer(client, world):
    signal = factories.SignalFactory(
        community=world.community, passed=True, state=Signal.State.ESCALATED_SYSTEM
    )
    Escalation.objects.create(signal=signal, level=Escalation.Level.SYSTEM)
    inbox = reverse("signalling:system_inbox", args=[world.programme.slug])
    assert inbox in _tasks(client, world.system_partner)
    assert "1 signaal wacht op je antwoord" in _tasks(client, world.system_partner)
    assert inbox not in _tasks(client, world.coordinator)
    SignalResponse.objects.create(
        signal=signal, source=SignalResponse.Source.SYSTEM, text="Wordt meegenomen."
    )
    assert inbox not in _tasks(client, world.system_partner)


def test_the_coordinator_sees_newsletter_drafts_and_products_ready(client, world):
    draft = factories.IssueFactory(
        newsletter=factories.NewsletterFactory(programme=world.programme)
    )
    factories.ProductFactory(programme=world.programme, status="ready", shareable=True)
    tasks = _tasks(client, world.coordinator)
    assert reverse("dissemination:issue_edit", args=[draft.pk]) in tasks
    assert "1 gedeeld product is klaar om te verspreiden" in tasks
    for outsider in (world.other_coordinator, world.participant, world.evaluator):
        assert reverse("dissemination:issue_edit", args=[draft.pk]) not in _tasks(client, outsider)


def test_the_evaluator_sees_observations_to_do_and_open_story_invitations(client, world):
    held = _held_meeting(world.community)
    evaluator_person = world.evaluator.person
    held.observers.add(evaluator_person)
    factories.StoryInvitationFactory(programme=world.programme, title="Verhalen 2026")
    tasks = _tasks(client, world.evaluator)
    assert reverse("evaluation:observation_create", args=[held.pk]) in tasks
    assert "Verhalenuitnodiging ‘Verhalen 2026’ staat open" in tasks
    for outsider in (world.coordinator, world.lead, world.participant):
        assert "Verhalenuitnodiging" not in _tasks(client, outsider)
        assert reverse("evaluation:observation_create", args=[held.pk]) not in _tasks(
            client, outsider
        )


def _invite(wave, membership, **fields):
    return Invitation.objects.create(
        wave=wave,
        person=membership.person,
        email=membership.person.user.email,
        community=membership.community,
        token_hash=f"{membership.pk:064x}",
        sent_at=timezone.now(),
        **fields,
    )


def test_a_survey_invitation_shows_only_to_the_invitee_until_it_counts_as_answered(client, world):
    wave = factories.WaveFactory(
        questionnaire=factories.QuestionnaireFactory(programme=world.programme),
        title="Thermometer najaar",
    )
    invitation = _invite(wave, world.participant_m)
    assert "Vragenlijst ‘Thermometer najaar’ invullen" in _tasks(client, world.participant)
    for other in (world.lead, world.sibling_member, world.coordinator):
        assert "Thermometer najaar" not in _tasks(client, other)
    invitation.answered = True
    invitation.save()
    assert "Thermometer najaar" not in _tasks(client, world.participant)


def test_a_colleagues_answer_does_not_change_anyone_elses_home(client, world):
    """The difference between two page loads reveals nothing: when the lead's invitation
    counts as answered, the participant's home stays byte-for-byte the same in "Wat nu"."""
    wave = factories.WaveFactory(
        questionnaire=factories.QuestionnaireFactory(programme=world.programme)
    )
    _invite(wave, world.participant_m)
    lead_invitation = _invite(wave, world.lead_m)
    before = _tasks(client, world.participant)
    lead_invitation.answered = True
    lead_invitation.save()
    assert _tasks(client, world.participant) == before


def test_the_evaluator_sees_the_response_rate_of_open_waves(client, world):
    wave = factories.WaveFactory(
        questionnaire=factories.QuestionnaireFactory(programme=world.programme),
        title="Thermometer najaar",
    )
    _invite(wave, world.participant_m, answered=True)
    _invite(wave, world.lead_m)
    tasks = _tasks(client, world.evaluator)
    assert "50% respons (1 van 2)" in tasks
    assert "Thermometer najaar" not in _tasks(client, world.other_coordinator)


@pytest.mark.parametrize("role", ["participant", "lead", "coordinator", "evaluator"])
def test_the_first_screen_opens_with_wat_nu(client, world, role):
    client.force_login(getattr(world, role))
    body = client.get(reverse("core:home")).content.decode()
    assert body.index('id="tasks-heading"') < body.index('id="communities-heading"')


def test_programme_roles_are_told_where_their_work_is_instead_of_missing_membership(client, world):
    client.force_login(world.system_partner)
    body = client.get(reverse("core:home")).content.decode()
    assert "Je bent nog geen lid van een gemeenschap." not in body
