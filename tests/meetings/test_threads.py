"""Threads between meetings: members only, e-mail per member's choice (each / digest / off)."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings import services
from leerkring.meetings.models import Message, Thread, ThreadNotificationPreference
from leerkring.outbox import services as outbox
from tests import factories

Mode = ThreadNotificationPreference.Mode


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def _email(membership):
    return membership.person.email


def test_a_member_starts_a_thread_and_another_replies(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.participant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:thread_start", args=[world.community.pk]),
            {"title": "Ervaringen met de PIP", "body": "Hoe doen jullie dit?"},
        )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:thread", args=[thread.pk])
    assert thread.started_by == world.participant_m.person

    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:thread", args=[thread.pk]), {"body": "Wij plannen **samen**."}
        )
    assert response.status_code == 302
    page = client.get(reverse("meetings:thread", args=[thread.pk])).content.decode()
    assert "Hoe doen jullie dit?" in page
    assert "<strong>samen</strong>" in page


def test_the_list_shows_the_latest_activity_first(client, world):
    old = services.thread_start(
        community=world.community,
        author=world.lead_m.person,
        title="Oud gesprek",
        body="a",
        by=None,
    )
    services.thread_start(
        community=world.community,
        author=world.lead_m.person,
        title="Nieuwer gesprek",
        body="b",
        by=None,
    )
    services.message_post(thread=old, author=world.participant_m.person, body="Nog iets", by=None)
    client.force_login(world.participant)
    page = client.get(reverse("meetings:threads", args=[world.community.pk])).content.decode()
    assert page.index("Oud gesprek") < page.index("Nieuwer gesprek")


def test_messages_are_sanitised(client, world):
    thread = services.thread_start(
        community=world.community,
        author=world.lead_m.person,
        title="Titel",
        body='<script>alert(1)</script><img src=x onerror="alert(2)">[x](javascript:alert(3))',
        by=None,
    )
    client.force_login(world.participant)
    page = client.get(reverse("meetings:thread", args=[thread.pk])).content.decode()
    assert "alert(1)" not in page and "onerror" not in page and "javascript:alert" not in page


def test_each_message_mails_members_who_want_it_but_not_the_author_nor_other_communities(
    world, django_capture_on_commit_callbacks
):
    digest_member = factories.MembershipFactory(community=world.community)
    off_member = factories.MembershipFactory(community=world.community)
    services.thread_notification_set(membership=digest_member, mode=Mode.DIGEST, by=None)
    services.thread_notification_set(membership=off_member, mode=Mode.OFF, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_start(
            community=world.community,
            author=world.participant_m.person,
            title="Vraag",
            body="Wie weet dit?",
            by=world.participant,
        )
    # Default (no choice made) is each message: the lead and facilitator.
    assert _recipients() == sorted([_email(world.lead_m), _email(world.facilitator_m)])
    message = mail.outbox[0]
    assert "Wie weet dit?" in message.body
    assert message.alternatives[0][1] == "text/html"
    for outsider in (world.sibling_member_m, world.foreign_member_m, digest_member, off_member):
        assert _email(outsider) not in _recipients()


def test_no_mail_is_sent_when_the_message_is_rolled_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.thread_start(
            community=world.community,
            author=world.participant_m.person,
            title="T",
            body="B",
            by=None,
        )
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_only_members_can_write(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.thread_start(
            community=world.community,
            author=world.sibling_member_m.person,
            title="Binnendringen",
            body="x",
            by=None,
        )
    assert not Thread.objects.exists()


def test_a_member_chooses_the_daily_digest_on_the_threads_page(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:thread_notifications", args=[world.community.pk]), {"mode": "digest"}
    )
    assert response.status_code == 302
    preference = ThreadNotificationPreference.objects.get(membership=world.participant_m)
    assert preference.mode == Mode.DIGEST
    assert preference.digest_sent_until is not None
    page = client.get(reverse("meetings:threads", args=[world.community.pk])).content.decode()
    assert re.search(r'<input[^>]*value="digest"[^>]*checked', page)
    assert not re.search(r'<input[^>]*value="each"[^>]*checked', page)


def test_an_unknown_choice_gets_a_message(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:thread_notifications", args=[world.community.pk]), {"mode": "sms"}
    )
    assert response.status_code == 200
    assert not ThreadNotificationPreference.objects.exists()


def test_the_daily_digest_sends_one_mail_with_new_messages_of_others(world):
    start = timezone.now() - datetime.timedelta(hours=2)
    services.thread_notification_set(membership=world.participant_m, mode=Mode.DIGEST, by=None)
    ThreadNotificationPreference.objects.update(digest_sent_until=start)
    thread = Thread.objects.create(community=world.community, title="Huisvesting")
    Message.objects.create(
        thread=thread,
        author=world.lead_m.person,
        body="Eerste",
        created_at=start - datetime.timedelta(hours=1),
    )
    Message.objects.create(thread=thread, author=world.lead_m.person, body="Tweede bericht")
    Message.objects.create(thread=thread, author=world.facilitator_m.person, body="Derde bericht")
    Message.objects.create(thread=thread, author=world.participant_m.person, body="Mijn eigen")
    other = Thread.objects.create(community=world.sibling, title="Elders")
    Message.objects.create(thread=other, author=world.sibling_member_m.person, body="Van elders")

    call_command("send_thread_digests", stdout=io.StringIO())
    outbox.deliver()

    assert _recipients() == [_email(world.participant_m)]
    body = mail.outbox[0].body
    assert "Tweede bericht" in body and "Derde bericht" in body
    assert "Eerste" not in body  # before the previous digest
    assert "Mijn eigen" not in body
    assert "Van elders" not in body
    assert mail.outbox[0].alternatives[0][1] == "text/html"

    mail.outbox.clear()
    call_command("send_thread_digests", stdout=io.StringIO())
    outbox.deliver()
    assert mail.outbox == []


def test_members_who_did_not_choose_the_digest_get_none(world):
    services.thread_notification_set(membership=world.lead_m, mode=Mode.OFF, by=None)
    thread = Thread.objects.create(community=world.community, title="T")
    Message.objects.create(thread=thread, author=world.participant_m.person, body="Hallo")
    assert services.thread_digests_send() == 0
    assert mail.outbox == []


def test_the_thread_list_and_page_take_a_fixed_number_of_queries(client, world):
    def make(n):
        for i in range(n):
            thread = Thread.objects.create(community=world.community, title=f"Gesprek {i}")
            for j in range(3):
                Message.objects.create(thread=thread, author=world.lead_m.person, body=f"m{j}")
        return thread

    client.force_login(world.participant)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small_thread = make(2)
    small = count(reverse("meetings:threads", args=[world.community.pk]))
    small_page = count(reverse("meetings:thread", args=[small_thread.pk]))
    large_thread = make(20)
    for j in range(20):
        Message.objects.create(thread=large_thread, author=world.facilitator_m.person, body=f"x{j}")
    assert count(reverse("meetings:threads", args=[world.community.pk])) == small
    assert count(reverse("meetings:thread", args=[large_thread.pk])) == small_page


def test_thread_mails_are_written_in_the_site_language(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """The author may browse in English; the members get the site's language."""
    from django.conf import settings
    from django.utils import translation

    from leerkring.core import emails

    languages = []
    build = emails.email_build

    def spy(**kwargs):
        languages.append(translation.get_language())
        return build(**kwargs)

    monkeypatch.setattr(emails, "email_build", spy)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.thread_start(
            community=world.community,
            author=world.lead_m.person,
            title="Vraag",
            body="Hoe doen jullie dit?",
            by=world.lead,
        )
    assert languages and set(languages) == {settings.LANGUAGE_CODE}
