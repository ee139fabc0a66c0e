"""The uploaded venster sheet between requests: `upload_store` checks the file (XLSX or CSV, at
most `MAX_BYTES`, at most `MAX_ROWS` rows) and keeps it under MEDIA_ROOT/imports/ with a random
name, plus a small JSON note of who uploaded it for which programme and the file's SHA-256, so
the preview and the confirmation read the very same file; files older than a day are removed on
every upload. `upload_read` gives the column headings and rows."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from leerkring.communities.models import Programme
from leerkring.core.filesizes import too_large_message

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_AGE_SECONDS = 24 * 3600
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv"}
_TOKEN = re.compile(r"^[a-f0-9]{32}$")


class ImportFileError(Exception):
    """The file cannot be read as a venster sheet; the message is for the coordinator."""


# --- Storing the upload ----------------------------------------------------------------


def upload_directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def uploads_clean(*, now: float | None = None) -> int:
    """Remove uploads older than a day; returns how many."""
    now = now or time.time()
    removed = 0
    for path in upload_directory().iterdir():
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
        raise ImportFileError(too_large_message(size=uploaded.size, limit=MAX_BYTES))
    uploads_clean()
    token = secrets.token_hex(16)
    directory = upload_directory()
    path = directory / f"{token}.{kind}"
    digest = hashlib.sha256()
    with path.open("wb") as target:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            target.write(chunk)
    (directory / f"{token}.json").write_text(
        json.dumps(
            {
                "programme": programme.pk,
                "user": by.pk,
                "name": Path(name).name,
                "kind": kind,
                "sha256": digest.hexdigest(),
            }
        )
    )
    try:
        upload_read(token=token, programme=programme, by=by)
    except ImportFileError:
        upload_remove(token)
        raise
    return token


def upload_meta(token: str, programme: Programme, by) -> dict:
    """The note kept beside an upload; only its uploader, for the same programme, may use it."""
    if not _TOKEN.match(token or ""):
        raise ImportFileError(_("Dit bestand is niet (meer) beschikbaar. Laad het opnieuw."))
    path = upload_directory() / f"{token}.json"
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ImportFileError(
            _("Dit bestand is niet (meer) beschikbaar. Laad het opnieuw.")
        ) from error
    if meta.get("programme") != programme.pk or meta.get("user") != by.pk:
        raise ImportFileError(_("Dit bestand is niet (meer) beschikbaar. Laad het opnieuw."))
    return meta


def preview_keep(
    *, token: str, programme: Programme, by, mapping: dict, versions: dict[str, int]
) -> None:
    """What the coordinator saw in the preview — for this file (its SHA-256) with these
    columns, each named signal at its newest history event — kept beside the upload until
    they confirm."""
    meta = upload_meta(token, programme, by)
    (upload_directory() / f"{token}.preview.json").write_text(
        json.dumps({"sha256": meta.get("sha256", ""), "mapping": mapping, "versions": versions})
    )


def preview_kept(*, token: str, programme: Programme, by, mapping: dict) -> dict | None:
    """The kept preview's versions, or None when there is none for this file and mapping (the
    coordinator changed the columns, or never saw the preview)."""
    meta = upload_meta(token, programme, by)
    try:
        kept = json.loads((upload_directory() / f"{token}.preview.json").read_text())
    except (OSError, ValueError):
        return None
    json_mapping = json.loads(json.dumps(mapping))  # the same shape as what was written
    if kept.get("sha256") != meta.get("sha256", "") or kept.get("mapping") != json_mapping:
        return None
    return kept.get("versions") or {}


def upload_remove(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for path in upload_directory().glob(f"{token}.*"):
        path.unlink(missing_ok=True)


@dataclass
class Sheet:
    name: str
    headings: list[str]
    rows: list[list[str]]  # each as long as `headings`; row i is spreadsheet row i + 2
    sha256: str = ""  # of the file as uploaded: a preview is confirmed for this file only


def upload_read(*, token: str, programme: Programme, by) -> Sheet:
    meta = upload_meta(token, programme, by)
    path = upload_directory() / f"{token}.{meta['kind']}"
    if meta.get("sha256") and _file_hash(path) != meta["sha256"]:
        raise ImportFileError(_("Dit bestand is niet (meer) beschikbaar. Laad het opnieuw."))
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
    return Sheet(name=meta["name"], headings=headings, rows=body, sha256=meta.get("sha256", ""))


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source:
            for chunk in iter(lambda: source.read(65536), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


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
