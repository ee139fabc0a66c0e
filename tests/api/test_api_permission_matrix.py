"""Every API endpoint, tried by every kind of visitor from the `world` fixture (DESIGN.md §2).

Like tests/test_permission_matrix.py for the pages, and with the same answers: who may open a
page may call its endpoint, everyone else gets 403 or 404. Anonymous callers get 401 (an API
has no sign-in page to send them to). The test fails on an endpoint the matrix does not name.
Allowed visitors must get through: 2xx, or 400 when the (deliberately thin) body reached the
form's validation, which only happens after the permission check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from leerkring.api import services
from tests.api.helpers import token_for
from tests.conftest import force_login_password_only
from tests.test_permission_matrix import VISITORS, _product_pk, _s3_wave

SIGNED_IN = frozenset(VISITORS) - {"anonymous"}
MEMBERS = frozenset({"participant", "lead", "facilitator"})
GUIDES = frozenset({"lead", "facilitator"})
COORDINATOR = frozenset({"coordinator"})
SYSTEM = frozenset({"system_partner"})
VENSTER_READERS = frozenset({"lead", "facilitator", "coordinator"})
PROGRAMME_VIEWERS = frozenset({"coordinator", "evaluator"})
COMMUNITY_VIEWERS = MEMBERS | PROGRAMME_VIEWERS
IN_PROGRAMME = MEMBERS | {"sibling_member", "coordinator", "evaluator", "system_partner"}
PRODUCT_READERS = MEMBERS | PROGRAMME_VIEWERS
PROGRAMME_READERS = PRODUCT_READERS | {"sibling_member"}


@dataclass(frozen=True)
class Endpoint:
    args: Callable = lambda w: []
    allowed: frozenset = frozenset()
    method: str = "get"
    data: dict = field(default_factory=dict)
    public: bool = False


def _programme(w):
    return [w.programme.slug]


def _community(w):
    return [w.community.pk]


def _signal(w, state="new"):
    from tests.signalling.helpers import signal_in_state

    return [signal_in_state(w, state).pk]


def _meeting(w):
    from tests.factories import MeetingFactory

    return [MeetingFactory(community=w.community).pk]


def _lcc(w):
    from tests.factories import CoordinationMeetingFactory

    return [CoordinationMeetingFactory(programme=w.programme).pk]


def _theme(w):
    from tests.factories import SignalThemeFactory

    return [SignalThemeFactory(programme=w.programme).pk]


MATRIX: dict[str, Endpoint] = {
    "api:schema": Endpoint(public=True),
    "api:docs": Endpoint(public=True),
    "api:redoc": Endpoint(public=True),
    "api:programmes": Endpoint(allowed=SIGNED_IN),
    "api:programme": Endpoint(args=_programme, allowed=IN_PROGRAMME),
    "api:programme_communities": Endpoint(args=_programme, allowed=PROGRAMME_VIEWERS),
    "api:communities": Endpoint(allowed=SIGNED_IN),
    "api:community": Endpoint(args=_community, allowed=COMMUNITY_VIEWERS),
    "api:community_meetings": Endpoint(args=_community, allowed=COMMUNITY_VIEWERS),
    "api:meeting": Endpoint(args=_meeting, allowed=MEMBERS),
    "api:community_lessons": Endpoint(args=_community, allowed=MEMBERS),
    "api:community_agreements": Endpoint(args=_community, allowed=MEMBERS),
    "api:themes": Endpoint(args=_programme, allowed=COORDINATOR),
    "api:top_five": Endpoint(args=_programme, allowed=VENSTER_READERS),
    "api:lcc_list": Endpoint(args=_programme, allowed=COORDINATOR),
    "api:lcc": Endpoint(args=_lcc, allowed=COORDINATOR),
    "api:waves": Endpoint(args=_programme, allowed=PROGRAMME_VIEWERS),
    "api:wave_results": Endpoint(args=_s3_wave, allowed=PROGRAMME_VIEWERS),
    "api:products": Endpoint(args=_programme, allowed=PROGRAMME_READERS),
    "api:product": Endpoint(args=_product_pk, allowed=PRODUCT_READERS),
    "api:knowledge": Endpoint(args=_programme, allowed=PROGRAMME_READERS),
    "api:programme_monitor": Endpoint(args=_programme, allowed=PROGRAMME_VIEWERS),
    "api:community_monitor": Endpoint(
        args=_community, allowed=PROGRAMME_VIEWERS | {"lead", "facilitator"}
    ),
    "api:venster": Endpoint(args=_programme, allowed=VENSTER_READERS),
    "api:community_signals": Endpoint(args=_community, allowed=MEMBERS),
    "api:signal": Endpoint(args=_signal, allowed=MEMBERS | COORDINATOR),
    "api:signal_pass_on": Endpoint(
        args=lambda w: _signal(w, "draft"), allowed=GUIDES, method="post"
    ),
    "api:signal_action": Endpoint(
        args=_signal, allowed=COORDINATOR, method="post", data={"action": "respond"}
    ),
    "api:theme_answers": Endpoint(args=_theme, allowed=COORDINATOR, method="post"),
    "api:system_inbox": Endpoint(args=_programme, allowed=SYSTEM),
    "api:system_signal": Endpoint(args=lambda w: _signal(w, "escalated_system"), allowed=SYSTEM),
    "api:system_answers": Endpoint(
        args=lambda w: _signal(w, "escalated_system"), allowed=SYSTEM, method="post"
    ),
}

# Writes a coordinator may also make on a community's behalf.
MATRIX["api:community_signals_create"] = Endpoint(
    args=_community, allowed=MEMBERS | COORDINATOR, method="post"
)
URL_OF = {"api:community_signals_create": "api:community_signals"}


def _api_url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            names |= _api_url_names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and prefix.startswith("api:"):
            names.add(prefix + (pattern.name or f"<unnamed {pattern.pattern}>"))
    return names


def test_every_endpoint_is_in_the_matrix():
    missing = _api_url_names() - {URL_OF.get(n, n) for n in MATRIX}
    assert not missing, f"API endpoints without a row in the matrix: {sorted(missing)}"


def test_the_matrix_names_no_endpoint_that_does_not_exist():
    stale = {URL_OF.get(n, n) for n in MATRIX} - _api_url_names()
    assert not stale, f"Matrix rows for endpoints that no longer exist: {sorted(stale)}"


def _verdict(endpoint: Endpoint, visitor: str, status: int, url: str) -> str | None:
    if status >= 500:
        return f"{visitor} at {url}: server error {status}"
    if endpoint.public:
        return None if status < 400 else f"{visitor} at public {url}: {status}"
    if visitor == "anonymous":
        return None if status == 401 else f"anonymous at {url} should get 401, got {status}"
    if visitor in endpoint.allowed:
        return (
            None if status in (200, 201, 204, 400) else f"{visitor} should pass {url}, got {status}"
        )
    return None if status in (403, 404) else f"{visitor} must not pass {url}, got {status}"


def pytest_generate_tests(metafunc):
    if metafunc.function.__name__ == "test_endpoint":
        metafunc.parametrize("name", sorted(MATRIX))


@pytest.mark.parametrize("credential", ["token", "session"])
def test_endpoint(world, name, credential):
    """Each visitor calls once with a personal token and once with a browser session; the
    session's writes carry a CSRF token, as a page's script would."""
    endpoint = MATRIX[name]
    url = reverse(URL_OF.get(name, name), args=endpoint.args(world))
    failures = []
    for visitor in VISITORS:
        with transaction.atomic():
            client = Client(enforce_csrf_checks=True)
            headers = {}
            if visitor != "anonymous":
                user = getattr(world, visitor)
                if credential == "token":
                    headers["Authorization"] = f"Bearer {token_for(user)}"
                else:
                    client.force_login(user)
                    client.get(reverse("core:home"))
                    headers["X-CSRFToken"] = client.cookies["csrftoken"].value
            if endpoint.method == "get":
                response = client.get(url, headers=headers)
            else:
                response = client.post(
                    url,
                    json.dumps(endpoint.data),
                    content_type="application/json",
                    headers=headers,
                )
            problem = _verdict(endpoint, visitor, response.status_code, url)
            transaction.set_rollback(True)
        if problem:
            failures.append(f"[{credential}] {problem}")
    assert not failures, "\n".join(failures)


def test_a_session_write_without_csrf_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.participant)
    response = client.post(
        reverse("api:community_signals", args=[world.community.pk]),
        json.dumps({"title": "Wachtlijst", "description": "Lang wachten."}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_coordinator_without_the_second_step_reaches_no_endpoint(world):
    """Issue "account security": a coordinator reaches nothing without a second factor — not
    with a session that passed only the password, nor with a token made without the step."""
    _token, raw = services.token_create(
        user=world.coordinator, name="Oud", access="write", days=30, second_factor_passed=False
    )
    checked = 0
    for name, endpoint in sorted(MATRIX.items()):
        if "coordinator" not in endpoint.allowed or endpoint.public:
            continue
        url = reverse(URL_OF.get(name, name), args=endpoint.args(world))
        session = Client()
        force_login_password_only(session, world.coordinator)
        for client, headers in ((session, {}), (Client(), {"Authorization": f"Bearer {raw}"})):
            call = getattr(client, endpoint.method)
            with transaction.atomic():
                if endpoint.method == "get":
                    response = call(url, headers=headers)
                else:
                    response = call(
                        url, json.dumps(endpoint.data), content_type="application/json",
                        headers=headers,
                    )  # fmt: skip
                transaction.set_rollback(True)
            assert response.status_code in (302, 401, 403), (name, response.status_code)
        checked += 1
    assert checked > 20
