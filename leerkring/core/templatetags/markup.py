"""`{{ text|markdown }}`: Markdown typed by members, rendered as sanitised HTML.

`{{ text|markdown:2 }}` moves headings two levels down, for text shown under a page's `<h2>`.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from leerkring.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None, heading_offset: int | str = 0) -> SafeString:
    return render_markdown(text, heading_offset=int(heading_offset or 0))
