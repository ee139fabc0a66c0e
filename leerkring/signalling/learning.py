"""What the venster learns from its coordinators: every time a coordinator links signals to
one theme (hoofdvraagstuk), or merges two themes, they say "these belong together".

Each theme gets a **profile**: the summed term vectors of its newest linked signals
(`PROFILE_SIGNALS`), plus its own title and description and those of the themes merged into
it. Nothing leaves the machine; the profiles are computed from the database and cached until
a theme link, a theme or a signal's text changes (`themes_changed`).

The profiles serve twice:

- **Theme suggestion.** A new or passed-on signal is compared with every profile (TF-IDF
  cosine) and with the themes of its nearest look-alikes; the likeliest themes are shown to
  the coordinator with their score. Whatever the coordinator then links feeds the next
  suggestion.
- **Similar signals.** The query is widened with the strongest terms of its likeliest
  themes (relevance feedback, Rocchio), so a signal in the words of a klantmanager finds
  one in the words of a teacher once a coordinator has linked signals of both kinds to one
  theme.

Only viewers who may consult the venster get this evidence (`selectors`): the profiles are
built from all the programme's passed-on signals, which they may see anyway.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

#: Newest linked signals per theme that make its profile: enough to learn the words, and a
#: bound on the work whatever the size of the venster.
PROFILE_SIGNALS = 200
#: Strongest terms kept per profile.
PROFILE_TERMS = 400
#: Suggestion: how many look-alikes vote, and the share of their vote beside the profile.
NEIGHBOURS = 10
NEIGHBOUR_SHARE = 0.5
SUGGESTIONS = 3
#: Query widening: terms taken from each of the likeliest themes, the themes used, their
#: weight beside the query's own terms, and the score a theme needs before it widens anything.
EXPANSION_TERMS = 100
EXPANSION_THEMES = 2
EXPANSION_WEIGHT = 1.0
EXPANSION_MIN_SCORE = 0.15
CACHE_SECONDS = 600
_VERSION_KEY = "signalling:themes:version"


@dataclass(frozen=True)
class ThemeProfile:
    pk: int
    title: str
    signals: int
    terms: dict[str, float]


@dataclass(frozen=True)
class ThemeModel:
    profiles: tuple[ThemeProfile, ...]

    def __bool__(self) -> bool:
        return bool(self.profiles)


def unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items()}


def log_tf(terms: dict[str, float]) -> dict[str, float]:
    return {t: (1 + math.log(n)) if n >= 1 else n for t, n in terms.items() if n > 0}


def profile(
    pk: int, title: str, signals: list[dict[str, float]], own: list[dict[str, float]]
) -> ThemeProfile:
    """A theme's profile from its signals' features and its own texts' features (its title and
    description, and those of themes merged into it), each counted as one signal."""
    summed: dict[str, float] = {}
    for terms in [*signals, *own]:
        for term, weight in unit(log_tf(terms)).items():
            summed[term] = summed.get(term, 0.0) + weight
    strongest = sorted(summed.items(), key=lambda item: (-item[1], item[0]))[:PROFILE_TERMS]
    return ThemeProfile(pk=pk, title=title, signals=len(signals), terms=dict(strongest))


def _weighted(vector: dict[str, float], idf, default_idf: float) -> dict[str, float]:
    return unit({t: w * idf.get(t, default_idf) for t, w in vector.items()})


def theme_scores(
    model: ThemeModel,
    query: dict[str, float],
    *,
    idf: dict[str, float],
    default_idf: float,
    neighbours: Iterable[tuple[int | None, float]] = (),
) -> list[tuple[int, float]]:
    """Every theme with its score (0-1) for a query (its features), best first: the cosine
    with the theme's profile, and the share of the nearest look-alikes' similarity that falls
    on the theme."""
    wanted = _weighted(log_tf(query), idf, default_idf)
    votes: dict[int, float] = {}
    total = 0.0
    for theme_id, score in list(neighbours)[:NEIGHBOURS]:
        total += score
        if theme_id is not None:
            votes[theme_id] = votes.get(theme_id, 0.0) + score
    scored = []
    for item in model.profiles:
        vector = _weighted(item.terms, idf, default_idf)
        cosine = sum(w * vector.get(t, 0.0) for t, w in wanted.items())
        vote = votes.get(item.pk, 0.0) / total if total else 0.0
        share = NEIGHBOUR_SHARE if total else 0.0
        scored.append((item.pk, (1 - share) * cosine + share * vote))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored


def expansion(
    model: ThemeModel,
    scores: list[tuple[int, float]],
    *,
    idf: dict[str, float],
    default_idf: float,
) -> dict[str, float]:
    """Terms to add to a query (already weighted, to add to its unit vector): the strongest
    terms of its likeliest themes, in proportion to their score."""
    by_pk = {item.pk: item for item in model.profiles}
    added: dict[str, float] = {}
    for pk, score in scores[:EXPANSION_THEMES]:
        if score < EXPANSION_MIN_SCORE:
            break
        vector = _weighted(by_pk[pk].terms, idf, default_idf)
        strongest = sorted(vector.items(), key=lambda item: (-item[1], item[0]))
        for term, weight in strongest[:EXPANSION_TERMS]:
            added[term] = added.get(term, 0.0) + EXPANSION_WEIGHT * score * weight
    return added


# --- The cache -----------------------------------------------------------------------------


def themes_version() -> int:
    return cache.get_or_set(_VERSION_KEY, 1, timeout=None)


def _bump() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)


def themes_changed() -> None:
    """The profiles are stale: a signal was linked or unlinked, its text changed, or a theme
    was made, renamed or merged. Bumped now and after commit, as the venster's counts are."""
    _bump()
    transaction.on_commit(_bump)


def cache_key(programme_id: int) -> str:
    return f"signalling:themes:model:{programme_id}:{themes_version()}"
