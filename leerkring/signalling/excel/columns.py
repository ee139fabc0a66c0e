"""The venster sheet's columns: which fields a column can hold, the Dutch headings the export
writes and the import recognises, and how a cell's text is read back into a value."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext_lazy

from leerkring.core.spreadsheets import FORMULA_STARTS
from leerkring.signalling.models import Signal

#: The fields a column can be mapped to, in the order the page shows them, with the Dutch
#: heading the export writes (and the import recognises).
FIELDS: list[tuple[str, str]] = [
    ("title", gettext_lazy("Titel")),
    ("description", gettext_lazy("Omschrijving")),
    ("raised_on", gettext_lazy("Datum")),
    ("community", gettext_lazy("Gemeenschap")),
    ("state", gettext_lazy("Status")),
    ("theme", gettext_lazy("Hoofdvraagstuk")),
    ("topic_category", gettext_lazy("Onderwerpcategorie")),
    ("subtopic", gettext_lazy("Onderwerp")),
    ("solution_level", gettext_lazy("Niveau van oplossing")),
    ("answer", gettext_lazy("Antwoord")),
]
#: The export's own columns after the fields. "Nummer" is the signal's number: an edited export
#: imported again updates the signal it names (issue 12 §7); the other two are read-only.
NUMBER_LABEL = gettext_lazy("Nummer")
EXPORT_EXTRA = [
    NUMBER_LABEL,
    gettext_lazy("Doorgegeven op"),
    gettext_lazy("Wacht op terugkoppeling"),
]
#: What the import can map: the fields, then the number.
IMPORT_FIELDS: list[tuple[str, str]] = FIELDS + [("number", NUMBER_LABEL)]
REQUIRED = ("title", "description", "community")
#: Other headings seen in venster sheets, folded (see `fold`).
ALIASES: dict[str, set[str]] = {
    "title": {"titel", "signaal", "knelpunt", "title"},
    "description": {"omschrijving", "beschrijving", "toelichting", "description"},
    "raised_on": {"datum", "datum signaal", "ingediend op", "date"},
    "community": {"gemeenschap", "cop", "community", "regio"},
    "state": {"status", "stand van zaken", "state"},
    "theme": {"hoofdvraagstuk", "thema", "theme"},
    "topic_category": {"onderwerpcategorie", "categorie", "category"},
    "subtopic": {"onderwerp", "subonderwerp", "subtopic"},
    "solution_level": {"niveau van oplossing", "niveau", "oplosniveau", "level"},
    "answer": {"antwoord", "terugkoppeling", "reactie", "answer"},
    "number": {"nummer", "nr", "nr.", "signaalnummer", "number"},
}


def fold(text: str) -> str:
    """Headings and labels compared without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def unescape(value: str) -> str:
    """The apostrophe a CSV export or an older file put in front of formula-looking text taken
    off again, so a round trip keeps the text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def choice_codes(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Label (Dutch, or English when the sheet was exported in English) and code, folded ->
    code."""
    result = {}
    for language in ("en", "nl"):
        with translation.override(language):
            for code, label in choices:
                result[fold(label)] = code
                result[fold(code)] = code
    return result


def state_labels() -> dict[str, str]:
    labels = choice_codes(Signal.State.choices)
    # Words seen in existing sheets for the same states.
    labels.update(
        {
            fold("Concept"): Signal.State.DRAFT,
            fold("Open"): Signal.State.NEW,
            fold("In behandeling genomen"): Signal.State.IN_PROGRESS,
            fold("Opgeschaald naar LCC"): Signal.State.ESCALATED_LCC,
            fold("LCC"): Signal.State.ESCALATED_LCC,
            fold("Opgeschaald naar stelsel"): Signal.State.ESCALATED_SYSTEM,
            fold("Afgerond"): Signal.State.RESOLVED,
            fold("Terug naar gemeenschap"): Signal.State.BACK_TO_COMMUNITY,
        }
    )
    return labels


def guess_mapping(headings: list[str]) -> dict[str, int | None]:
    """Per field the column whose heading looks like it (by the Dutch names the export
    writes, and a few others seen in venster sheets)."""
    mapping: dict[str, int | None] = {}
    keys = [fold(h) for h in headings]
    with translation.override("nl"):
        for name, label in IMPORT_FIELDS:
            names = ALIASES.get(name, set()) | {fold(str(label))}
            mapping[name] = next((i for i, k in enumerate(keys) if k in names), None)
    return mapping


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%y")


def parse_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    value = value.split(" ")[0].split("T")[0]
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}", value):  # an Excel serial day number
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    raise ValueError(value)
