import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from leerkring.accounts import services
from leerkring.accounts.models import Invitation
from leerkring.core.models import AuditEvent
from tests import factories


@pytest.fixture
def admin_client(client, world):
    admin = get_user_model().objects.create_superuser("beheer@leerkring.nl", "beheer-wachtwoord")
    client.force_login(admin)
    services.invitation_create(person=factories.PersonFactory(user=None), by=world.lead)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "accounts/user",
        "accounts/programmerole",
        "accounts/invitation",
        "communities/programme",
        "communities/organisation",
        "communities/person",
        "communities/community",
        "communities/membership",
        "core/auditevent",
    ],
)
def test_the_admin_lists_and_opens_every_model(admin_client, model):
    app_label, model_name = model.split("/")
    changelist = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    first = changelist.context["cl"].result_list[0]
    change = admin_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[first.pk]))
    assert change.status_code == 200


def test_the_admin_creates_a_user_by_email_without_username(admin_client):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "nieuw@leerkring.nl",
            "usable_password": "true",
            "password1": "een-lang-wachtwoord-1",
            "password2": "een-lang-wachtwoord-1",
        },
    )
    assert response.status_code == 302
    assert (
        get_user_model()
        .objects.get(email="nieuw@leerkring.nl")
        .check_password("een-lang-wachtwoord-1")
    )


def test_the_admin_cannot_add_or_edit_invitations_or_audit_events(admin_client):
    assert admin_client.get(reverse("admin:accounts_invitation_add")).status_code == 403
    invitation = Invitation.objects.first()
    url = reverse("admin:accounts_invitation_change", args=[invitation.pk])
    admin_client.post(url, {"email": "ander@example.nl"})
    invitation.refresh_from_db()
    assert invitation.email != "ander@example.nl"
    event = AuditEvent.objects.first()
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    delete = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
