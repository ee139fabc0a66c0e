"""The minutes of a meeting as DOCX (python-docx) and PDF (reportlab).

Members share minutes with colleagues who do not use Leerkring, so both files carry the whole
record: when and where, how many attended, the agenda, the minutes text with its headings and
lists, and the lessons and agreements named at the wrap-up.

The PDF embeds Bitstream Vera, the TrueType font that ships inside the reportlab package, so
Dutch characters (ë, ï, é) and typographic dashes render on any machine without system fonts.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.oxml.ns import qn
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from leerkring.core.markdown import clean_text, markdown_to_blocks

from .models import Agreement, Meeting

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The language Word checks spelling in, and the one the file says it is written in.
DOCX_LANGUAGE = "nl-NL"
#: Who made the file: the application (a person's name would travel with every copy).
DOCX_AUTHOR = "Leerkring"

_FONT = "LeerkringSans"
_FONT_BOLD = "LeerkringSans-Bold"
_FONT_DIR = Path(reportlab.__file__).parent / "fonts"


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


def _register_fonts() -> None:
    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(_FONT, str(_FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(_FONT_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_FONT_BOLD)


def _pdf_styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("lk-body", parent=base["BodyText"], fontName=_FONT, fontSize=10.5)
    return {
        "title": ParagraphStyle("lk-title", parent=base["Title"], fontName=_FONT_BOLD),
        "heading1": ParagraphStyle("lk-h1", parent=base["Heading1"], fontName=_FONT_BOLD),
        "heading2": ParagraphStyle("lk-h2", parent=base["Heading2"], fontName=_FONT_BOLD),
        "heading3": ParagraphStyle("lk-h3", parent=base["Heading3"], fontName=_FONT_BOLD),
        "heading4": ParagraphStyle("lk-h4", parent=base["Heading4"], fontName=_FONT_BOLD),
        "paragraph": body,
        "list": ParagraphStyle("lk-list", parent=body, leftIndent=14, bulletIndent=2),
    }


def minutes_pdf(context: dict) -> bytes:
    _register_fonts()
    styles = _pdf_styles()
    meeting: Meeting = context["meeting"]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_title(meeting),
        author="Leerkring",
        lang="nl",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    story: list = [Paragraph(escape(_title(meeting)), styles["title"])]
    for label, value in _facts(context):
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["paragraph"]))
    for heading, blocks in _sections(context):
        story.append(Spacer(1, 6))
        story.append(Paragraph(escape(heading), styles["heading1"]))
        number = 0
        for kind, text in blocks:
            number = number + 1 if kind == "number" else 0
            if kind.startswith("heading"):
                level = min(int(kind[-1]) + 1, 4)
                story.append(Paragraph(escape(text), styles[f"heading{level}"]))
            elif kind == "bullet":
                story.append(Paragraph(escape(text), styles["list"], bulletText="•"))
            elif kind == "number":
                story.append(Paragraph(escape(text), styles["list"], bulletText=f"{number}."))
            else:
                story.append(Paragraph(escape(text), styles["paragraph"]))
    document.build(story)
    return buffer.getvalue()
