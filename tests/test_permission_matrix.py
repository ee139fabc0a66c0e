"""Every URL pattern, tried by every kind of visitor (DESIGN.md §2).

`MATRIX` names, for each URL, how to build it, which method to use and who may pass. The test
fails when a URL pattern exists that the matrix does not name, so every new page must say who
may open it. Allowed visitors must get through (2xx/3xx, or a form error); everyone else gets
403 or 404, and anonymous visitors are sent to the sign-in page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

VISITORS = [
    "anonymous",
    "nobody",
    "participant",
    "lead",
    "facilitator",
    "sibling_member",
    "foreign_member",
    "coordinator",
    "evaluator",
    "system_partner",
    "other_coordinator",
]

PUBLIC = frozenset(VISITORS)


@dataclass(frozen=True)
class Door:
    args: Callable = lambda w: []
    allowed: frozenset = frozenset()
    method: str = "get"
    # Public doors: anyone may knock; only server errors and 403s are wrong.
    public: bool = False
    data: dict = field(default_factory=dict)


def _community(w):
    return [w.community.pk]


def _membership(w):
    return [w.community.pk, w.participant_m.pk]


def _programme(w):
    return [w.programme.slug]


def _evaluator_role(w):
    from leerkring.accounts.models import ProgrammeRole

    role = ProgrammeRole.objects.get(person__user=w.evaluator)
    return [w.programme.slug, role.pk]


MANAGERS = frozenset({"lead", "coordinator"})
COMMUNITY_VIEWERS = frozenset({"participant", "lead", "facilitator", "coordinator", "evaluator"})
PROGRAMME_VIEWERS = frozenset({"coordinator", "evaluator"})
ANY_COORDINATOR = frozenset({"coordinator", "other_coordinator"})

MATRIX: dict[str, Door] = {
    "core:home": Door(public=True),
    "core:health": Door(public=True),
    "set_language": Door(public=True, method="post", data={"language": "en"}),
    "accounts:login": Door(public=True),
    "accounts:logout": Door(public=True, method="post"),
    "accounts:password_reset": Door(public=True),
    "accounts:password_reset_done": Door(public=True),
    "accounts:password_reset_confirm": Door(public=True, args=lambda w: ["MQ", "set-password"]),
    "accounts:password_reset_complete": Door(public=True),
    "accounts:invitation_accept": Door(public=True, args=lambda w: ["no-such-token"]),
    "accounts:member_invite": Door(args=_community, allowed=MANAGERS),
    "accounts:member_reinvite": Door(args=_membership, allowed=MANAGERS, method="post"),
    "accounts:programme_roles": Door(args=_programme, allowed=frozenset({"coordinator"})),
    "accounts:programme_role_revoke": Door(
        args=_evaluator_role, allowed=frozenset({"coordinator"}), method="post"
    ),
    "communities:programme_list": Door(allowed=PROGRAMME_VIEWERS | {"other_coordinator"}),
    "communities:programme": Door(args=_programme, allowed=PROGRAMME_VIEWERS),
    "communities:rule_profile_edit": Door(args=_programme, allowed=frozenset({"coordinator"})),
    "communities:community_create": Door(args=_programme, allowed=frozenset({"coordinator"})),
    "communities:community": Door(args=_community, allowed=COMMUNITY_VIEWERS),
    "communities:community_edit": Door(args=_community, allowed=MANAGERS),
    "communities:members": Door(args=_community, allowed=MANAGERS),
    "communities:membership_role": Door(args=_membership, allowed=MANAGERS, method="post"),
    "communities:membership_end": Door(args=_membership, allowed=MANAGERS),
    "communities:membership_handover": Door(args=_membership, allowed=MANAGERS),
    "communities:membership_seat": Door(args=_membership, allowed=MANAGERS),
    "communities:organisation_list": Door(allowed=ANY_COORDINATOR),
    "communities:organisation_create": Door(allowed=ANY_COORDINATOR),
    "communities:organisation_edit": Door(
        args=lambda w: [w.participant_m.organisation_id], allowed=ANY_COORDINATOR
    ),
}

# The Django admin is for the administrator (is_staff) only and guards itself; its patterns
# are checked once, below, rather than one by one.
SELF_GUARDED_NAMESPACES = {"admin"}


def _all_url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in SELF_GUARDED_NAMESPACES:
                continue
            names |= _all_url_names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
        elif isinstance(pattern, URLPattern):
            names.add(f"{prefix}<unnamed {pattern.pattern}>")
    return names


def test_every_url_pattern_is_in_the_matrix():
    missing = _all_url_names() - set(MATRIX)
    assert not missing, f"URL patterns without a row in the permission matrix: {sorted(missing)}"


def test_the_matrix_names_no_url_that_does_not_exist():
    stale = set(MATRIX) - _all_url_names()
    assert not stale, f"Matrix rows for URLs that no longer exist: {sorted(stale)}"


def _visit(client, world, name: str, visitor: str):
    door = MATRIX[name]
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor))
    url = reverse(name, args=door.args(world))
    return getattr(client, door.method)(url, door.data), url


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_door(client, world, name, visitor):
    door = MATRIX[name]
    response, url = _visit(client, world, name, visitor)
    status = response.status_code
    assert status < 500, f"{visitor} at {url}: server error {status}"
    if door.public:
        assert status != 403, f"{visitor} at public {url}: 403"
        return
    if visitor in door.allowed:
        assert status in (200, 204, 302, 303), f"{visitor} should pass {url}, got {status}"
        if status in (302, 303):
            assert reverse("accounts:login") not in response["Location"]
    elif visitor == "anonymous":
        assert status == 302 and response["Location"].startswith(reverse("accounts:login")), (
            f"anonymous at {url} should be sent to sign in, got {status}"
        )
    else:
        assert status in (403, 404), f"{visitor} must not pass {url}, got {status}"


@pytest.mark.parametrize("visitor", VISITORS)
def test_only_staff_enter_the_admin(client, world, visitor):
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_enter_the_admin(client, world):
    world.nobody.is_staff = True
    world.nobody.is_superuser = True
    world.nobody.save()
    client.force_login(world.nobody)
    assert client.get(reverse("admin:index")).status_code == 200
