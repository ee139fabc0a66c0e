"""A community proposes a shared lesson or product for the public knowledge base; a coordinator
who did not propose it approves or declines it; the guard checks every text on the way."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leerkring.accounts.models import ProgrammeRole
from leerkring.core.models import AuditEvent
from leerkring.dissemination import services as dissemination_services
from leerkring.meetings.models import Lesson
from leerkring.publishing import guard, selectors, services
from leerkring.publishing.models import Publication
from tests import factories

pytestmark = pytest.mark.django_db

BSN_TEXT = "Mevrouw met BSN 111222333 kreeg geen ontheffing."


@pytest.fixture
def product(world):
    return factories.ProductFactory(
        programme=world.programme,
        communities=[world.community],
        shareable=True,
        title="Routekaart medische ontheffing",
        summary="Welke stappen een inburgeraar zet.",
        created_by=world.lead,
    )


@pytest.fixture
def lesson(world):
    return Lesson.objects.create(
        meeting=factories.MeetingFactory(community=world.community),
        community=world.community,
        text="Een vaste contactpersoon bij het COA scheelt weken.",
        shareable=True,
        created_by=world.facilitator,
    )


def propose(world, **kwargs):
    defaults = {
        "community": world.community,
        "by": world.lead,
        "title": "Routekaart medische ontheffing",
        "body": "Welke stappen een inburgeraar zet, en hoe lang elk duurt.",
    }
    return services.publication_propose(**{**defaults, **kwargs})


def test_a_lead_proposes_a_shared_product_and_the_coordinators_hear_of_it(
    world, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publication = propose(world, product=product)
    assert publication.status == Publication.Status.PROPOSED
    assert publication.kind == Publication.Kind.PRODUCT
    assert publication.product_kind == product.kind
    assert publication.region == world.community.region
    coordinator_mail = [m for m in mail.outbox if world.coordinator.email in m.to]
    assert len(coordinator_mail) == 1
    assert reverse("publishing:publication", args=[publication.pk]) in coordinator_mail[0].body
    assert AuditEvent.objects.filter(verb="publication.proposed", object_id=publication.pk).exists()


def test_it_refuses_what_the_community_does_not_share_yet(world, product, lesson):
    product.shareable = False
    product.save()
    with pytest.raises(ValidationError):
        propose(world, product=product)
    lesson.shareable = False
    lesson.save()
    with pytest.raises(ValidationError):
        propose(world, lesson=lesson)
    assert not Publication.objects.exists()


def test_it_refuses_another_communitys_lesson(world):
    other = Lesson.objects.create(
        meeting=factories.MeetingFactory(community=world.sibling),
        community=world.sibling,
        text="Van een andere gemeenschap",
        shareable=True,
    )
    with pytest.raises(ValidationError):
        propose(world, lesson=other)


def test_one_active_proposal_per_source(world, lesson):
    propose(world, lesson=lesson)
    with pytest.raises(ValidationError):
        propose(world, lesson=lesson)
    assert Publication.objects.count() == 1


def test_the_guard_stops_personal_data_until_someone_confirms(world, lesson):
    with pytest.raises(guard.PersonalDataFound) as caught:
        propose(world, lesson=lesson, body=BSN_TEXT)
    assert {f.kind for f in caught.value.findings} >= {"bsn"}
    assert not Publication.objects.exists()
    publication = propose(world, lesson=lesson, body=BSN_TEXT, guard_confirmed=True)
    assert publication.status == Publication.Status.PROPOSED


def test_a_coordinator_approves_and_the_proposer_gets_the_public_address(
    world, lesson, django_capture_on_commit_callbacks
):
    publication = propose(world, lesson=lesson)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_approve(publication=publication, by=world.coordinator)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    assert publication.published_at is not None
    assert publication.decided_by == world.coordinator
    (message,) = [m for m in mail.outbox if m.subject.startswith("Openbaar in de kennisbank")]
    assert message.to == [world.lead.email]
    assert publication.public_id in message.body
    assert selectors.public_publications(programme=world.programme).get() == publication


def test_four_eyes_a_coordinator_cannot_approve_their_own_proposal(world, lesson):
    # The coordinator is also lead of the community here.
    factories.MembershipFactory(
        community=world.community, person=world.coordinator.person, role="lead"
    )
    publication = propose(world, lesson=lesson, by=world.coordinator)
    with pytest.raises(ValidationError):
        services.publication_approve(publication=publication, by=world.coordinator)
    second = factories.ProgrammeRoleFactory(
        programme=world.programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user
    services.publication_approve(publication=publication, by=second)
    assert Publication.objects.get().status == Publication.Status.PUBLISHED


def test_approving_checks_the_text_again(world, lesson):
    publication = propose(world, lesson=lesson, body=BSN_TEXT, guard_confirmed=True)
    with pytest.raises(guard.PersonalDataFound):
        services.publication_approve(publication=publication, by=world.coordinator)
    services.publication_approve(
        publication=publication, by=world.coordinator, guard_confirmed=True
    )


def test_it_cannot_go_public_once_the_community_stopped_sharing(world, lesson):
    publication = propose(world, lesson=lesson)
    Lesson.objects.filter(pk=lesson.pk).update(shareable=False)
    with pytest.raises(ValidationError):
        services.publication_approve(publication=publication, by=world.coordinator)


def test_declining_needs_a_reason_which_the_proposer_reads(
    world, lesson, django_capture_on_commit_callbacks
):
    publication = propose(world, lesson=lesson)
    with pytest.raises(ValidationError):
        services.publication_decline(publication=publication, by=world.coordinator, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_decline(
            publication=publication, by=world.coordinator, reason="Maak het algemener."
        )
    assert Publication.objects.get().status == Publication.Status.DECLINED
    (message,) = [m for m in mail.outbox if m.subject.startswith("Niet in de kennisbank")]
    assert "Maak het algemener." in message.body
    # Declined, it may be proposed again.
    assert propose(world, lesson=lesson).status == Publication.Status.PROPOSED


def test_withdrawing_takes_it_off_the_public_pages(world):
    publication = factories.PublicationFactory(community=world.community)
    assert selectors.public_publications(programme=world.programme).count() == 1
    services.publication_withdraw(publication=publication, by=world.lead)
    assert selectors.public_publications(programme=world.programme).count() == 0


def test_only_a_file_of_the_product_can_be_made_public(world, product):
    other = factories.ProductFactory(programme=world.programme, communities=[world.community])
    upload = SimpleUploadedFile("kaart.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    foreign = dissemination_services.product_file_add(product=other, upload=upload, by=world.lead)
    with pytest.raises(ValidationError):
        propose(world, product=product, files=[foreign])


def test_a_name_is_added_only_by_its_owner(client, world):
    publication = factories.PublicationFactory(community=world.community)
    client.force_login(world.participant)
    url = reverse("publishing:credit", args=[publication.pk])
    assert client.post(url, {"named": "1"}).status_code == 302
    names = [c.person for c in publication.credits.all()]
    assert names == [world.participant_m.person]
    client.post(url, {"named": "0"})
    assert not publication.credits.exists()
    client.force_login(world.sibling_member)
    assert client.post(url, {"named": "1"}).status_code == 403


def test_the_propose_page_shows_the_guards_findings(client, world, lesson):
    client.force_login(world.lead)
    url = reverse("publishing:propose_lesson", args=[world.community.pk, lesson.pk])
    response = client.post(url, {"title": "Ontheffing", "body": BSN_TEXT})
    assert response.status_code == 400
    assert "lk-guard-hit" in response.content.decode()
    assert not Publication.objects.exists()
    response = client.post(url, {"title": "Ontheffing", "body": BSN_TEXT, "confirmed": "on"})
    assert response.status_code == 302
    assert Publication.objects.get().status == Publication.Status.PROPOSED


def test_a_participant_cannot_propose(client, world, lesson):
    client.force_login(world.participant)
    url = reverse("publishing:propose_lesson", args=[world.community.pk, lesson.pk])
    assert client.get(url).status_code == 403


def test_the_coordinator_approves_from_the_page(client, world, lesson):
    publication = propose(world, lesson=lesson)
    client.force_login(world.coordinator)
    page = client.get(reverse("publishing:publication", args=[publication.pk]))
    assert "Goedkeuren en openbaar maken" in page.content.decode()
    response = client.post(reverse("publishing:approve", args=[publication.pk]))
    assert response.status_code == 302
    assert Publication.objects.get().status == Publication.Status.PUBLISHED
