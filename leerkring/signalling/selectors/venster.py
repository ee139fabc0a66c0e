"""Reads behind the venster, the coordinator's overview of a programme's signals. Every list
is a fixed number of queries: related rows come with select_related, counts come from one
grouped aggregate.

The counts per state and the theme groups read every signal under the filters (~50-80 ms at
national scale). They are overview figures, so they are cached for a minute, keyed on the
programme, the filters and a version that every change to a signal bumps
(`venster_changed`, called by the lifecycle, per programme): a change shows at once, the passing of time
(a signal crossing its feedback deadline) within a minute."""

from __future__ import annotations

import datetime
import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from leerkring.communities.models import Community, Programme
from leerkring.communities.selectors import CommunityChoices, community_choices
from leerkring.meetings.topics import SolutionLevel
from leerkring.search import selectors as search_selectors
from leerkring.search.selectors import (
    RANK_CANDIDATES,
    newest_matches,
    signal_programme_windows,
)
from leerkring.signalling import search as signal_search
from leerkring.signalling.models import Signal, VensterTally
from leerkring.signalling.venster_tallies import waiting_by_state
from leerkring.signalling.waiting import CLOSED_STATES, waiting_q

VENSTER_CLOSED_STATES = CLOSED_STATES
VENSTER_STATES = [s for s in Signal.State if s != Signal.State.DRAFT]
NO_THEME = "none"

_LEVEL_ORDER = Case(
    *[When(solution_level=level, then=Value(i)) for i, level in enumerate(SolutionLevel.values)],
    default=Value(len(SolutionLevel.values)),
    output_field=IntegerField(),
)
_STATE_ORDER = Case(
    *[When(state=state, then=Value(i)) for i, state in enumerate(Signal.State.values)],
    default=Value(len(Signal.State.values)),
    output_field=IntegerField(),
)
#: Sort keys of the venster (``?sort=level`` or ``?sort=-level``) and what they order by.
VENSTER_SORTS: dict[str, list] = {
    "date": ["raised_on"],
    "subject": ["title"],
    "level": [_LEVEL_ORDER],
    "state": [_STATE_ORDER],
    "community": ["community__name"],
}


def feedback_deadline_days(programme: Programme) -> int:
    try:
        return programme.rule_profile.signal_feedback_days
    except Programme.rule_profile.RelatedObjectDoesNotExist:
        return 42


def venster_waiting_q(programme: Programme, *, now: datetime.datetime | None = None) -> Q:
    """Waiting for feedback past the programme's deadline (`waiting_for_feedback_q`, below,
    is the one definition the venster, the panel and the digest share)."""
    return waiting_for_feedback_q(days=feedback_deadline_days(programme), now=now)


def venster_base(*, programme: Programme) -> QuerySet[Signal]:
    """Every passed-on signal of the programme (drafts never leave the community), by the
    programme kept on the signal: no join with the communities to find them."""
    return Signal.objects.filter(programme=programme).exclude(state=Signal.State.DRAFT)


def venster_filter(
    queryset: QuerySet[Signal],
    *,
    programme: Programme,
    state: str = "",
    theme: str = "",
    topic_category: str = "",
    solution_level: str = "",
    community: int | None = None,
    community_name: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    waiting: bool = False,
    q: str = "",
    now: datetime.datetime | None = None,
    **_ignored,
) -> QuerySet[Signal]:
    if state:
        queryset = queryset.filter(state=state)
    if theme == NO_THEME:
        queryset = queryset.filter(theme__isnull=True)
    elif theme:
        queryset = queryset.filter(theme_id=int(theme))
    if topic_category:
        queryset = queryset.filter(topic_category=topic_category)
    if solution_level:
        queryset = queryset.filter(solution_level=solution_level)
    if community:
        queryset = queryset.filter(community_id=community)
    if community_name:
        queryset = queryset.filter(community__name__icontains=community_name)
    if date_from:
        queryset = queryset.filter(raised_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(raised_on__lte=date_to)
    if waiting:
        queryset = queryset.filter(venster_waiting_q(programme, now=now))
    if q:
        queryset = signal_search.signals_search(queryset, q)
    return queryset


def venster_signals(
    *,
    programme: Programme,
    sort: str = "",
    group_by_theme: bool = False,
    now: datetime.datetime | None = None,
    **filters,
) -> QuerySet[Signal]:
    """The venster's rows. Without a chosen sort, signals waiting for feedback come first
    (issue §4), then the best search match, then the newest."""
    queryset = venster_filter(
        venster_base(programme=programme), programme=programme, now=now, **filters
    )
    queryset = queryset.select_related("community", "theme").annotate(
        waiting=_waiting_flag(programme, now=now)
    )
    head, tail = _venster_order(sort=sort, group_by_theme=group_by_theme, q=filters.get("q", ""))
    return queryset.order_by(*head, *tail)


def _waiting_flag(programme: Programme, *, now: datetime.datetime | None) -> Case:
    """True on a row waiting for feedback past the programme's deadline."""
    return Case(
        When(venster_waiting_q(programme, now=now), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


class VensterSearchResults:
    """A searched venster for the paginator: the newest `RANK_CANDIDATES` matches (of `ids`,
    newest first) in the venster's order (`in_order`), and whether there were more (`capped`).
    Each slice is one query: the page's ids picked among the candidates in that order, and
    only they read whole with their community and theme — joined before the pick, the 200
    candidates made PostgreSQL hash every community of the network."""

    #: Told to the paginator, which would otherwise look for a queryset's `ordered`.
    ordered = True

    def __init__(self, in_order: QuerySet[Signal], ids: list[int]) -> None:
        self.ids = ids
        self.capped = len(ids) > RANK_CANDIDATES
        self.in_order = in_order

    def count(self) -> int:
        return min(len(self.ids), RANK_CANDIDATES)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Signal]:
        if not self.ids:
            return []
        candidates = self.in_order.filter(pk__in=self.ids[:RANK_CANDIDATES])
        shown = candidates.values("pk")[index]
        return list(self.in_order.filter(pk__in=shown).select_related("community", "theme"))


def venster_search(
    *,
    programme: Programme,
    q: str,
    sort: str = "",
    now: datetime.datetime | None = None,
    defer: tuple[str, ...] = (),
    **filters,
) -> VensterSearchResults:
    """The venster searched for `q`, as the search box and the public knowledge base search:
    only the newest `RANK_CANDIDATES` matches under the filters are ranked and sorted, in the
    venster's order (`venster_signals`: waiting first, then the best match, then the newest;
    or the chosen sort). With that many matches or fewer the rows are exactly the venster's;
    beyond, a sharper query finds the older ones.

    Ordering every match waiting-first-then-rank read all of them for each page (a common word
    matches thousands of a programme's signals, five times as many at five times the network);
    the newest matches cost about the same at any size: they are found as the search page finds
    them, walking the programme's newest signals (`search.selectors.newest_matches`)."""
    now = now or timezone.now()
    rows = venster_filter(
        venster_base(programme=programme), programme=programme, now=now, **filters
    )
    ids = newest_matches(
        matches=signal_search.signals_matching(rows, q),
        tested=signal_search.signals_tested(rows, q),
        windows=signal_programme_windows(programme.pk),
        # A venster is searched for its own subjects ("wachttijden", one signal in fifteen):
        # twice the search page's first rows hold their newest 200 matches, in one step.
        first_rows=2 * search_selectors.WALK_ROWS,
    )
    # The rows are read by their ids only: asked again with the text, PostgreSQL might take
    # every match from the GIN index to find these few.
    head, tail = _venster_order(sort=sort, group_by_theme=False, q=q)
    in_order = signal_search.search_rank_annotate(Signal.objects.all(), q).annotate(
        waiting=_waiting_flag(programme, now=now)
    )
    order = [*head, *tail]
    if sort.lstrip("-") == "community":
        # The community's name looked up per candidate (by its primary key): joined for the
        # order, PostgreSQL hashed every community of the network for 200 signals.
        in_order = in_order.annotate(
            community_name=Subquery(
                Community.objects.filter(pk=OuterRef("community_id")).values("name")[:1]
            )
        )
        order = [
            key.replace("community__name", "community_name") if isinstance(key, str) else key
            for key in order
        ]
    return VensterSearchResults(in_order.order_by(*order).defer(*defer), ids)


def _venster_order(*, sort: str, group_by_theme: bool, q: str) -> tuple[list, list]:
    """The venster's order in two parts: the grouping head (theme, then waiting first when no
    sort is chosen) and the tail that orders the rows within one group."""
    key = sort.lstrip("-")
    head: list = []
    tail: list = []
    if group_by_theme:
        head += [_nulls_last("theme__title"), "theme_id"]
    if key in VENSTER_SORTS:
        descending = sort.startswith("-")
        tail += [
            (f"-{e}" if isinstance(e, str) else e.desc())
            if descending
            else (e if isinstance(e, str) else e.asc())
            for e in VENSTER_SORTS[key]
        ]
    else:
        head.append("-waiting")
        if q and signal_search.query_words(q):
            tail.append("-search_rank")
        tail.append("-raised_on")
    return head, [*tail, "-pk"]


def _nulls_last(field: str):
    return F(field).asc(nulls_last=True)


class SegmentedRows:
    """The venster's rows for the paginator, cut from segments.

    Waiting-first (and grouped by theme) is an order no index can serve: PostgreSQL would sort
    every matching signal — ~73,000 at national scale — to show 50. The cached counts already
    say how many rows each segment (a theme, waiting or not) holds, so a page is cut from the
    segments it overlaps, each in an order an index serves (newest first): the first and the
    last segment by OFFSET/LIMIT, the ones wholly inside the page in full. One query a page,
    wherever its bounds fall: the pieces' ids in one UNION ALL subquery, and the rows for those
    ids (at most a page) sorted in the venster's full order."""

    def __init__(self, queryset: QuerySet[Signal], segments: list[tuple[Q, int]], tail: list):
        self.queryset = queryset
        self.segments = [(condition, size) for condition, size in segments if size > 0]
        self.tail = tail

    def count(self) -> int:
        return sum(size for _condition, size in self.segments)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Signal]:
        if not isinstance(index, slice):
            raise TypeError("SegmentedRows can only be sliced.")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        parts = []  # (condition, low, high) of every segment the slice overlaps
        offset = 0
        for condition, size in self.segments:
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                parts.append((condition, low, high, high - low == size))
            offset += size
            if offset >= stop:
                break
        if not parts:
            return []
        whole = Q()
        pieces = []
        for condition, low, high, complete in parts:
            if complete:
                whole |= condition
            else:
                pieces.append(self.queryset.filter(condition).order_by(*self.tail)[low:high])
        if whole:
            pieces.append(self.queryset.filter(whole).order_by())
        selects, params = [], []
        for number, piece in enumerate(pieces):
            sql, piece_params = piece.values(piece_id=F("pk")).query.sql_with_params()
            selects.append(f"SELECT piece_id FROM ({sql}) AS piece{number}")  # noqa: S608
            params.extend(piece_params)
        ids = RawSQL(" UNION ALL ".join(selects), params)  # noqa: S611 - compiled by Django
        return list(self.queryset.filter(pk__in=ids))


def venster_rows(
    *,
    programme: Programme,
    counts: dict,
    sort: str = "",
    group_by_theme: bool = False,
    groups: list[dict] | None = None,
    defer: tuple[str, ...] = (),
    **filters,
) -> QuerySet[Signal] | SegmentedRows:
    """The rows of the venster page in `venster_signals`' order, cut into segments whose sizes
    the (cached) `counts` and theme `groups` give; a chosen sort without grouping is one plain
    query. Waiting is judged at the moment the counts were taken, so rows and counts agree."""
    now = counts["as_of"]
    queryset = venster_signals(
        programme=programme, sort=sort, group_by_theme=group_by_theme, now=now, **filters
    ).defer(*defer)
    key = sort.lstrip("-")
    if key in VENSTER_SORTS and not group_by_theme:
        return queryset
    _head, tail = _venster_order(sort=sort, group_by_theme=group_by_theme, q=filters.get("q", ""))
    waiting = venster_waiting_q(programme, now=now)
    if group_by_theme:
        segments = []
        for group in groups if groups is not None else []:
            theme = (
                Q(theme__isnull=True)
                if group["theme_id"] is None
                else Q(theme_id=group["theme_id"])
            )
            if key in VENSTER_SORTS:
                segments.append((theme, group["signals"]))
            else:
                segments.append((theme & waiting, group["waiting"]))
                segments.append((theme & ~waiting, group["signals"] - group["waiting"]))
    else:
        waiting_count = counts["waiting_in_state"]
        segments = [(waiting, waiting_count), (~waiting, counts["matching"] - waiting_count)]
    return SegmentedRows(queryset, segments, tail)


VENSTER_CACHE_SECONDS = 60


def _version_key(programme_id: int) -> str:
    # Per programme: a venster shows only its own programme's signals and themes, so a change
    # in one programme leaves the other programmes' cached figures standing.
    return f"signalling:venster:version:{programme_id}"


def venster_cache_version(programme_id: int) -> int:
    key = _version_key(programme_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key, 0)
    return version


def _bump_version(programme_id: int) -> None:
    key = _version_key(programme_id)
    try:
        cache.incr(key)
    except ValueError:  # never set, or evicted: start from a value no old key used
        cache.set(key, time.time_ns(), timeout=None)


def venster_changed(programme_id: int) -> None:
    """Make the programme's cached venster figures stale: now (a database cache then rolls
    back with the transaction) and again after commit (so no request in between caches the
    old figures)."""
    _bump_version(programme_id)
    transaction.on_commit(lambda: _bump_version(programme_id))


def _cache_key(kind: str, programme: Programme, filters: dict) -> str:
    described = repr(sorted((k, str(v)) for k, v in filters.items() if v not in ("", None)))
    digest = hashlib.sha256(described.encode()).hexdigest()[:24]
    version = venster_cache_version(programme.pk)
    return f"signalling:venster:{kind}:{programme.pk}:{version}:{digest}"


def venster_counts(*, programme: Programme, **filters) -> dict:
    """How many signals per state under the current filters (leaving out the state filter, so
    every state's count stays visible), plus the number waiting — one query, cached for a
    minute. `as_of` is the moment "waiting" was judged; `matching` and `waiting_in_state`
    count under the state filter too."""
    state = filters.get("state", "")
    key = _cache_key("counts", programme, {k: v for k, v in filters.items() if k != "state"})
    cached = cache.get(key)
    if cached is None:
        now = timezone.now()
        rest = {k: v for k, v in filters.items() if k != "state"}
        row = _kept_counts(programme, now=now, filters=rest)
        if row is None:
            queryset = venster_filter(
                venster_base(programme=programme), programme=programme, now=now, **rest
            )
            waiting = venster_waiting_q(programme, now=now)
            aggregates = {}
            for value in Signal.State.values:
                aggregates[f"state_{value}"] = Count("pk", filter=Q(state=value))
                aggregates[f"waiting_{value}"] = Count("pk", filter=Q(state=value) & waiting)
            aggregates["waiting"] = Count("pk", filter=waiting)
            aggregates["total"] = Count("pk")
            row = queryset.order_by().aggregate(**aggregates)
        cached = {"row": row, "as_of": now}
        cache.set(key, cached, VENSTER_CACHE_SECONDS)
    row = cached["row"]
    return {
        "total": row["total"],
        "waiting": row["waiting"],
        "matching": row.get(f"state_{state}", 0) if state else row["total"],
        "waiting_in_state": row.get(f"waiting_{state}", 0) if state else row["waiting"],
        "as_of": cached["as_of"],
        "states": [
            {"state": value, "label": value.label, "count": row[f"state_{value}"]}
            for value in VENSTER_STATES
        ],
    }


def _kept_counts(programme: Programme, *, now: datetime.datetime, filters: dict) -> dict | None:
    """The counts of the unfiltered venster, or of the waiting ones, from the programme's kept
    tally (`signalling.venster_tallies`): one row and at most the deadline's own day of
    signals, whatever the programme's size. None under any other filter (theme, community,
    level, dates, search: those are counted) or when the programme has no tally yet."""
    waiting_only = bool(filters.get("waiting"))
    if any(v not in ("", None, False) for k, v in filters.items() if k != "waiting"):
        return None
    tally = VensterTally.objects.filter(programme=programme).first()
    if tally is None:
        return None
    cutoff = now - datetime.timedelta(days=feedback_deadline_days(programme))
    waiting = waiting_by_state(tally, programme_id=programme.pk, cutoff=cutoff)
    states = waiting if waiting_only else tally.states
    row = {}
    for value in Signal.State.values:
        row[f"state_{value}"] = 0 if value == Signal.State.DRAFT else states.get(value, 0)
        row[f"waiting_{value}"] = waiting.get(value, 0)
    row["waiting"] = sum(waiting.values())
    row["total"] = row["waiting"] if waiting_only else sum(tally.states.values())
    return row


def venster_theme_groups(
    *, programme: Programme, now: datetime.datetime | None = None, **filters
) -> list[dict]:
    """Per theme under the current filters: signals, communities, waiting — one query, cached
    for a minute. Pass the counts' `as_of` as `now`, so both judge "waiting" alike."""
    key = _cache_key("groups", programme, {**filters, "now": now})
    groups = cache.get(key)
    if groups is None:
        queryset = venster_filter(
            venster_base(programme=programme), programme=programme, now=now, **filters
        )
        groups = list(
            queryset.order_by()
            .values("theme_id", "theme__title")
            .annotate(
                signals=Count("pk"),
                communities=Count("community_id", distinct=True),
                waiting=Count("pk", filter=venster_waiting_q(programme, now=now)),
                latest=Max("raised_on"),
            )
            .order_by(_nulls_last("theme__title"), "theme_id")
        )
        cache.set(key, groups, VENSTER_CACHE_SECONDS)
    return groups


def venster_communities(*, programme: Programme, chosen: object = None) -> CommunityChoices:
    """The venster's community filter: any community of the programme may be chosen, as the
    venster's visitors (its coordinators, the leads and facilitators of its communities) see
    the signals of them all; another programme's community is never found."""
    return community_choices(Community.objects.filter(programme=programme), chosen=chosen)


def waiting_for_feedback_q(*, days: int, now: datetime.datetime | None = None) -> Q:
    """Passed on longer than `days` ago, not closed, and no answer reached the community yet
    (`signalling.waiting`, the one rule)."""
    now = now or timezone.now()
    return waiting_q(now - datetime.timedelta(days=days))
