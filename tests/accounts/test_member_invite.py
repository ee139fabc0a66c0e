import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from leerkring.accounts import services
from leerkring.accounts.models import Invitation
from leerkring.communities.models import Membership, Person
from leerkring.outbox.models import Message
from tests import factories


def invite_url(world):
    return reverse("accounts:member_invite", args=[world.community.pk])


def token_from_mail(message) -> str:
    return re.search(r"/accounts/invitation/([^/\s]+)/", message.body).group(1)


def data(**overrides):
    return {
        "full_name": "Noor Bakker",
        "email": "noor@taalschool.nl",
        "role": "participant",
        "job_title": "Docent NT2",
        **overrides,
    }


@pytest.mark.parametrize("visitor", ["lead", "coordinator"])
def test_it_lets_the_lead_and_the_coordinator_invite(
    client, world, visitor, django_capture_on_commit_callbacks
):
    client.force_login(getattr(world, visitor))
    assert client.get(invite_url(world)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(world), data())
    assert response.status_code == 302
    assert response.url == reverse("communities:members", args=[world.community.pk])
    # Not a member before accepting.
    assert not Membership.objects.filter(person__email="noor@taalschool.nl").exists()
    invitation = Invitation.objects.get(email="noor@taalschool.nl")
    assert (invitation.community, invitation.role) == (world.community, "participant")
    assert invitation.person.job_title == "Docent NT2"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "visitor",
    [
        "participant",
        "facilitator",
        "sibling_member",
        "foreign_member",
        "evaluator",
        "system_partner",
        "other_coordinator",
        "nobody",
    ],
)
def test_it_refuses_everyone_else(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(invite_url(world)).status_code == 403
    assert client.post(invite_url(world), data()).status_code == 403
    assert not Person.objects.filter(email="noor@taalschool.nl").exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, world):
    response = client.get(invite_url(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    response = client.post(invite_url(world), data())
    assert response.url.startswith(reverse("accounts:login"))
    assert not Person.objects.filter(email="noor@taalschool.nl").exists()


def test_it_offers_the_combined_role_only_when_the_rule_profile_allows_it(client, world):
    client.force_login(world.lead)
    form = client.get(invite_url(world)).context["form"]
    assert [value for value, _ in form.fields["role"].choices] == [
        "participant",
        "lead",
        "facilitator",
    ]
    response = client.post(invite_url(world), data(role="lead_facilitator"))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.filter(email="noor@taalschool.nl").exists()

    profile = world.programme.rule_profile
    profile.lead_facilitator_separate = False
    profile.save()
    form = client.get(invite_url(world)).context["form"]
    assert "lead_facilitator" in [value for value, _ in form.fields["role"].choices]
    assert client.post(invite_url(world), data(role="lead_facilitator")).status_code == 302
    invitation = Invitation.objects.get(email="noor@taalschool.nl")
    assert invitation.role == Membership.Role.LEAD_FACILITATOR


def test_it_can_appoint_a_facilitator(client, world):
    client.force_login(world.coordinator)
    client.post(invite_url(world), data(role="facilitator"))
    assert Invitation.objects.get(email="noor@taalschool.nl").role == "facilitator"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
        ({"email": ""}, "email", "Vul het e-mailadres in."),
        ({"full_name": "   "}, "full_name", "Vul de naam in."),
        ({"role": "coordinator"}, "role", "Kies een van de rollen uit de lijst."),
    ],
)
def test_it_explains_bad_input_next_to_the_field(client, world, overrides, field, message):
    client.force_login(world.lead)
    response = client.post(invite_url(world), data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert not Person.objects.filter(email="noor@taalschool.nl").exists()


def test_it_says_when_someone_is_already_a_member(client, world):
    client.force_login(world.lead)
    email = world.participant_m.person.email
    response = client.post(invite_url(world), data(email=email.upper()))
    assert response.status_code == 200
    assert "is al lid van deze gemeenschap" in " ".join(response.context["form"].errors["email"])
    assert Membership.objects.filter(community=world.community, person__email=email).count() == 1


def _invite_page(client, world, email, name, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(world), data(email=email, full_name=name), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Noor Bakker" in html
    said = " ".join(str(message) for message in response.context["messages"])
    assert said
    return said if "kan meteen inloggen" not in html else html


def test_it_answers_the_same_for_any_address(client, world, django_capture_on_commit_callbacks):
    """A new address, an account in this programme and an account in another programme get
    the same answer: no stored name, no "can sign in at once", nobody added yet."""
    client.force_login(world.lead)
    addresses = {
        "new": "nieuw@taalschool.nl",
        "this programme": world.sibling_member_m.person.email,
        "another programme": world.foreign_member_m.person.email,
    }
    pages = {}
    for kind, email in addresses.items():
        said = _invite_page(client, world, email, "Noor Bakker", django_capture_on_commit_callbacks)
        assert world.sibling_member_m.person.full_name not in said
        assert world.foreign_member_m.person.full_name not in said
        pages[kind] = said.replace(email, "ADRES")
    assert pages["new"] == pages["this programme"] == pages["another programme"]
    assert not Membership.objects.filter(
        community=world.community,
        person__email__in=list(addresses.values()),
    ).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses.values())


def test_someone_without_an_account_joins_when_accepting(
    client, world, django_capture_on_commit_callbacks
):
    organisation = factories.OrganisationFactory(name="Taalschool Oost")
    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(world), data(role="facilitator", organisation=organisation.pk))
    client.logout()
    token = token_from_mail(mail.outbox[0])
    password = "een-lang-wachtwoord-2024"
    response = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"new_password1": password, "new_password2": password},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(
        community=world.community, person__email="noor@taalschool.nl"
    )
    assert (membership.role, membership.organisation) == ("facilitator", organisation)


def test_someone_with_an_account_joins_only_by_accepting(
    client, world, django_capture_on_commit_callbacks
):
    person = world.foreign_member_m.person
    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(world), data(email=person.email))
    assert "bestaande wachtwoord" in mail.outbox[0].body
    assert person.full_name not in mail.outbox[0].body or "Noor Bakker" in mail.outbox[0].body
    url = reverse("accounts:invitation_accept", args=[token_from_mail(mail.outbox[0])])
    client.force_login(world.participant)  # someone else's link does nothing for them
    assert client.post(url).status_code == 403
    assert not Membership.objects.filter(community=world.community, person=person).exists()
    client.force_login(person.user)
    page = client.get(url)
    assert "Lid worden" in page.content.decode()
    assert not Membership.objects.filter(community=world.community, person=person).exists()
    response = client.post(url)
    assert response.url == reverse("communities:community", args=[world.community.pk])
    assert Membership.objects.filter(community=world.community, person=person).exists()
    assert client.post(url).status_code == 410  # used


def test_it_keeps_an_existing_persons_name(client, world):
    client.force_login(world.lead)
    person = world.sibling_member_m.person
    client.post(invite_url(world), data(email=person.email, full_name="Iemand Anders"))
    person.refresh_from_db()
    assert person.full_name != "Iemand Anders"


def test_a_failure_in_the_invitation_step_saves_nothing(client, world, monkeypatch):
    def fail(**kwargs):
        raise ValidationError({"email": "De uitnodiging kon niet worden gemaakt."})

    monkeypatch.setattr(services, "invitation_create", fail)
    client.force_login(world.lead)
    response = client.post(invite_url(world), data())
    assert response.status_code == 200
    assert "De uitnodiging kon niet worden gemaakt." in response.content.decode()
    assert not Person.objects.filter(email="noor@taalschool.nl").exists()
    assert not Membership.objects.filter(person__email="noor@taalschool.nl").exists()


def test_an_organisation_can_be_chosen_or_left_empty(client, world):
    organisation = factories.OrganisationFactory(name="Taalschool Oost")
    client.force_login(world.lead)
    client.post(invite_url(world), data(organisation=organisation.pk))
    client.post(invite_url(world), data(email="jan@vrijwilligers.nl", full_name="Jan"))
    assert Invitation.objects.get(email="noor@taalschool.nl").organisation == organisation
    assert Invitation.objects.get(email="jan@vrijwilligers.nl").organisation is None


# --- Reinvite ----------------------------------------------------------------------------


@pytest.fixture
def invited(world):
    """A member who has no account yet (added before invitations were needed to join)."""
    person = factories.PersonFactory(email="noor@taalschool.nl", full_name="Noor", user=None)
    membership = factories.MembershipFactory(community=world.community, person=person)
    services.invitation_create(person=person, by=world.lead, community=world.community)
    return membership


def reinvite_url(world, membership, community=None):
    return reverse(
        "accounts:member_reinvite", args=[(community or world.community).pk, membership.pk]
    )


def test_reinvite_revokes_the_old_link_and_sends_a_new_one(
    client, world, invited, django_capture_on_commit_callbacks
):
    old = Invitation.objects.get(person=invited.person)
    Message.objects.update(state=Message.State.DONE)  # the first invitation went out earlier
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reinvite_url(world, invited))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert Invitation.objects.filter(person=invited.person, revoked_at__isnull=True).count() == 1
    assert len(mail.outbox) == 1


def test_reinvite_is_post_only(client, world, invited):
    client.force_login(world.lead)
    assert client.get(reinvite_url(world, invited)).status_code == 405


@pytest.mark.parametrize(
    "visitor", ["participant", "facilitator", "evaluator", "other_coordinator"]
)
def test_reinvite_refuses_those_who_do_not_manage_members(client, world, invited, visitor):
    client.force_login(getattr(world, visitor))
    assert client.post(reinvite_url(world, invited)).status_code == 403
    assert Invitation.objects.filter(person=invited.person).count() == 1


def test_reinvite_gives_404_for_a_membership_of_another_community(client, world):
    client.force_login(world.coordinator)
    response = client.post(reinvite_url(world, world.sibling_member_m))
    assert response.status_code == 404


def test_reinvite_explains_when_the_member_already_has_an_account(client, world):
    client.force_login(world.lead)
    response = client.post(reinvite_url(world, world.participant_m), follow=True)
    assert "heeft al een account" in response.content.decode()
    assert not Invitation.objects.exists()
