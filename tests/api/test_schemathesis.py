"""Schemathesis against the committed OpenAPI document (bounded, so it stays a small share of
`make test`): for every operation, generated query strings and bodies, sent as someone who may
open nearly everything, must get no server error and an answer that matches the schema (its
status, content type, body and headers). Path parameters point at real objects of the `world`
fixture, so the answers are the real ones, not only 404s."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership
from tests.api.helpers import token_for
from tests.factories import (
    CoordinationMeetingFactory,
    MeetingFactory,
    MembershipFactory,
    ProgrammeRoleFactory,
    SignalThemeFactory,
)
from tests.signalling.helpers import signal_in_state
from tests.test_permission_matrix import _product_pk, _s3_wave

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
EXAMPLES_PER_OPERATION = 6
#: What the API promises: no server error, and answers as documented. Whether a body that the
#: schema allows is also accepted is the forms' business (they know the list of subtopics, a
#: theme of this programme, …), so the acceptance checks are left out.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_path(DOCUMENT)
schema.app = get_wsgi_application()


@pytest.fixture
def _keep_the_test_connection():
    """Schemathesis calls the WSGI application itself, which closes the database connection
    at the end of each request — on PostgreSQL the test's own, with its transaction. Django's
    test client leaves the connection open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def everything(world, _keep_the_test_connection):
    """One account that is lead of the community and coordinator, evaluator and system
    partner of the programme, with one object of every kind to point at."""
    lead = world.lead_m.person
    for role in ProgrammeRole.Role.values:
        ProgrammeRoleFactory(programme=world.programme, person=lead, role=role)
    MembershipFactory(community=world.sibling, person=lead, role=Membership.Role.PARTICIPANT)
    escalated = signal_in_state(world, "escalated_system")
    theme = SignalThemeFactory(programme=world.programme)
    return {
        "token": token_for(world.lead),
        "slug": world.programme.slug,
        "ids": {
            "communities": world.community.pk,
            "signals": signal_in_state(world, "in_progress").pk,
            "system": escalated.pk,
            "themes": theme.pk,
            "meetings": MeetingFactory(community=world.community).pk,
            "lcc": CoordinationMeetingFactory(programme=world.programme).pk,
            "waves": _s3_wave(world)[0],
            "products": _product_pk(world)[0],
        },
    }


def _real_path_parameters(case, everything) -> None:
    parameters = dict(case.path_parameters or {})
    if "slug" in parameters:
        parameters["slug"] = everything["slug"]
    if "id" in parameters:
        first = case.operation.path.strip("/").split("/")[2]
        parameters["id"] = everything["ids"][first]
    case.path_parameters = parameters


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_to_its_schema(case, everything):
    _real_path_parameters(case, everything)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {everything['token']}"}, checks=CHECKS
    )
