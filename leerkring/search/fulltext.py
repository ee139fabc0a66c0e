"""Matching, ranking and highlighting text, in Dutch on PostgreSQL and plainly on SQLite
(DESIGN.md §4).

On PostgreSQL the document of a row is `to_tsvector('dutch', …)` over its text fields, and the
query is parsed as a web search (`"exact words"`, `or`, `-not`), so "signalen" also finds
"signaal": the Dutch stemmer reduces both to one lexeme. Migration `search.0001` builds GIN
indexes on exactly the expressions `document()` produces for the big tables; the signals'
index is the venster's own (`signalling.0003`), built on the same title + description.

On SQLite every word must occur somewhere in the row's text fields (case-insensitive substring,
words combined with AND). That finds plain words, not inflections: enough for development.

Highlighting: every snippet is built from members' own, untrusted text. The database (or the
fallback) marks matches with private-use characters that no one types; the text is escaped,
and only then are those characters turned into <mark> and </mark>.
"""

from __future__ import annotations

import re
from functools import cache

from django.db import connection
from django.db.models import Expression, Q
from django.db.models.expressions import Col
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "dutch"
MAX_QUERY_LENGTH = 200
START_SEL = "\ue000"
STOP_SEL = "\ue001"
SNIPPET_CHARS = 240
_WORD = re.compile(r"\w+", re.UNICODE)


def is_full_text() -> bool:
    return connection.vendor == "postgresql"


def query_clean(raw: str | None) -> tuple[str, bool]:
    """The query as searched, and whether it had to be shortened to `MAX_QUERY_LENGTH`.

    The private-use marker characters are removed, so nobody can smuggle a <mark> in."""
    q = " ".join((raw or "").replace(START_SEL, " ").replace(STOP_SEL, " ").split())
    if len(q) > MAX_QUERY_LENGTH:
        return q[:MAX_QUERY_LENGTH].rstrip(), True
    return q, False


def query_words(q: str) -> list[str]:
    return _WORD.findall(q or "")


def document(*fields: str):
    """The search document over `fields`; the GIN indexes are built on this same expression."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*fields, config=CONFIG)


STORED_COLUMN = "search_vector"


class StoredDocument(Expression):
    """A stored search document (a generated column `search_vector` that the model does not
    declare, PostgreSQL only: lessons and products, `search` migrations 0002 and 0003), as
    the signals' own (`signalling.search.StoredDocument`).

    Resolved to a plain column of the query's base table, so it stays correct when Django
    aliases the table (in a subquery, say) — which a raw SQL fragment would not."""

    def __init__(self, model) -> None:
        super().__init__()
        self.model = model

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        field = _stored_field(self.model)
        return Col(query.get_initial_alias(), field, field)


@cache
def _stored_field(model):
    from django.contrib.postgres.search import SearchVectorField

    field = SearchVectorField()
    field.set_attributes_from_name(STORED_COLUMN)
    field.model = model
    return field


def search_query(q: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(q, config=CONFIG, search_type="websearch")


def match_each(document, q: str):
    """The match of `document` and `q` as a function (`ts_match_vq`) rather than `@@`: tested
    row by row, which the planner cannot answer from a GIN index nor guess to be rare, so a
    walk along an index in the list's order stops as soon as it has enough matches."""
    from django.db.models import BooleanField, Func

    return Func(document, search_query(q), function="ts_match_vq", output_field=BooleanField())


def fallback_q(fields: tuple[str, ...], words: list[str]) -> Q:
    """SQLite: each word somewhere in the fields."""
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def headline(field: str, q: str, *, whole: bool = False):
    """PostgreSQL's own snippet of `field` with the matches between the marker characters;
    `whole` keeps the whole (short) text, as for a title."""
    from django.contrib.postgres.search import SearchHeadline

    options = {"highlight_all": True} if whole else {"max_words": 30, "min_words": 12}
    return SearchHeadline(
        field,
        search_query(q),
        config=CONFIG,
        start_sel=START_SEL,
        stop_sel=STOP_SEL,
        **options,
    )


def fallback_headline(text: str, words: list[str], *, whole: bool = False) -> str:
    """A window of the text around the first match, every match between the marker characters."""
    text = text or ""
    if not words:
        return text if whole else text[:SNIPPET_CHARS]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    if whole:
        return pattern.sub(lambda m: f"{START_SEL}{m.group(0)}{STOP_SEL}", text)
    first = pattern.search(text)
    start = 0 if first is None else max(0, first.start() - SNIPPET_CHARS // 3)
    window = text[start : start + SNIPPET_CHARS]
    marked = pattern.sub(lambda m: f"{START_SEL}{m.group(0)}{STOP_SEL}", window)
    return ("…" if start else "") + marked + ("…" if start + SNIPPET_CHARS < len(text) else "")


def marked(raw: str | None) -> SafeString:
    """Escape everything, then turn the markers (and only those) into <mark>."""
    return mark_safe(  # noqa: S308 - escaped first; only our own markers become tags
        escape(raw or "").replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>")
    )
