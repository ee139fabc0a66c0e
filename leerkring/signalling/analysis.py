"""How a signal's text becomes the terms that similar signals and theme suggestions compare.

Plain Python, no Django: the same function serves SQLite (stems made here) and PostgreSQL
(stems read from the stored search document, made by PostgreSQL's own `dutch` configuration).
Both use the Snowball *Dutch Porter* algorithm, so a word gets the same stem on both paths.
(Snowball's newer "dutch" algorithm strips "ge-" as a prefix: "gemeenten" becomes "meen" and
"gezinsmigranten" "zinsmigran"; PostgreSQL 15 does not do that.)

A text becomes, with a weight each:

- its **stems** (lowercase, accents folded, Dutch stop words out);
- the **character n-grams** of each stem (`NGRAM` letters, with the word's edges marked), so
  Dutch compounds share what they share — "taalschool" and "taalaanbieder", "wachtlijst" and
  "wachttijd" —, and a typo ("kinderopvnag") still shares most of its word;
- the **concepts** of a small thesaurus (`thesaurus.CONCEPTS`), matched on stems, so
  "vertaler" meets "tolk" and "absentie" meets "verzuim". Matching is exact on the stem, or
  a long thesaurus word as the head or tail of a compound ("taalschoolwachtlijst"); short
  words never match as a part, so "lang" no longer sets off "waiting" in every text.

docs/performance.md reports what each part adds on text nobody tuned for.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from .thesaurus import ABBREVIATIONS, CONCEPTS

TITLE_WEIGHT = 2.0
#: Letters per character n-gram, and the weight of all of a stem's n-grams together relative
#: to the stem itself.
NGRAM = 4
NGRAM_WEIGHT = 0.25
CONCEPT_WEIGHT = 3.0
#: A thesaurus word matches as part of a compound only from this length on.
COMPOUND_PART_MIN = 6

CONCEPT_PREFIX = "#"
NGRAM_PREFIX = "~"

# Snowball's Dutch stop word list, accents folded (https://snowballstem.org/algorithms/dutch/),
# with a few auxiliary verbs that carry nothing in a signal.
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
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: The words of `STOP_WORDS` that PostgreSQL's `dutch` configuration keeps (as these lexemes),
#: dropped there too so that both paths compare the same terms.
POSTGRESQL_KEPT_STOP_WORDS = (
    "één",
    "gaan",
    "hen",
    "jullie",
    "komen",
    "moeten",
    "mogen",
    "we",
    "wel",
    "wij",
)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("dutch_porter")


def fold(text: str) -> str:
    """Lowercase without accents: "coördinatie" and "coordinatie" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The words of a text, folded, stop words out. A hyphenated word counts as its parts and
    as one word ("pip-termijn": "pip", "termijn", "piptermijn"), as PostgreSQL's parser also
    gives both."""
    result = []
    for token in _TOKEN.findall(fold(text)):
        parts = token.split("-")
        if len(parts) > 1:
            result.append("".join(parts))
        result.extend(parts)
    return [w for w in result if len(w) > 1 and w not in STOP_WORDS]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Dutch Porter stem of a word (folded first); an abbreviation becomes what it stands
    for first ("pip" and "inburgeringsplan" are one plan)."""
    word = fold(word)
    word = ABBREVIATIONS.get(word, word)
    return _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    """The stems of a text, in order (repeats kept)."""
    return [stem(word) for word in words(text)]


@lru_cache(maxsize=1)
def _abbreviation_stems() -> dict[str, str]:
    """{PostgreSQL's stem of an abbreviation: the abbreviation}: "Z-route" is "zrout" there."""
    return {_stemmer().stemWord(short): short for short in ABBREVIATIONS}


@lru_cache(maxsize=1)
def _dropped_lexemes() -> frozenset[str]:
    return frozenset(_stemmer().stemWord(fold(word)) for word in POSTGRESQL_KEPT_STOP_WORDS)


def lexeme_kept(lexeme: str) -> bool:
    """Whether a PostgreSQL lexeme is a term here: not a single letter, not a stop word that
    PostgreSQL keeps ("we", "moet" of "moeten", "een" of "één")."""
    word = fold(lexeme)
    return len(word) > 1 and word not in _dropped_lexemes()


@lru_cache(maxsize=200_000)
def lexeme_stem(lexeme: str) -> str:
    """A PostgreSQL `dutch` lexeme in the form `stem()` gives: folded, hyphens out, and an
    abbreviation mapped as in `stem()` (PostgreSQL stems "pip" to "pip" and "Z-route" to
    "zrout", so it is looked up by its stem too). PostgreSQL leaves words with a digit
    unstemmed ("nt2-docenten"); they are stemmed here as `stem()` does."""
    word = fold(lexeme).replace("-", "")
    if word in ABBREVIATIONS:
        return stem(word)
    if word in _abbreviation_stems():
        return stem(_abbreviation_stems()[word])
    if any(char.isdigit() for char in word):
        return stem(word)
    return word


@lru_cache(maxsize=1)
def _concept_stems() -> tuple[dict[str, tuple[str, ...]], list[tuple[str, str]]]:
    """{stem: concepts} for exact matches, and (part, concept) of the long lexicon words that
    may also match as the head or tail of a compound. A head is looked for as written too:
    the stem of "taalschoolwachtlijst" starts with "taalschool", not with the stem
    "taalschol" of "taalschool" alone."""
    exact: dict[str, set[str]] = {}
    parts: set[tuple[str, str]] = set()
    for concept, entries in CONCEPTS.items():
        for entry in entries.split():
            for word in words(entry):
                key = stem(word)
                exact.setdefault(key, set()).add(concept)
                for part in (key, word):
                    if len(part) >= COMPOUND_PART_MIN:
                        parts.add((part, concept))
    return {k: tuple(sorted(v)) for k, v in exact.items()}, sorted(parts)


@lru_cache(maxsize=200_000)
def concepts_of(term: str) -> tuple[str, ...]:
    """The thesaurus concepts a stem belongs to."""
    exact, parts = _concept_stems()
    found = set(exact.get(term, ()))
    if len(term) > COMPOUND_PART_MIN:
        found.update(
            concept
            for part, concept in parts
            if len(term) > len(part) and (term.startswith(part) or term.endswith(part))
        )
    return tuple(sorted(found))


@lru_cache(maxsize=200_000)
def ngrams_of(term: str) -> tuple[str, ...]:
    """The character n-grams of a stem, its edges marked ("^taal", "ool$")."""
    marked = f"^{term}$"
    if len(marked) <= NGRAM:
        return (NGRAM_PREFIX + marked,)
    return tuple(NGRAM_PREFIX + marked[i : i + NGRAM] for i in range(len(marked) - NGRAM + 1))


def features(counts: dict[str, float]) -> dict[str, float]:
    """Weighted stems -> weighted features: the stems, their n-grams and their concepts."""
    result: dict[str, float] = {}
    for term, count in counts.items():
        result[term] = result.get(term, 0.0) + count
        if CONCEPT_WEIGHT:
            for concept in concepts_of(term):
                key = CONCEPT_PREFIX + concept
                result[key] = result.get(key, 0.0) + CONCEPT_WEIGHT * count
        if NGRAM_WEIGHT:
            grams = ngrams_of(term)
            share = NGRAM_WEIGHT * count / len(grams)
            for gram in grams:
                result[gram] = result.get(gram, 0.0) + share
    return result


def weighted_stems(title_stems: list[str], body_stems: list[str]) -> dict[str, float]:
    counts: Counter[str] = Counter(body_stems)
    for term in title_stems:
        counts[term] += TITLE_WEIGHT
    return dict(counts)


def text_features(title: str, description: str) -> dict[str, float]:
    """The features of a signal's title and description (the title counts double)."""
    return features(weighted_stems(stems(title), stems(description)))


def concept_words(concepts: list[str]) -> list[str]:
    """The stems of the thesaurus words of these concepts (to find candidates by)."""
    wanted = set(concepts)
    exact, _parts = _concept_stems()
    return sorted(stem for stem, found in exact.items() if wanted.intersection(found))
