"""The personal-data check for every text that leaves for the public: publications, and the
announcements of events open to anyone.

It is the one guard for every text that leaves a community (`leerkring.core.guard`); this
module only adds the highlighted copies the proposal and approval pages show. A person reads
the highlighted text and confirms, as when a signal is passed on (DESIGN.md §2).
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from leerkring.core import guard

Finding = guard.Finding
PersonalDataFound = guard.PersonalDataFound
check = guard.check
text_findings = guard.scan_fields


def highlighted(texts: dict[str, str], findings: list[Finding]) -> dict[str, SafeString]:
    """Each text escaped, with its findings marked, for the page that asks to confirm."""
    return {
        field: guard.highlight(text or "", [f for f in findings if f.field == field])
        for field, text in texts.items()
    }
