import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from leerkring.accounts import services
from leerkring.accounts.models import Invitation
from leerkring.communities.models import Person
from tests import factories

NEW_PASSWORD = "een-lang-en-goed-wachtwoord"


def invite(client, world, captured, email="nieuw@taalschool.nl", **extra):
    client.force_login(world.lead)
    with captured(execute=True):
        response = client.post(
            reverse("accounts:member_invite", args=[world.community.pk]),
            {"full_name": "Noor Bakker", "email": email, "role": "participant", **extra},
        )
    client.logout()
    return response


def link_path(message) -> str:
    url = re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def accept(client, path, password=NEW_PASSWORD, again=None):
    return client.post(path, {"new_password1": password, "new_password2": again or password})


def test_the_full_invitation_flow(client, world, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://leerkring.example.nl"
    response = invite(client, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@taalschool.nl"]
    assert "CoP Achterhoek" in message.subject
    lead_name = world.lead_m.person.full_name
    assert lead_name in message.body and "CoP Achterhoek" in message.body
    assert "https://leerkring.example.nl/accounts/invitation/" in message.body
    assert "14 dagen geldig" in message.body
    html = message.alternatives[0][0]
    assert lead_name in html and "https://leerkring.example.nl/accounts/invitation/" in html

    path = link_path(message)
    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert lead_name in body and "CoP Achterhoek" in body

    response = accept(client, path)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    person = Person.objects.get(email="nieuw@taalschool.nl")
    assert client.session["_auth_user_id"] == str(person.user_id)
    home = client.get(response.url).content.decode()
    assert "Welkom bij Leerkring, Noor Bakker!" in home

    client.logout()
    signed_in = client.post(
        reverse("accounts:login"), {"username": "nieuw@taalschool.nl", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302

    client.logout()
    second = client.get(path)
    assert second.status_code == 410
    assert "al gebruikt" in second.content.decode()
    assert accept(client, path, password="weer-een-ander-wachtwoord").status_code == 410
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)


def test_it_refuses_an_expired_link(client, world, django_capture_on_commit_callbacks):
    invite(client, world, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(path)
    assert response.status_code == 410
    body = response.content.decode()
    assert "nieuwe uitnodiging" in body
    assert world.lead_m.person.full_name in body
    assert accept(client, path).status_code == 410
    assert Person.objects.get(email="nieuw@taalschool.nl").user is None


def test_it_refuses_a_link_replaced_by_a_newer_invitation(
    client, world, django_capture_on_commit_callbacks
):
    invite(client, world, django_capture_on_commit_callbacks)
    old_path = link_path(mail.outbox[0])
    invite(client, world, django_capture_on_commit_callbacks)  # invited again
    client.logout()
    assert len(mail.outbox) == 2
    assert client.get(old_path).status_code == 410
    assert client.get(link_path(mail.outbox[1])).status_code == 200


def test_it_says_it_does_not_know_an_unknown_link(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["made-up-token"]))
    assert response.status_code == 404
    assert "nieuwe uitnodiging" in response.content.decode()


def test_it_stores_only_a_hash_of_the_token(client, world, django_capture_on_commit_callbacks):
    invite(client, world, django_capture_on_commit_callbacks)
    token = link_path(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == services.token_hash(token)
    assert token not in invitation.token_hash

    # Nothing anywhere in the database holds the raw token (audit data, task queue, ...).
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from Django
            for row in cursor.fetchall():
                assert not any(token in str(value) for value in row), table


def test_it_checks_the_chosen_password(client, world, django_capture_on_commit_callbacks):
    invite(client, world, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])

    mismatch = accept(client, path, again="iets-heel-anders-123")
    assert mismatch.status_code == 200
    assert "De twee wachtwoorden zijn niet gelijk." in mismatch.content.decode()

    too_short = accept(client, path, password="kort")
    assert too_short.status_code == 200
    assert too_short.context["form"].errors["new_password1"] == [
        "Dit wachtwoord is te kort. Gebruik minstens 12 tekens."
    ]

    like_email = accept(client, path, password="nieuw@taalschool.nl")
    assert "lijkt te veel op je e-mailadres" in like_email.content.decode()

    numeric = accept(client, path, password="12345678901234")
    assert "alleen cijfers" in numeric.content.decode()

    assert Person.objects.get(email="nieuw@taalschool.nl").user is None
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_user_following_someone_elses_link_stays_themselves(
    client, world, django_capture_on_commit_callbacks
):
    invite(client, world, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    client.force_login(world.participant)

    page = client.get(path)
    assert page.status_code == 403
    assert "Deze uitnodiging is voor iemand anders." in page.content.decode()
    assert accept(client, path).status_code == 403
    assert client.session["_auth_user_id"] == str(world.participant.pk)
    assert Invitation.objects.get().accepted_at is None
    assert Person.objects.get(email="nieuw@taalschool.nl").user is None


def test_a_programme_role_invitation_names_the_role_and_programme(
    world, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        services.programme_role_assign(
            programme=world.programme,
            email="onderzoeker@universiteit.nl",
            full_name="Dr. Eva Smit",
            role="evaluator",
            by=world.coordinator,
        )
    message = mail.outbox[0]
    assert "Onderzoeker" in message.body and "CoP's Inburgering" in message.body
    page = client.get(link_path(message)).content.decode()
    assert "Onderzoeker" in page and "CoP&#x27;s Inburgering" in page


def test_invitation_accept_service_refuses_a_used_token(world):
    person = factories.PersonFactory(user=None)
    _, token = services.invitation_create(person=person, by=world.lead)
    services.invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(Exception, match="verlopen of al gebruikt"):
        services.invitation_accept(token=token, password="nog-een-wachtwoord-123")
