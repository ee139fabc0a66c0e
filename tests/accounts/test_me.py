"""Mijn gegevens: password, sessions, the download of everything Leerkring holds about a person,
and leaving Leerkring. Each view three ways: signed out, the person themselves, someone else."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

import leerkring.outbox.models
from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership, Person
from leerkring.core.models import AuditEvent
from leerkring.core.personal_data import personal_data_sources
from leerkring.dissemination.models import Subscriber
from leerkring.meetings.models import Attendance, CalendarFeed, Message, Thread
from leerkring.surveys.models import Invitation
from tests import factories

LOGIN = reverse("accounts:login")


def sign_in_for_real(user, ip="192.0.2.10", agent="Firefox op Linux") -> Client:
    """A real sign-in (not force_login), so allauth records the session in the list."""
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    response = client.post(LOGIN, {"username": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


# --- The page and its doors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["accounts:me", "accounts:password_change", "accounts:sessions", "accounts:erase"]
)
def test_mijn_gegevens_pages_need_signing_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_page_shows_the_persons_own_account(client, world):
    client.force_login(world.participant)
    page = client.get(reverse("accounts:me")).content.decode()
    assert world.participant_m.person.full_name in page
    assert world.participant.email in page
    assert world.lead.email not in page
    assert reverse("accounts:export") in page
    assert reverse("mfa_index") in page


def test_every_page_links_to_mijn_gegevens(client, world):
    client.force_login(world.participant)
    assert reverse("accounts:me") in client.get(reverse("core:home")).content.decode()


# --- Password ------------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(world):
    user = world.participant
    here = sign_in_for_real(user, ip="192.0.2.1")
    elsewhere = sign_in_for_real(user, ip="198.51.100.2")
    assert UserSession.objects.filter(user=user).count() == 2

    response = here.post(
        reverse("accounts:password_change"),
        {
            "current_password": factories.PASSWORD,
            "new_password1": "een-nieuw-lang-wachtwoord",
            "new_password2": "een-nieuw-lang-wachtwoord",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("een-nieuw-lang-wachtwoord")
    assert here.get(reverse("accounts:me")).status_code == 200
    assert elsewhere.get(reverse("accounts:me")).status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(verb="account.password_changed", actor=user).exists()


def test_the_password_change_checks_the_current_password_and_the_rules(client, world):
    client.force_login(world.participant)
    wrong = client.post(
        reverse("accounts:password_change"),
        {
            "current_password": "niet-het-wachtwoord",
            "new_password1": "kort",
            "new_password2": "kort",
        },
    )
    form = wrong.context["form"]
    assert form.errors["current_password"] == ["Dit is niet je huidige wachtwoord."]
    assert "Gebruik minstens 12 tekens." in form.errors["new_password1"][0]
    world.participant.refresh_from_db()
    assert world.participant.check_password(factories.PASSWORD)


def test_someone_without_a_password_sets_a_first_one(client, world):
    user = world.participant
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert "current_password" not in page.context["form"].fields
    client.post(
        reverse("accounts:password_change"),
        {"new_password1": "een-eerste-wachtwoord", "new_password2": "een-eerste-wachtwoord"},
    )
    user.refresh_from_db()
    assert user.check_password("een-eerste-wachtwoord")


# --- Sessions --------------------------------------------------------------------------------


def test_the_sessions_are_listed_and_one_can_be_ended(world):
    user = world.participant
    here = sign_in_for_real(user, ip="192.0.2.1", agent="Firefox op Linux")
    elsewhere = sign_in_for_real(user, ip="198.51.100.2", agent="Safari op iPhone")
    page = here.get(reverse("accounts:sessions")).content.decode()
    assert "Firefox op Linux" in page
    assert "Safari op iPhone" in page
    assert "198.51.100.2" in page

    other = UserSession.objects.get(user=user, ip="198.51.100.2")
    response = here.post(reverse("accounts:session_end", args=[other.pk]))
    assert response.status_code == 302
    assert elsewhere.get(reverse("accounts:me")).status_code == 302
    assert here.get(reverse("accounts:me")).status_code == 200


def test_ending_all_other_sessions(world):
    user = world.participant
    here = sign_in_for_real(user)
    others = [sign_in_for_real(user, ip=f"198.51.100.{n}") for n in range(3)]
    here.post(reverse("accounts:sessions_end_others"))
    assert UserSession.objects.filter(user=user).count() == 1
    for client in others:
        assert client.get(reverse("accounts:me")).status_code == 302


def test_nobody_ends_someone_elses_session(world):
    sign_in_for_real(world.participant)
    theirs = UserSession.objects.get(user=world.participant)
    intruder = sign_in_for_real(world.lead)
    response = intruder.post(reverse("accounts:session_end", args=[theirs.pk]))
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=theirs.pk).exists()


# --- Download --------------------------------------------------------------------------------


@pytest.fixture
def rich_participant(world):
    """A participant with something in every app: attendance, a message, a survey invitation,
    a newsletter subscription."""
    person = world.participant_m.person
    meeting = factories.MeetingFactory(community=world.community, title="Kennismaking")
    Attendance.objects.create(meeting=meeting, membership=world.participant_m, status="present")
    thread = Thread.objects.create(community=world.community, title="Taalcafé", started_by=person)
    Message.objects.create(thread=thread, author=person, body="Wie weet een goede locatie?")
    CalendarFeed.objects.create(person=person, token_hash="f" * 64)
    wave = factories.WaveFactory(programme=world.programme)
    Invitation.objects.create(
        wave=wave, person=person, email=person.email, token_hash="a" * 64, answered=True
    )
    factories.SubscriberFactory(
        newsletter=factories.NewsletterFactory(), email=person.email, person=person
    )
    leerkring.outbox.models.Message.objects.create(
        kind="meetings.invitation",
        message_id="<uitnodiging-1@leerkring.test>",
        from_email="noreply@leerkring.test",
        recipient=person.email,
        subject="Uitnodiging: Kennismaking op 12 maart",
    )
    return world.participant


def download(client) -> tuple[dict, str]:
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["gegevens.json", "overzicht.html"]
    return json.loads(archive.read("gegevens.json")), archive.read("overzicht.html").decode()


def test_the_download_holds_everything_about_the_person_as_json_and_html(
    client, world, rich_participant
):
    client.force_login(rich_participant)
    data, summary = download(client)
    text = json.dumps(data, ensure_ascii=False)
    person = world.participant_m.person
    for expected in (
        person.full_name,
        rich_participant.email,
        world.community.name,
        "Kennismaking",
        "Wie weet een goede locatie?",
        "Taalcafé",
        "Uitnodiging: Kennismaking op 12 maart",
    ):
        assert expected in text
        assert expected in summary
    chapters = [chapter["onderdeel"] for chapter in data["onderdelen"]]
    assert chapters[:2] == ["Account", "Gemeenschappen"]
    assert "Vragenlijsten" in chapters
    assert AuditEvent.objects.filter(verb="account.exported", actor=rich_participant).exists()


def test_the_download_holds_nothing_about_other_people(client, world, rich_participant):
    client.force_login(rich_participant)
    data, summary = download(client)
    for other in (world.lead, world.facilitator, world.coordinator):
        assert other.email not in json.dumps(data)
        assert other.email not in summary
        assert Person.objects.get(user=other).full_name not in summary


def test_the_download_says_survey_answers_are_not_linked_to_anyone(client, world):
    client.force_login(world.participant)
    data, summary = download(client)
    assert "Antwoorden op vragenlijsten staan er niet in" in data["toelichting"]
    assert "Antwoorden op vragenlijsten staan er niet in" in summary


def test_the_download_asks_to_confirm_the_password_when_signed_in_long_ago(world):
    client = Client()
    from tests.conftest import force_login_password_only

    force_login_password_only(client, world.participant)
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_every_link_to_a_person_is_covered_by_the_download_or_judged(db):
    """A new foreign key to a person or an account must be added to an app's personal-data
    selector (and eraser), or named here with the reason it is left out."""
    covered = {
        "core.AuditEvent.actor": "accounts: what you did",
        "accounts.ProgrammeRole.person": "accounts",
        "accounts.Invitation.person": "accounts",
        "communities.Person.user": "communities",
        "communities.Membership.person": "communities",
        "meetings.CalendarFeed.person": "meetings",
        "meetings.Thread.started_by": "meetings",
        "meetings.Message.author": "meetings",
        "signalling.Signal.owner": "signalling",
        "signalling.Signal.passed_on_by": "signalling",
        "signalling.Signal.created_by": "signalling",
        "signalling.SignalResponse.author": "signalling",
        "surveys.Invitation.person": "surveys",
        "evaluation.Observation.observer": "evaluation",
        "evaluation.ChangeStory.entered_by": "evaluation",
        "dissemination.Product.created_by": "dissemination",
        "dissemination.Dissemination.shared_by": "dissemination",
        "dissemination.Subscriber.person": "dissemination",
        "publishing.PublicationCredit.person": "publishing",
        "publishing.Publication.proposed_by": "publishing",
        "publishing.Publication.decided_by": "publishing",
        "events.Registration.person": "events",
        "events.Event.created_by": "events",
        "network.NetworkMember.person": "network",
        "network.NetworkNotification.person": "network",
        "network.NetworkDocument.uploaded_by": "network",
        "mfa.Authenticator.user": "accounts: second factors",
        "usersessions.UserSession.user": "accounts: sessions",
        "socialaccount.SocialAccount.user": "accounts: organisation accounts",
        "api.ApiToken.user": "api",
        "api.IdempotencyKey.user": "api",
        "api.WebhookSubscription.created_by": "api",
    }
    left_out = {
        # Who last touched a row: bookkeeping of the community's own records, in the audit
        # history the person downloads as "what you did".
        "accounts.Invitation.invited_by",
        "meetings.Meeting.created_by",
        # Which evaluators the community let in as observer: its own record of the meeting.
        "meetings.Meeting.observers",
        "meetings.Attendance.recorded_by",
        "meetings.Lesson.created_by",
        "meetings.Agreement.created_by",
        "meetings.AgreementStatusChange.changed_by",
        "signalling.SignalTheme.created_by",
        "signalling.CoordinationMeeting.created_by",
        "signalling.CoordinationMeeting.recorded_by",
        "signalling.Escalation.escalated_by",
        "signalling.SignalEvent.actor",
        "signalling.CoordinationDecision.decided_by",
        "surveys.Questionnaire.created_by",
        "surveys.Wave.created_by",
        "evaluation.StoryInvitation.created_by",
        "dissemination.ProductFile.uploaded_by",
        "dissemination.NewsletterIssue.created_by",
        "events.Event.submitted_by",
        "events.Event.approved_by",
        "network.Network.created_by",
        "network.NetworkMember.added_by",
        # The Django admin's own log, for the administrator.
        "admin.LogEntry.user",
        # The access log of reads and exports, for coordinators and administrators: kept for
        # ACCESS_LOG_RETENTION_DAYS, its actor cleared when the account goes (SET_NULL).
        "core.AccessRecord.actor",
        # allauth's e-mail addresses are not used; an erasure removes any.
        "account.EmailAddress.user",
    }
    person_model = Person
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                field.is_relation
                and field.concrete
                and field.related_model
                in (
                    person_model,
                    user_model,
                )
            ):
                found.add(f"{model._meta.label}.{field.name}")
    unjudged = found - set(covered) - left_out
    assert not unjudged, f"links to a person not in the download nor judged: {sorted(unjudged)}"
    assert {source.key for source in personal_data_sources()} >= {
        "accounts",
        "communities",
        "meetings",
        "signalling",
        "surveys",
        "evaluation",
        "dissemination",
        "publishing",
        "events",
        "network",
    }


# --- Leaving ---------------------------------------------------------------------------------


def erase(client, user, **data):
    return client.post(
        reverse("accounts:erase"),
        {"email": user.email, "understood": "on", **data},
    )


def test_leaving_anonymises_the_person_and_keeps_the_communitys_record(
    client, world, rich_participant
):
    user = rich_participant
    person = world.participant_m.person
    former_email = user.email
    former_name = person.full_name
    client.force_login(user)
    response = erase(client, user)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    person.refresh_from_db()
    assert person.full_name == "Oud-lid"
    assert person.email is None
    membership = Membership.objects.get(pk=world.participant_m.pk)
    assert membership.left_on is not None  # the seat ended today, the row stays
    assert Attendance.objects.filter(membership=membership).exists()
    assert Message.objects.filter(author=person).exists()
    assert not CalendarFeed.objects.filter(person=person).exists()
    assert not Subscriber.objects.filter(email=former_email).exists()
    assert not Invitation.objects.filter(person=person).exists()
    assert not leerkring.outbox.models.Message.objects.filter(
        recipient__iexact=former_email
    ).exists()

    user.refresh_from_db()
    assert user.email != former_email
    assert not user.is_active
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(verb="account.erased")
    assert event.object_id == user.pk
    # Nothing in the audit history names the person any more.
    for data in AuditEvent.objects.values_list("data", flat=True):
        assert former_email not in json.dumps(data)
        assert former_name not in json.dumps(data, ensure_ascii=False)

    again = Client()
    response = again.post(LOGIN, {"username": former_email, "password": factories.PASSWORD})
    assert "_auth_user_id" not in again.session


def test_leaving_needs_the_address_typed_and_the_box_ticked(client, world):
    client.force_login(world.participant)
    response = client.post(reverse("accounts:erase"), {"email": "iemand@anders.nl"})
    form = response.context["form"]
    assert form.errors["email"] == ["Dit is niet het e-mailadres van je account."]
    assert form.errors["understood"] == ["Vink aan dat je dit begrijpt."]
    world.participant.refresh_from_db()
    assert world.participant.is_active


def test_the_only_coordinator_must_hand_over_first(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("accounts:erase")).content.decode()
    assert "enige coördinator van CoP&#x27;s Inburgering" in page or "enige coördinator" in page
    erase(client, world.coordinator)
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_active

    factories.ProgrammeRoleFactory(programme=world.programme, role=ProgrammeRole.Role.COORDINATOR)
    erase(client, world.coordinator)
    world.coordinator.refresh_from_db()
    assert not world.coordinator.is_active
    assert not ProgrammeRole.objects.filter(person__user=world.coordinator).exists()
