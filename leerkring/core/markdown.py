"""Text written by members (minutes, messages, signal answers, products, newsletters), rendered
to safe HTML, and cleaned of invisible control characters when stored or exported.

Members type Markdown; what reaches another member's browser is sanitised with nh3 on
output (STYLE.md "Text"), so raw HTML in the source cannot run script, carry event handlers
or link to `javascript:` URLs. Rendering on output (not on input) means a stricter rule
later applies to everything already stored.
"""

from __future__ import annotations

import html as html_lib
import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

_HEADING = re.compile(r"<(/?)h([1-6])>")
# C0 control characters other than tab, newline and carriage return: Word puts them in pasted
# text, they mean nothing on screen, and XML (DOCX) cannot hold them at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(text: str | None) -> str:
    """Text as members meant it: without invisible control characters. Used when storing what
    members type and again when writing exports, for rows stored before or around it."""
    return _CONTROL.sub("", text or "")


def render_markdown(text: str | None, *, heading_offset: int = 0) -> SafeString:
    """Markdown to sanitised HTML.

    `heading_offset` pushes headings down (with 2, `# Title` becomes `<h3>`), so minutes shown
    under a page's own `<h2>` keep the heading order screen-reader users navigate by."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    if heading_offset:
        clean = _HEADING.sub(
            lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + heading_offset)}>", clean
        )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def markdown_to_blocks(text: str | None) -> list[tuple[str, str]]:
    """The minutes as simple blocks for DOCX and PDF exports: ("heading1".."heading3",
    "bullet", "number", "paragraph") with plain text. Exports need structure, not HTML."""
    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", line)
        bullet = re.match(r"^[-*+]\s+(.*)$", line)
        number = re.match(r"^\d+[.)]\s+(.*)$", line)
        if heading:
            flush()
            level = min(3, len(heading.group(1)))
            blocks.append((f"heading{level}", _inline_to_text(heading.group(2))))
        elif bullet:
            flush()
            blocks.append(("bullet", _inline_to_text(bullet.group(1))))
        elif number:
            flush()
            blocks.append(("number", _inline_to_text(number.group(1))))
        else:
            paragraph.append(_inline_to_text(line))
    flush()
    return blocks


def _inline_to_text(text: str) -> str:
    """Drop inline Markdown and any HTML tags, keeping the words."""
    return html_lib.unescape(nh3.clean(markdown_lib.markdown(text), tags=set())).strip()
