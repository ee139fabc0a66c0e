"""Similar signals and theme suggestions: while a signal is written or triaged, up to five
existing signals that look alike (so it can be linked as "known" instead of counted twice),
and the themes it most likely belongs to.

How alike is measured: title and description become weighted features (`analysis`: Dutch
stems, their character n-grams, thesaurus concepts; the title counts double) and are compared
by TF-IDF cosine: words that many signals use ("inburgeraar", "gemeente") weigh little, rare
ones ("leerbaarheidstoets", "kinderopvang") a lot. When the caller passes a programme, what
its coordinators taught the venster (`learning`: the signals they linked to each theme)
suggests themes and widens the query. recall@5 and the suggestions' accuracy are in
docs/performance.md.

Two ways to find the candidates, one way to score them:

- **PostgreSQL** (national scale, 100,000 signals): the stems are PostgreSQL's own Dutch
  configuration (the same Snowball Dutch Porter algorithm `analysis` uses), stored per signal
  in the generated column `search_vector` with its GIN index (migration 0004). The query asks
  for signals holding any of its rarer stems or its concepts' words; how rare a stem is comes
  from the planner's statistics on that column (`pg_stats.most_common_elems`, kept by
  ANALYZE). The most recent `CANDIDATES` matches are scored in Python on their stored
  lexemes, so no request reads or stems all signals. Without statistics yet (a new or small
  database) frequencies are counted exactly with `ts_stat` over the visible signals.
- **Elsewhere** (SQLite, development): every visible signal is stemmed in Python. Fine for
  the small data a development database holds.

Which signals a visitor may see, and whether theme evidence may be used for them, is decided
by the caller (`selectors.similar_scope`), never here.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from leerkring.search.selectors import programme_window

from . import analysis, learning
from .models import Signal, SignalTheme
from .search import stored_document

LIMIT = 5
CANDIDATES = 100
#: Without planner statistics the signals are few, so every match may be scored.
CANDIDATES_FEW = 2000
MAX_QUERY_LENGTH = 5000
#: On PostgreSQL: how many of the query's commoner words (those the planner's statistics list)
#: are asked for, in pairs, to find candidates.
PAIRED_WORDS = 4
#: On PostgreSQL: pairs of common words are looked for only among the signals whose id lies
#: within this many of the newest id of the programme asked about (see `_candidates`).
COMMON_WINDOW = 1000
#: On PostgreSQL: rare words are asked for in groups of this many (see `_candidates`).
RARE_WORDS_PER_QUERY = 6
MIN_SCORE = 0.05
#: Added to every term's IDF, so a word that every candidate shares still counts a little: ten
#: copies of one text remain look-alikes of it.
IDF_BASE = 1.0
#: The stored search document of migration 0004, whose planner statistics give the shares.
STORED_TABLE = "signalling_signal"
STORED_COLUMN = "search_vector"
_LEXEME = re.compile(r"'((?:[^']|'')+)':([0-9A-D,]+)")
_PLAIN_LEXEME = re.compile(r"[a-z0-9]+")
#: A lexeme the text-search parser reads as a compound of parts ("b1-traject").
_COMPOUND = re.compile(r"\w-\w")


# --- Scoring (shared by both ways) ---------------------------------------------------------


@dataclass(frozen=True)
class Document:
    pk: int
    terms: dict[str, float]
    theme_id: int | None = None


@dataclass(frozen=True)
class Statistics:
    """How rare each feature is among the visible signals: its IDF, and the IDF of a feature
    not seen."""

    idf: dict[str, float]
    default_idf: float


@dataclass
class Found:
    """What one look gives: the look-alikes (each with `.similarity`) and, when theme evidence
    was used, every live theme of the programme with its score, likeliest first."""

    signals: list[Signal] = field(default_factory=list)
    themes: list[tuple[SignalTheme, float]] = field(default_factory=list)


def _vector(terms: dict[str, float], statistics: Statistics) -> dict[str, float]:
    idf, default = statistics.idf, statistics.default_idf
    return learning.unit({t: w * idf.get(t, default) for t, w in learning.log_tf(terms).items()})


def rank(
    query: dict[str, float],
    documents: list[Document],
    *,
    statistics: Statistics,
    limit: int = LIMIT,
    widen: dict[str, float] | None = None,
    vectors: dict[int, dict[str, float]] | None = None,
) -> list[tuple[Document, float]]:
    """The best `limit` documents by TF-IDF cosine with the query (its features), widened by
    the already weighted terms `widen`: (document, score), best first. `vectors` holds the
    documents' weighted vectors when the caller ranks the same documents twice."""
    # Features no candidate holds cannot tell candidates apart; left in, they would only
    # shrink every score below `MIN_SCORE` for a text full of words the venster never saw.
    present = set().union(*(document.terms for document in documents)) if documents else set()
    wanted = _vector({t: n for t, n in query.items() if t in present}, statistics)
    for term, weight in (widen or {}).items():
        wanted[term] = wanted.get(term, 0.0) + weight
    if vectors is None:
        vectors = document_vectors(documents, statistics)
    scored = []
    for document in documents:
        vector = vectors[document.pk]
        score = sum(w * vector.get(t, 0.0) for t, w in wanted.items())
        if score >= MIN_SCORE:
            scored.append((document, min(1.0, score)))
    scored.sort(key=lambda item: (-item[1], -item[0].pk))
    return scored[:limit]


def document_vectors(
    documents: list[Document], statistics: Statistics
) -> dict[int, dict[str, float]]:
    return {document.pk: _vector(document.terms, statistics) for document in documents}


def idf_from_frequencies(document_count: int, df: dict[str, int]) -> dict[str, float]:
    return {t: math.log((document_count + 1) / (n + 0.5)) + IDF_BASE for t, n in df.items()}


# --- Finding them ---------------------------------------------------------------------------


def similar_signals(
    *, text: str, scope: Q, title: str = "", exclude_pk: int | None = None, limit: int = LIMIT
) -> list[Signal]:
    """Up to `limit` signals within `scope` that look like `title` + `text`, most alike first;
    each carries its score as `similarity` (0-1). No theme evidence."""
    return find(title=title, text=text, scope=scope, exclude_pk=exclude_pk, limit=limit).signals


def find(
    *,
    text: str,
    scope: Q,
    title: str = "",
    exclude_pk: int | None = None,
    limit: int = LIMIT,
    programme_id: int | None = None,
    within: int | None = None,
) -> Found:
    """Look-alikes within `scope`, and — when `programme_id` is given, for a viewer who may
    see all its passed-on signals — the likely themes, whose profiles also widen the query.

    `within` is the programme every signal of `scope` belongs to: on PostgreSQL the common
    words are looked for among its newest signals (`_candidates`). Without it, among the
    network's newest."""
    title = (title or "")[:MAX_QUERY_LENGTH]
    text = (text or "")[:MAX_QUERY_LENGTH]
    if not (title + text).strip():
        return Found()
    queryset = Signal.objects.filter(scope)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        query, documents, statistics = _postgresql(queryset, title, text, within)
    else:
        query, documents, statistics = _python(queryset, title, text)
    if not query:
        return Found()
    model = theme_model(programme_id) if programme_id is not None else None
    vectors = document_vectors(documents, statistics)
    ranked = rank(
        query,
        documents,
        statistics=statistics,
        limit=max(limit, learning.NEIGHBOURS),
        vectors=vectors,
    )
    theme_scores: list[tuple[int, float]] = []
    if model:
        theme_scores = learning.theme_scores(
            model,
            query,
            idf=statistics.idf,
            default_idf=statistics.default_idf,
            neighbours=[(document.theme_id, score) for document, score in ranked],
        )
        widen = learning.expansion(
            model, theme_scores, idf=statistics.idf, default_idf=statistics.default_idf
        )
        if widen:
            ranked = rank(
                query, documents, statistics=statistics, limit=limit, widen=widen, vectors=vectors
            )
    return Found(signals=_signals(ranked[:limit]), themes=_themes(theme_scores))


def _signals(ranked: list[tuple[Document, float]]) -> list[Signal]:
    if not ranked:
        return []
    found = Signal.objects.select_related("community", "theme").in_bulk(
        [document.pk for document, _s in ranked]
    )
    result = []
    for document, score in ranked:
        signal = found[document.pk]
        signal.similarity = round(score, 2)
        result.append(signal)
    return result


def _themes(scores: list[tuple[int, float]]) -> list[tuple[SignalTheme, float]]:
    if not scores:
        return []
    themes = SignalTheme.objects.in_bulk([pk for pk, _s in scores])
    return [(themes[pk], round(score, 2)) for pk, score in scores if pk in themes]


# --- SQLite and elsewhere: stemmed in Python -----------------------------------------------


def _python(
    queryset: QuerySet[Signal], title: str, text: str
) -> tuple[dict[str, float], list[Document], Statistics]:
    documents = [
        Document(pk, analysis.text_features(t, d), theme_id)
        for pk, t, d, theme_id in queryset.values_list(
            "pk", "title", "description", "theme_id"
        ).iterator()
    ]
    df: Counter[str] = Counter()
    for document in documents:
        df.update(document.terms.keys())
    statistics = Statistics(
        idf=idf_from_frequencies(len(documents), df),
        default_idf=math.log(len(documents) + 1) + IDF_BASE,
    )
    return analysis.text_features(title, text), documents, statistics


# --- PostgreSQL: the stored document, its index and its statistics -------------------------


def parse_tsvector(value: str | None) -> Counter[str]:
    """ "'aanvrag':3 'duo':1,7" -> {"aanvrag": 1, "duo": 2} (positions counted)."""
    counts: Counter[str] = Counter()
    for lexeme, positions in _LEXEME.findall(value or ""):
        counts[lexeme.replace("''", "'")] += len(positions.split(","))
    return counts


def stems_of_lexemes(lexemes: dict[str, float]) -> dict[str, float]:
    """PostgreSQL lexemes (with their weights) as `analysis` stems."""
    result: dict[str, float] = {}
    for lexeme, count in lexemes.items():
        if not analysis.lexeme_kept(lexeme):
            continue
        stem = analysis.lexeme_stem(lexeme)
        result[stem] = result.get(stem, 0.0) + count
    return result


def _query_lexemes(title: str, text: str) -> tuple[Counter[str], Counter[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('dutch', %s)::text, to_tsvector('dutch', %s)::text", [title, text]
        )
        title_vector, text_vector = cursor.fetchone()
    return parse_tsvector(title_vector), parse_tsvector(text_vector)


def _index_statistics() -> tuple[dict[str, float], float] | None:
    """Share of signals holding each common lexeme, from the planner's statistics on the stored
    search document, and the share below which a lexeme is not listed; None before the first
    ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text, most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = %s",
            [STORED_TABLE, STORED_COLUMN],
        )
        row = cursor.fetchone()
    if not row or row[0] is None or not row[1]:
        return None
    elems = _split_array(row[0])
    freqs = row[1]
    shares = dict(zip(elems, freqs[: len(elems)], strict=False))
    # The array ends with the lowest and highest frequency and the share of empty values.
    floor = freqs[len(elems)] if len(freqs) > len(elems) else min(shares.values(), default=0.001)
    return shares, floor


def _split_array(text: str) -> list[str]:
    """PostgreSQL's text form of a text[] ("{a,b,\"c d\"}") as a list."""
    inner = text[1:-1]
    items, current, quoted, escaped = [], [], False, False
    for char in inner:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    if inner:
        items.append("".join(current))
    return items


def _exact_frequencies(queryset: QuerySet[Signal]) -> tuple[dict[str, float], float]:
    """Document frequencies counted with ts_stat over the visible signals: exact, and cheap as
    long as there are few (before the first ANALYZE)."""
    inner = queryset.annotate(document=stored_document()).values("document").order_by()
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS visible", params)  # noqa: S608
        total = cursor.fetchone()[0] or 1
        statement = connection.ops.compose_sql(sql, params)
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [statement])
        rows = cursor.fetchall()
    return {word: ndoc / total for word, ndoc in rows}, 0.5 / total


def feature_shares(lexeme_shares: dict[str, float]) -> dict[str, float]:
    """The share of signals holding each feature, from the shares of lexemes: a stem's is its
    lexeme's; a concept's or n-gram's is estimated as the sum over the lexemes that give it (an
    upper bound: one signal may hold several of them)."""
    result: dict[str, float] = {}
    for lexeme, share in lexeme_shares.items():
        stem = analysis.lexeme_stem(lexeme)
        result[stem] = max(result.get(stem, 0.0), share)
        for derived in analysis.features({stem: 1.0}):
            if derived != stem:
                result[derived] = min(0.9, result.get(derived, 0.0) + share)
    return result


_shares_cache: dict[str, tuple[dict[str, float], float]] = {}


def _statistics(
    queryset: QuerySet[Signal],
) -> tuple[dict[str, float], dict[str, float], float, bool]:
    """(lexeme shares, feature shares, floor share, exact?). The feature shares of the planner's
    statistics are derived once per process and statistics snapshot."""
    statistics = _index_statistics()
    if statistics is None:
        shares, floor = _exact_frequencies(queryset)
        return shares, feature_shares(shares), floor, True
    shares, floor = statistics
    key = repr(sorted(shares.items())[:5]) + str(len(shares)) + str(floor)
    if key not in _shares_cache:
        _shares_cache.clear()
        _shares_cache[key] = (feature_shares(shares), floor)
    return shares, _shares_cache[key][0], floor, False


def _tsqueries(
    lexemes: dict[str, float], shares: dict[str, float], query: dict[str, float], exact: bool
) -> tuple[list[str], str]:
    """Which signals are candidates: the query's rare words, and a text-search query of its
    common ones.

    Few signals (no statistics): any word of the query or of its concepts, all in `rare`.
    Many: a word the planner's statistics do not list is rare (or absent), so each may find a
    candidate through the GIN index — it matches few rows, whatever the size of the venster.
    A common word alone would match a large part of the table, so the rarest listed ones are
    asked in pairs (a look-alike shares at least two of them); that query is only run over the
    programme's newest signals (`COMMON_WINDOW`). Common words still count in the score."""
    quoted = {t: t.replace("'", "''") for t in lexemes}
    concept_words = [
        stem
        for stem in analysis.concept_words(
            [t[1:] for t in query if t.startswith(analysis.CONCEPT_PREFIX)]
        )
        if _PLAIN_LEXEME.fullmatch(stem)
    ]
    if exact:
        chosen = [f"'{quoted[t]}'" for t in lexemes]
        chosen += [f"'{stem}'" for stem in concept_words]
        return list(dict.fromkeys(chosen)), ""
    rare = [f"'{quoted[t]}'" for t in lexemes if t not in shares]
    rare += [f"'{stem}'" for stem in concept_words if stem not in shares]
    listed = sorted((t for t in lexemes if t in shares), key=lambda t: (shares[t], t))
    listed = listed[:PAIRED_WORDS]
    if len(listed) == 1:
        common = [f"'{quoted[listed[0]]}'"]
    else:
        common = [f"('{quoted[a]}' & '{quoted[b]}')" for a, b in itertools.combinations(listed, 2)]
    return list(dict.fromkeys(rare)), " | ".join(common)


def _candidates(
    queryset: QuerySet[Signal], rare: list[str], common: str, exact: bool, within: int | None
) -> RawSQL:
    """The ids of the newest matches of each query, at most `CANDIDATES` each (`CANDIDATES_FEW`
    when the signals are few), as one UNION ALL subquery.

    The rare query is ordered by date through an expression no index serves: the planner then
    takes its (few) matches from the GIN index and sorts them.

    The common query reads a window of ids, never the GIN index: the signals whose id lies
    within `COMMON_WINDOW` of the newest id of the programme `within` (of the network without
    it), newest first, stopping at `CANDIDATES` matches. The words are tested on each row with
    `ts_match_vq`, a function the planner cannot answer from the GIN index: answered there (a
    bitmap of every signal holding two common words, intersected with the window), the look
    read the posting lists of the common words, which grow with every signal of the network,
    to keep a hundred of them. The window holds at most `COMMON_WINDOW` signals whichever index
    the planner walks it by, so the rows read stay the same as the network grows. Anchored at
    the programme's own newest signal, not the network's: where a programme's signals are not
    the newest ids (one programme's signals entered after another's), the network's window held
    none of its signals."""

    pieces = []
    # The planner estimates each word it has no statistics for at a fixed share; thirty of
    # them ORed look like a large part of the table, and it would read all of it. In small
    # groups each stays an index look-up.
    chunk = max(1, len(rare) if exact else RARE_WORDS_PER_QUERY)
    for start in range(0, len(rare), chunk):
        words = rare[start : start + chunk]
        piece = queryset.annotate(
            document=stored_document(),
            newest_first=ExpressionWrapper(F("raised_on") - Value(0), output_field=DateField()),
        ).filter(_indexed(words))
        if any(_COMPOUND.search(word) for word in words):
            piece = piece.filter(_matches(" | ".join(words)))
        pieces.append(
            piece.order_by("-newest_first", "-pk").values(piece_id=F("pk"))[
                : CANDIDATES_FEW if exact else CANDIDATES
            ]
        )
    if common:
        newest = _newest_id(within)
        pieces.append(
            queryset.filter(_matches(common), pk__gt=newest - COMMON_WINDOW, pk__lte=newest)
            .order_by("-pk")
            .values(piece_id=F("pk"))[:CANDIDATES]
        )
    selects, params = [], []
    for number, piece in enumerate(pieces):
        sql, piece_params = piece.query.sql_with_params()
        selects.append(f"SELECT piece_id FROM ({sql}) AS piece{number}")  # noqa: S608
        params.extend(piece_params)
    return RawSQL(" UNION ALL ".join(selects), params)  # noqa: S611 - compiled by Django


def _matches(words: str) -> Func:
    """The stored document matches the text-search query `words`, tested on each row read
    (`ts_match_vq`: the planner cannot answer it from the GIN index)."""
    from django.contrib.postgres.search import SearchQuery

    return Func(
        stored_document(),
        SearchQuery(words, config="simple", search_type="raw"),
        function="ts_match_vq",
        output_field=BooleanField(),
    )


def _indexed(words: list[str]) -> Func:
    """The stored document holds one of the rare `words`, answered from the GIN index.

    A compound ("pip-termijn") is asked as the one lexeme it is stored as. Read by
    `to_tsquery` it becomes a phrase of the compound and its parts ("'pip-termijn' <-> 'pip'
    <-> 'termijn'"), and the index then read the posting list of every part: "termijn" is in
    one signal in five, so one rare compound cost 10-30 ms at five times national scale. A
    signal holding the phrase holds the compound, so the index finds a superset; the caller
    keeps the exact phrase as a filter on those few rows (`_matches`), and the candidates
    are the same."""
    from django.contrib.postgres.search import SearchQuery, SearchQueryField

    plain = [word for word in words if not _COMPOUND.search(word)]
    compounds = [word for word in words if _COMPOUND.search(word)]
    queries = []
    if plain:
        queries.append(SearchQuery(" | ".join(plain), config="simple", search_type="raw"))
    if compounds:
        queries.append(Cast(Value(" | ".join(compounds)), SearchQueryField()))
    either = Func(*queries, template="(%(expressions)s)", arg_joiner=" || ")
    return Func(
        stored_document(),
        either,
        template="(%(expressions)s)",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )


def _newest_id(programme_id: int | None) -> int:
    """The newest id of the programme's signals (of the network's without one), read from the
    index on `programme, -id` (`search.selectors.programme_window`)."""
    signals = Signal.objects.all()
    if programme_id is not None:
        signals = programme_window(signals, programme_id)
    else:
        signals = signals.order_by("-pk")
    return signals.values_list("pk", flat=True).first() or 0


def _document(pk: int, title_vector: str, vector: str, theme_id: int | None) -> Document:
    lexemes = parse_tsvector(vector)  # title and description together
    for lexeme, count in parse_tsvector(title_vector).items():
        lexemes[lexeme] += (analysis.TITLE_WEIGHT - 1) * count
    return Document(pk, analysis.features(stems_of_lexemes(lexemes)), theme_id)


def _postgresql(
    queryset: QuerySet[Signal], title: str, text: str, within: int | None = None
) -> tuple[dict[str, float], list[Document], Statistics]:
    from django.contrib.postgres.search import SearchVector

    title_lexemes, text_lexemes = _query_lexemes(title, text)
    lexemes: dict[str, float] = dict(text_lexemes)
    for term, count in title_lexemes.items():
        lexemes[term] = lexemes.get(term, 0) + analysis.TITLE_WEIGHT * count
    lexemes = {
        t: n for t, n in lexemes.items() if re.fullmatch(r"[\w-]+", t) and analysis.lexeme_kept(t)
    }
    if not lexemes:
        return {}, [], Statistics({}, 0.0)
    query = analysis.features(stems_of_lexemes(lexemes))
    shares, derived, floor, exact = _statistics(queryset)
    rare, common = _tsqueries(lexemes, shares, query, exact)
    if not (rare or common):
        return {}, [], Statistics({}, 0.0)
    newest = _candidates(queryset, rare, common, exact, within)
    rows = (
        Signal.objects.filter(pk__in=newest)
        .annotate(
            title_lexemes=Cast(SearchVector("title", config="dutch"), TextField()),
            lexemes=Cast(stored_document(), TextField()),
        )
        .values_list("pk", "title_lexemes", "lexemes", "theme_id")
    )
    documents = [_document(*row) for row in rows]
    idf = {t: IDF_BASE - math.log(max(share, 1e-6)) for t, share in derived.items()}
    statistics = Statistics(idf=idf, default_idf=IDF_BASE - math.log(max(floor, 1e-6)))
    return query, documents, statistics


# --- What the venster learned: theme profiles ----------------------------------------------


def theme_model(programme_id: int) -> learning.ThemeModel:
    """The profiles of the programme's live themes, from the cache or built: the newest
    `learning.PROFILE_SIGNALS` passed-on signals linked to each, and the theme's own texts and
    those of the themes merged into it. Two queries when built, whatever the venster's size
    (the window keeps the rows read per theme bounded by an index on the theme)."""
    key = learning.cache_key(programme_id)
    model = cache.get(key)
    if model is None:
        model = _build_theme_model(programme_id)
        cache.set(key, model, learning.CACHE_SECONDS)
    return model


def _build_theme_model(programme_id: int) -> learning.ThemeModel:
    themes = list(
        SignalTheme.objects.filter(programme_id=programme_id).values_list(
            "pk", "title", "description", "merged_into_id"
        )
    )
    live = {pk: title for pk, title, _d, merged in themes if merged is None}
    if not live:
        return learning.ThemeModel(())
    own: dict[int, list[dict[str, float]]] = {pk: [] for pk in live}
    for pk, title, description, merged in themes:
        target = merged if merged in live else pk
        if target in own:
            own[target].append(analysis.text_features(title, description))
    documents = _profile_documents(list(live))
    by_theme: dict[int, list[dict[str, float]]] = {pk: [] for pk in live}
    for document in documents:
        by_theme[document.theme_id].append(document.terms)
    return learning.ThemeModel(
        tuple(learning.profile(pk, live[pk], by_theme[pk], own[pk]) for pk in sorted(live))
    )


def _profile_documents(theme_ids: list[int]) -> list[Document]:
    """The newest `learning.PROFILE_SIGNALS` passed-on signals of each theme: one slice per
    theme, each read newest first from the index on (theme, id), in one UNION ALL."""
    selects, params = [], []
    for number, theme_id in enumerate(theme_ids):
        piece = (
            Signal.objects.filter(theme_id=theme_id)
            .exclude(state=Signal.State.DRAFT)
            .order_by("-pk")
            .values(piece_id=F("pk"))[: learning.PROFILE_SIGNALS]
        )
        sql, piece_params = piece.query.sql_with_params()
        selects.append(f"SELECT piece_id FROM ({sql}) AS piece{number}")  # noqa: S608
        params.extend(piece_params)
    ids = RawSQL(" UNION ALL ".join(selects), params)  # noqa: S611 - compiled by Django
    signals = Signal.objects.filter(pk__in=ids).order_by()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        rows = signals.annotate(
            title_lexemes=Cast(SearchVector("title", config="dutch"), TextField()),
            lexemes=Cast(stored_document(), TextField()),
        ).values_list("pk", "title_lexemes", "lexemes", "theme_id")
        return [_document(*row) for row in rows]
    rows = signals.values_list("pk", "title", "description", "theme_id")
    return [Document(pk, analysis.text_features(t, d), theme) for pk, t, d, theme in rows]
