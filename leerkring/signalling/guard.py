"""The personal-data guard: what to look at before a signal leaves the closed community.

Signals travel to the coordination point and sometimes to a ministry, so they must not carry
personal data of inburgeraars (DESIGN.md §2, issue §6). This module looks for:

- a citizen service number (BSN): nine digits, also written 123.456.782 or 123 456 782, that
  pass the 11-test. Nine digits that fail it are *not* flagged (a case number, a count);
- Dutch phone numbers: mobile and landline, with or without +31 / 0031 and separators;
- e-mail addresses;
- dates of birth: a full date (12-03-1985, 12/03/1985, 1985-03-12, 12 maart 1985) close after a
  word about birth (geboren, geb., geboortedatum). Other dates are deliberately *not* flagged:
  signals routinely name the date of a meeting, a law or a deadline, and a warning on every date
  would teach people to tick "checked" without reading;
- names after a form of address: meneer, mevrouw, mevr., dhr., mw., mr., de heer, fam. — when
  followed by a capitalised name (initials and particles such as "van der" allowed).

It is a warning, not a proof: the person passing on still reads the text and confirms. Every
finding carries a plain-Dutch explanation that the page shows beside the highlighted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

BSN = "bsn"
PHONE = "phone"
EMAIL = "email"
BIRTH_DATE = "birth_date"
NAME = "name"

LABELS = {
    BSN: _("Burgerservicenummer"),
    PHONE: _("Telefoonnummer"),
    EMAIL: _("E-mailadres"),
    BIRTH_DATE: _("Geboortedatum"),
    NAME: _("Naam van een persoon"),
}

EXPLANATIONS = {
    BSN: _(
        "Dit lijkt een burgerservicenummer (BSN): negen cijfers die de elfproef doorstaan. "
        "Met een BSN is iemand direct te herkennen. Haal het weg."
    ),
    PHONE: _(
        "Dit lijkt een telefoonnummer. Daarmee is iemand te bereiken en te herkennen. "
        "Haal het weg, of controleer dat het een algemeen nummer van een organisatie is."
    ),
    EMAIL: _(
        "Dit is een e-mailadres. Daarmee is iemand te herkennen. Haal het weg, of controleer "
        "dat het een algemeen adres van een organisatie is."
    ),
    BIRTH_DATE: _(
        "Dit lijkt een geboortedatum. Samen met andere gegevens is iemand daarmee te "
        "herkennen. Noem liever een leeftijdsgroep, zoals ‘jongeren onder de 18’."
    ),
    NAME: _(
        "Hier lijkt een naam te staan na een aanspreekvorm (zoals ‘mevrouw’ of ‘dhr.’). "
        "Noem geen namen; schrijf bijvoorbeeld ‘een inburgeraar’ of ‘een cliënt’."
    ),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str
    field: str = ""

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])

    @property
    def explanation(self) -> str:
        return str(EXPLANATIONS[self.kind])


# --- BSN ---------------------------------------------------------------------------------

_BSN_RE = re.compile(
    r"(?<![\w./\-])"
    r"(\d{9}|\d{3}[. ]\d{3}[. ]\d{3}|\d{4}\.\d{2}\.\d{3}|\d{3}[. ]\d{2}[. ]\d{2}[. ]\d{2})"
    r"(?![\w]|[./\-]\d)"
)


def passes_eleven_test(digits: str) -> bool:
    """The BSN 11-test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not zero)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and total != 0


# --- Phone numbers -----------------------------------------------------------------------

_SEP = r"(?:\s?[-.]\s?|\s)?"
_PHONE_RE = re.compile(
    r"(?<![\w/+])"
    r"(?:(?:\+|00)31" + _SEP + r"(?:\(0\)" + _SEP + r")?|\(?0)"
    r"\d\)?(?:" + _SEP + r"\(?\d\)?){6,10}"
    r"(?![\w]|[-./]\d)"
)


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+31"):
        digits = "0" + digits[2:]
    elif candidate.startswith("0031"):
        digits = "0" + digits[4:]
    if digits.startswith("00"):
        digits = digits[1:]
    # A Dutch subscriber number is ten digits with the leading 0; 0800/0900 are service
    # numbers of organisations, not of people.
    return len(digits) == 10 and digits[1] != "0" and not digits.startswith(("0800", "0900"))


# --- E-mail ------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")

# --- Dates of birth ----------------------------------------------------------------------

_MONTHS = (
    r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
    r"december|jan|feb|mrt|apr|jun|jul|aug|sept|sep|okt|nov|dec"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}"
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\s+(?:" + _MONTHS + r")\.?\s+(?:19|20)\d{2})"
)
_BIRTH_RE = re.compile(
    r"(?i:\b(?:geboren\b|geb\.datum|geb\.|geb\b|geboortedatum\b|geboortedag\b|d\.o\.b\.?|dob\b))"
    r"[^\n.;]{0,30}?"
    r"(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)

# --- Names after a form of address -------------------------------------------------------

_ADDRESS = (
    r"(?i:(?<![\w.])(?:meneer|mevrouw|mevr\.?|mvr\.?|dhr\.?|mw\.?|mr\.?|de\s+heer|"
    r"fam\.|familie|juffrouw))"
)
_PARTICLE = r"(?i:van|de|der|den|ter|ten|te|het|el|al|bin|ben|da|dos|du|le|la|op|in\s+'t|'t)"
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
_NAME_RE = re.compile(
    _ADDRESS + r"\s+(?P<name>(?:[A-Z]\.\s?)*(?:" + _PARTICLE + r"\s+)*"
    r"(?:[A-Z]\.(?=\s)|" + _CAPITALISED + r"\w)(?:[\s\-]" + _CAPITALISED + r"\w)?)"
)
# Capitalised words that follow "meneer"/"mevrouw" without being a name.
_NOT_NAMES = frozenset(
    {
        "De",
        "Het",
        "Een",
        "En",
        "Of",
        "Die",
        "Dat",
        "Deze",
        "Zij",
        "Hij",
        "Ze",
        "Is",
        "Was",
        "Heeft",
        "Had",
        "Wil",
        "Kan",
        "Moet",
        "Zegt",
        "Vertelt",
        "Vertelde",
        "In",
        "Op",
        "Met",
    }
)


# --- Scanning ----------------------------------------------------------------------------


def scan(text: str, *, field: str = "") -> list[Finding]:
    """All findings in `text`, in reading order; a span is reported once, under the most
    specific kind (an e-mail address before a phone number before a BSN)."""
    if not text:
        return []
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < f.end and f.start < end for f in found):
            return
        found.append(Finding(kind=kind, start=start, end=end, text=text[start:end], field=field))

    for match in _EMAIL_RE.finditer(text):
        add(EMAIL, match.start(), match.end())
    for match in _PHONE_RE.finditer(text):
        candidate = match.group(0).rstrip(" -.")
        if _is_phone(candidate.lstrip("(")):
            add(PHONE, match.start(), match.start() + len(candidate))
    for match in _BSN_RE.finditer(text):
        if passes_eleven_test(re.sub(r"\D", "", match.group(1))):
            add(BSN, match.start(1), match.end(1))
    for match in _BIRTH_RE.finditer(text):
        add(BIRTH_DATE, match.start("date"), match.end("date"))
    for match in _NAME_RE.finditer(text):
        name = match.group("name")
        if len(name.split()) == 1 and name in _NOT_NAMES:
            continue
        add(NAME, match.start("name"), match.end("name"))
    return sorted(found, key=lambda f: (f.start, f.end))


def scan_signal(title: str, description: str) -> list[Finding]:
    """Findings in a signal's title and description, each marked with its field."""
    return scan(title or "", field="title") + scan(description or "", field="description")


def highlight(text: str, findings: list[Finding]) -> SafeString:
    """The text, escaped, with every finding wrapped in <mark> and its kind spelled out for
    screen readers."""
    parts = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        parts.append(escape(text[position : finding.start]))
        parts.append(
            f'<mark class="lk-guard-hit" title="{escape(finding.label)}">'
            f'<span class="lk-visually-hidden">{escape(finding.label)}: </span>'
            f"{escape(text[finding.start : finding.end])}</mark>"
        )
        position = finding.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped
