"""`{% filter page_title %}…{% endfilter %}`: a page's browser tab reads "<pagina> – Leerkring".

Pages fill `{% block title %}`; a page without one is simply "Leerkring". A Django template
cannot ask whether a block is empty, so the base template filters what the block rendered.
"""

from __future__ import annotations

from django import template

register = template.Library()

SITE_NAME = "Leerkring"


@register.filter(is_safe=True)
def page_title(title: str) -> str:
    title = " ".join(str(title).split())
    return f"{title} – {SITE_NAME}" if title else SITE_NAME
