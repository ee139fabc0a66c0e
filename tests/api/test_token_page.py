from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from leerkring.accounts import second_factor
from leerkring.api import permissions, services
from leerkring.api.models import ApiToken
from leerkring.core.models import AuditEvent
from tests import factories
from tests.api.helpers import ApiClient
from tests.conftest import force_login_password_only


def create(client, **data):
    values = {"name": "Dashboard", "access": "read", "days": "90", **data}
    return client.post(reverse("integrations:tokens"), values)


def test_a_token_is_shown_once_and_stored_hashed(client, world):
    client.force_login(world.coordinator)
    response = create(client, programme=world.programme.pk)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    raw = response.context["new_token"]
    assert raw.startswith("lk_") and raw not in (token.token_hash, token.prefix)
    assert raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert raw not in client.get(reverse("integrations:tokens")).content.decode()
    assert token.programme == world.programme and token.access == "read"
    assert AuditEvent.objects.filter(verb="api_token.created").count() == 1


def test_the_list_shows_when_a_token_was_last_used(client, world):
    client.force_login(world.coordinator)
    raw = create(client).context["new_token"]
    assert ApiToken.objects.get().last_used_at is None
    ApiClient(raw).get(reverse("api:venster", args=[world.programme.slug]))
    assert ApiToken.objects.get().last_used_at is not None
    assert "Nog niet" not in client.get(reverse("integrations:tokens")).content.decode()


def test_a_revoked_token_stops_working(client, world):
    client.force_login(world.coordinator)
    raw = create(client).context["new_token"]
    url = reverse("api:venster", args=[world.programme.slug])
    assert ApiClient(raw).get(url).status_code == 200
    token = ApiToken.objects.get()
    client.post(reverse("integrations:token_revoke", args=[token.pk]))
    assert ApiClient(raw).get(url).status_code == 401


def test_an_expired_token_stops_working(client, world):
    client.force_login(world.coordinator)
    raw = create(client).context["new_token"]
    ApiToken.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert (
        ApiClient(raw).get(reverse("api:venster", args=[world.programme.slug])).status_code == 401
    )


def test_a_name_is_required_and_the_message_is_next_to_it(client, world):
    client.force_login(world.participant)
    response = create(client, name="")
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_someone_else_cannot_revoke_my_token(client, world):
    client.force_login(world.participant)
    create(client)
    client.force_login(world.lead)
    token = ApiToken.objects.get()
    assert client.post(reverse("integrations:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_programme_roles_need_the_second_factor_for_a_token(client, world):
    force_login_password_only(client, world.coordinator)
    refused = create(client)
    assert refused.status_code == 302  # to the second step, as for every page
    assert not ApiToken.objects.exists()
    force_login_password_only(client, world.participant)
    assert create(client).status_code == 200
    assert ApiToken.objects.filter(user=world.participant).exists()


def test_the_token_rule_holds_without_the_middleware(rf, world):
    request = rf.post("/")
    request.user = world.coordinator
    request.session = SessionStore()
    assert not permissions.second_factor_satisfied(request)
    request.user = world.participant
    assert permissions.second_factor_satisfied(request)


def test_a_token_made_as_participant_waits_for_the_second_step_after_a_promotion(world):
    """A program never visits the page that asks for the second step, so a token made before
    a programme role was given must not carry that role past it."""
    _token, raw = services.token_create(
        user=world.participant, name="Koppeling", access="read", days=30
    )
    client = ApiClient(raw)
    url = reverse("api:programmes")
    assert client.get(url).status_code == 200
    factories.ProgrammeRoleFactory(
        programme=world.programme, person=world.participant.person, role="coordinator"
    )
    refused = client.get(url)
    assert refused.status_code == 401
    assert "tweede stap" in refused.json()["detail"]
    # Setting up an app later does not change the token: it was made without the step.
    second_factor.totp_activate_with_secret(user=world.participant, secret="JBSWY3DPEHPK3PXP")
    assert client.get(url).status_code == 401


def test_a_token_made_past_the_second_step_works_for_a_coordinator(client, world):
    client.force_login(world.coordinator)
    raw = create(client)
    raw = raw.context["new_token"]
    assert ApiToken.objects.get().second_factor_passed
    assert ApiClient(raw).get(reverse("api:programmes")).status_code == 200
