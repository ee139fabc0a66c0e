"""Health checks beyond "the app runs": each app registers what a monitor should watch.

`/healthz` answers whether this process serves and reaches its database (for the load
balancer: a stuck mail queue must not take web processes out of rotation). `/healthz/queue`
runs the registered checks — workers alive, outbox moving — and answers 503 when one fails, for
the monitoring system (docs/deploy.md "What to monitor").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    details: dict[str, Any] = field(default_factory=dict)


Check = Callable[[], CheckResult]

_checks: dict[str, Check] = {}


def register_check(name: str, check: Check) -> None:
    _checks[name] = check


def run_checks() -> dict[str, CheckResult]:
    return {name: check() for name, check in sorted(_checks.items())}
