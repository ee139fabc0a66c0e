"""The membership services: the rules of roles, ending, handing over and sharing seats."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from leerkring.communities import services
from leerkring.communities.models import Membership, Organisation, Person
from leerkring.core.models import AuditEvent
from tests import factories

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def community(db):
    return factories.CommunityFactory()


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory(name="Gemeente Doetinchem")


def member(community, organisation=None, role=Membership.Role.PARTICIPANT, joined=60):
    person = factories.PersonFactory(organisation=organisation or factories.OrganisationFactory())
    return factories.MembershipFactory(
        community=community, person=person, role=role, joined_on=days_ago(joined)
    )


# --- membership_add ----------------------------------------------------------------------


def test_it_adds_a_member_for_their_own_organisation_by_default(community, organisation):
    person = factories.PersonFactory(organisation=organisation)
    membership = services.membership_add(community=community, person=person, by=None)
    assert membership.organisation == organisation
    assert membership.role == Membership.Role.PARTICIPANT
    assert AuditEvent.objects.filter(verb="membership.added", community_id=community.pk).exists()


def test_it_refuses_to_add_someone_who_is_already_a_member(community):
    existing = member(community)
    with pytest.raises(ValidationError) as error:
        services.membership_add(community=community, person=existing.person, by=None)
    assert "is al lid van deze gemeenschap" in error.value.message_dict["email"][0]


def test_it_adds_a_former_member_again(community):
    former = member(community)
    services.membership_end(membership=former, by=None, left_on=days_ago(1))
    again = services.membership_add(community=community, person=former.person, by=None)
    assert again.pk != former.pk


# --- membership_change_role -------------------------------------------------------------


def test_it_changes_a_role_and_records_old_and_new(community):
    membership = member(community)
    services.membership_change_role(membership=membership, role=Membership.Role.LEAD, by=None)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.LEAD
    event = AuditEvent.objects.get(verb="membership.role_changed")
    assert event.data["old"] == "participant"
    assert event.data["new"] == "lead"
    assert event.community_id == community.pk


def test_it_refuses_lead_facilitator_when_the_rules_want_separate_people(community):
    membership = member(community)
    assert community.programme.rule_profile.lead_facilitator_separate  # Inburgering preset
    with pytest.raises(ValidationError) as error:
        services.membership_change_role(
            membership=membership, role=Membership.Role.LEAD_FACILITATOR, by=None
        )
    assert "aparte communitytrekker en procesbegeleider" in error.value.message_dict["role"][0]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.PARTICIPANT


def test_it_allows_lead_facilitator_when_the_rules_allow_one_person(community):
    profile = community.programme.rule_profile
    profile.lead_facilitator_separate = False
    profile.save()
    membership = member(community)
    services.membership_change_role(
        membership=membership, role=Membership.Role.LEAD_FACILITATOR, by=None
    )
    membership.refresh_from_db()
    assert membership.role == Membership.Role.LEAD_FACILITATOR


def test_it_refuses_an_unknown_role(community):
    membership = member(community)
    with pytest.raises(ValidationError) as error:
        services.membership_change_role(membership=membership, role="boss", by=None)
    assert "role" in error.value.message_dict


def test_it_refuses_to_change_the_role_of_an_ended_membership(community):
    membership = member(community)
    services.membership_end(membership=membership, by=None, left_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.membership_change_role(membership=membership, role="lead", by=None)
    assert error.value.message_dict["role"] == ["Dit lidmaatschap is beëindigd."]


def test_it_lets_a_successor_who_starts_later_get_a_role_ahead_of_time(community):
    leaving = member(community)
    successor = factories.PersonFactory(organisation=leaving.organisation)
    future = TODAY + datetime.timedelta(days=14)
    new = services.membership_handover(membership=leaving, successor=successor, by=None, on=future)
    services.membership_change_role(membership=new, role=Membership.Role.LEAD, by=None)
    new.refresh_from_db()
    assert new.role == Membership.Role.LEAD


# --- membership_end ---------------------------------------------------------------------


def test_it_ends_a_membership_and_keeps_it(community):
    membership = member(community)
    services.membership_end(membership=membership, by=None, left_on=TODAY)
    membership.refresh_from_db()
    assert membership.left_on == TODAY
    assert membership.left_reason == Membership.LeftReason.LEFT
    assert not membership.is_active
    assert AuditEvent.objects.filter(verb="membership.ended", object_id=membership.pk).exists()


def test_it_refuses_an_end_date_before_the_member_joined(community):
    membership = member(community, joined=10)
    with pytest.raises(ValidationError) as error:
        services.membership_end(membership=membership, by=None, left_on=days_ago(11))
    assert error.value.message_dict["left_on"] == ["De einddatum ligt vóór de datum van aanmelden."]
    membership.refresh_from_db()
    assert membership.left_on is None


def test_it_refuses_to_end_a_membership_twice(community):
    membership = member(community)
    services.membership_end(membership=membership, by=None)
    with pytest.raises(ValidationError):
        services.membership_end(membership=membership, by=None)


def test_ending_a_shared_seat_passes_it_to_the_longest_serving_colleague(community, organisation):
    holder = member(community, organisation, joined=300)
    newest = member(community, organisation, joined=10)
    longest = member(community, organisation, joined=200)
    for sharer in (newest, longest):
        services.membership_share_seat(membership=sharer, with_membership=holder, by=None)

    services.membership_end(membership=holder, by=None)

    longest.refresh_from_db()
    newest.refresh_from_db()
    assert longest.shares_seat_with is None
    assert newest.shares_seat_with == longest


# --- membership_handover ----------------------------------------------------------------


def test_a_handover_keeps_the_history_and_carries_the_role_over(community, organisation):
    leaving = member(community, organisation, role=Membership.Role.LEAD)
    successor = factories.PersonFactory(organisation=organisation)

    new = services.membership_handover(membership=leaving, successor=successor, by=None)

    leaving.refresh_from_db()
    assert leaving.left_on == TODAY
    assert leaving.left_reason == Membership.LeftReason.HANDOVER
    assert new.predecessor == leaving
    assert leaving.successor == new
    assert new.role == Membership.Role.LEAD
    assert new.organisation == organisation
    assert new.joined_on == TODAY
    assert AuditEvent.objects.filter(verb="membership.handed_over", object_id=new.pk).exists()


def test_a_handover_uses_the_organisation_chosen_for_the_successor(community, organisation):
    leaving = member(community)
    successor = factories.PersonFactory(organisation=factories.OrganisationFactory())
    new = services.membership_handover(
        membership=leaving, successor=successor, by=None, organisation=organisation
    )
    assert new.organisation == organisation


def test_it_refuses_to_hand_over_to_the_same_person(community):
    leaving = member(community)
    with pytest.raises(ValidationError) as error:
        services.membership_handover(membership=leaving, successor=leaving.person, by=None)
    assert "email" in error.value.message_dict
    leaving.refresh_from_db()
    assert leaving.left_on is None


def test_a_refused_handover_leaves_the_old_membership_open(community):
    """The successor is already a member: membership_add fails *after* the old membership
    was ended inside the same transaction, which must roll back."""
    leaving = member(community)
    already = member(community)
    with pytest.raises(ValidationError) as error:
        services.membership_handover(membership=leaving, successor=already.person, by=None)
    assert "is al lid" in error.value.message_dict["email"][0]
    leaving.refresh_from_db()
    assert leaving.left_on is None
    assert leaving.left_reason == ""
    assert not AuditEvent.objects.filter(verb="membership.ended").exists()


def test_a_handover_that_fails_late_saves_nothing(community):
    leaving = member(community)
    successor = factories.PersonFactory()
    with (
        mock.patch.object(
            services, "audit", side_effect=[mock.DEFAULT, mock.DEFAULT, RuntimeError]
        ),
        pytest.raises(RuntimeError),
    ):
        services.membership_handover(membership=leaving, successor=successor, by=None)
    leaving.refresh_from_db()
    assert leaving.left_on is None
    assert not Membership.objects.filter(person=successor).exists()


def test_a_successor_of_the_same_organisation_takes_over_the_shared_seat(community, organisation):
    holder = member(community, organisation, joined=300)
    sharer = member(community, organisation, joined=100)
    services.membership_share_seat(membership=sharer, with_membership=holder, by=None)
    successor = factories.PersonFactory(organisation=organisation)

    new = services.membership_handover(membership=holder, successor=successor, by=None)

    sharer.refresh_from_db()
    assert sharer.shares_seat_with == new
    assert new.shares_seat_with is None


def test_a_successor_of_a_sharer_keeps_sharing_the_seat(community, organisation):
    holder = member(community, organisation, joined=300)
    sharer = member(community, organisation, joined=100)
    services.membership_share_seat(membership=sharer, with_membership=holder, by=None)
    successor = factories.PersonFactory(organisation=organisation)

    new = services.membership_handover(membership=sharer, successor=successor, by=None)

    assert new.shares_seat_with == holder


# --- membership_share_seat --------------------------------------------------------------


def test_colleagues_of_one_organisation_share_a_seat(community, organisation):
    holder = member(community, organisation)
    colleague = member(community, organisation)
    services.membership_share_seat(membership=colleague, with_membership=holder, by=None)
    colleague.refresh_from_db()
    assert colleague.shares_seat_with == holder
    assert AuditEvent.objects.filter(verb="membership.seat_shared").exists()


def test_it_refuses_to_share_a_seat_with_another_organisation(community, organisation):
    holder = member(community, organisation)
    outsider = member(community)
    with pytest.raises(ValidationError) as error:
        services.membership_share_seat(membership=outsider, with_membership=holder, by=None)
    assert error.value.message_dict["shares_seat_with"] == [
        "Alleen collega's van dezelfde organisatie delen een plek."
    ]


def test_it_refuses_to_share_a_seat_across_communities(community, organisation):
    holder = member(community, organisation)
    elsewhere = member(factories.CommunityFactory(), organisation)
    with pytest.raises(ValidationError) as error:
        services.membership_share_seat(membership=elsewhere, with_membership=holder, by=None)
    assert "shares_seat_with" in error.value.message_dict


def test_it_refuses_to_share_a_seat_with_someone_who_left(community, organisation):
    holder = member(community, organisation)
    colleague = member(community, organisation)
    services.membership_end(membership=holder, by=None)
    with pytest.raises(ValidationError) as error:
        services.membership_share_seat(membership=colleague, with_membership=holder, by=None)
    assert error.value.message_dict["shares_seat_with"] == [
        "Deze collega is geen lid meer van de gemeenschap."
    ]


def test_sharing_with_a_sharer_joins_the_holders_seat(community, organisation):
    holder = member(community, organisation)
    first = member(community, organisation)
    second = member(community, organisation)
    services.membership_share_seat(membership=first, with_membership=holder, by=None)
    first.refresh_from_db()
    services.membership_share_seat(membership=second, with_membership=first, by=None)
    second.refresh_from_db()
    assert second.shares_seat_with == holder


def test_a_holder_who_joins_another_seat_brings_their_sharers(community, organisation):
    holder = member(community, organisation)
    sharer = member(community, organisation)
    other = member(community, organisation)
    services.membership_share_seat(membership=sharer, with_membership=holder, by=None)
    services.membership_share_seat(membership=holder, with_membership=other, by=None)
    sharer.refresh_from_db()
    assert sharer.shares_seat_with == other


def test_it_refuses_a_seat_swap_that_would_make_a_loop(community, organisation):
    holder = member(community, organisation)
    sharer = member(community, organisation)
    services.membership_share_seat(membership=sharer, with_membership=holder, by=None)
    sharer.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.membership_share_seat(membership=holder, with_membership=sharer, by=None)
    assert "shares_seat_with" in error.value.message_dict


def test_a_member_can_go_back_to_an_own_seat(community, organisation):
    holder = member(community, organisation)
    sharer = member(community, organisation)
    services.membership_share_seat(membership=sharer, with_membership=holder, by=None)
    services.membership_share_seat(membership=sharer, with_membership=None, by=None)
    sharer.refresh_from_db()
    assert sharer.shares_seat_with is None
    assert AuditEvent.objects.filter(verb="membership.seat_own").exists()


# --- person_for_email and organisation_save -------------------------------------------


def test_it_finds_a_person_by_email_whatever_the_case_and_keeps_their_name(db):
    person = factories.PersonFactory(full_name="Anna de Vries", email="anna@example.nl")
    found = services.person_for_email(email=" Anna@Example.NL ", full_name="Ana de Fries")
    assert found == person
    found.refresh_from_db()
    assert found.full_name == "Anna de Vries"


def test_it_creates_a_new_person_with_a_lower_case_address(organisation):
    person = services.person_for_email(
        email="Bram@Example.nl", full_name=" Bram Jansen ", organisation=organisation
    )
    assert person.pk
    assert person.email == "bram@example.nl"
    assert person.full_name == "Bram Jansen"
    assert person.organisation == organisation


def test_it_gives_a_known_person_without_organisation_the_given_one(organisation):
    person = factories.PersonFactory(organisation=None)
    services.person_for_email(email=person.email, full_name="x", organisation=organisation)
    person.refresh_from_db()
    assert person.organisation == organisation


@pytest.mark.parametrize("email", ["", "   ", "geen-adres"])
def test_it_refuses_a_missing_or_malformed_email(db, email):
    with pytest.raises(ValidationError) as error:
        services.person_for_email(email=email, full_name="Iemand")
    assert "email" in error.value.message_dict
    assert not Person.objects.exists()


def test_it_refuses_an_organisation_name_that_exists_in_other_case(organisation):
    with pytest.raises(ValidationError) as error:
        services.organisation_save(
            organisation=Organisation(name="gemeente doetinchem", type="municipality"), by=None
        )
    assert error.value.message_dict["name"] == ["Er is al een organisatie met deze naam."]


def test_it_saves_an_organisation_under_its_own_name(organisation):
    organisation.city = "Doetinchem"
    services.organisation_save(organisation=organisation, by=None)
    organisation.refresh_from_db()
    assert organisation.city == "Doetinchem"
    assert AuditEvent.objects.filter(verb="organisation.updated").exists()
