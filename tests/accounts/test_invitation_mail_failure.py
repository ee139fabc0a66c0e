import smtplib

from django.core import mail
from django.urls import reverse

from leerkring.communities.models import Membership


def test_a_mail_server_failure_keeps_the_member_and_shows_no_error_page(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("accounts:member_invite", args=[world.community.pk]),
            {"full_name": "Nieuwe Collega", "email": "nieuw@example.nl", "role": "participant"},
        )
    assert callbacks, "the invitation e-mail is sent after commit"
    assert response.status_code == 302
    assert Membership.objects.filter(
        community=world.community, person__email="nieuw@example.nl"
    ).exists()
