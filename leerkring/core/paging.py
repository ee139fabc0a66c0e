"""A paginator told its count beforehand: a list whose total the page already holds (cached
counts, a summary, an event's seats) is not counted a second time."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class KnownCountPaginator(Paginator):
    """`count` is the list's total, or None to count the list as Django does (after a search,
    when no stored figure fits)."""

    def __init__(self, *args, count: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return super().count if self._known_count is None else self._known_count
