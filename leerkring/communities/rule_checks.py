"""Checks of a rule profile that need another app's data.

A rule profile may name things other apps own — the survey question the monitor judges
satisfaction by. `communities` is the core the others point to and imports none of them, so
those apps register a check here (in their `AppConfig.ready`) and `RuleProfile.clean` runs
every one: the message lands next to the field, whether the profile is saved through the page,
the admin or a service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RuleProfileCheck = Callable[[Any], dict[str, str]]

_checks: dict[str, RuleProfileCheck] = {}


def register_rule_profile_check(key: str, check: RuleProfileCheck) -> None:
    """`check(rule_profile)` returns {field name: Dutch message} for what it refuses."""
    _checks[key] = check


def rule_profile_problems(rule_profile: Any) -> dict[str, str]:
    problems: dict[str, str] = {}
    for check in _checks.values():
        for name, message in check(rule_profile).items():
            problems.setdefault(name, message)
    return problems
