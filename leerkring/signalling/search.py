"""Full-text search over signals in Dutch (DESIGN.md §4: PostgreSQL full-text search with the
Dutch configuration, and a working fallback on SQLite).

On PostgreSQL a search for "wachttijd" also finds "wachttijden": the Dutch stemmer reduces
both to one lexeme. The document is the title and the description, kept in a stored generated
column `search_vector` with a GIN index (migration 0004; the model does not declare it, since
SQLite has none). `stored_document()` reads that column, so a search neither rechecks nor
ranks its matches by rebuilding their documents from the text.

On SQLite every word must occur in the title or description (case-insensitive substring).
That finds plain words, not inflections, which is enough for a development database.

Highlighting: the snippets are built from the signal's own (untrusted) text, so matches are
first marked with private-use characters and only turned into <mark> after escaping.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, Expression, Func, Q, QuerySet, Value
from django.db.models.expressions import Col
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "dutch"
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 30
_START = "\ue000"
_STOP = "\ue001"
_WORD = re.compile(r"\w+", re.UNICODE)


def is_full_text() -> bool:
    return connection.vendor == "postgresql"


def signal_document():
    """The search document of a signal, computed from its text: the expression the stored
    column of migration 0004 is generated from."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", "description", config=CONFIG)


STORED_COLUMN = "search_vector"


class StoredDocument(Expression):
    """The stored search document (`signalling_signal.search_vector`, PostgreSQL only).

    Resolved to a plain column of the query's signal table, so it stays correct when Django
    aliases the table (in a subquery, say) — which a raw SQL fragment would not."""

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        return Col(query.get_initial_alias(), _stored_field(), _stored_field())


@lru_cache(maxsize=1)
def _stored_field():
    from django.contrib.postgres.search import SearchVectorField

    from .models import Signal

    field = SearchVectorField()
    field.set_attributes_from_name(STORED_COLUMN)
    field.model = Signal
    return field


def stored_document() -> StoredDocument:
    return StoredDocument()


def query_words(q: str) -> list[str]:
    return _WORD.findall((q or "")[:MAX_QUERY_LENGTH])


def signals_search(queryset: QuerySet, q: str) -> QuerySet:
    """The signals matching `q`, annotated with `search_rank` (higher is better; 0 on SQLite).

    Words are combined with AND, like a search box is expected to behave; an empty query
    leaves the queryset as it is. Snippets are made separately for the rows shown
    (`attach_snippets`), so a search with many hits does not build a headline for each.
    """
    if not query_words(q):
        return queryset
    return search_rank_annotate(signals_matching(queryset, q), q)


def signals_matching(queryset: QuerySet, q: str) -> QuerySet:
    """The signals matching `q`, unranked (all of them for an empty query)."""
    words = query_words(q)
    if not words:
        return queryset
    if is_full_text():
        # The GIN index on the stored column finds the matches.
        return queryset.annotate(search_document=stored_document()).filter(
            search_document=_query(words)
        )
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
    return queryset.filter(condition)


def signals_tested(queryset: QuerySet, q: str) -> QuerySet:
    """The signals matching `q` as `signals_matching` finds them, the match tested row by row
    (`ts_match_vq`, which the planner cannot answer from the GIN index): for a walk through a
    programme's newest signals (`search.selectors.newest_matches`)."""
    words = query_words(q)
    if not words or not is_full_text():
        return signals_matching(queryset, q)
    return queryset.filter(
        Func(stored_document(), _query(words), function="ts_match_vq", output_field=BooleanField())
    )


def search_rank_annotate(queryset: QuerySet, q: str) -> QuerySet:
    """`search_rank` on each signal (0 on SQLite), read from the same stored document as the
    match: nothing is rebuilt from the text per signal."""
    if not is_full_text():
        return queryset.annotate(search_rank=Value(0.0))
    from django.contrib.postgres.search import SearchRank

    return queryset.annotate(search_rank=SearchRank(stored_document(), _query(query_words(q))))


def _query(words: list[str]):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(" ".join(words), config=CONFIG, search_type="plain")


def attach_snippets(signals: list, q: str) -> None:
    """Give each shown signal a `snippet`: the part of its description around the match,
    with the matches in <mark>. One query for the whole page."""
    words = query_words(q)
    if not words or not signals:
        return
    from .models import Signal

    rows = Signal.objects.filter(pk__in=[s.pk for s in signals])
    if is_full_text():
        from django.contrib.postgres.search import SearchHeadline

        headlines = dict(
            rows.annotate(
                headline=SearchHeadline(
                    "description",
                    _query(words),
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=10,
                )
            ).values_list("pk", "headline")
        )
    else:
        headlines = {
            pk: _fallback_headline(description, words)
            for pk, description in rows.values_list("pk", "description")
        }
    for signal in signals:
        signal.snippet = _marked(headlines.get(signal.pk, ""))


def _marked(raw: str) -> SafeString:
    return mark_safe(escape(raw).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def _fallback_headline(text: str, words: list[str]) -> str:
    """A window of the text around the first match, with every match marked."""
    if not words:
        return text[:200]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    first = pattern.search(text)
    start = 0 if first is None else max(0, first.start() - 80)
    window = text[start : start + 240]
    marked = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", window)
    return ("…" if start else "") + marked + ("…" if start + 240 < len(text) else "")
