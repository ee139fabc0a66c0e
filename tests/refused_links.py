"""Helpers for tests of a shared link whose `?community=<id>` the page's community filter
refuses (another programme's community, one the visitor may not choose, an id that is none):
the message next to the field, and the page compared across ids, which must reveal nothing
of the community behind one."""

from __future__ import annotations

import html
import re

from django.db.models import Max

from leerkring.communities.models import Community

_TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


def unknown_community_pk() -> int:
    """An id no community has."""
    return (Community.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000


def field_error(page: str, field_id: str) -> str:
    """The text of the error message linked to the field `field_id` (`<id>_error`), with the
    field pointing at it (aria-describedby); "" when there is none."""
    found = re.search(rf'id="{field_id}_error">(.*?)</div>', page, re.S)
    if found is None:
        return ""
    field = re.search(rf'<(?:select|input)[^>]*id="{field_id}"[^>]*>', page)
    assert field is not None and f"{field_id}_error" in field.group(0), "error not linked"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def comparable(page: str, asked: object) -> str:
    """The page less what differs on every load (the CSRF token) and the id the link carried."""
    return re.sub(rf"community={asked}\b", "community=ID", _TOKENS.sub("", page))
