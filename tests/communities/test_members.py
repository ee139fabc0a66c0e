"""The members pages: who may manage members, and what the pages do with their input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.accounts.models import Invitation
from leerkring.communities import services
from leerkring.communities.models import Membership, Person
from tests import factories

TODAY = timezone.localdate()

MEMBERSHIP_PAGES = ["membership_end", "membership_handover", "membership_seat"]
FORBIDDEN = [
    "participant",
    "facilitator",
    "sibling_member",
    "foreign_member",
    "evaluator",
    "system_partner",
    "other_coordinator",
    "nobody",
]


def members_url(world):
    return reverse("communities:members", args=[world.community.pk])


def membership_url(name, world, membership=None):
    membership = membership or world.participant_m
    return reverse(f"communities:{name}", args=[world.community.pk, membership.pk])


# --- Who may come in --------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["lead", "coordinator"])
def test_the_lead_and_the_coordinator_see_the_members_page(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.get(members_url(world))
    assert response.status_code == 200
    assert world.participant_m.person.full_name in response.content.decode()


@pytest.mark.parametrize("visitor", ["lead", "coordinator"])
@pytest.mark.parametrize("page", MEMBERSHIP_PAGES)
def test_the_lead_and_the_coordinator_open_the_membership_pages(client, world, visitor, page):
    client.force_login(getattr(world, visitor))
    assert client.get(membership_url(page, world)).status_code == 200


@pytest.mark.parametrize("visitor", ["lead", "coordinator"])
def test_the_lead_and_the_coordinator_change_a_role(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.post(membership_url("membership_role", world), {"role": "facilitator"})
    assert response.status_code == 302
    world.participant_m.refresh_from_db()
    assert world.participant_m.role == Membership.Role.FACILITATOR


@pytest.mark.parametrize("visitor", FORBIDDEN)
def test_it_refuses_the_members_page_to_others(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(members_url(world)).status_code == 403


@pytest.mark.parametrize("visitor", FORBIDDEN)
@pytest.mark.parametrize("page", MEMBERSHIP_PAGES)
def test_it_refuses_the_membership_pages_to_others(client, world, visitor, page):
    client.force_login(getattr(world, visitor))
    assert client.get(membership_url(page, world)).status_code == 403
    assert client.post(membership_url(page, world), {}).status_code == 403
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_on is None


@pytest.mark.parametrize("visitor", FORBIDDEN)
def test_it_refuses_a_role_change_by_others(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.post(membership_url("membership_role", world), {"role": "lead"})
    assert response.status_code == 403
    world.participant_m.refresh_from_db()
    assert world.participant_m.role == Membership.Role.PARTICIPANT


@pytest.mark.parametrize(
    "url",
    [
        lambda w: members_url(w),
        *[lambda w, p=page: membership_url(p, w) for page in MEMBERSHIP_PAGES],
        lambda w: membership_url("membership_role", w),
    ],
)
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, world, url):
    response = client.get(url(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("page", [*MEMBERSHIP_PAGES, "membership_role"])
def test_a_membership_of_another_community_is_not_found(client, world, page):
    """The forbidden door: the lead of C uses C's URL with a membership of D."""
    client.force_login(world.lead)
    url = membership_url(page, world, membership=world.sibling_member_m)
    assert client.post(url, {"role": "lead", "left_on": TODAY.isoformat()}).status_code == 404
    world.sibling_member_m.refresh_from_db()
    assert world.sibling_member_m.left_on is None
    assert world.sibling_member_m.role == Membership.Role.PARTICIPANT


def test_the_lead_of_one_community_cannot_manage_a_sibling(client, world):
    client.force_login(world.lead)
    url = reverse("communities:membership_end", args=[world.sibling.pk, world.sibling_member_m.pk])
    assert client.post(url, {"left_on": TODAY.isoformat()}).status_code == 403


def test_the_role_url_only_takes_posts(client, world):
    client.force_login(world.lead)
    assert client.get(membership_url("membership_role", world)).status_code == 405


# --- The members page -------------------------------------------------------------------


def test_it_groups_members_by_organisation_with_their_details(client, world):
    org = world.participant_m.organisation
    colleague = factories.MembershipFactory(
        community=world.community,
        person=factories.PersonFactory(organisation=org, job_title="Klantmanager"),
    )
    client.force_login(world.lead)
    body = client.get(members_url(world)).content.decode()
    assert org.name in body
    assert world.lead_m.organisation.name in body
    assert colleague.person.email in body
    assert "Klantmanager" in body
    assert "Communitytrekker" in body
    assert world.sibling_member_m.person.full_name not in body


def test_it_shows_who_a_member_took_over_from_and_whom_they_share_a_seat_with(client, world):
    org = world.participant_m.organisation
    successor = factories.PersonFactory(organisation=org, full_name="Bram Opvolger")
    new = services.membership_handover(membership=world.participant_m, successor=successor, by=None)
    sharer = factories.MembershipFactory(
        community=world.community,
        person=factories.PersonFactory(organisation=org, full_name="Cor Collega"),
    )
    services.membership_share_seat(membership=sharer, with_membership=new, by=None)
    client.force_login(world.lead)
    body = client.get(members_url(world)).content.decode()
    name = world.participant_m.person.full_name
    assert f"neemt het stokje over van {name}" in body
    assert "Deelt de plek met Bram Opvolger" in body
    assert "Stokje overgedragen aan Bram Opvolger" in body  # under "Eerdere leden"


def test_it_shows_account_and_invitation_status_with_a_reinvite_button(client, world):
    without_account = factories.MembershipFactory(
        community=world.community, person=factories.PersonFactory(user=None)
    )
    invited = factories.MembershipFactory(
        community=world.community, person=factories.PersonFactory(user=None)
    )
    Invitation.objects.create(
        person=invited.person,
        email=invited.person.email,
        token_hash="x" * 64,
        community=world.community,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(world.lead)
    body = client.get(members_url(world)).content.decode()
    assert "Heeft een account" in body
    assert "Nog geen account" in body
    assert "Uitnodiging verlopen" in body
    assert "Opnieuw uitnodigen" in body
    for membership in (without_account, invited):
        reinvite = reverse("accounts:member_reinvite", args=[world.community.pk, membership.pk])
        assert f'action="{reinvite}"' in body
    own = reverse("accounts:member_reinvite", args=[world.community.pk, world.lead_m.pk])
    assert f'action="{own}"' not in body
    assert reverse("accounts:member_invite", args=[world.community.pk]) in body
    assert "Lid uitnodigen" in body


def test_it_lists_former_members_and_recent_changes(client, world):
    services.membership_end(membership=world.participant_m, by=world.lead, left_on=TODAY)
    client.force_login(world.coordinator)
    body = client.get(members_url(world)).content.decode()
    former = body.split('id="former-heading"')[1]
    assert world.participant_m.person.full_name in former
    assert "Gestopt" in former
    assert f"Het lidmaatschap van {world.participant_m.person.full_name} is beëindigd." in body
    assert f"door {world.lead_m.person.full_name}" in body


def _members_page_queries(client, world, extra: int) -> int:
    org = factories.OrganisationFactory()
    holder = None
    for index in range(extra):
        person = factories.PersonFactory(
            organisation=org, user=None if index % 2 else factories.UserFactory()
        )
        membership = factories.MembershipFactory(community=world.community, person=person)
        if index % 3 == 0:
            Invitation.objects.create(
                person=person,
                email=person.email,
                token_hash=f"{world.community.pk}-{index}-{extra}".ljust(64, "x"),
                expires_at=timezone.now() + datetime.timedelta(days=3),
            )
        if holder is None:
            holder = membership
        elif index % 4 == 0:
            services.membership_share_seat(membership=membership, with_membership=holder, by=None)
        if index % 5 == 0 and index:
            services.membership_handover(
                membership=membership,
                successor=factories.PersonFactory(organisation=org),
                by=world.lead,
            )
    client.force_login(world.lead)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(members_url(world)).status_code == 200
    return len(queries)


def test_the_members_page_query_count_does_not_grow_with_members(client, world, db):
    small = _members_page_queries(client, world, 5)
    large = _members_page_queries(client, world, 35)  # 40 new members in all
    assert small == large


# --- Changing a role --------------------------------------------------------------------


def test_it_shows_the_rule_next_to_the_select_when_lead_facilitator_is_refused(client, world):
    client.force_login(world.lead)
    response = client.post(membership_url("membership_role", world), {"role": "lead_facilitator"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "aparte communitytrekker en procesbegeleider" in body
    assert f'aria-describedby="role-{world.participant_m.pk}-error"' in body
    world.participant_m.refresh_from_db()
    assert world.participant_m.role == Membership.Role.PARTICIPANT


def test_it_allows_lead_facilitator_when_the_rules_allow_it(client, world):
    profile = world.programme.rule_profile
    profile.lead_facilitator_separate = False
    profile.save()
    client.force_login(world.coordinator)
    response = client.post(
        membership_url("membership_role", world), {"role": "lead_facilitator"}, follow=True
    )
    assert "is nu communitytrekker en procesbegeleider" in response.content.decode()
    world.participant_m.refresh_from_db()
    assert world.participant_m.role == Membership.Role.LEAD_FACILITATOR


def test_a_lead_who_gives_up_the_lead_role_is_not_shown_a_403(client, world):
    client.force_login(world.lead)
    response = client.post(
        membership_url("membership_role", world, world.lead_m), {"role": "participant"}
    )
    assert response.status_code == 302
    assert response.url == reverse("communities:community", args=[world.community.pk])


# --- Ending a membership ----------------------------------------------------------------


def test_the_end_page_proposes_today(client, world):
    client.force_login(world.lead)
    body = client.get(membership_url("membership_end", world)).content.decode()
    assert f'value="{TODAY.isoformat()}"' in body
    assert 'type="date"' in body


def test_it_ends_a_membership(client, world):
    client.force_login(world.lead)
    response = client.post(membership_url("membership_end", world), {"left_on": TODAY.isoformat()})
    assert response.status_code == 302
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_on == TODAY


def test_it_refuses_an_end_date_before_joining_next_to_the_field(client, world):
    client.force_login(world.lead)
    before = world.participant_m.joined_on - datetime.timedelta(days=1)
    response = client.post(membership_url("membership_end", world), {"left_on": before.isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_left_on_error"' in body
    assert "De einddatum ligt vóór de datum van aanmelden." in body
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_on is None


def test_ending_a_shared_seat_through_the_page_passes_it_on(client, world):
    org = world.participant_m.organisation
    sharer = factories.MembershipFactory(
        community=world.community, person=factories.PersonFactory(organisation=org)
    )
    services.membership_share_seat(membership=sharer, with_membership=world.participant_m, by=None)
    client.force_login(world.lead)
    client.post(membership_url("membership_end", world), {"left_on": TODAY.isoformat()})
    sharer.refresh_from_db()
    assert sharer.shares_seat_with is None


# --- Handing over -----------------------------------------------------------------------


def handover_data(world, **overrides):
    data = {
        "full_name": "Dewi Opvolger",
        "email": "dewi@example.nl",
        "job_title": "Consulent",
        "organisation": world.participant_m.organisation_id,
        "left_on": TODAY.isoformat(),
    }
    data.update(overrides)
    return data


def test_the_handover_form_proposes_the_leaving_members_organisation(client, world):
    client.force_login(world.lead)
    body = client.get(membership_url("membership_handover", world)).content.decode()
    assert f'<option value="{world.participant_m.organisation_id}" selected>' in body


def test_a_handover_to_a_new_colleague_keeps_the_history(client, world):
    client.force_login(world.lead)
    response = client.post(
        membership_url("membership_handover", world), handover_data(world), follow=True
    )
    body = response.content.decode()
    assert "Dewi Opvolger neemt het stokje over" in body
    assert "heeft nog geen account" in body
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_reason == Membership.LeftReason.HANDOVER
    new = Membership.objects.get(person__email="dewi@example.nl")
    assert new.predecessor == world.participant_m
    assert new.role == world.participant_m.role
    assert new.person.job_title == "Consulent"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "geen-adres"}, "email", "Voer een geldig e-mailadres in."),
        ({"full_name": ""}, "full_name", "Dit veld is verplicht."),
        ({"organisation": "999999"}, "organisation", "Kies een organisatie uit de lijst."),
    ],
)
def test_it_refuses_bad_handover_input_next_to_the_field(client, world, overrides, field, message):
    client.force_login(world.lead)
    response = client.post(
        membership_url("membership_handover", world), handover_data(world, **overrides)
    )
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert message in body
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_on is None


def test_it_refuses_a_handover_to_someone_already_in_the_community(client, world):
    client.force_login(world.lead)
    email = world.facilitator_m.person.email
    response = client.post(
        membership_url("membership_handover", world), handover_data(world, email=email)
    )
    body = response.content.decode()
    assert 'id="id_email_error"' in body
    assert "is al lid van deze gemeenschap" in body
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_on is None


def test_it_refuses_a_handover_to_the_leaving_member_themselves(client, world):
    client.force_login(world.lead)
    email = world.participant_m.person.email.upper()
    response = client.post(
        membership_url("membership_handover", world), handover_data(world, email=email)
    )
    assert "Draag de plek over aan iemand anders." in response.content.decode()
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_on is None


def test_a_refused_handover_does_not_leave_a_new_person_behind(client, world):
    """The old membership is ended first; a failure after that (here: a date before the
    member joined, refused by membership_end) must not keep the person created for it."""
    client.force_login(world.lead)
    before = world.participant_m.joined_on - datetime.timedelta(days=1)
    response = client.post(
        membership_url("membership_handover", world),
        handover_data(world, left_on=before.isoformat()),
    )
    assert 'id="id_left_on_error"' in response.content.decode()
    assert not Person.objects.filter(email="dewi@example.nl").exists()


def test_a_handover_failing_after_the_old_membership_ended_saves_nothing(
    client, world, monkeypatch
):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        assert Membership.objects.get(pk=world.participant_m.pk).left_on is not None
        raise ValidationError({"email": "Geweigerd."})

    monkeypatch.setattr(services, "membership_add", refuse)
    client.force_login(world.lead)
    response = client.post(membership_url("membership_handover", world), handover_data(world))
    assert "Geweigerd." in response.content.decode()
    world.participant_m.refresh_from_db()
    assert world.participant_m.left_on is None
    assert not Person.objects.filter(email="dewi@example.nl").exists()


# --- Sharing a seat ---------------------------------------------------------------------


def test_it_offers_only_colleagues_of_the_same_organisation(client, world):
    org = world.participant_m.organisation
    colleague = factories.MembershipFactory(
        community=world.community,
        person=factories.PersonFactory(organisation=org, full_name="Eva Collega"),
    )
    client.force_login(world.lead)
    body = client.get(membership_url("membership_seat", world)).content.decode()
    assert "Plek delen met Eva Collega" in body
    assert "Eigen plek" in body
    assert f'value="{colleague.pk}"' in body
    assert f'value="{world.facilitator_m.pk}"' not in body


def test_it_shares_a_seat_with_a_colleague(client, world):
    org = world.participant_m.organisation
    colleague = factories.MembershipFactory(
        community=world.community, person=factories.PersonFactory(organisation=org)
    )
    client.force_login(world.lead)
    response = client.post(
        membership_url("membership_seat", world), {"shares_seat_with": colleague.pk}
    )
    assert response.status_code == 302
    world.participant_m.refresh_from_db()
    assert world.participant_m.shares_seat_with == colleague


def test_it_refuses_a_tampered_seat_of_another_organisation(client, world):
    client.force_login(world.lead)
    response = client.post(
        membership_url("membership_seat", world), {"shares_seat_with": world.facilitator_m.pk}
    )
    body = response.content.decode()
    assert "Kies een collega van dezelfde organisatie in deze gemeenschap" in body
    world.participant_m.refresh_from_db()
    assert world.participant_m.shares_seat_with is None


# --- A long list: search, role filter, pages ----------------------------------------------


def test_the_member_list_is_paged_searched_and_filtered(client, world):
    for n in range(24):
        factories.MembershipFactory(
            community=world.community, person=factories.PersonFactory(full_name=f"Lid {n:02d}")
        )
    client.force_login(world.lead)
    url = members_url(world)
    first = client.get(url).content.decode()
    assert "27 leden, gegroepeerd per organisatie." in first
    assert first.count('id="member-') == 20
    assert client.get(url, {"page": 2}).content.decode().count('id="member-') == 7

    found = client.get(url, {"q": "Lid 0"}).content.decode()
    assert "10 leden gevonden." in found
    leads = client.get(url, {"role": Membership.Role.LEAD}).content.decode()
    assert leads.count('id="member-') == 1
    assert f'id="member-{world.lead_m.pk}"' in leads


def test_a_role_change_returns_to_the_same_page_of_the_list(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("communities:membership_role", args=[world.community.pk, world.participant_m.pk]),
        {"role": Membership.Role.FACILITATOR, "list_query": "q=zoek&page=2&evil=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        members_url(world) + f"?q=zoek&page=2#member-{world.participant_m.pk}"
    )
