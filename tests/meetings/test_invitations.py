"""Publishing a meeting: invitation e-mails with a calendar event, updates and cancellations of
the same event, answers from the e-mail link or the page, and the reminder task."""

from __future__ import annotations

import base64
import datetime
import email
import email.policy
import re

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from leerkring.communities.models import Membership
from leerkring.meetings import selectors, services, tasks
from leerkring.meetings.models import Meeting, Rsvp, RsvpLink
from leerkring.outbox import services as outbox
from leerkring.outbox.models import Message
from tests import factories
from tests.confirm import CONFIRMED


def _mime(message):
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def _calendar_part(message):
    parts = [p for p in _mime(message).walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def _ics(message) -> Calendar:
    return Calendar.from_ical(_calendar_part(message).get_content())


def _event(calendar: Calendar):
    (event,) = calendar.events
    return event


def _publish(meeting, by, capture):
    with capture(execute=True):
        return services.meeting_publish(meeting=meeting, by=by)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


# --- Publishing ---------------------------------------------------------------------------


def test_publishing_mails_every_current_member_once(world, meeting, capture):
    gone = factories.MembershipFactory(community=world.community)
    gone.left_on = timezone.localdate() - datetime.timedelta(days=1)
    gone.save()
    sent = _publish(meeting, world.lead, capture)
    recipients = sorted(address for m in mail.outbox for address in m.to)
    expected = sorted(
        m.person.email for m in (world.participant_m, world.lead_m, world.facilitator_m)
    )
    assert sent == 3
    assert recipients == expected
    assert gone.person.email not in recipients
    assert world.sibling_member_m.person.email not in recipients
    meeting.refresh_from_db()
    assert meeting.published_at is not None


def test_the_invitation_is_valid_mime_with_text_html_and_the_ics(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    parsed = _mime(mail.outbox[0])
    assert parsed.is_multipart()
    types = [part.get_content_type() for part in parsed.walk()]
    assert "text/plain" in types and "text/html" in types
    part = _calendar_part(mail.outbox[0])
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_disposition() == "attachment"
    assert part.get_filename().endswith(".ics")
    assert "Uitnodiging" in mail.outbox[0].subject


def test_the_invitation_event_carries_uid_sequence_and_amsterdam_time(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    calendar = _ics(mail.outbox[0])
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{meeting.ical_uid}@leerkring"
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert [str(tz["TZID"]) for tz in calendar.timezones] == ["Europe/Amsterdam"]
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["STATUS"]) == "CONFIRMED"


def test_each_member_gets_personal_answer_links(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    for message in mail.outbox:
        (token,) = set(re.findall(r"/rsvp/([^/\s?]+)/\?antwoord=", message.body))
        membership = services.rsvp_membership_for_token(meeting=meeting, token=token)
        assert membership.person.email == message.to[0]
        html = message.alternatives[0][0]
        assert "antwoord=attend" in html and "antwoord=decline" in html


def test_it_refuses_to_publish_twice(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    with pytest.raises(ValidationError, match="al verstuurd"):
        services.meeting_publish(meeting=meeting, by=world.lead)


def test_it_refuses_to_publish_a_cancelled_or_past_meeting(world):
    cancelled = factories.MeetingFactory(
        community=world.community, status=Meeting.Status.CANCELLED, cancel_reason="Ziek"
    )
    with pytest.raises(ValidationError):
        services.meeting_publish(meeting=cancelled, by=world.lead)
    past = factories.MeetingFactory(
        community=world.community, starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    with pytest.raises(ValidationError):
        services.meeting_publish(meeting=past, by=world.lead)
    assert not mail.outbox
    assert not Meeting.objects.filter(published_at__isnull=False).exists()


def test_nothing_is_mailed_when_the_transaction_rolls_back(world, meeting, capture):
    with capture(execute=False) as callbacks:
        services.meeting_publish(meeting=meeting, by=world.lead)
    assert callbacks  # mails wait for the commit
    assert not mail.outbox


def test_the_publish_button_sends_the_invitation(client, world, meeting):
    client.force_login(world.facilitator)
    with_callbacks = client.post(reverse("meetings:meeting_publish", args=[meeting.pk]), CONFIRMED)
    assert with_callbacks.status_code == 302
    assert with_callbacks["Location"].startswith(
        reverse("meetings:meeting_detail", args=[meeting.pk])
    )
    meeting.refresh_from_db()
    assert meeting.published_at is not None


def test_a_participant_cannot_publish(client, world, meeting):
    client.force_login(world.participant)
    response = client.post(reverse("meetings:meeting_publish", args=[meeting.pk]))
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.published_at is None


# --- Updates and cancellations ------------------------------------------------------------


def test_a_change_sends_the_same_event_with_a_higher_sequence(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    first = _event(_ics(mail.outbox[0]))
    mail.outbox.clear()
    meeting.starts_at += datetime.timedelta(hours=1)
    meeting.ends_at += datetime.timedelta(hours=1)
    meeting.save()
    with capture(execute=True):
        sent = services.meeting_changed_notify(meeting=meeting, by=world.lead)
    assert sent == 3
    calendar = _ics(mail.outbox[0])
    update = _event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(update["UID"]) == str(first["UID"])
    assert int(update["SEQUENCE"]) > int(first["SEQUENCE"])
    assert update.decoded("DTSTART") == meeting.starts_at
    assert "Gewijzigd" in mail.outbox[0].subject


def test_a_change_of_an_unpublished_meeting_tells_nobody(world, meeting, capture):
    with capture(execute=True):
        assert services.meeting_changed_notify(meeting=meeting, by=world.lead) == 0
        assert services.meeting_cancel_notify(meeting=meeting, by=world.lead) == 0
    assert not mail.outbox
    meeting.refresh_from_db()
    assert meeting.ical_sequence == 0


def test_a_cancellation_sends_method_cancel_for_the_same_uid(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    first = _event(_ics(mail.outbox[0]))
    mail.outbox.clear()
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = "De zaal is niet beschikbaar"
    meeting.save()
    with capture(execute=True):
        services.meeting_cancel_notify(meeting=meeting, by=world.lead)
    message = mail.outbox[0]
    assert _calendar_part(message).get_param("method") == "CANCEL"
    calendar = _ics(message)
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(first["UID"])
    assert int(event["SEQUENCE"]) > int(first["SEQUENCE"])
    assert "De zaal is niet beschikbaar" in message.body


def test_the_meeting_edit_service_sends_updates_and_cancellations(world, meeting, capture):
    """The planning service (meeting_update) calls the notify services after commit."""
    _publish(meeting, world.lead, capture)
    mail.outbox.clear()
    with capture(execute=True):
        services.meeting_update(meeting=meeting, by=world.lead, place="Bibliotheek")
    assert len(mail.outbox) == 3
    moved = _event(_ics(mail.outbox[0]))
    mail.outbox.clear()
    with capture(execute=True):
        services.meeting_update(
            meeting=meeting, by=world.lead, status=Meeting.Status.CANCELLED, cancel_reason="Ziek"
        )
    cancelled = _ics(mail.outbox[0])
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert int(_event(cancelled)["SEQUENCE"]) > int(moved["SEQUENCE"]) > 0


# --- Answers ------------------------------------------------------------------------------


def _token(meeting, membership):
    return services.rsvp_token(meeting=meeting, membership=membership)


def _answer_url(meeting, token, answer="attend"):
    return reverse("meetings:rsvp_token", args=[meeting.pk, token]) + f"?antwoord={answer}"


def test_opening_the_answer_link_does_not_answer(client, world, meeting):
    """Mail scanners open links; only the confirmation POST counts."""
    response = client.get(_answer_url(meeting, _token(meeting, world.participant_m)))
    assert response.status_code == 200
    assert 'value="attend"' in response.content.decode()
    assert not Rsvp.objects.exists()


def test_the_answer_page_names_no_one(client, world, meeting):
    """The link is used again and again, so it stands in proxy and access logs; whoever
    replays it from there must not learn whose seat it is (the member knows who they are)."""
    url = _answer_url(meeting, _token(meeting, world.participant_m))
    person = world.participant_m.person
    for page in (client.get(url), client.post(url, {"answer": "attend"})):
        assert page.status_code == 200
        assert person.full_name not in page.content.decode()
        assert person.email not in page.content.decode()


def test_the_answer_link_works_without_signing_in(client, world, meeting):
    url = _answer_url(meeting, _token(meeting, world.participant_m), "decline")
    response = client.post(url, {"answer": "decline"})
    assert response.status_code == 200
    assert "niet kunt" in response.content.decode()
    rsvp = Rsvp.objects.get()
    assert (rsvp.membership, rsvp.answer) == (world.participant_m, Rsvp.Answer.DECLINE)
    client.post(url, {"answer": "attend"})
    assert Rsvp.objects.get().answer == Rsvp.Answer.ATTEND


def test_a_tampered_answer_link_is_refused(client, world, meeting):
    token = _token(meeting, world.participant_m)
    forged = signing.dumps({"meeting": meeting.pk, "membership": world.lead_m.pk}, salt="other")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "nonsense"):
        response = client.post(_answer_url(meeting, bad), {"answer": "attend"})
        assert response.status_code == 404
        assert "werkt niet" in response.content.decode()
    assert not Rsvp.objects.exists()


def test_an_expired_answer_link_is_refused(client, world, meeting):
    token = _token(meeting, world.participant_m)
    RsvpLink.objects.update(
        created_at=timezone.now() - services.RSVP_LINK_MAX_AGE - datetime.timedelta(minutes=1)
    )
    response = client.post(_answer_url(meeting, token), {"answer": "attend"})
    assert response.status_code == 404
    assert not Rsvp.objects.exists()


def test_answer_links_carry_a_random_token_the_database_keeps_only_hashed(world, meeting):
    """No meeting or seat number readable in the link (signed ids used to be)."""
    token = _token(meeting, world.participant_m)
    assert _token(meeting, world.participant_m) == token  # the same in every e-mail
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"meeting" not in decoded and b"membership" not in decoded
    assert token not in str(list(RsvpLink.objects.values()))
    assert services.rsvp_membership_for_token(meeting=meeting, token=token) == world.participant_m


def test_an_answer_link_for_another_meeting_is_refused(client, world, meeting):
    other = factories.MeetingFactory(
        community=world.community, starts_at=meeting.starts_at + datetime.timedelta(days=30)
    )
    token = _token(meeting, world.participant_m)
    response = client.post(_answer_url(other, token), {"answer": "attend"})
    assert response.status_code == 404
    assert not Rsvp.objects.exists()


def test_an_answer_link_of_a_member_who_left_is_refused(client, world, meeting):
    token = _token(meeting, world.participant_m)
    world.participant_m.left_on = timezone.localdate()
    world.participant_m.save()
    response = client.post(_answer_url(meeting, token), {"answer": "attend"})
    assert response.status_code == 404


def test_a_cancelled_meeting_cannot_be_answered(client, world, meeting):
    token = _token(meeting, world.participant_m)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = "Ziek"
    meeting.save()
    response = client.post(_answer_url(meeting, token), {"answer": "attend"})
    assert "afgelast" in response.content.decode()
    assert not Rsvp.objects.exists()
    with pytest.raises(ValidationError):
        services.rsvp_answer(
            meeting=meeting, membership=world.participant_m, answer="attend", by=None
        )


def test_members_answer_on_the_meeting_page(client, world, meeting):
    client.force_login(world.participant)
    url = reverse("meetings:meeting_rsvp", args=[meeting.pk])
    response = client.post(url, {"answer": "attend"})
    assert response.status_code == 302
    assert Rsvp.objects.get().membership == world.participant_m
    response = client.post(url, {"answer": "decline"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="uitnodiging"' in response.content.decode()
    assert Rsvp.objects.get().answer == Rsvp.Answer.DECLINE


def test_a_wrong_answer_value_is_refused_with_a_message(client, world, meeting):
    client.force_login(world.participant)
    url = reverse("meetings:meeting_rsvp", args=[meeting.pk])
    response = client.post(url, {"answer": "maybe"}, HTTP_HX_REQUEST="true")
    assert "Kies ‘Ik kom’ of ‘Ik kan niet’" in response.content.decode()
    assert not Rsvp.objects.exists()


def test_non_members_cannot_answer(client, world, meeting):
    client.force_login(world.sibling_member)
    response = client.post(
        reverse("meetings:meeting_rsvp", args=[meeting.pk]), {"answer": "attend"}
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.rsvp_answer(meeting=meeting, membership=world.sibling_member_m, answer="attend")
    assert not Rsvp.objects.exists()


def test_the_lead_sees_who_answered_and_a_participant_does_not(world, meeting):
    services.rsvp_answer(meeting=meeting, membership=world.participant_m, answer="attend")
    services.rsvp_answer(meeting=meeting, membership=world.facilitator_m, answer="decline")
    lead_view = selectors.meeting_rsvp_context(meeting=meeting, user=world.lead)["rsvp"]
    assert lead_view["answers"]["attending"] == [world.participant_m.person.full_name]
    assert lead_view["answers"]["declined"] == [world.facilitator_m.person.full_name]
    assert lead_view["answers"]["unanswered_count"] == 1
    participant_view = selectors.meeting_rsvp_context(meeting, world.participant)["rsvp"]
    assert participant_view["answers"] is None
    assert participant_view["my_answer"] == "attend"


def test_the_rsvp_partial_shows_names_to_the_lead_only(client, world, meeting):
    from django.template.loader import render_to_string

    services.rsvp_answer(meeting=meeting, membership=world.participant_m, answer="attend")
    name = world.participant_m.person.full_name

    def rendered(user):
        context = {"meeting": meeting, **selectors.meeting_rsvp_context(meeting, user)}
        return render_to_string("meetings/partials/meeting_rsvp.html", context)

    assert name in rendered(world.lead)
    assert name not in rendered(world.participant)
    assert "Uitnodiging versturen" in rendered(world.lead)
    assert "Uitnodiging versturen" not in rendered(world.participant)


# --- Reminder -----------------------------------------------------------------------------


@pytest.fixture
def dummy_tasks(settings):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def _remind(meeting, *, sequence=None, starts_at=None, now=None):
    return services.meeting_reminder_send(
        meeting_id=meeting.pk,
        sequence=meeting.ical_sequence if sequence is None else sequence,
        starts_at=starts_at or meeting.starts_at,
        now=now or meeting.starts_at - datetime.timedelta(days=3),
    )


def test_publishing_queues_the_reminder_days_before_the_start(
    world, meeting, capture, dummy_tasks, settings
):
    settings.MEETING_REMINDER_DAYS = 4
    _publish(meeting, world.lead, capture)
    (result,) = [r for r in dummy_tasks.results if r.task.name != "outbox_deliver"]
    assert result.task.name == "meeting_reminder"
    assert result.task.run_after == meeting.starts_at - datetime.timedelta(days=4)
    assert result.kwargs["meeting_id"] == meeting.pk


def test_a_meeting_too_close_gets_no_reminder(world, capture, dummy_tasks):
    soon = factories.MeetingFactory(
        community=world.community, starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    _publish(soon, world.lead, capture)
    assert [r.task.name for r in dummy_tasks.results] == ["outbox_deliver"]


def test_the_reminder_is_sent_once(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    mail.outbox.clear()
    with capture(execute=True):
        assert _remind(meeting) == 3
        assert _remind(meeting) == 0
    assert len(mail.outbox) == 3
    assert "Herinnering" in mail.outbox[0].subject
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is not None


def test_the_reminder_task_runs_the_service(world, meeting, capture, monkeypatch):
    _publish(meeting, world.lead, capture)
    mail.outbox.clear()
    monkeypatch.setattr(
        timezone, "now", lambda: meeting.starts_at - datetime.timedelta(days=2, hours=23)
    )
    with capture(execute=True):
        sent = tasks.meeting_reminder.call(
            meeting_id=meeting.pk, sequence=0, starts_at=meeting.starts_at.isoformat()
        )
    assert sent == 3
    assert len(mail.outbox) == 3


def test_an_immediate_task_backend_does_not_remind_too_early(world, meeting, capture):
    """Tests run tasks at once; the task sees it is days early and stays silent."""
    _publish(meeting, world.lead, capture)
    assert [m.subject for m in mail.outbox if "Herinnering" in m.subject] == []
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is None


def test_no_reminder_for_a_cancelled_meeting(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    mail.outbox.clear()
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = "Ziek"
    meeting.save()
    with capture(execute=True):
        assert _remind(meeting, sequence=0) == 0
    assert not mail.outbox


def test_no_reminder_for_the_old_version_of_a_moved_meeting(world, meeting, capture):
    _publish(meeting, world.lead, capture)
    old_start = meeting.starts_at
    meeting.starts_at += datetime.timedelta(days=7)
    meeting.ends_at += datetime.timedelta(days=7)
    meeting.save()
    with capture(execute=True):
        services.meeting_changed_notify(meeting=meeting, by=world.lead)
    mail.outbox.clear()
    with capture(execute=True):
        assert _remind(meeting, sequence=0, starts_at=old_start, now=old_start) == 0
        assert _remind(meeting) == 3


def test_the_reminder_setting_defaults_to_three_days():
    from django.conf import settings

    assert settings.MEETING_REMINDER_DAYS == 3


def test_members_only_get_mail_while_they_are_members(world, meeting, capture):
    Membership.objects.filter(pk=world.participant_m.pk).update(
        left_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    _publish(meeting, world.lead, capture)
    assert world.participant_m.person.email not in [m.to[0] for m in mail.outbox]


def test_a_mail_server_failure_does_not_break_the_publish(world, meeting, capture, settings):
    """Nobody listens on port 9: the invitations wait in the outbox, the publish stands."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    try:
        _publish(meeting, world.lead, capture)
    finally:
        outbox.pause_reset()
    meeting.refresh_from_db()
    assert meeting.published_at is not None
    assert set(
        Message.objects.filter(kind="meetings.invitation").values_list("state", flat=True)
    ) == {Message.State.WAITING}


def test_reinstating_a_cancelled_published_meeting_sends_an_update(
    world, meeting, capture, dummy_tasks
):
    """Members' calendars struck the event through on the cancellation; bringing the meeting
    back must put it back, with a SEQUENCE above the cancellation's and a fresh reminder."""
    _publish(meeting, world.lead, capture)
    with capture(execute=True):
        services.meeting_update(
            meeting=meeting, by=world.lead, status=Meeting.Status.CANCELLED, cancel_reason="Ziek"
        )
    cancelled_sequence = Meeting.objects.get(pk=meeting.pk).ical_sequence
    outbox.deliver()  # the dummy task backend runs no delivery task
    mail.outbox.clear()
    dummy_tasks.clear()
    with capture(execute=True):
        services.meeting_update(meeting=meeting, by=world.lead, status=Meeting.Status.PLANNED)
    outbox.deliver()
    assert len(mail.outbox) == 3
    calendar = _ics(mail.outbox[0])
    assert str(calendar["METHOD"]) == "REQUEST"
    assert int(_event(calendar)["SEQUENCE"]) > cancelled_sequence
    assert "Gewijzigd" in mail.outbox[0].subject
    (result,) = [r for r in dummy_tasks.results if r.task.name != "outbox_deliver"]
    assert result.kwargs["sequence"] == Meeting.objects.get(pk=meeting.pk).ical_sequence


def test_a_new_title_of_a_published_meeting_is_sent_as_an_update(world, meeting, capture):
    """The title is the event's SUMMARY: a calendar only takes it over with a higher SEQUENCE."""
    _publish(meeting, world.lead, capture)
    first = _event(_ics(mail.outbox[0]))
    mail.outbox.clear()
    with capture(execute=True):
        services.meeting_update(meeting=meeting, by=world.lead, title="Casusbespreking")
    assert len(mail.outbox) == 3
    update = _event(_ics(mail.outbox[0]))
    assert str(update["SUMMARY"]) == "Casusbespreking"
    assert int(update["SEQUENCE"]) > int(first["SEQUENCE"])
