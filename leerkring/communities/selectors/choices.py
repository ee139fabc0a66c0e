"""The community filter of pages that can list every community of a programme: the venster,
the product catalogue and a wave's survey results.

A programme has a handful of communities or thousands of them (issue 17). A list to choose
from helps while it is short; a long one is no help, and it was read whole and rendered on
every request. So up to `COMMUNITY_CHOICES_MAX` the filter is a list, above it a search on the
name, and the community a shared link asks for (`?community=<id>`) is always found and shown,
so the link keeps its meaning. What may be offered at all stays each caller's rule
(DESIGN.md §2): it passes the communities its visitor may choose from, and a community outside
them is never found, whatever its id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection
from django.db.models import QuerySet

from leerkring.core import id_lists

from ..models import Community

#: Up to this many communities a page's community filter is a list to choose from; above it
#: a search on the name. One number for every page, so a programme's visitor meets the same
#: filter on each of them.
COMMUNITY_CHOICES_MAX = 50

# The largest key a community can have (`core.id_lists.MAX_KEY`).
MAX_KEY = id_lists.MAX_KEY


class CommunityChoices(NamedTuple):
    """The community filter's options. `listed` holds every community that may be chosen (by
    name) unless `searchable`, when there are more than `COMMUNITY_CHOICES_MAX`; `chosen` is
    the community asked for, if it is one of them; `asked` says a community was asked for at
    all, so a caller can tell the visitor when it was not one of them."""

    listed: list[tuple[int, str]]
    searchable: bool
    chosen: tuple[int, str] | None
    asked: bool

    @property
    def offered(self) -> list[tuple[int, str]]:
        """What the choice field offers: the list, or above the threshold only the chosen
        community, so a shared link still shows (and can clear) what it filters on."""
        if not self.searchable:
            return self.listed
        return [self.chosen] if self.chosen else []

    @property
    def refused(self) -> bool:
        """A community was asked for that is not one the visitor may choose: another
        programme's, one hidden from them, or none at all. Callers say so with one message
        for all three, so the answer reveals nothing of the community behind the id."""
        return self.asked and self.chosen is None


def community_choices(
    communities: QuerySet[Community] | Sequence[tuple[int, str]], *, chosen: object = None
) -> CommunityChoices:
    """The filter's options among `communities` — the ones the caller's visitor may choose
    from: a queryset of the database's communities, or (pk, name) pairs by name that the
    caller worked out itself (the survey results offer only groups large enough to show).

    A queryset is read in one query whatever its size: its first `COMMUNITY_CHOICES_MAX` + 1
    communities by name (for a programme, the unique index on programme and name serves them
    in order) and the chosen one, each a limited subquery of one UNION (both databases allow a
    limit there, Django's union does not on SQLite), told apart by a marker column."""
    asked = chosen not in (None, "")
    chosen_pk = id_lists.as_key(chosen)
    if isinstance(communities, QuerySet):
        names, found = _first_and_chosen(communities, chosen_pk)
    else:
        names = list(communities[: COMMUNITY_CHOICES_MAX + 1])
        found = [(pk, name) for pk, name in communities if pk == chosen_pk][:1]
    searchable = len(names) > COMMUNITY_CHOICES_MAX
    return CommunityChoices(
        listed=[] if searchable else names,
        searchable=searchable,
        chosen=found[0] if found else None,
        asked=asked,
    )


def _first_and_chosen(
    communities: QuerySet[Community], chosen_pk: int | None
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    listed = communities.order_by("name").values_list("pk", "name")[: COMMUNITY_CHOICES_MAX + 1]
    sql, params = listed.query.sql_with_params()
    selects, all_params = [f"SELECT 0, listed.* FROM ({sql}) AS listed"], list(params)  # noqa: S608
    if chosen_pk is not None:
        one = communities.filter(pk=chosen_pk).order_by().values_list("pk", "name")[:1]
        sql, params = one.query.sql_with_params()
        selects.append(f"SELECT 1, one.* FROM ({sql}) AS one")  # noqa: S608
        all_params.extend(params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects) + " ORDER BY 1, 3", all_params)
        rows = cursor.fetchall()
    names = [(pk, name) for part, pk, name in rows if part == 0]
    found = [(pk, name) for part, pk, name in rows if part == 1]
    return names, found
