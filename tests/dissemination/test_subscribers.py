"""Subscribers: members opt in, outsiders sign up with double opt-in, everyone unsubscribes
with one click and without signing in."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.urls import reverse

from leerkring.dissemination import newsletter as machinery
from leerkring.dissemination import services
from leerkring.dissemination.models import Subscriber
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public(world):
    return factories.NewsletterFactory(
        programme=world.programme, is_public=True, title="Open nieuws"
    )


@pytest.fixture
def members_only(world):
    return factories.NewsletterFactory(programme=world.programme, is_public=False)


def sign_up(client, newsletter, email="collega@gemeente.nl", capture=None, **extra):
    url = reverse("dissemination:newsletter_subscribe", args=[newsletter.pk])
    if capture is None:
        return client.post(url, {"email": email, **extra})
    with capture(execute=True):
        return client.post(url, {"email": email, **extra})


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/newsletters/confirm/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


# --- Members -------------------------------------------------------------------------------


def test_a_member_opts_in_with_one_click_and_is_confirmed_at_once(world, client, members_only):
    client.force_login(world.participant)
    client.post(reverse("dissemination:newsletter_optin", args=[members_only.pk]))
    subscriber = Subscriber.objects.get()
    assert subscriber.email == world.participant.email.lower()
    assert subscriber.confirmed_at is not None
    assert subscriber.person == world.participant.person
    page = client.get(reverse("dissemination:newsletter", args=[members_only.pk])).content.decode()
    assert "Afmelden" in page
    client.post(
        reverse("dissemination:newsletter_optin", args=[members_only.pk]), {"action": "leave"}
    )
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_an_outsider_cannot_opt_in_to_a_members_only_newsletter(world, client, members_only):
    for outsider in (world.foreign_member, world.system_partner, world.nobody):
        client.force_login(outsider)
        response = client.post(reverse("dissemination:newsletter_optin", args=[members_only.pk]))
        assert response.status_code == 403
    assert not Subscriber.objects.exists()


# --- Double opt-in -------------------------------------------------------------------------


def test_a_public_sign_up_waits_for_the_confirmation_link(
    client, public, django_capture_on_commit_callbacks
):
    response = sign_up(client, public, capture=django_capture_on_commit_callbacks)
    assert "Kijk in je mailbox" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["collega@gemeente.nl"]
    link = path_of(confirm_link(mail.outbox[0]))
    # Following the link only asks (mail filters follow links); the button confirms.
    assert "Ja, ik wil de nieuwsbrief ontvangen" in client.get(link).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    response = client.post(link)
    assert "Je aanmelding is bevestigd" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None


def test_an_unconfirmed_subscriber_gets_no_issue(
    world, client, public, django_capture_on_commit_callbacks
):
    sign_up(client, public, capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()
    issue = services.issue_create(newsletter=public, by=world.coordinator)
    services.issue_item_add_text(issue=issue, title="Nieuws", body="", by=world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_publish(issue=issue, by=world.coordinator)
    assert mail.outbox == []


def test_signing_up_twice_sends_a_new_link_but_makes_no_second_row(
    client, public, django_capture_on_commit_callbacks
):
    sign_up(client, public, capture=django_capture_on_commit_callbacks)
    response = sign_up(
        client, public, email=" Collega@Gemeente.nl ", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 2


def test_signing_up_again_does_not_end_an_active_subscription(
    client, public, django_capture_on_commit_callbacks
):
    existing = factories.SubscriberFactory(newsletter=public, email="lezer@gemeente.nl")
    sign_up(client, public, email="lezer@gemeente.nl", capture=django_capture_on_commit_callbacks)
    existing.refresh_from_db()
    assert existing.confirmed_at is not None and existing.unsubscribed_at is None


def test_someone_who_left_comes_back_only_after_confirming(
    client, public, django_capture_on_commit_callbacks
):
    left = factories.SubscriberFactory(newsletter=public, email="terug@gemeente.nl")
    services.subscriber_unsubscribe(subscriber=left)
    sign_up(client, public, email="terug@gemeente.nl", capture=django_capture_on_commit_callbacks)
    left.refresh_from_db()
    assert left.unsubscribed_at is not None
    client.post(path_of(confirm_link(mail.outbox[-1])))
    left.refresh_from_db()
    assert left.unsubscribed_at is None


def test_a_bad_address_gets_a_dutch_message_next_to_the_field(client, public):
    response = sign_up(client, public, email="geen-adres")
    assert response.status_code == 200
    assert "Vul een geldig e-mailadres in" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client, public):
    response = sign_up(client, public, website="http://spam.example")
    assert "Kijk in je mailbox" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_sign_ups_are_limited_per_address(client, public):
    for n in range(5):
        assert sign_up(client, public, email=f"lezer{n}@example.nl").status_code == 200
    response = sign_up(client, public, email="nog-een@example.nl")
    assert response.status_code == 429
    assert "te veel aanmeldingen" in response.content.decode()
    assert Subscriber.objects.count() == 5


def test_the_public_form_of_a_members_only_newsletter_is_for_members(world, client, members_only):
    url = reverse("dissemination:newsletter_subscribe", args=[members_only.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world.nobody)
    assert client.get(url).status_code == 403
    client.force_login(world.sibling_member)
    assert client.get(url).status_code == 200


def test_a_tampered_confirmation_link_is_refused_kindly(client, public):
    subscriber = factories.SubscriberFactory(newsletter=public, confirmed_at=None)
    token = machinery.confirm_token(subscriber)
    response = client.post(reverse("dissemination:newsletter_confirm", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert "Deze link werkt niet" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


# --- Unsubscribe ---------------------------------------------------------------------------


def test_one_click_unsubscribe_works_without_signing_in_and_only_for_that_address(client, public):
    leaving, staying = factories.SubscriberFactory.create_batch(2, newsletter=public)
    url = reverse(
        "dissemination:newsletter_unsubscribe", args=[machinery.unsubscribe_token(leaving)]
    )
    # The mail client's one-click POST (RFC 8058), without a CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Je bent afgemeld" in response.content.decode()
    leaving.refresh_from_db()
    staying.refresh_from_db()
    assert leaving.unsubscribed_at is not None
    assert staying.unsubscribed_at is None


def test_opening_the_unsubscribe_link_only_asks(client, public):
    subscriber = factories.SubscriberFactory(newsletter=public)
    url = reverse(
        "dissemination:newsletter_unsubscribe", args=[machinery.unsubscribe_token(subscriber)]
    )
    assert "Ja, meld mij af" in client.get(url).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


def test_an_unsubscribe_link_used_twice_says_so(client, public):
    subscriber = factories.SubscriberFactory(newsletter=public)
    url = reverse(
        "dissemination:newsletter_unsubscribe", args=[machinery.unsubscribe_token(subscriber)]
    )
    client.post(url)
    first = subscriber.__class__.objects.get(pk=subscriber.pk).unsubscribed_at
    response = client.post(url)
    assert "Je bent al afgemeld" in response.content.decode()
    assert "Je bent al afgemeld" in client.get(url).content.decode()
    assert subscriber.__class__.objects.get(pk=subscriber.pk).unsubscribed_at == first


def test_links_carry_random_tokens_that_the_database_keeps_only_hashed(public):
    """No address, id or other readable data in a link; a copy of the database hands out no
    working link."""
    subscriber = factories.SubscriberFactory(newsletter=public, email="lezer@example.nl")
    unsubscribe = machinery.unsubscribe_token(subscriber)
    confirm = machinery.confirm_token(subscriber)
    for token in (unsubscribe, confirm):
        assert len(token) >= 40
        assert "lezer" not in token and str(subscriber.pk) not in token.split("-")
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert b"lezer" not in decoded and b"example.nl" not in decoded
    stored = Subscriber.objects.filter(pk=subscriber.pk).values().get()
    assert unsubscribe not in str(stored) and confirm not in str(stored)
    assert machinery.subscriber_id_from_unsubscribe_token(unsubscribe) == subscriber.pk
    assert machinery.unsubscribe_token(subscriber.pk) == unsubscribe  # the same in every issue
    assert machinery.subscriber_id_from_confirm_token(confirm) == (subscriber.pk, subscriber.email)


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nobody(client, public):
    victim = factories.SubscriberFactory(newsletter=public)
    other = factories.SubscriberFactory(newsletter=public)
    token = machinery.unsubscribe_token(other)
    # Another subscriber's id in the signed value's place, keeping the old signature.
    forged = signing.dumps(victim.pk, salt="wrong-salt")
    for bad in (token[:-3] + "abc", forged, "niets", token.upper()):
        response = client.post(reverse("dissemination:newsletter_unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "Deze link werkt niet" in response.content.decode()
    assert not Subscriber.objects.filter(unsubscribed_at__isnull=False).exists()
