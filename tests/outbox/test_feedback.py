"""The one answer to "Opnieuw versturen naar wie het niet kreeg", for meetings, waves and issues."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from leerkring.outbox.feedback import tell_resend


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def test_nothing_failed_is_said_as_information():
    request = _request()
    tell_resend(request, 0)
    assert _said(request) == [("info", "Er is geen mislukte e-mail om opnieuw te versturen.")]


def test_count_and_plural():
    request = _request()
    tell_resend(request, 3)
    assert _said(request) == [("success", "3 e-mails worden opnieuw verstuurd.")]


def test_a_new_link_is_mentioned_for_survey_invitations():
    request = _request()
    tell_resend(request, 1, with_new_link=True)
    assert _said(request) == [("success", "1 e-mail wordt opnieuw verstuurd, met een nieuwe link.")]
