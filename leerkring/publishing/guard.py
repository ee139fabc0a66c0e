"""The personal-data check for every text that leaves for the public: publications, and the
announcements of events open to anyone.

Both go through `text_findings`, the one place that calls the guard, so replacing the guard
(a single guard for every text that leaves a community) changes one line here. It warns; a
person reads the highlighted text and confirms, as when a signal is passed on (DESIGN.md §2).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from leerkring.signalling import guard

Finding = guard.Finding


def text_findings(texts: dict[str, str]) -> list[Finding]:
    """Findings per named text (`{"title": …, "body": …}`), each marked with its field."""
    found: list[Finding] = []
    for field, text in texts.items():
        found.extend(guard.scan(text or "", field=field))
    return found


def highlighted(texts: dict[str, str], findings: list[Finding]) -> dict[str, SafeString]:
    """Each text escaped, with its findings marked, for the page that asks to confirm."""
    return {
        field: guard.highlight(text or "", [f for f in findings if f.field == field])
        for field, text in texts.items()
    }


class PersonalDataFound(ValidationError):
    """The text seems to hold personal data and nobody confirmed it does not."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(
            _(
                "De tekst lijkt persoonsgegevens te bevatten. Haal ze weg, of bevestig dat je "
                "de tekst hebt nagekeken."
            ),
            code="personal_data",
        )


def check(texts: dict[str, str], *, confirmed: bool) -> list[Finding]:
    """The findings, or `PersonalDataFound` when there are some and they were not confirmed."""
    findings = text_findings(texts)
    if findings and not confirmed:
        raise PersonalDataFound(findings)
    return findings
