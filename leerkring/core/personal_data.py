"""What Leerkring holds about one person, gathered from every app, and how each app lets go
of it when the person leaves (AVG art. 15, 17 and 20).

Like the community page's panels (panels.py), the accounts app that offers the download and
the erasure does not import the apps built on it. Each app registers, in its
`AppConfig.ready()`, a `collect` function from its selectors and, where it keeps something that
must go when the person leaves, an `erase` function from its services. A later API can offer the
same export by calling `collect_personal_data`.

Survey answers are not here: they are stored without a link to anyone (privacy.md), so there is
nothing to find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# One section of the export: a heading and its rows, each a mapping of column to value
# (strings, numbers, booleans, None or ISO dates), in the order they should be shown.
Rows = list[dict[str, Any]]
Collect = Callable[..., "dict[str, Rows]"]
Erase = Callable[..., None]


@dataclass(frozen=True)
class PersonalDataSource:
    key: str
    order: int
    title: str
    collect: Collect
    erase: Erase | None = None


_sources: dict[str, PersonalDataSource] = {}


def register_personal_data(
    *, key: str, order: int, title: str, collect: Collect, erase: Erase | None = None
) -> None:
    """`collect(person=…, user=…)` returns {section title: rows}; `erase(person=…, user=…,
    by=…)` removes or anonymises what this app keeps, inside the caller's transaction.
    `person` or `user` may be None (an account without a person record, or the reverse).
    Registering a key again replaces it."""
    _sources[key] = PersonalDataSource(
        key=key, order=order, title=title, collect=collect, erase=erase
    )


def personal_data_sources() -> list[PersonalDataSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


@dataclass(frozen=True)
class Chapter:
    """One app's part of the export."""

    key: str
    title: str
    sections: dict[str, Rows]


def collect_personal_data(*, person, user) -> list[Chapter]:
    chapters = []
    for source in personal_data_sources():
        sections = {
            title: rows for title, rows in source.collect(person=person, user=user).items() if rows
        }
        chapters.append(Chapter(key=source.key, title=str(source.title), sections=sections))
    return chapters


def erase_personal_data(*, person, user, by) -> None:
    """Every app's part of an erasure, the apps built on others first (they may still need
    the person's address), the account last; the caller holds the transaction."""
    for source in reversed(personal_data_sources()):
        if source.erase is not None:
            source.erase(person=person, user=user, by=by)
