"""Reminders and minutes while the mail server refuses for a while, against a real SMTP server
(tests/outbox/smtp.py), through the functions the worker and the views call: every member gets
each exactly once after the server recovers, and the meeting page tells the lead the truth in
the meantime (waiting while refused, failed with the server's reason)."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings import services, tasks
from leerkring.outbox import services as outbox
from leerkring.outbox.models import Attempt, Message
from tests.confirm import CONFIRMED

pytestmark = pytest.mark.django_db

BUSY = "451 4.3.2 System busy, try again later"


@pytest.fixture
def queued_tasks(settings):
    """Tasks are recorded, not run: the test runs them when the worker would."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def _time_passes() -> None:
    """The retry back-off has run out: every waiting e-mail is due now."""
    Message.objects.filter(state=Message.State.WAITING).update(next_attempt_at=timezone.now())
    outbox.pause_reset()


def _members(world) -> set[str]:
    return {m.person.email for m in (world.participant_m, world.lead_m, world.facilitator_m)}


def _received(smtp, subject_part: str) -> Counter:
    with smtp.handler.lock:
        return Counter(a.recipient for a in smtp.handler.accepted if subject_part in a.subject)


def _progress_row(page: str, label: str) -> tuple[int, int, int]:
    """Verstuurd / Wacht / Mislukt of one kind of e-mail in the page's progress table."""
    cell = r'\s*<td class="utrecht-table__cell utrecht-table__cell--numeric">(\d+)</td>'
    found = re.search(rf'scope="row">{label}</th>{cell}{cell}{cell}', page)
    assert found, f"no progress row {label!r}"
    return tuple(int(n) for n in found.groups())


def _meeting_page(client, meeting) -> str:
    return client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()


def test_reminders_refused_for_a_while_reach_every_member_once(
    client, world, meeting, smtp, queued_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting, by=world.lead)
    outbox.deliver()
    assert _received(smtp, "Uitnodiging") == {email: 1 for email in _members(world)}
    (reminder,) = [r for r in queued_tasks.results if r.task.name == "meeting_reminder"]

    smtp.handler.refuse_all = BUSY
    # The worker runs the queued reminder task when it is due.
    with monkeypatch.context() as due:
        due.setattr(
            timezone, "now", lambda: reminder.task.run_after + datetime.timedelta(minutes=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.meeting_reminder.call(*reminder.args, **reminder.kwargs) == 3
            # Run again (a worker recovering the task): nothing is queued twice.
            assert tasks.meeting_reminder.call(*reminder.args, **reminder.kwargs) == 0
    _time_passes()
    outbox.deliver()
    _time_passes()
    outbox.deliver()

    assert _received(smtp, "Herinnering") == {}
    client.force_login(world.lead)
    page = _meeting_page(client, meeting)
    assert _progress_row(page, "Herinnering") == (0, 3, 0)
    assert _progress_row(page, "Uitnodiging") == (3, 0, 0)
    assert "3 e-mails wachten nog op verzending" in page
    assert "De mailserver weigerde 3 e-mails tijdelijk" in page
    assert BUSY in page
    assert "Alles is verstuurd" not in page
    refusals = Attempt.objects.filter(message__kind="meetings.reminder")
    assert refusals.count() == 6, "each try recorded"
    assert {(a.outcome, a.code) for a in refusals} == {(Attempt.Outcome.TEMPORARY, 451)}
    assert all("System busy" in a.reason for a in refusals)

    smtp.handler.refuse_all = None
    _time_passes()
    outbox.deliver()
    assert _received(smtp, "Herinnering") == {email: 1 for email in _members(world)}
    page = _meeting_page(client, meeting)
    assert _progress_row(page, "Herinnering") == (3, 0, 0)
    assert "Alles is verstuurd." in page
    outbox.deliver()
    assert sum(_received(smtp, "Herinnering").values()) == 3, "nothing goes out twice"


def test_minutes_refused_for_a_while_reach_every_member_once(client, world, meeting, smtp):
    participant = world.participant_m.person.email
    others = _members(world) - {participant}
    # The participant's mailbox does not exist; the others are refused for a while.
    smtp.handler.refuse = {participant: "550 5.1.1 No such user", **dict.fromkeys(others, BUSY)}
    services.minutes_save(meeting=meeting, minutes="We spraken over taalles.", by=world.lead)
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:minutes_send", args=[meeting.pk]), CONFIRMED, follow=True
    )
    assert "Het verslag wordt naar 3 leden verstuurd" in response.content.decode()

    outbox.deliver()
    _time_passes()
    outbox.deliver()
    assert smtp.handler.count() == 0
    page = _meeting_page(client, meeting)
    assert _progress_row(page, "Verslag") == (0, 2, 1)
    assert "2 e-mails wachten nog op verzending" in page
    assert "De mailserver weigerde 2 e-mails tijdelijk" in page
    assert f"<strong>{participant}</strong> · Verslag: " in page
    assert "550 5.1.1 No such user" in page

    smtp.handler.refuse = {participant: "550 5.1.1 No such user"}
    _time_passes()
    outbox.deliver()
    assert _received(smtp, "Verslag") == {email: 1 for email in others}
    page = _meeting_page(client, meeting)
    assert _progress_row(page, "Verslag") == (2, 0, 1)
    assert "Klaar, maar 1 e-mail kwam niet aan." in page
    assert "Opnieuw versturen naar wie het niet kreeg" in page

    smtp.handler.refuse = {}
    response = client.post(reverse("meetings:meeting_mail_resend", args=[meeting.pk]), follow=True)
    assert "1 e-mail wordt opnieuw verstuurd" in response.content.decode()
    outbox.deliver()
    assert _received(smtp, "Verslag") == {email: 1 for email in _members(world)}
    assert _progress_row(_meeting_page(client, meeting), "Verslag") == (3, 0, 0)
