"""File checks of product uploads (uploads.check_upload): the type is what the bytes say."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from leerkring.core import filesizes
from leerkring.dissemination import uploads

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Routekaart")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pptx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})


def odt_bytes() -> bytes:
    return zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("routekaart.pdf", PDF_BYTES, "application/pdf"),
        ("infographic.png", PNG_BYTES, "image/png"),
        ("foto.JPG", JPEG_BYTES, "image/jpeg"),
        ("foto.jpeg", JPEG_BYTES, "image/jpeg"),
        (
            "handreiking.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "cijfers.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "webinar.pptx",
            pptx_bytes(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("advies.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_it_accepts_good_files_with_the_detected_type(name, content, content_type):
    # The browser claims a wrong type on purpose: the stored type comes from the bytes.
    checked = uploads.check_upload(upload(name, content, "text/html"))
    assert checked.content_type == content_type
    assert checked.size == len(content)


def test_it_stores_under_a_random_name_with_nothing_of_the_original():
    checked = uploads.check_upload(upload("../../geheim plan.pdf", PDF_BYTES))
    assert checked.original_name == "geheim plan.pdf"
    assert "geheim" not in checked.stored_name
    assert checked.stored_name.endswith(".pdf")
    assert len(checked.stored_name) == 32 + len(".pdf")
    assert uploads.check_upload(upload("a.pdf", PDF_BYTES)).stored_name != checked.stored_name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this is a Windows program"),
        ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
        ("plaatje.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
        ("foto.jpg", PNG_BYTES),
        ("brief.docx", zip_bytes({"[Content_Types].xml": b"<Types/>", "evil.js": b"x"})),
        ("brief.docx", xlsx_bytes()),
        ("cijfers.xlsx", b"PK\x03\x04 not really a zip"),
        ("advies.odt", zip_bytes({"content.xml": b"<x/>", "mimetype": b"text/plain"})),
    ],
)
def test_it_refuses_a_disguised_file_in_dutch(name, content):
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload(name, content))
    assert error.value.code == "disguised"
    assert "geen echt" in error.value.messages[0]


@pytest.mark.parametrize(
    "name", ["script.exe", "pagina.html", "tekening.svg", "zonder", "a.pdf.js"]
)
def test_it_refuses_a_wrong_extension(name):
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload(name, PDF_BYTES))
    assert error.value.code == "extension"
    assert "Dit soort bestand kan niet" in error.value.messages[0]


def test_it_refuses_a_file_over_twenty_megabytes():
    content = PDF_BYTES + b"0" * (uploads.MAX_UPLOAD_BYTES - len(PDF_BYTES) + 1)
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload("groot.pdf", content))
    assert error.value.code == "too_large"
    # One byte over: rounded up, never shown as the limit itself.
    assert error.value.messages[0] == "Dit bestand is 20,1 MB; het maximum is 20 MB."


def test_it_accepts_a_file_of_exactly_twenty_megabytes():
    content = PDF_BYTES + b"0" * (uploads.MAX_UPLOAD_BYTES - len(PDF_BYTES))
    assert uploads.check_upload(upload("precies.pdf", content)).size == uploads.MAX_UPLOAD_BYTES


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload("leeg.pdf", b""))
    assert error.value.code == "empty"


def test_it_cleans_the_name_offered_on_download():
    assert uploads.clean_original_name('C:\\map\\"rap\x00port".PDF') == "rapport.pdf"
    assert uploads.clean_original_name("") == "bestand"
    long = "a" * 400 + ".docx"
    assert len(uploads.clean_original_name(long)) == uploads.MAX_NAME_LENGTH
    assert uploads.clean_original_name(long).endswith(".docx")


MB = filesizes.MEGABYTE


@pytest.mark.parametrize(
    ("size", "limit", "message"),
    [
        (20 * MB + 1, 20 * MB, "Dit bestand is 20,1 MB; het maximum is 20 MB."),
        (int(20.04 * MB), 20 * MB, "Dit bestand is 20,1 MB; het maximum is 20 MB."),
        (37 * MB, 20 * MB, "Dit bestand is 37,0 MB; het maximum is 20 MB."),
        (5 * MB + 1, 5 * MB, "Dit bestand is 5,1 MB; het maximum is 5 MB."),
    ],
)
def test_the_size_message_rounds_the_file_up_and_names_the_limit(size, limit, message):
    assert filesizes.too_large_message(size=size, limit=limit) == message
