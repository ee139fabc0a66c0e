"""The venster in and out of a spreadsheet (issue "Het venster" §7): the report found signals
were kept in an Excel sheet, so a programme starts by loading that sheet, and a coordinator can
always take the current view out again.

Import, in three steps that survive between requests through one temporary file:
1. `upload_store` checks the file (XLSX or CSV, at most `MAX_BYTES`, at most `MAX_ROWS` rows)
   and keeps it under MEDIA_ROOT/imports/ with a random name (plus a small JSON note of who
   uploaded it for which programme); files older than a day are removed on every upload.
2. `upload_read` gives the column headings and rows; the coordinator maps columns to fields
   (`guess_mapping` pre-selects by heading) and sees the first rows.
3. `import_check` validates every row — unknown community, bad date, unknown state, empty
   title, duplicates within the file and against existing signals — and returns a report with
   the row number and a Dutch message per problem. `import_commit` saves all rows through
   `lifecycle.signal_import` in one transaction, or nothing: it re-checks first.

Themes named in the sheet that the programme does not have yet are created (the page says
so), because an old venster's grouping is exactly what the coordinator wants to keep.

Export: `export_workbook` writes the filtered venster rows with readable Dutch column names in
openpyxl's write-only mode, so 100,000 rows stream without a worksheet in memory. The same
headings are recognised by the import, so an export imported again gives the same signals.
Dates are date cells; text that a spreadsheet would run as a formula (starting with = + - @, or
a tab or carriage return) is stored as text (`core.spreadsheets.xlsx_cell`), and the import
still takes off the apostrophe that a CSV export or an older file put in front of such text.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import secrets
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.communities.models import Community, Programme
from leerkring.core.spreadsheets import FORMULA_STARTS, xlsx_row
from leerkring.meetings.topics import SolutionLevel, TopicCategory

from . import coordination, lifecycle
from .models import Signal, SignalResponse, SignalTheme

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_AGE_SECONDS = 24 * 3600
PREVIEW_ROWS = 5
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv"}
_TOKEN = re.compile(r"^[a-f0-9]{32}$")

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
REQUIRED = ("title", "description", "community")
#: Other headings seen in venster sheets, folded (see `_key`).
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
}
EXPORT_EXTRA = [
    gettext_lazy("Nummer"),
    gettext_lazy("Doorgegeven op"),
    gettext_lazy("Wacht op terugkoppeling"),
]


class ImportFileError(Exception):
    """The file cannot be read as a venster sheet; the message is for the coordinator."""


# --- Small helpers ---------------------------------------------------------------------


def _key(text: str) -> str:
    """Headings and labels compared without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _unescape(value: str) -> str:
    """The export's apostrophe taken off again, so a round trip keeps the text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _labels(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Dutch label (and code) -> code."""
    result = {}
    with translation.override("nl"):
        for code, label in choices:
            result[_key(label)] = code
            result[_key(code)] = code
    return result


def state_labels() -> dict[str, str]:
    labels = _labels(Signal.State.choices)
    # Words seen in existing sheets for the same states.
    labels.update(
        {
            _key("Concept"): Signal.State.DRAFT,
            _key("Open"): Signal.State.NEW,
            _key("In behandeling genomen"): Signal.State.IN_PROGRESS,
            _key("Opgeschaald naar LCC"): Signal.State.ESCALATED_LCC,
            _key("LCC"): Signal.State.ESCALATED_LCC,
            _key("Opgeschaald naar stelsel"): Signal.State.ESCALATED_SYSTEM,
            _key("Afgerond"): Signal.State.RESOLVED,
            _key("Terug naar gemeenschap"): Signal.State.BACK_TO_COMMUNITY,
        }
    )
    return labels


# --- Storing the upload ----------------------------------------------------------------


def _directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def uploads_clean(*, now: float | None = None) -> int:
    """Remove uploads older than a day; returns how many."""
    now = now or time.time()
    removed = 0
    for path in _directory().iterdir():
        if path.is_file() and now - path.stat().st_mtime > MAX_AGE_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def upload_store(*, uploaded, programme: Programme, by) -> str:
    """Check and keep an uploaded file; returns the token that names it."""
    name = getattr(uploaded, "name", "") or ""
    kind = EXTENSIONS.get(Path(name).suffix.lower())
    if kind is None:
        raise ImportFileError(_("Kies een Excel-bestand (.xlsx) of een CSV-bestand (.csv)."))
    if uploaded.size > MAX_BYTES:
        raise ImportFileError(
            _("Het bestand is te groot (meer dan %(mb)s MB).") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    uploads_clean()
    token = secrets.token_hex(16)
    directory = _directory()
    path = directory / f"{token}.{kind}"
    with path.open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    (directory / f"{token}.json").write_text(
        json.dumps(
            {"programme": programme.pk, "user": by.pk, "name": Path(name).name, "kind": kind}
        )
    )
    try:
        upload_read(token=token, programme=programme, by=by)
    except ImportFileError:
        upload_remove(token)
        raise
    return token


def _meta(token: str, programme: Programme, by) -> dict:
    if not _TOKEN.match(token or ""):
        raise ImportFileError(_("Dit bestand is niet (meer) beschikbaar. Laad het opnieuw."))
    path = _directory() / f"{token}.json"
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ImportFileError(
            _("Dit bestand is niet (meer) beschikbaar. Laad het opnieuw.")
        ) from error
    if meta.get("programme") != programme.pk or meta.get("user") != by.pk:
        raise ImportFileError(_("Dit bestand is niet (meer) beschikbaar. Laad het opnieuw."))
    return meta


def upload_remove(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for path in _directory().glob(f"{token}.*"):
        path.unlink(missing_ok=True)


@dataclass
class Sheet:
    name: str
    headings: list[str]
    rows: list[list[str]]  # each as long as `headings`; row i is spreadsheet row i + 2


def upload_read(*, token: str, programme: Programme, by) -> Sheet:
    meta = _meta(token, programme, by)
    path = _directory() / f"{token}.{meta['kind']}"
    try:
        raw_rows = _read_xlsx(path) if meta["kind"] == "xlsx" else _read_csv(path)
        rows = []
        for row in raw_rows:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(
                    _("Het bestand heeft meer dan %(max)s regels. Splits het in delen.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
                )
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser error means "not readable"
        raise ImportFileError(
            _("Dit bestand kan niet worden gelezen. Is het een echt Excel- of CSV-bestand?")
        ) from error
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise ImportFileError(
            _("Het bestand is leeg: de eerste regel moet de kolomnamen bevatten.")
        )
    headings = [h or _("Kolom %(n)s") % {"n": i + 1} for i, h in enumerate(rows[0])]
    width = len(headings)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    if not body:
        raise ImportFileError(_("Het bestand bevat alleen kolomnamen en geen signalen."))
    return Sheet(name=meta["name"], headings=headings, rows=body)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def _read_csv(path: Path) -> Iterator[list[str]]:
    data = path.read_bytes()
    text = ""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise ImportFileError(_("Dit is geen tekstbestand met komma's of puntkomma's."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield [cell.strip() for cell in row]


# --- Mapping ---------------------------------------------------------------------------


def guess_mapping(headings: list[str]) -> dict[str, int | None]:
    """Per field the column whose heading looks like it (by the Dutch names the export
    writes, and a few others seen in venster sheets)."""
    mapping: dict[str, int | None] = {}
    keys = [_key(h) for h in headings]
    with translation.override("nl"):
        for name, label in FIELDS:
            names = ALIASES.get(name, set()) | {_key(str(label))}
            mapping[name] = next((i for i, k in enumerate(keys) if k in names), None)
    return mapping


# --- Checking --------------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int  # the spreadsheet's row number (the heading is row 1)
    message: str


@dataclass
class CheckedRow:
    row: int
    community: Community
    state: str
    fields: dict
    theme_title: str = ""
    answer: str = ""


@dataclass
class ImportCheck:
    rows: list[CheckedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


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


def _fingerprint(community_id: int, title: str, description: str, raised_on) -> tuple:
    return (community_id, _key(title), _key(description), str(raised_on or ""))


def import_check(
    *, sheet: Sheet, mapping: dict[str, int | None], programme: Programme
) -> ImportCheck:
    """Every row checked; nothing is saved. Duplicates are rows with the same community, title,
    description and date as an earlier row of the file or an existing signal."""
    result = ImportCheck()
    communities = {_key(c.name): c for c in Community.objects.filter(programme=programme)}
    themes = {
        _key(title): title
        for title in SignalTheme.objects.filter(
            programme=programme, merged_into__isnull=True
        ).values_list("title", flat=True)
    }
    states = state_labels()
    categories = _labels(TopicCategory.choices)
    levels = _labels(SolutionLevel.choices)
    title_max = lifecycle.TITLE_MAX
    text_max = lifecycle.TEXT_MAX

    def value(row: list[str], name: str) -> str:
        index = mapping.get(name)
        return _unescape(row[index].strip()) if index is not None and index < len(row) else ""

    existing = {
        _fingerprint(c, t, d, r)
        for c, t, d, r in Signal.objects.filter(community__programme=programme).values_list(
            "community_id", "title", "description", "raised_on"
        )
    }
    seen: dict[tuple, int] = {}
    new_themes: dict[str, str] = {}
    for index, row in enumerate(sheet.rows):
        number = index + 2
        if not any(cell.strip() for cell in row):
            continue
        problems = []
        title = value(row, "title")
        description = value(row, "description")
        if not title:
            problems.append(_("de titel is leeg"))
        elif len(title) > title_max:
            problems.append(_("de titel is langer dan %(max)s tekens") % {"max": title_max})
        if not description:
            problems.append(_("de omschrijving is leeg"))
        elif len(description) > text_max:
            problems.append(_("de omschrijving is te lang"))
        community_name = value(row, "community")
        community = communities.get(_key(community_name))
        if community is None:
            problems.append(
                _("gemeenschap ‘%(name)s’ bestaat niet in dit programma") % {"name": community_name}
                if community_name
                else _("de gemeenschap ontbreekt")
            )
        raised_on = None
        try:
            raised_on = parse_date(value(row, "raised_on"))
        except ValueError:
            problems.append(
                _("datum ‘%(value)s’ is geen geldige datum (gebruik bijvoorbeeld 31-12-2024)")
                % {"value": value(row, "raised_on")}
            )
        state_text = value(row, "state")
        state = states.get(_key(state_text)) if state_text else Signal.State.NEW
        if state is None:
            problems.append(_("status ‘%(value)s’ is onbekend") % {"value": state_text})
        elif state == Signal.State.DRAFT:
            problems.append(
                _("status ‘%(value)s’ kan niet: het venster bevat alleen doorgegeven signalen")
                % {"value": state_text}
            )
        category_text = value(row, "topic_category")
        category = categories.get(_key(category_text), "") if category_text else ""
        if category_text and not category:
            problems.append(
                _("onderwerpcategorie ‘%(value)s’ is onbekend") % {"value": category_text}
            )
        subtopic = value(row, "subtopic")
        if subtopic:
            subtopic_category = lifecycle.category_of_subtopic(subtopic)
            if subtopic_category is None:
                problems.append(_("onderwerp ‘%(value)s’ is onbekend") % {"value": subtopic})
            elif category and subtopic_category != category:
                problems.append(
                    _("onderwerp ‘%(value)s’ hoort niet bij de gekozen onderwerpcategorie")
                    % {"value": subtopic}
                )
        level_text = value(row, "solution_level")
        level = levels.get(_key(level_text), "") if level_text else SolutionLevel.LOCAL
        if level_text and not level:
            problems.append(
                _("niveau van oplossing ‘%(value)s’ is onbekend") % {"value": level_text}
            )
        theme_title = " ".join(value(row, "theme").split())
        if len(theme_title) > coordination.TITLE_MAX:
            problems.append(_("de naam van het hoofdvraagstuk is te lang"))
        if community is not None and title and description:
            fingerprint = _fingerprint(community.pk, title, description, raised_on)
            if fingerprint in seen:
                problems.append(
                    _("dubbel: deze regel is gelijk aan regel %(row)s") % {"row": seen[fingerprint]}
                )
            elif fingerprint in existing:
                problems.append(_("dubbel: dit signaal staat al in het venster"))
            else:
                seen[fingerprint] = number
        if problems:
            message = "; ".join(problems)
            result.problems.append(RowProblem(number, message[:1].upper() + message[1:] + "."))
            continue
        if theme_title and _key(theme_title) not in themes:
            new_themes.setdefault(_key(theme_title), theme_title)
        result.rows.append(
            CheckedRow(
                row=number,
                community=community,
                state=state,
                fields={
                    "title": title,
                    "description": description,
                    "raised_on": raised_on,
                    "topic_category": category,
                    "subtopic": subtopic,
                    "solution_level": level,
                },
                theme_title=themes.get(_key(theme_title), theme_title),
                answer=value(row, "answer"),
            )
        )
    if not result.rows and not result.problems:
        result.problems.append(RowProblem(2, _("Het bestand bevat geen signalen.")))
    result.new_themes = sorted(new_themes.values(), key=str.lower)
    return result


# --- Saving ----------------------------------------------------------------------------


def import_commit(
    *, sheet: Sheet, mapping: dict[str, int | None], programme: Programme, by
) -> tuple[int, ImportCheck]:
    """Save every row, or none: checks again, then creates all signals in one transaction
    through `lifecycle.signal_import` (so each gets its "created by import" history). Returns
    the number saved (0 when the check found problems) and the check."""
    check = import_check(sheet=sheet, mapping=mapping, programme=programme)
    if not check.ok:
        return 0, check
    with transaction.atomic():
        themes = {
            _key(t.title): t
            for t in SignalTheme.objects.filter(programme=programme, merged_into__isnull=True)
        }
        for title in check.new_themes:
            theme = coordination.theme_create(programme=programme, by=by, title=title)
            themes[_key(theme.title)] = theme
        for row in check.rows:
            try:
                signal = lifecycle.signal_import(
                    community=row.community,
                    by=by,
                    state=row.state,
                    theme=themes.get(_key(row.theme_title)) if row.theme_title else None,
                    **row.fields,
                )
                if row.answer:
                    lifecycle.signal_respond(
                        signal=signal,
                        by=by,
                        text=row.answer,
                        source=SignalResponse.Source.COORDINATOR,
                    )
            except ValidationError as error:
                # A rule only the lifecycle knows; roll everything back and say which row.
                transaction.set_rollback(True)
                check.rows = []
                check.problems = [RowProblem(row.row, " ".join(error.messages))]
                return 0, check
    return len(check.rows), check


# --- Export ----------------------------------------------------------------------------


def export_headings() -> list[str]:
    return [str(label) for _name, label in FIELDS] + [str(label) for label in EXPORT_EXTRA]


def export_rows(signals: Iterable[Signal], answers: dict[int, str]) -> Iterator[list]:
    for signal in signals:
        yield [
            signal.title,
            signal.description,
            signal.raised_on,
            signal.community.name,
            signal.get_state_display(),
            signal.theme.title if signal.theme_id else "",
            signal.get_topic_category_display() if signal.topic_category else "",
            signal.subtopic,
            signal.get_solution_level_display(),
            answers.get(signal.pk, ""),
            signal.pk,
            timezone.localtime(signal.passed_on_at).date() if signal.passed_on_at else None,
            _("ja") if getattr(signal, "waiting", False) else "",
        ]


def export_workbook(signals: Iterable[Signal], answers: dict[int, str], target) -> None:
    """Write the rows as an XLSX workbook to the file-like `target` (write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Venster"))
    widths = [40, 80, 12, 30, 26, 30, 26, 30, 18, 60, 10, 14, 12]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, export_headings(), bold=True))
    for row in export_rows(signals, answers):
        sheet.append(xlsx_row(sheet, row))
    workbook.save(target)
