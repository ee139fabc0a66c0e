"""The minutes of a meeting as DOCX (python-docx) and PDF (an HTML template, `core.documents`).

Members share minutes with colleagues who do not use Leerkring, so both files carry the whole
record: when and where, how many attended, the agenda, the minutes text with its headings and
lists, and the lessons and agreements named at the wrap-up.

Both are made from the same sections (`_facts`, `_sections`), so they never disagree.
"""

from __future__ import annotations

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerkring.core import documents
from leerkring.core.markdown import clean_text, markdown_to_blocks

from .models import Agreement, Meeting

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The language Word checks spelling in, and the one the file says it is written in.
DOCX_LANGUAGE = "nl-NL"
#: Who made the file: the application (a person's name would travel with every copy).
DOCX_AUTHOR = "Leerkring"


def _title(meeting: Meeting) -> str:
    return clean_text(_("Verslag %(community)s") % {"community": meeting.community.name})


def _facts(context: dict) -> list[tuple[str, str]]:
    meeting: Meeting = context["meeting"]
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at)
    place = ", ".join(part for part in (meeting.place, meeting.address) if part)
    facts = [
        (_("Datum"), formats.date_format(starts, "l j F Y")),
        (_("Tijd"), f"{starts:%H:%M}–{ends:%H:%M}"),
        (_("Plaats"), place or meeting.get_format_display()),
        (_("Aanwezig"), str(context["present_count"])),
    ]
    if meeting.title:
        facts.insert(0, (_("Bijeenkomst"), meeting.title))
    if meeting.host_organisation_id:
        facts.append((_("Gastorganisatie"), meeting.host_organisation.name))
    return [(label, clean_text(value)) for label, value in facts]


def _agenda_lines(context: dict) -> list[str]:
    lines = []
    for item in context["agenda_items"]:
        details = [
            ngettext("%(minutes)d minuut", "%(minutes)d minuten", item.minutes)
            % {"minutes": item.minutes}
        ]
        if item.work_form_id:
            details.append(item.work_form.name)
        if item.subtopic:
            details.append(item.subtopic)
        lines.append(f"{item.title} ({', '.join(details)})")
    return lines


def _lesson_lines(context: dict) -> list[str]:
    return [
        f"{lesson.text} ({lesson.get_learning_order_display()}; "
        f"{lesson.get_influence_level_display().lower()})"
        for lesson in context["lessons"]
    ]


def _agreement_lines(context: dict) -> list[str]:
    lines = []
    for agreement in context["agreements"]:
        details = []
        if agreement.owner_id:
            details.append(agreement.owner.person.full_name)
        if agreement.due_date:
            details.append(
                _("uiterlijk %(date)s") % {"date": formats.date_format(agreement.due_date, "j F Y")}
            )
        if agreement.status != Agreement.Status.OPEN:
            details.append(agreement.get_status_display().lower())
        suffix = f" ({'; '.join(details)})" if details else ""
        lines.append(f"{agreement.text}{suffix}")
    return lines


def _sections(context: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The document as (heading, blocks) sections, shared by both formats. Text is cleaned of
    control characters once more here: XML (DOCX) cannot hold them, and rows stored before
    they were cleaned on input (or by an import) must not break the download."""
    meeting: Meeting = context["meeting"]
    minutes = markdown_to_blocks(meeting.minutes) or [
        ("paragraph", _("Er is nog geen verslag geschreven."))
    ]
    none = [("paragraph", _("Geen."))]
    agenda = [("number", line) for line in _agenda_lines(context)] or none
    if not context["agenda_visible"]:
        agenda = [("paragraph", _("De agenda is nog niet gepubliceerd."))]
    sections = [
        (_("Agenda"), agenda),
        (_("Verslag"), minutes),
        (_("Leerpunten"), [("bullet", line) for line in _lesson_lines(context)] or none),
        (_("Afspraken"), [("bullet", line) for line in _agreement_lines(context)] or none),
    ]
    return [
        (heading, [(kind, clean_text(text)) for kind, text in blocks])
        for heading, blocks in sections
    ]


# --- DOCX --------------------------------------------------------------------------------


def _docx_dutch(document) -> None:
    """Dutch as the proofing language: python-docx's template says en-US in its default run
    properties and theme, so Word would underline every Dutch word."""
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    language.set(qn("w:val"), DOCX_LANGUAGE)
    language.set(qn("w:eastAsia"), DOCX_LANGUAGE)
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), DOCX_LANGUAGE)


def _docx_properties(document, *, title: str, subject: str) -> None:
    """Honest core properties: python-docx's template carries "python-docx" as author and a
    creation date in 2013."""
    now = timezone.now().replace(microsecond=0)
    properties = document.core_properties
    properties.title = title
    properties.subject = subject
    properties.author = DOCX_AUTHOR
    properties.last_modified_by = DOCX_AUTHOR
    properties.comments = ""
    properties.keywords = ""
    properties.category = ""
    properties.language = DOCX_LANGUAGE
    properties.created = now
    properties.modified = now
    properties.revision = 1


def minutes_docx(context: dict) -> bytes:
    # python-docx is imported when minutes are downloaded, not with this module (which the
    # meeting pages import): objects every server process would otherwise hold and the garbage
    # collector walk in each full collection (`core.startup`).
    from docx import Document

    document = Document()
    meeting: Meeting = context["meeting"]
    _docx_dutch(document)
    _docx_properties(document, title=_title(meeting), subject=clean_text(meeting.community.name))
    document.add_heading(_title(meeting), level=0)
    for label, value in _facts(context):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for heading, blocks in _sections(context):
        document.add_heading(heading, level=1)
        for kind, text in blocks:
            if kind.startswith("heading"):
                document.add_heading(text, level=min(int(kind[-1]) + 1, 4))
            elif kind == "bullet":
                document.add_paragraph(text, style="List Bullet")
            elif kind == "number":
                document.add_paragraph(text, style="List Number")
            else:
                document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ---------------------------------------------------------------------------------


def _document_blocks(blocks: list[tuple[str, str]]) -> list[dict]:
    """The blocks of a section as the PDF template shows them: list items gathered into one
    list, and headings of the minutes placed one level below the section's (h3, h4, …) without
    skipping a level, so the PDF's structure tree nests as a screen reader expects."""
    shown: list[dict] = []
    level = 2
    for kind, text in blocks:
        if kind.startswith("heading"):
            level = min(int(kind[-1]) + 2, level + 1, 6)
            shown.append({"kind": "heading", "tag": f"h{level}", "text": text})
        elif kind in ("bullet", "number"):
            ordered = kind == "number"
            if shown and shown[-1]["kind"] == "list" and shown[-1]["ordered"] == ordered:
                shown[-1]["items"].append(text)
            else:
                shown.append({"kind": "list", "ordered": ordered, "items": [text]})
        else:
            shown.append({"kind": "paragraph", "text": text})
    return shown


def minutes_pdf(context: dict) -> bytes:
    """The same record as the DOCX (`_facts`, `_sections`), as a tagged PDF with page
    numbers (`core.documents`)."""
    meeting: Meeting = context["meeting"]
    return documents.render_pdf(
        "meetings/minutes_document.html",
        {
            "title": _title(meeting),
            "community": clean_text(meeting.community.name),
            "facts": _facts(context),
            "sections": [
                (heading, _document_blocks(blocks)) for heading, blocks in _sections(context)
            ],
        },
    )
