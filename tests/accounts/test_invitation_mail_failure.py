import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from leerkring.accounts.models import Invitation
from leerkring.outbox import services as outbox
from leerkring.outbox.models import Message


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("down")


def test_a_mail_server_failure_keeps_the_invitation_and_it_waits_for_a_retry(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.accounts.test_invitation_mail_failure.DownBackend"
    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("accounts:member_invite", args=[world.community.pk]),
            {"full_name": "Nieuwe Collega", "email": "nieuw@example.nl", "role": "participant"},
        )
    outbox.pause_reset()
    assert callbacks, "delivery is asked for after commit"
    assert response.status_code == 302
    assert Invitation.objects.filter(community=world.community, email="nieuw@example.nl").exists()
    message = Message.objects.get(recipient="nieuw@example.nl", kind="accounts.invitation")
    assert message.state == Message.State.WAITING and message.attempts == 1
    assert "verbrak de verbinding" in message.last_error
    assert "/accounts/invitation/" in message.content()["body"], "kept until it can be delivered"
    assert "/accounts/invitation/" not in message.sealed, "sealed while it waits"
