"""Checking files members upload to a product (issue "Dissemination" §1, "Bad input").

A product file travels to every member of the programme once the product is shared, so what
is stored must be what it says it is. The browser's file name and content type are only
claims: the type is decided here from the file's own first bytes (and, for Office and
OpenDocument files, which are ZIP archives, from the parts inside). A `.pdf` that is not a PDF
is refused. The file is stored under a random name and served only as a download
(views.products.product_file), never from MEDIA_URL and never as a page.
"""

from __future__ import annotations

import os
import re
import uuid
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from leerkring.core.filesizes import too_large_message

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 150


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("PDF", (".pdf",), "application/pdf")
PNG = FileKind("PNG", (".png",), "image/png")
JPEG = FileKind("JPEG", (".jpg", ".jpeg"), "image/jpeg")
DOCX = FileKind(
    "Word (DOCX)",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "Excel (XLSX)", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
PPTX = FileKind(
    "PowerPoint (PPTX)",
    (".pptx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ODT = FileKind("OpenDocument-tekst (ODT)", (".odt",), "application/vnd.oasis.opendocument.text")

ALLOWED_KINDS = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT)
ALLOWED_EXTENSIONS = tuple(ext for kind in ALLOWED_KINDS for ext in kind.extensions)

# The part that makes an Office Open XML package a document, a workbook or a presentation.
_OOXML_MAIN_PART = {
    DOCX: "word/document.xml",
    XLSX: "xl/workbook.xml",
    PPTX: "ppt/presentation.xml",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_HEAD_BYTES = 64


@dataclass(frozen=True)
class CheckedUpload:
    """What is stored about an accepted file: its type as detected, not as claimed."""

    kind: FileKind
    original_name: str
    stored_name: str
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def allowed_types_text() -> str:
    return ", ".join(kind.label for kind in ALLOWED_KINDS)


def clean_original_name(name: str) -> str:
    """The name shown and offered on download: no folders, no control or quote characters,
    not too long (the extension kept)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = re.sub(r'[\x00-\x1f\x7f"<>:/\\|?*]', "", base).strip().strip(".") or "bestand"
    stem, ext = os.path.splitext(base)
    return stem[: MAX_NAME_LENGTH - len(ext)] + ext.lower()


def _kind_for_extension(extension: str) -> FileKind | None:
    return next((kind for kind in ALLOWED_KINDS if extension in kind.extensions), None)


def _read_head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    return head


def _zip_matches(upload: UploadedFile, kind: FileKind) -> bool:
    """Office files are ZIP archives; only the list of parts (and ODT's tiny `mimetype` entry)
    is read, nothing is unpacked."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if kind is ODT:
                if not names or names[0] != "mimetype":
                    return False
                return archive.read("mimetype").strip() == _ODT_MIMETYPE
            return "[Content_Types].xml" in names and _OOXML_MAIN_PART[kind] in names
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return False
    finally:
        upload.seek(0)


def _content_matches(upload: UploadedFile, kind: FileKind) -> bool:
    head = _read_head(upload)
    if kind is PDF:
        # The PDF specification allows a little junk before the header; viewers accept it.
        return b"%PDF-" in head[:_HEAD_BYTES]
    if kind is PNG:
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind is JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if not head.startswith(b"PK\x03\x04"):
        return False
    return _zip_matches(upload, kind)


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Accept the file or raise a ValidationError with a Dutch message the uploader can act on.

    Order: size first (cheap, and a huge file is not read), then the extension against the
    list, then the content against the extension."""
    name = clean_original_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            too_large_message(size=size, limit=MAX_UPLOAD_BYTES), code="too_large"
        )
    extension = os.path.splitext(name)[1].lower()
    kind = _kind_for_extension(extension)
    if kind is None:
        raise ValidationError(
            _("Dit soort bestand kan niet. Kies een bestand van het type: %(types)s.")
            % {"types": allowed_types_text()},
            code="extension",
        )
    if not _content_matches(upload, kind):
        raise ValidationError(
            _(
                "Dit bestand heet %(name)s, maar het is geen echt %(type)s-bestand. Sla het "
                "opnieuw op als %(type)s en probeer het nog eens."
            )
            % {"name": name, "type": kind.label},
            code="disguised",
        )
    return CheckedUpload(
        kind=kind,
        original_name=name,
        # A random name: nothing the uploader typed ends up in a path on the server.
        stored_name=f"{uuid.uuid4().hex}{kind.extensions[0]}",
        size=size,
    )
