import os
import time

import pytest
from django.test import Client

from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed
# to run beside it in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _content_types_read_afresh(request):
    """Django caches content type ids per process. A test with real transactions ends by
    emptying every table: the content types come back with new ids, or (after
    `serialized_rollback`) not at all, so a cached id would point nowhere and an outbox row
    written with it fails its foreign key in a later test. Such a test therefore leaves the
    cache empty; other tests keep it warm, so query counts see what a running process does."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()


_plain_force_login = Client.force_login


def force_login_password_only(client: Client, user, backend=None) -> None:
    """Sign a test client in as after the password alone: someone who needs a second factor
    is then stopped by SecondFactorMiddleware."""
    _plain_force_login(client, user, backend)


def _force_login_with_second_factor(client: Client, user, backend=None) -> None:
    _plain_force_login(client, user, backend)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "mfa", "at": time.time(), "type": "totp", "id": 0, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login` signs in completely, second factor included, as a person who went
    through both steps. Tests of the second factor itself use `force_login_password_only`."""
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)


@pytest.fixture
def world(db):
    """A small network with one visitor of every kind (DESIGN.md §1), used by permission tests.

    - programme P with community C (and a second community D in P),
    - programme Q with community E,
    - people: a participant, lead and facilitator of C, a member of D, a coordinator and an
      evaluator and a system partner of P, a coordinator of Q, and an account with no roles.
    """
    from leerkring.accounts.models import ProgrammeRole
    from leerkring.communities.models import Membership

    class World:
        pass

    w = World()
    w.programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    w.other_programme = factories.ProgrammeFactory(name="Sociaal Werk in de Wijk", slug="sww")
    w.community = factories.CommunityFactory(programme=w.programme, name="CoP Achterhoek")
    w.sibling = factories.CommunityFactory(
        programme=w.programme, name="CoP Zeeland", region="Zeeland"
    )
    w.foreign = factories.CommunityFactory(
        programme=w.other_programme, name="SWW Utrecht", region="Utrecht"
    )

    def member(community, role=Membership.Role.PARTICIPANT, **kwargs):
        membership = factories.MembershipFactory(community=community, role=role, **kwargs)
        return membership

    w.participant_m = member(w.community)
    w.lead_m = member(w.community, Membership.Role.LEAD)
    w.facilitator_m = member(w.community, Membership.Role.FACILITATOR)
    w.sibling_member_m = member(w.sibling)
    w.foreign_member_m = member(w.foreign)
    w.participant = w.participant_m.person.user
    w.lead = w.lead_m.person.user
    w.facilitator = w.facilitator_m.person.user
    w.sibling_member = w.sibling_member_m.person.user
    w.foreign_member = w.foreign_member_m.person.user

    def programme_role(programme, role):
        return factories.ProgrammeRoleFactory(programme=programme, role=role).person.user

    w.coordinator = programme_role(w.programme, ProgrammeRole.Role.COORDINATOR)
    w.evaluator = programme_role(w.programme, ProgrammeRole.Role.EVALUATOR)
    w.system_partner = programme_role(w.programme, ProgrammeRole.Role.SYSTEM_PARTNER)
    w.other_coordinator = programme_role(w.other_programme, ProgrammeRole.Role.COORDINATOR)
    w.nobody = factories.UserFactory()
    return w


@pytest.fixture
def meeting(world):
    """A planned meeting of `world.community` two weeks ahead."""
    return factories.MeetingFactory(community=world.community)


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 (tests/outbox/smtp.py) and the settings that send to it;
    the outbox's pause after an unreachable server starts and ends with the test."""
    from leerkring.outbox import services as outbox_services
    from tests.outbox.smtp import FaultySMTPServer

    outbox_services.pause_reset()
    server = FaultySMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_PAUSE_BASE_SECONDS = 5
    yield server
    server.stop()
    outbox_services.pause_reset()
