import pytest
from django.core import mail
from django.urls import reverse

from leerkring.accounts.models import Invitation, ProgrammeRole
from tests import factories


def roles_url(programme):
    return reverse("accounts:programme_roles", args=[programme.slug])


def revoke_url(programme_role):
    return reverse(
        "accounts:programme_role_revoke",
        args=[programme_role.programme.slug, programme_role.pk],
    )


def role_of(user, programme, role=ProgrammeRole.Role.COORDINATOR):
    return ProgrammeRole.objects.get(person__user=user, programme=programme, role=role)


def test_it_lists_the_programmes_roles_with_account_status(client, world):
    ProgrammeRole.objects.create(
        person=factories.PersonFactory(full_name="Nog Niet Ingelogd", user=None),
        programme=world.programme,
        role=ProgrammeRole.Role.SYSTEM_PARTNER,
    )
    client.force_login(world.coordinator)
    response = client.get(roles_url(world.programme))
    assert response.status_code == 200
    body = response.content.decode()
    for user in (world.coordinator, world.evaluator, world.system_partner):
        assert user.person.full_name in body
        assert user.email in body
        assert user.person.organisation.name in body
    assert world.other_coordinator.person.full_name not in body
    assert "Kan inloggen" in body
    assert "Nog geen account" in body


@pytest.mark.parametrize(
    "visitor",
    [
        "evaluator",
        "system_partner",
        "other_coordinator",
        "lead",
        "participant",
        "nobody",
    ],
)
def test_it_shows_the_roles_page_only_to_the_programmes_coordinators(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(roles_url(world.programme)).status_code == 403
    response = client.post(
        roles_url(world.programme),
        {"full_name": "X", "email": "x@example.nl", "role": "coordinator"},
    )
    assert response.status_code == 403
    assert not ProgrammeRole.objects.filter(person__email="x@example.nl").exists()
    target = role_of(world.evaluator, world.programme, ProgrammeRole.Role.EVALUATOR)
    assert client.post(revoke_url(target)).status_code == 403
    assert ProgrammeRole.objects.filter(pk=target.pk).exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, world):
    response = client.get(roles_url(world.programme))
    assert response.url.startswith(reverse("accounts:login"))


def test_it_assigns_a_role_and_invites_a_new_person(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            roles_url(world.programme),
            {"full_name": "Eva Smit", "email": "Eva@Ministerie.nl", "role": "system_partner"},
        )
    assert response.status_code == 302
    role = ProgrammeRole.objects.get(person__email="eva@ministerie.nl")
    assert role.role == ProgrammeRole.Role.SYSTEM_PARTNER
    assert role.programme == world.programme
    assert mail.outbox[0].to == ["eva@ministerie.nl"]
    page = client.get(roles_url(world.programme)).content.decode()
    assert "Uitgenodigd, nog niet aangenomen" in page


def test_it_gives_an_existing_account_a_role_without_an_invitation(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            roles_url(world.programme),
            {"full_name": "X", "email": world.lead.email, "role": "coordinator"},
        )
    assert ProgrammeRole.objects.filter(person__user=world.lead, role="coordinator").exists()
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_it_explains_a_role_someone_already_has(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        roles_url(world.programme),
        {"full_name": "X", "email": world.evaluator.email, "role": "evaluator"},
    )
    assert response.status_code == 200
    assert "heeft deze rol al" in " ".join(response.context["form"].errors["email"])


def test_it_explains_bad_input_next_to_the_field(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        roles_url(world.programme), {"full_name": "", "email": "geen-adres", "role": "baas"}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "email", "role"}
    assert ProgrammeRole.objects.filter(programme=world.programme).count() == 3


def test_it_revokes_a_role(client, world):
    client.force_login(world.coordinator)
    target = role_of(world.evaluator, world.programme, ProgrammeRole.Role.EVALUATOR)
    assert client.get(revoke_url(target)).status_code == 405
    response = client.post(revoke_url(target), follow=True)
    assert not ProgrammeRole.objects.filter(pk=target.pk).exists()
    assert "is niet langer onderzoeker" in response.content.decode()


def test_it_refuses_to_remove_the_last_coordinator(client, world):
    client.force_login(world.coordinator)
    own = role_of(world.coordinator, world.programme)
    response = client.post(revoke_url(own), follow=True)
    assert ProgrammeRole.objects.filter(pk=own.pk).exists()
    assert "Een programma houdt minstens één coördinator." in response.content.decode()


def test_a_coordinator_can_step_down_when_another_remains(client, world):
    second = factories.ProgrammeRoleFactory(programme=world.programme, role="coordinator")
    client.force_login(world.coordinator)
    response = client.post(revoke_url(role_of(world.coordinator, world.programme)))
    assert response.url == reverse("core:home")
    assert ProgrammeRole.objects.filter(pk=second.pk).exists()
    assert client.get(roles_url(world.programme)).status_code == 403


def test_it_gives_404_for_a_role_of_another_programme(client, world):
    client.force_login(world.coordinator)
    foreign = role_of(world.other_coordinator, world.other_programme)
    url = reverse("accounts:programme_role_revoke", args=[world.programme.slug, foreign.pk])
    assert client.post(url).status_code == 404
    assert ProgrammeRole.objects.filter(pk=foreign.pk).exists()


def test_the_roles_page_uses_a_fixed_number_of_queries(client, world):
    client.force_login(world.coordinator)
    url = roles_url(world.programme)
    client.get(url)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for role in ("coordinator", "evaluator", "system_partner") * 4:
        factories.ProgrammeRoleFactory(programme=world.programme, role=role)
    factories.ProgrammeRoleFactory(
        programme=world.programme, role="evaluator", person=factories.PersonFactory(user=None)
    )
    assert count() == small
