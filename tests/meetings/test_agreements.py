"""The "my agreements" page: across communities, overdue ones marked, status changes kept
with who and when."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings import selectors, services
from leerkring.meetings.models import Agreement
from tests import factories


def _agreement(membership, text="Afspraak", due_date=None, status=Agreement.Status.OPEN):
    meeting = factories.MeetingFactory(community=membership.community)
    return Agreement.objects.create(
        meeting=meeting,
        community=membership.community,
        owner=membership,
        text=text,
        due_date=due_date,
        status=status,
    )


def test_my_agreements_groups_my_own_agreements_by_community(client, world):
    person = world.participant_m.person
    second = factories.MembershipFactory(community=world.sibling, person=person)
    _agreement(world.participant_m, "Bellen met COA")
    _agreement(second, "Flyer maken")
    _agreement(world.lead_m, "Van een ander")
    ended = factories.MembershipFactory(
        community=world.foreign,
        person=person,
        left_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    _agreement(ended, "Uit een gemeenschap die ik verliet")

    client.force_login(world.participant)
    page = client.get(reverse("meetings:my_agreements")).content.decode()
    assert "Bellen met COA" in page and "Flyer maken" in page
    assert "Van een ander" not in page
    assert "Uit een gemeenschap die ik verliet" not in page
    assert page.index(world.community.name) < page.index("Bellen met COA")
    assert page.index(world.sibling.name) < page.index("Flyer maken")


def test_overdue_open_agreements_are_marked(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = _agreement(world.participant_m, "Te laat", due_date=yesterday)
    _agreement(world.participant_m, "Op tijd", due_date=timezone.localdate())
    _agreement(world.participant_m, "Klaar", due_date=yesterday, status=Agreement.Status.DONE)
    groups = selectors.agreements_of_user(user=world.participant)
    overdue = [a.pk for group in groups for a in group.agreements if a.is_overdue]
    assert overdue == [late.pk]
    assert groups[0].overdue_count == 1


def test_the_page_says_verlopen_for_an_overdue_agreement(client, world):
    _agreement(world.participant_m, "Te laat", due_date=datetime.date(2020, 1, 1))
    client.force_login(world.participant)
    assert "Verlopen" in client.get(reverse("meetings:my_agreements")).content.decode()


def test_the_owner_marks_an_agreement_done_and_the_history_shows_who_and_when(client, world):
    agreement = _agreement(world.participant_m, "Bellen")
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:agreement_status", args=[agreement.pk]),
        {"status": "done", "next": reverse("meetings:my_agreements")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:my_agreements")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DONE
    change = agreement.status_changes.get()
    assert change.old_status == "open" and change.new_status == "done"
    assert change.changed_by == world.participant
    assert change.changed_at is not None

    page = client.get(reverse("meetings:agreement", args=[agreement.pk])).content.decode()
    assert world.participant_m.person.full_name in page
    assert "Gedaan" in page


def test_the_lead_may_change_any_agreement_but_another_participant_may_not(client, world):
    agreement = _agreement(world.lead_m, "Van de trekker")
    other = factories.MembershipFactory(community=world.community)
    client.force_login(other.person.user)
    url = reverse("meetings:agreement_status", args=[agreement.pk])
    assert client.post(url, {"status": "dropped"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.OPEN

    mine = _agreement(world.participant_m, "Van de deelnemer")
    client.force_login(world.facilitator)
    assert (
        client.post(
            reverse("meetings:agreement_status", args=[mine.pk]), {"status": "dropped"}
        ).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.status == Agreement.Status.DROPPED
    assert mine.status_changes.get().changed_by == world.facilitator


def test_an_unchanged_status_writes_no_history(world):
    agreement = _agreement(world.participant_m)
    services.agreement_change_status(agreement=agreement, status="open", by=world.lead)
    assert not agreement.status_changes.exists()


def test_an_unknown_status_is_refused(world):
    agreement = _agreement(world.participant_m)
    with pytest.raises(ValidationError):
        services.agreement_change_status(agreement=agreement, status="gone", by=world.lead)


def test_it_refuses_a_tampered_owner_when_editing(world):
    agreement = _agreement(world.participant_m)
    agreement.owner = world.foreign_member_m  # as a bound form would leave it
    with pytest.raises(ValidationError):
        services.agreement_update(
            agreement=agreement, by=world.lead, text="x", owner=world.foreign_member_m
        )
    agreement.refresh_from_db()
    assert agreement.owner == world.participant_m


def test_an_unsafe_next_url_is_ignored(client, world):
    agreement = _agreement(world.participant_m)
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:agreement_status", args=[agreement.pk]),
        {"status": "done", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("meetings:agreement", args=[agreement.pk])


def test_someone_without_a_person_sees_an_empty_list(client, world):
    client.force_login(world.nobody)
    response = client.get(reverse("meetings:my_agreements"))
    assert response.status_code == 200
    assert "Je hebt geen afspraken op je naam." in response.content.decode()


def _give_agreements(memberships, per_community, lead):
    for membership in memberships:
        meeting = factories.MeetingFactory(community=membership.community)
        for i in range(per_community):
            agreement = Agreement.objects.create(
                meeting=meeting, community=membership.community, owner=membership, text=f"A{i}"
            )
            services.agreement_change_status(agreement=agreement, status="done", by=lead)


def _queries_and_rows(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meetings:my_agreements"))
    assert response.status_code == 200
    return len(queries), response.content.decode().count('id="agreement-')


def test_my_agreements_takes_as_many_queries_for_3_as_for_30_agreements(client, world):
    person = world.participant_m.person
    memberships = [world.participant_m] + [
        factories.MembershipFactory(community=c, person=person)
        for c in (world.sibling, world.foreign)
    ]
    client.force_login(world.participant)

    _give_agreements(memberships, 1, world.lead)
    small, small_rows = _queries_and_rows(client)
    _give_agreements(memberships, 9, world.lead)
    large, large_rows = _queries_and_rows(client)

    assert (small_rows, large_rows) == (3, 30)
    assert small == large
