"""The access log: who read or exported personal data, what and when (core.AccessRecord).
Every export and list named in docs/privacy.md leaves a record; the programme's
coordinators and administrators read them; records older than the retention period go."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.core import access_log
from leerkring.core.models import AccessRecord
from leerkring.dissemination.models import Newsletter
from tests import factories


def records(kind):
    return list(AccessRecord.objects.filter(kind=kind))


def test_the_member_list_leaves_a_record(client, world):
    client.force_login(world.lead)
    assert client.get(reverse("communities:members", args=[world.community.pk])).status_code == 200
    (record,) = records(access_log.Kind.MEMBER_LIST)
    assert record.actor == world.lead
    assert record.programme_id == world.programme.pk
    assert record.community_id == world.community.pk
    assert record.subject == world.community.name


@pytest.mark.parametrize("name, kind", [("meetings:minutes_docx", "minutes_docx"),
                                        ("meetings:minutes_pdf", "minutes_pdf")])  # fmt: skip
def test_minutes_downloads_leave_a_record(client, world, meeting, name, kind):
    client.force_login(world.participant)
    response = client.get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 200
    (record,) = records(kind)
    assert (record.actor, record.object_id, record.community_id) == (
        world.participant,
        meeting.pk,
        world.community.pk,
    )


def test_a_refused_download_leaves_no_record(client, world, meeting):
    client.force_login(world.sibling_member)
    assert client.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).status_code == 403
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_report_exports_leave_a_record(client, world, fmt):
    client.force_login(world.coordinator)
    url = reverse(f"evaluation:programme_report_{fmt}", args=[world.programme.slug])
    assert client.get(url).status_code == 200
    (record,) = records(f"report_{fmt}")
    assert record.programme_id == world.programme.pk and record.community_id is None


def test_the_venster_export_leaves_a_record(client, world):
    client.force_login(world.coordinator)
    url = reverse("signalling:venster_export", args=[world.programme.slug])
    assert client.get(url).status_code == 200
    assert len(records(access_log.Kind.VENSTER_EXPORT)) == 1


def test_the_subscriber_list_leaves_a_record(client, world):
    newsletter = factories.NewsletterFactory(programme=world.programme)
    assert isinstance(newsletter, Newsletter)
    client.force_login(world.coordinator)
    url = reverse("dissemination:newsletter_subscribers", args=[newsletter.pk])
    assert client.get(url).status_code == 200
    assert len(records(access_log.Kind.SUBSCRIBER_LIST)) == 1


def test_coordinators_and_administrators_read_the_log_others_do_not(client, world):
    access_log.record(
        user=world.lead,
        kind=access_log.Kind.MEMBER_LIST,
        obj=world.community,
        programme_id=world.programme.pk,
        community_id=world.community.pk,
        subject=world.community.name,
    )
    url = reverse("communities:access_log", args=[world.programme.slug])
    client.force_login(world.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert world.lead.get_full_name() in page.content.decode()
    admin = factories.UserFactory(is_staff=True)
    client.force_login(admin)
    assert client.get(url).status_code == 200
    for visitor in (world.evaluator, world.lead, world.other_coordinator):
        client.force_login(visitor)
        assert client.get(url).status_code == 403


def test_records_older_than_the_retention_period_are_purged(world, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    old = access_log.record(
        user=world.coordinator,
        kind=access_log.Kind.VENSTER_EXPORT,
        obj=world.programme,
        programme_id=world.programme.pk,
    )
    AccessRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = access_log.record(
        user=world.coordinator,
        kind=access_log.Kind.VENSTER_EXPORT,
        obj=world.programme,
        programme_id=world.programme.pk,
    )
    assert access_log.purge() == 1
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [recent.pk]
