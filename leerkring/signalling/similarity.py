"""Similar signals: while a signal is written or triaged, up to five existing signals that look
alike, so it can be linked as "known" instead of counted twice (issue "Het venster" §5).

How alike is measured: the title and description are reduced to Dutch word stems (lowercase,
accents folded, Dutch stop words dropped, Snowball stemming) and compared by TF-IDF cosine:
words that many signals use ("inburgeraar", "gemeente") weigh little, rare ones
("leerbaarheidstoets", "kinderopvang") weigh a lot. The title counts double, because it is the
signal's own summary. recall@5 on the labelled set is in docs/performance.md.

Two ways to find the candidates, one way to score them:

- **PostgreSQL** (national scale, 100,000 signals): the stems come from PostgreSQL's own Dutch
  configuration, stored per signal in the generated column `search_vector` with its GIN index
  (migration 0004, `search.stored_document()`). The query asks for signals holding any of its
  rarer stems — how rare a stem is comes from the planner's statistics on that column
  (`pg_stats.most_common_elems`, kept by ANALYZE), so no
  request reads all signals. The most recent `CANDIDATES` matches are scored in Python on their
  lexemes. Without statistics yet (a new or small database) the document frequencies are
  counted exactly with `ts_stat` over the programme's visible signals.
- **Elsewhere** (SQLite, development): every visible signal is stemmed in Python with
  `snowballstemmer`. Fine for the small data a development database holds.

Which signals a visitor may see is decided by the caller (`selectors.similar_scope`), never
here.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import (
    DateField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast

from .models import Signal

LIMIT = 5
CANDIDATES = 100
#: Without planner statistics the signals are few, so every match may be scored.
CANDIDATES_FEW = 2000
MAX_QUERY_LENGTH = 5000
TITLE_WEIGHT = 2.0
#: On PostgreSQL: how many of the query's commoner words (those the planner's statistics list)
#: are asked for, in pairs, to find candidates.
PAIRED_WORDS = 4
MIN_SCORE = 0.05
#: Added to every term's IDF, so a word that every candidate shares still counts a little: ten
#: copies of one text remain look-alikes of it.
IDF_BASE = 1.0
#: The stored search document of migration 0004, whose planner statistics give the shares.
STORED_TABLE = "signalling_signal"
STORED_COLUMN = "search_vector"

# Snowball's Dutch stop word list, accents folded (https://snowballstem.org/algorithms/dutch/).
STOP_WORDS = frozenset(
    """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om
    hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar
    naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al
    waren veel meer doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd
    altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest
    andere we wij jullie wel zij hen wordt worden kunnen moeten mogen gaan komen
    """.split()  # noqa: SIM905 - easier to read and extend as one text
)
#: A small thesaurus of the inburgering practice: words (or word beginnings, accents folded)
#: that name one thing. A signal about the "crèche" then also looks like one about
#: "kinderopvang", and "taalaanbieder" like "taalschool". Each concept counts as an extra term
#: of weight `CONCEPT_WEIGHT` beside the words themselves.
CONCEPTS: dict[str, str] = {
    "kinderopvang": "kinderopvang creche crèche oppas peuteropvang",
    "wachten": "wachttijd wachtlijst wacht vertraging vertraagd lang maanden",
    "capaciteit": "plek vol tekort capaciteit weinig",
    "taalaanbieder": "taalschool taalaanbieder taalinstituut taalklas taalles taalcursus lesplek nt2 les lessen",
    "reizen": "reiskosten vervoerskosten reis ov openbaar bus trein vervoer bereik onbereikbaar reistijd auto",
    "platteland": "dorp platteland buitengebied kernen landelijk kleine afgelegen",
    "zorgverzekering": "zorgverzeker verzekerd verzekering premie cak onverzekerd risico",
    "lening": "lening krediet geleend aflos terugbetal kwijtschel",
    "woning": "woning huisvest woonruimte huurwoning woningtekort huis",
    "azc": "azc coa opvang",
    "zroute": "zroute z-rout zelfredzaamheidsroute",
    "uren": "uur uren urennorm 1600",
    "medisch": "medisch keuring keuringsarts",
    "ontheffing": "ontheffing",
    "toets": "leerbaarheidstoets leerbaarheid toets score",
    "map": "map participatiemodule arbeidsmarkt module",
    "pvt": "pvt participatieverklaring kernwaarde workshop",
    "ontzorgen": "ontzorg vaste lasten huur energie",
    "schuld": "schuld betalingsachterstand achterstand",
    "gezinsmigrant": "gezinsmigrant gezinsvorm gezinsvormer partner",
    "jong": "jongere jongeren jongvolwassen jonge 18",
    "isk": "isk schakelklas",
    "mbo": "mbo beroepsonderwijs roc onderwijs",
    "onderwijsroute": "onderwijsroute schakeljaar schakeltraject studeren instroom",
    "gegevens": "gegevens informatie dossier gegevensuitwisseling klantprofiel koa screening overdracht",
    "tolk": "tolk tolken tolkdienst tolkvoorziening",
    "digitaal": "digid inlog digitaal portal activ",
    "examen": "examen examenplek examenlocatie examencapaciteit uitslag",
    "werk": "werk baan werkend werktijd ploegendienst",
    "rooster": "lestijd rooster lesrooster avondles avond weekend flexibel",
    "psyche": "trauma psychisch ggz somber stress slaap concentratie",
    "boete": "boete sanctie handhav straf",
    "termijn": "termijn verlenging verleng",
    "maatje": "maatje taalmaatje vrijwillig taalcoach taalcafe oefen",
    "amv": "amv minderjarig nidos voogd",
    "bijstand": "participatiewet bijstand uitkering sollicitatieplicht re-integratie werkconsulent",
    "toeslag": "toeslag huurtoeslag zorgtoeslag belastingdienst naheffing terugvorder",
    "diploma": "diploma erkenning erkend waardering idw hoogopgeleid opleiding",
    "alfa": "analfabe alfabetisering laaggeletterd geletterd alfa lezen schrijven schrift",
    "inspanning": "inspanning examenpoging poging",
    "registratie": "registratie systeem excel klantvolgsysteem invoer administratie vastleg",
    "budget": "budget financiering middelen rijksbijdrage rijksbudget geld tarief toeleg bijleg ontoereikend bezuinig inkoop",
    "zwanger": "zwanger bevall verlof geboorte pauze",
    "brief": "brief brieven post beschikking begrijp moeilijk ingewikkeld onbegrijpelijk eenvoudig snap",
    "oekraine": "oekrain ontheemd",
    "nareizen": "nareiz gezinshereniging hereniging gezinsleden",
    "route": "leerroute route overstap wissel ingedeeld",
    "verzuim": "verzuim afwezig aanwezig ziekmeld ziek",
    "werkgever": "werkgever bedrijf",
    "kwaliteit": "kwaliteit keurmerk docent klas",
    "vrouw": "vrouw moeder rolverdeling rolpatroon",
    "bank": "bank bankrekening rekening betaalrekening",
    "huisarts": "huisarts patientenstop praktijk",
    "verhuizen": "verhuiz verhuist woongemeente",
}
CONCEPT_WEIGHT = 2.0
_TOKEN = re.compile(r"[a-z0-9]+")
_Z_ROUTE = re.compile(r"\bz-route")
_LEXEME = re.compile(r"'((?:[^']|'')+)':([0-9A-D,]+)")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("dutch")


def fold(text: str) -> str:
    """Lowercase without accents: "coördinatie" and "coordinatie" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _Z_ROUTE.sub("zroute", folded)


def stems(text: str) -> list[str]:
    """The Dutch stems of a text, stop words left out, in order (repeats kept)."""
    words = [w for w in _TOKEN.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]
    return [_stem(word) for word in words]


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _prefixes() -> list[tuple[str, str]]:
    return [(fold(word), concept) for concept, words in CONCEPTS.items() for word in words.split()]


@lru_cache(maxsize=100_000)
def concepts_of(term: str) -> tuple[str, ...]:
    """The thesaurus concepts a stem (or PostgreSQL lexeme) belongs to: it starts with one of
    the concept's words, or is a stem of one ("wacht" of "wachten")."""
    term = fold(term)
    return tuple(
        sorted(
            {
                concept
                for word, concept in _prefixes()
                if term.startswith(word)
                or (len(term) >= 4 and len(word) > 4 and word.startswith(term))
            }
        )
    )


# --- Scoring (shared by both ways) ---------------------------------------------------------


@dataclass(frozen=True)
class Document:
    pk: int
    terms: dict[str, float]


def weighted_terms(title_terms: list[str], body_terms: list[str]) -> dict[str, float]:
    counts: Counter[str] = Counter(body_terms)
    for term in title_terms:
        counts[term] += TITLE_WEIGHT
    return with_concepts(counts)


def with_concepts(counts: dict[str, float]) -> dict[str, float]:
    """The terms plus their thesaurus concepts ("#kinderopvang")."""
    result = dict(counts)
    for term, count in counts.items():
        for concept in concepts_of(term):
            key = f"#{concept}"
            result[key] = result.get(key, 0.0) + CONCEPT_WEIGHT * count
    return result


def _vector(terms: dict[str, float], idf: dict[str, float], default_idf: float) -> dict:
    vector = {t: (1 + math.log(tf)) * idf.get(t, default_idf) for t, tf in terms.items() if tf > 0}
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items()}


def rank(
    query: dict[str, float],
    documents: list[Document],
    *,
    idf: dict[str, float],
    default_idf: float,
    limit: int = LIMIT,
) -> list[tuple[int, float]]:
    """The best `limit` documents by TF-IDF cosine with the query: (pk, score), best first."""
    # Words no candidate holds cannot tell candidates apart; left in, they would only shrink
    # every score below `MIN_SCORE` for a text full of words the venster has never seen.
    present = set().union(*(document.terms for document in documents)) if documents else set()
    wanted = _vector({t: n for t, n in query.items() if t in present}, idf, default_idf)
    scored = []
    for document in documents:
        vector = _vector(document.terms, idf, default_idf)
        score = sum(w * vector.get(t, 0.0) for t, w in wanted.items())
        if score >= MIN_SCORE:
            scored.append((document.pk, score))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored[:limit]


def idf_from_frequencies(document_count: int, df: dict[str, int]) -> dict[str, float]:
    return {t: math.log((document_count + 1) / (n + 0.5)) + IDF_BASE for t, n in df.items()}


# --- Finding them ---------------------------------------------------------------------------


def similar_signals(
    *, text: str, scope: Q, title: str = "", exclude_pk: int | None = None, limit: int = LIMIT
) -> list[Signal]:
    """Up to `limit` signals within `scope` that look like `title` + `text`, most alike first;
    each carries its score as `similarity` (0-1)."""
    title = (title or "")[:MAX_QUERY_LENGTH]
    text = (text or "")[:MAX_QUERY_LENGTH]
    if not (title + text).strip():
        return []
    queryset = Signal.objects.filter(scope)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        ranked = _similar_postgresql(queryset, title, text, limit)
    else:
        ranked = _similar_python(queryset, title, text, limit)
    if not ranked:
        return []
    found = Signal.objects.select_related("community", "theme").in_bulk([pk for pk, _s in ranked])
    result = []
    for pk, score in ranked:
        signal = found[pk]
        signal.similarity = round(score, 2)
        result.append(signal)
    return result


def _similar_python(
    queryset: QuerySet[Signal], title: str, text: str, limit: int
) -> list[tuple[int, float]]:
    documents = [
        Document(pk, weighted_terms(stems(t), stems(d)))
        for pk, t, d in queryset.values_list("pk", "title", "description").iterator()
    ]
    df: Counter[str] = Counter()
    for document in documents:
        df.update(document.terms.keys())
    idf = idf_from_frequencies(len(documents), df)
    query = weighted_terms(stems(title), stems(text))
    default_idf = math.log(len(documents) + 1) + IDF_BASE
    return rank(query, documents, idf=idf, default_idf=default_idf, limit=limit)


def parse_tsvector(value: str | None) -> Counter[str]:
    """ "'aanvrag':3 'duo':1,7" -> {"aanvrag": 1, "duo": 2} (positions counted)."""
    counts: Counter[str] = Counter()
    for lexeme, positions in _LEXEME.findall(value or ""):
        counts[lexeme.replace("''", "'")] += len(positions.split(","))
    return counts


def _postgresql_query_terms(title: str, text: str) -> tuple[Counter[str], Counter[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('dutch', %s)::text, to_tsvector('dutch', %s)::text", [title, text]
        )
        title_vector, text_vector = cursor.fetchone()
    return parse_tsvector(title_vector), parse_tsvector(text_vector)


def _index_statistics() -> tuple[dict[str, float], float] | None:
    """Share of signals holding each common stem, from the planner's statistics on the stored
    search document, and the share below which a stem is not listed; None before the first
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
    from .search import stored_document

    inner = queryset.annotate(document=stored_document()).values("document").order_by()
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS visible", params)  # noqa: S608
        total = cursor.fetchone()[0] or 1
        statement = connection.ops.compose_sql(sql, params)
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [statement])
        rows = cursor.fetchall()
    return {word: ndoc / total for word, ndoc in rows}, 0.5 / total


def _concept_shares(shares: dict[str, float]) -> dict[str, float]:
    """A concept's share of signals, estimated from its words' shares (an upper bound: one
    signal may hold several of its words)."""
    result: dict[str, float] = {}
    for term, share in shares.items():
        for concept in concepts_of(term):
            result[f"#{concept}"] = min(0.9, result.get(f"#{concept}", 0.0) + share)
    return result


def _similar_postgresql(
    queryset: QuerySet[Signal], title: str, text: str, limit: int
) -> list[tuple[int, float]]:
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from .search import stored_document

    title_terms, text_terms = _postgresql_query_terms(title, text)
    words = dict(text_terms)
    for term, count in title_terms.items():
        words[term] = words.get(term, 0) + TITLE_WEIGHT * count
    words = {t: n for t, n in words.items() if re.fullmatch(r"[\w-]+", t)}
    if not words:
        return []
    query = with_concepts(words)
    statistics = _index_statistics()
    exact = statistics is None
    shares, floor = _exact_frequencies(queryset) if exact else statistics
    if exact:
        # Few signals: every word, and the thesaurus words of the query's concepts, may find
        # a candidate.
        chosen = [f"'{term}'" for term in words]
        concepts = {c for term in words for c in concepts_of(term)}
        chosen += [
            f"'{word}':*"
            for word, concept in _prefixes()
            if concept in concepts and re.fullmatch(r"[a-z0-9-]+", word)
        ]
    else:
        # Many signals. Words the planner's statistics do not list are rare (or absent) and
        # cheap: each may find a candidate. A common word alone would match a large part of
        # the table, so the rarest listed ones are asked in pairs: a look-alike shares at
        # least two of them. (Common words still count in the score.)
        chosen = [f"'{term}'" for term in words if term not in shares]
        listed = sorted((t for t in words if t in shares), key=lambda t: (shares[t], t))
        listed = listed[:PAIRED_WORDS]
        if len(listed) == 1:
            chosen.append(f"'{listed[0]}'")
        chosen += [f"('{a}' & '{b}')" for a, b in itertools.combinations(listed, 2)]
    tsquery = " | ".join(chosen)
    # Ordered by date through an expression no index serves: the planner then takes the
    # matches from the GIN index and sorts them. Ordered by the bare column, it may walk the
    # venster's date index instead and test every signal until enough match — all 100,000
    # of them for a text whose words match nothing.
    newest = (
        queryset.annotate(
            document=stored_document(),
            newest_first=ExpressionWrapper(F("raised_on") - Value(0), output_field=DateField()),
        )
        .filter(document=SearchQuery(tsquery, config="simple", search_type="raw"))
        .order_by("-newest_first", "-pk")
        .values("pk")[: CANDIDATES_FEW if exact else CANDIDATES]
    )
    rows = (
        Signal.objects.filter(pk__in=newest)
        .annotate(
            title_lexemes=Cast(SearchVector("title", config="dutch"), TextField()),
            lexemes=Cast(stored_document(), TextField()),
        )
        .values_list("pk", "title_lexemes", "lexemes")
    )
    documents = []
    for pk, title_vector, vector in rows:
        terms = parse_tsvector(vector)  # title and description together
        for term, count in parse_tsvector(title_vector).items():
            terms[term] += (TITLE_WEIGHT - 1) * count
        documents.append(Document(pk, with_concepts(terms)))
    shares = {**shares, **_concept_shares(shares)}
    seen = set(query).union(*(d.terms for d in documents))
    idf = {t: IDF_BASE - math.log(max(shares[t], 1e-6)) for t in seen if t in shares}
    default_idf = IDF_BASE - math.log(max(floor, 1e-6))
    return rank(query, documents, idf=idf, default_idf=default_idf, limit=limit)
