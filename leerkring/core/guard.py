"""The personal-data guard: one check for every text that leaves a community.

Signals, shared lessons, change stories, products, newsletter items and answers from the
coordination point or the system level travel beyond the closed room, so they must not carry
personal data of inburgeraars or colleagues (DESIGN.md §2). Every service that lets such a
text out calls `check()`; the page shows the findings highlighted, each with a plain-Dutch
explanation, and sharing then needs "Ik heb dit gecontroleerd". It is a warning, not a proof.

What it finds:

- a citizen service number (BSN): nine digits, also written 123.456.782 or 123 456 782, that
  pass the 11-test. Nine digits that fail it are not flagged (a case number, an amount);
- Dutch phone numbers, mobile and landline, with or without +31 / 0031 and separators
  (0800/0900 service numbers of organisations are left alone);
- e-mail addresses;
- dates of birth: a full date close after a word about birth. Other dates are deliberately
  not flagged: texts routinely name the date of a meeting, a law or a deadline;
- names of persons, found by Deduce (the de-identification method for Dutch text of the UMC
  Utrecht, `deduce` on PyPI): lists of Dutch and common international first names and
  surnames, initials, particles ("van der"), forms of address and the context around a name,
  so "Fatima Yilmaz" and "mevrouw El Amrani" are found with or without "mevrouw";
- addresses: a street name with a house number, and a postcode (Deduce's street patterns).

Deduce ships large lookup lists (every Dutch street and care institution: 1.1 GB in memory,
14 s to load). The guard needs only the name lists, so it builds a trimmed copy of Deduce's
lookup data once per installation (about 1.5 s, 75 MB) under `VAR_DIR/deduce/`, from the
files in the installed package; nothing is downloaded. Place names are kept, so a town that
is also a surname ("Goes") is not mistaken for a person. Precision and recall on the labelled
set in `tests/core/data/personal_data_nl.txt` are reported in docs/privacy.md.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import deduce
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

BSN = "bsn"
PHONE = "phone"
EMAIL = "email"
BIRTH_DATE = "birth_date"
NAME = "name"
ADDRESS = "address"

LABELS = {
    BSN: _("Burgerservicenummer"),
    PHONE: _("Telefoonnummer"),
    EMAIL: _("E-mailadres"),
    BIRTH_DATE: _("Geboortedatum"),
    NAME: _("Naam van een persoon"),
    ADDRESS: _("Adres"),
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
        "Dit lijkt de naam van een persoon. Noem geen namen; schrijf bijvoorbeeld ‘een "
        "inburgeraar’, ‘een cliënt’ of ‘een collega van de taalschool’."
    ),
    ADDRESS: _(
        "Dit lijkt een adres of postcode. Daarmee is te vinden waar iemand woont. Noem "
        "liever alleen de plaats of de wijk, of controleer dat het het adres van een "
        "organisatie is."
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


class PersonalDataFound(ValidationError):
    """A text about to leave its community holds what looks like personal data, and the
    person sharing it has not yet confirmed they checked it. `texts` are the checked texts by
    field, so a page can show them with the findings marked (`highlighted`)."""

    def __init__(self, findings: list[Finding], texts: dict[str, str] | None = None) -> None:
        super().__init__(
            _(
                "De tekst lijkt persoonsgegevens te bevatten. Controleer de gemarkeerde "
                "stukken en bevestig dat je dit hebt gecontroleerd."
            ),
            code="personal_data",
        )
        self.findings = findings
        self.texts = texts or {}

    @property
    def highlighted(self) -> dict[str, SafeString]:
        """Each checked text that has findings, escaped, with its findings marked."""
        return {
            field: highlight(text or "", [f for f in self.findings if f.field == field])
            for field, text in self.texts.items()
            if any(f.field == field for f in self.findings)
        }


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
# Addresses of a department rather than a person ("info@", "inburgering@") are still shown,
# but the explanation says to check; the guard cannot tell a team from a person.

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

# --- Names and addresses (Deduce) --------------------------------------------------------

# Deduce's annotators the guard uses; the others (dates, ages, institutions, URLs, its own
# phone/BSN/e-mail patterns) are left out: dates and institutions are not personal here, and
# the patterns above are the ones this module tests.
_DEDUCE_ANNOTATORS = {
    "prefix_with_initial",
    "prefix_with_interfix",
    "prefix_with_name",
    "interfix_with_name",
    "initial_with_name",
    "initial_interfix",
    "first_name_lookup",
    "surname_lookup",
    "name_context",
    "eponymous_disease",
    "placename",
    "street_pattern",
    "housenumber",
    "postal_code",
}
# Lookup lists emptied in the trimmed copy: large, and not needed for names.
_DEDUCE_EMPTIED = (
    "locations/lst_street",
    "institutions/lst_healthcare_institution",
    "institutions/lst_hospital",
    "institutions/lst_hospital_abbr",
)
# A capitalised word after a form of address is a name even when no list knows it
# ("de familie Tesfamariam"); Deduce knows most forms of address but not all of these.
_ADDRESS_FORM = (
    r"(?i:(?<![\w.])(?:meneer|mevrouw|mevr\.?|mvr\.?|dhr\.?|mw\.?|mr\.?|de\s+heer|"
    r"fam\.|familie|juffrouw))"
)
_PARTICLE = r"(?i:van|de|der|den|ter|ten|te|het|el|al|bin|ben|da|dos|du|le|la|op|in\s+'t|'t)"
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
_ADDRESSED_NAME_RE = re.compile(
    _ADDRESS_FORM + r"\s+(?P<name>(?:[A-Z]\.\s?)*(?:" + _PARTICLE + r"\s+)*"
    r"(?:[A-Z]\.(?=\s)|" + _CAPITALISED + r"\w)(?:[\s\-]" + _CAPITALISED + r"\w)?)"
)
_LEADING_ADDRESS_FORM_RE = re.compile(_ADDRESS_FORM + r"\s+")
# Capitalised words that follow "meneer"/"mevrouw" without being a name.
_NOT_NAMES = frozenset(
    [
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
    ]
)
_POSTCODE_RE = re.compile(r"^\d{4}\s?[A-Z]{2}$")
_HOUSE_NUMBER_RE = re.compile(r"\s\d{1,5}\s?[a-zA-Z]?$")
# Deduce's tags that are evidence of a person on their own ("achternaam" alone is not).
_STRONG_PERSON_TAGS = frozenset({"voornaam", "initiaal", "prefix", "patient", "persoon"})

_deduce_lock = threading.Lock()
_deduce_instance = None


def _lookup_path() -> Path:
    """Where the trimmed lookup data lives: one directory per Deduce version, made once."""
    base = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir()))
    return base / "deduce" / deduce.__version__


def _build_lookup(target: Path) -> None:
    """Copy Deduce's lookup sources without the big lists, atomically: another process that
    builds at the same moment ends with the same directory."""
    source = Path(deduce.__file__).parent / "data" / "lookup" / "src"
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lookup-", dir=target.parent))
    shutil.copytree(source, work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in _DEDUCE_EMPTIED:
        folder = work / "src" / name
        shutil.rmtree(folder)
        folder.mkdir()
        (folder / "items.txt").write_text("", encoding="utf-8")
    try:
        work.rename(target)
    except OSError:  # built by another process meanwhile
        shutil.rmtree(work, ignore_errors=True)


def _config() -> dict:
    with open(Path(deduce.__file__).parent / "base_config.json", encoding="utf-8") as file:
        base = json.load(file)
    base["annotators"] = {
        name: spec for name, spec in base["annotators"].items() if name in _DEDUCE_ANNOTATORS
    }
    return base


def _deduce() -> deduce.Deduce:
    """One Deduce per process, built on first use (the lookup tries take a second) unless
    `names_load` built it at start-up.

    Its tries are some 180,000 objects that live as long as the process. A server process builds
    them before its first request (`core.startup`), so the freeze there moves them out of the
    garbage collector's reach with the rest of what start-up loaded: otherwise every full
    collection of a server process that once checked a text would walk them all, more than
    doubling its pause. Tests and commands build them when they first check a text, and freeze
    nothing."""
    global _deduce_instance
    if _deduce_instance is None:
        with _deduce_lock:
            if _deduce_instance is None:
                path = _lookup_path()
                if not (path / "src").exists():
                    _build_lookup(path)
                _deduce_instance = deduce.Deduce(
                    load_base_config=False,
                    config=_config(),
                    lookup_data_path=path,
                    cache_path=path,
                )
    return _deduce_instance


def names_load() -> None:
    """Load the name and place lists now, not at the first text checked (`core.startup`)."""
    _deduce()


def _clusters(annotations) -> list[tuple[int, int, list]]:
    """Overlapping annotations merged into one span, with the annotations behind it."""
    clusters: list[list] = []
    for annotation in sorted(annotations, key=lambda a: (a.start_char, -a.end_char)):
        last = clusters[-1] if clusters else None
        if last and annotation.start_char < last[1]:
            last[1] = max(last[1], annotation.end_char)
            last[2].append(annotation)
        else:
            clusters.append([annotation.start_char, annotation.end_char, [annotation]])
    return [(start, end, members) for start, end, members in clusters]


def _names_and_addresses(text: str) -> list[tuple[str, int, int]]:
    """Names and addresses as Deduce annotates them, before it merges its tags, so the
    evidence for each span can be weighed: a word that is only on the surname list ("Pas",
    "Bank", "Engels" are Dutch surnames and everyday words) is not enough on its own; a first
    name, a form of address, initials, or a name next to another name is. A known place
    ("Den Haag", "Goes") is not a person unless a first name or form of address says so."""
    document = _deduce().deidentify(
        text, disabled={"person_annotation_converter", "post_processing"}
    )
    found = []
    for start, end, members in _clusters(document.annotations):
        value = text[start:end]
        tags = {a.tag for a in members}
        if "locatie" in tags and any(ch.isdigit() for ch in value):
            if _POSTCODE_RE.match(value) or _HOUSE_NUMBER_RE.search(value):
                found.append((ADDRESS, start, end))
            continue
        strong = tags & _STRONG_PERSON_TAGS
        compound = any("+" in tag for tag in tags)
        whole_place = any(
            a.tag == "locatie" and a.start_char == start and a.end_char == end for a in members
        )
        if whole_place and not strong:
            continue
        if strong or compound:
            found.append((NAME, start, end))
    return found


# --- Scanning ----------------------------------------------------------------------------


def scan(text: str, *, field: str = "") -> list[Finding]:
    """All findings in `text`, in reading order; a span is reported once, under the most
    specific kind (an e-mail address before a phone number before a BSN before a name)."""
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
    for match in _ADDRESSED_NAME_RE.finditer(text):
        name = match.group("name")
        if len(name.split()) == 1 and name in _NOT_NAMES:
            continue
        add(NAME, match.start("name"), match.end("name"))
    for kind, start, end in _names_and_addresses(text):
        if kind == NAME:
            # Highlight the name, not "mevrouw" before it.
            leading = _LEADING_ADDRESS_FORM_RE.match(text, start, end)
            if leading and leading.end() < end:
                start = leading.end()
        add(kind, start, end)
    return sorted(found, key=lambda f: (f.start, f.end))


def scan_fields(fields: dict[str, str]) -> list[Finding]:
    """Findings in several texts at once (e.g. title and description), each marked with
    the name of its field."""
    findings: list[Finding] = []
    for name, text in fields.items():
        findings += scan(text or "", field=name)
    return findings


def check(fields: dict[str, str], *, confirmed: bool) -> list[Finding]:
    """What every service calls before a text leaves its community: the findings, or
    `PersonalDataFound` when there are findings and the sharer has not confirmed."""
    findings = scan_fields(fields)
    if findings and not confirmed:
        raise PersonalDataFound(findings, texts=fields)
    return findings


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
