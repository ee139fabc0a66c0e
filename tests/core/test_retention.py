"""Retention: `manage.py apply_retention` removes or anonymises personal data past its period,
and a second run changes nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

import leerkring.surveys.models
from leerkring.accounts.models import Invitation
from leerkring.core import access_log
from leerkring.core.models import AccessRecord, AuditEvent
from leerkring.core.retention import apply_retention
from leerkring.signalling.models import Signal, SignalEvent, SignalResponse
from tests import factories

DAY = datetime.timedelta(days=1)


def counts(now=None) -> dict[str, int]:
    return {result.rule.key: result.count for result in apply_retention(now=now)}


@pytest.fixture
def now():
    return timezone.now()


def test_old_audit_entries_go_and_recent_ones_stay(db, now, settings):
    settings.RETENTION_AUDIT_DAYS = 365
    old = AuditEvent.objects.create(verb="x", object_type="t", object_id=1)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=now - 400 * DAY)
    recent = AuditEvent.objects.create(verb="y", object_type="t", object_id=2)
    assert counts(now)["audit"] == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert counts(now)["audit"] == 0


def test_ended_invitations_go_and_open_ones_stay(world, now, settings):
    settings.RETENTION_INVITATION_DAYS = 90
    person = world.participant_m.person

    def invitation(token, **dates):
        return Invitation.objects.create(
            person=person,
            email=person.email,
            token_hash=token * 64,
            expires_at=dates.pop("expires_at", now + 10 * DAY),
            **dates,
        )

    accepted = invitation("a", accepted_at=now - 100 * DAY)
    expired = invitation("b", expires_at=now - 120 * DAY)
    recently_accepted = invitation("c", accepted_at=now - 10 * DAY)
    still_open = invitation("d")
    assert counts(now)["invitations"] == 2
    remaining = set(Invitation.objects.values_list("pk", flat=True))
    assert remaining == {recently_accepted.pk, still_open.pk}
    assert not {accepted.pk, expired.pk} & remaining
    assert counts(now)["invitations"] == 0


def test_invitations_of_a_long_closed_wave_lose_person_and_address(world, now, settings):
    settings.RETENTION_SURVEY_INVITATION_DAYS = 30
    closed = factories.WaveFactory(
        programme=world.programme,
        opens_on=timezone.localdate() - 90 * DAY,
        closes_on=timezone.localdate() - 60 * DAY,
    )
    open_wave = factories.WaveFactory(programme=world.programme)
    person = world.participant_m.person
    old = leerkring.surveys.models.Invitation.objects.create(
        wave=closed,
        person=person,
        email=person.email,
        token_hash="e" * 64,
        answered=True,
        community=world.community,
    )
    current = leerkring.surveys.models.Invitation.objects.create(
        wave=open_wave, person=person, email=person.email, token_hash="f" * 64
    )
    assert counts(now)["survey_invitations"] == 1
    old.refresh_from_db()
    current.refresh_from_db()
    assert old.person is None
    assert person.email not in old.email
    assert old.answered and old.community == world.community  # response rates still add up
    assert current.person == person and current.email == person.email
    assert counts(now)["survey_invitations"] == 0


def test_personal_data_in_a_long_closed_signal_is_blanked(world, now, settings):
    settings.RETENTION_SIGNAL_DAYS = 365
    text = "Mevrouw Jansen (06-12345678) wacht al maanden op een plek bij de taalschool."
    signal = factories.SignalFactory(
        community=world.community, state=Signal.State.RESOLVED, description=text
    )
    event = SignalEvent.objects.create(signal=signal, kind="state", note="Gebeld met 0612345678")
    SignalEvent.objects.filter(pk=event.pk).update(created_at=now - 400 * DAY)
    response = SignalResponse.objects.create(
        signal=signal, source="coordinator", text="Neem contact op via jansen@example.nl."
    )
    still_open = factories.SignalFactory(
        community=world.community, state=Signal.State.IN_PROGRESS, description=text
    )
    old_event = SignalEvent.objects.create(signal=still_open, kind="state")
    SignalEvent.objects.filter(pk=old_event.pk).update(created_at=now - 400 * DAY)

    assert counts(now)["signals"] == 1
    signal.refresh_from_db()
    response.refresh_from_db()
    event.refresh_from_db()
    assert "Jansen" not in signal.description
    assert "06-12345678" not in signal.description
    assert "wacht al maanden op een plek bij de taalschool" in signal.description
    assert "[verwijderd]" in signal.description
    assert "jansen@example.nl" not in response.text
    assert "0612345678" not in event.note
    # The history says personal data was removed, not what.
    redaction = SignalEvent.objects.get(signal=signal, kind="redaction")
    assert "Jansen" not in str(redaction.data)
    still_open.refresh_from_db()
    assert still_open.description == text
    assert counts(now + DAY)["signals"] == 0


def test_old_sign_in_records_go(world, now, settings):
    settings.RETENTION_SIGN_IN_DAYS = 90
    attempt = AccessAttempt.objects.create(
        username="fatima@gemeente.nl", ip_address="192.0.2.1", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=now - 100 * DAY)
    fresh = AccessAttempt.objects.create(
        username="jan@coa.nl", ip_address="192.0.2.2", failures_since_start=1
    )
    session = UserSession.objects.create(
        user=world.participant, session_key="old-session", ip="192.0.2.1", user_agent="x"
    )
    UserSession.objects.filter(pk=session.pk).update(created_at=now - 100 * DAY)
    assert counts(now)["sign_ins"] == 2
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not UserSession.objects.exists()
    assert counts(now)["sign_ins"] == 0


def test_the_access_log_is_kept_to_its_period_by_the_same_daily_command(world, now, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    old = access_log.record(
        user=world.coordinator, kind="venster_export", obj=world.programme,
        programme_id=world.programme.pk,
    )  # fmt: skip
    AccessRecord.objects.filter(pk=old.pk).update(created_at=now - 31 * DAY)
    recent = access_log.record(
        user=world.coordinator, kind="venster_export", obj=world.programme,
        programme_id=world.programme.pk,
    )  # fmt: skip
    assert counts(now)["access_log"] == 1
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert counts(now)["access_log"] == 0


def test_a_period_of_zero_switches_a_rule_off(db, now, settings):
    settings.RETENTION_AUDIT_DAYS = 0
    old = AuditEvent.objects.create(verb="x", object_type="t", object_id=1)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=now - 4000 * DAY)
    assert counts(now)["audit"] == 0
    assert AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_daily_command_reports_each_rule_and_is_safe_to_run_twice(db):
    AuditEvent.objects.create(verb="x", object_type="t", object_id=1)
    AuditEvent.objects.update(created_at=timezone.now() - 4000 * DAY)
    first = io.StringIO()
    call_command("apply_retention", stdout=first)
    assert "audit: 1 (audit entries removed, older than 730 days)" in first.getvalue()
    for key in ("invitations", "survey_invitations", "signals", "sign_ins", "access_log"):
        assert f"{key}: " in first.getvalue()
    second = io.StringIO()
    call_command("apply_retention", stdout=second)
    assert "audit: 0" in second.getvalue()
