import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from leerkring.outbox.models import Message
from tests import factories

RESET = reverse("accounts:password_reset")


@pytest.fixture
def ask_reset(client, django_capture_on_commit_callbacks):
    """Post the reset form; the e-mail leaves the outbox once the request's work commits."""

    def ask(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET, {"email": email})

    return ask


@pytest.fixture
def user(db):
    return factories.UserFactory(email="fatima@gemeente.nl")


def test_it_mails_a_reset_link_in_text_and_html_to_an_existing_address(
    client, user, settings, ask_reset
):
    settings.SITE_URL = "https://leerkring.example.nl"
    response = ask_reset("fatima@gemeente.nl")
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fatima@gemeente.nl"]
    assert message.subject == "Nieuw wachtwoord voor Leerkring"
    assert "https://leerkring.example.nl/accounts/password-reset/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "https://leerkring.example.nl/accounts/password-reset/" in html


def test_it_answers_the_same_for_an_unknown_address_and_sends_nothing(client, user, ask_reset):
    known = ask_reset("fatima@gemeente.nl")
    mail.outbox.clear()
    unknown = ask_reset("nobody@gemeente.nl")
    assert len(mail.outbox) == 0
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    done = client.get(unknown.url).content.decode()
    assert "Als er een account bij dit e-mailadres hoort" in done


def test_it_shows_a_dutch_error_for_an_invalid_address(client, db):
    response = client.post(RESET, {"email": "geen-adres"})
    assert response.status_code == 200
    assert "Vul een geldig e-mailadres in" in response.content.decode()


def test_the_reset_link_sets_a_new_password_and_lifts_a_lockout(client, user, ask_reset):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=user.email).exists()

    ask_reset(user.email)
    link = re.search(r"http\S+/accounts/password-reset/\S+/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "12345", "new_password2": "12345"})
    assert "new_password1" in weak.context["form"].errors

    response = client.post(
        set_url,
        {
            "new_password1": "een-nieuw-lang-wachtwoord",
            "new_password2": "een-nieuw-lang-wachtwoord",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    signed_in = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": "een-nieuw-lang-wachtwoord"},
    )
    assert signed_in.status_code == 302


def test_it_refuses_two_different_passwords(client, user, ask_reset):
    ask_reset(user.email)
    link = re.search(r"/accounts/password-reset/\S+/\S+/", mail.outbox[0].body).group(0)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "een-nieuw-lang-wachtwoord", "new_password2": "iets-anders-lang"}
    )
    assert "De twee wachtwoorden zijn niet gelijk." in response.content.decode()


def test_the_reset_link_is_not_kept_in_the_outbox_once_sent(user, ask_reset):
    ask_reset(user.email)
    message = Message.objects.get(kind="accounts.password_reset")
    assert message.state == Message.State.DONE
    assert "password-reset" not in message.body + message.html
