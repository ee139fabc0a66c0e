"""The signal's view of the personal-data guard.

There is one guard for every text that leaves a community: `leerkring.core.guard`.
This module keeps the names the signal pages and the lifecycle have always used."""

from __future__ import annotations

from leerkring.core.guard import (
    ADDRESS,
    BIRTH_DATE,
    BSN,
    EMAIL,
    EXPLANATIONS,
    LABELS,
    NAME,
    PHONE,
    Finding,
    highlight,
    passes_eleven_test,
    scan,
    scan_fields,
)

__all__ = [
    "ADDRESS",
    "BIRTH_DATE",
    "BSN",
    "EMAIL",
    "EXPLANATIONS",
    "LABELS",
    "NAME",
    "PHONE",
    "Finding",
    "highlight",
    "passes_eleven_test",
    "scan",
    "scan_signal",
]


def scan_signal(title: str, description: str) -> list[Finding]:
    """Findings in a signal's title and description, each marked with its field."""
    return scan_fields({"title": title or "", "description": description or ""})
