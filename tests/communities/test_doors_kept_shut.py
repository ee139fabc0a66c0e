"""Doors that were once found ajar, kept shut."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leerkring.accounts import services as account_services
from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Programme, RuleProfile


def test_the_directory_counts_only_communities_of_the_viewers_programmes(client, world):
    organisation = world.participant_m.organisation
    client.force_login(world.other_coordinator)
    response = client.get(reverse("communities:organisation_list"), {"q": organisation.name})
    row = next(o for o in response.context["organisations"] if o.pk == organisation.pk)
    assert row.community_count == 0

    client.force_login(world.coordinator)
    response = client.get(reverse("communities:organisation_list"), {"q": organisation.name})
    row = next(o for o in response.context["organisations"] if o.pk == organisation.pk)
    assert row.community_count == 1


def test_an_invitation_does_not_switch_a_disabled_account_back_on(world):
    person = world.participant_m.person
    person.user.set_unusable_password()
    person.user.is_active = False
    person.user.save()
    _, token = account_services.invitation_create(person=person, by=world.lead)
    with pytest.raises(ValidationError):
        account_services.invitation_accept(token=token, password="een-lang-nieuw-wachtwoord")
    person.user.refresh_from_db()
    assert not person.user.is_active


def test_the_last_coordinator_cannot_be_revoked(world):
    role = ProgrammeRole.objects.get(person__user=world.coordinator)
    with pytest.raises(ValidationError):
        account_services.programme_role_revoke(programme_role=role, by=world.coordinator)
    assert ProgrammeRole.objects.filter(pk=role.pk).exists()


def test_a_programme_saved_in_the_admin_without_rules_gets_a_rule_profile(client, world):
    world.nobody.is_staff = world.nobody.is_superuser = True
    world.nobody.save()
    client.force_login(world.nobody)
    response = client.post(
        reverse("admin:communities_programme_add"),
        {
            "name": "Nieuw programma",
            "slug": "nieuw",
            "description": "",
            "coordinating_organisation": "",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
            "rule_profile-TOTAL_FORMS": "0",
            "rule_profile-INITIAL_FORMS": "0",
            "rule_profile-MIN_NUM_FORMS": "0",
            "rule_profile-MAX_NUM_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get(slug="nieuw")
    assert RuleProfile.objects.filter(programme=programme).exists()


def test_adding_the_same_member_twice_is_a_clear_message_not_an_error(world):
    from leerkring.communities import services

    with pytest.raises(ValidationError) as error:
        services.membership_add(
            community=world.community, person=world.participant_m.person, by=world.lead
        )
    assert "al lid" in str(error.value)


def test_the_member_count_message_uses_singular_and_plural(client, world):
    # CoP Zeeland has one member; the Inburgering rules ask for at least ten.
    client.force_login(world.coordinator)
    body = client.get(reverse("core:home")).content.decode()
    assert "1 leden" not in body
    assert "1 lid;" in body
