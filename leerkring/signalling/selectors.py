"""selectors of the signalling app."""

from __future__ import annotations

# --- The venster, themes, top five, LCC and system level --------------------------------
# Reads behind the coordinator's pages. Every list is a fixed number of queries: related rows
# come with select_related, counts come from one grouped aggregate.
import datetime  # noqa: E402
import hashlib  # noqa: E402
import time  # noqa: E402

from django.core.cache import cache  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import (  # noqa: E402
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL  # noqa: E402
from django.utils import timezone  # noqa: E402

from leerkring.communities.models import Community, Programme  # noqa: E402
from leerkring.meetings.topics import SolutionLevel  # noqa: E402

from . import search as signal_search  # noqa: E402
from .models import (  # noqa: E402
    CoordinationMeeting,
    Escalation,
    Signal,
    SignalResponse,
    SignalTheme,
)

VENSTER_CLOSED_STATES = (Signal.State.RESOLVED, Signal.State.NO_FOLLOW_UP)
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
    """Every passed-on signal of the programme (drafts never leave the community)."""
    return Signal.objects.filter(community__programme=programme).exclude(state=Signal.State.DRAFT)


def venster_filter(
    queryset: QuerySet[Signal],
    *,
    programme: Programme,
    state: str = "",
    theme: str = "",
    topic_category: str = "",
    solution_level: str = "",
    community: int | None = None,
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
        waiting=Case(
            When(venster_waiting_q(programme, now=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    head, tail = _venster_order(sort=sort, group_by_theme=group_by_theme, q=filters.get("q", ""))
    return queryset.order_by(*head, *tail)


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
    from django.db.models import F

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


# --- Cached overview figures ------------------------------------------------------------
# The counts per state and the theme groups read every signal under the filters (~50-80 ms at
# national scale). They are overview figures, so they are cached for a minute, keyed on the
# programme, the filters and a version that every change to a signal bumps
# (`venster_changed`, called by the lifecycle): a change shows at once, the passing of time
# (a signal crossing its feedback deadline) within a minute.

VENSTER_CACHE_SECONDS = 60
_VERSION_KEY = "signalling:venster:version"


def venster_cache_version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(_VERSION_KEY, 0)
    return version


def _bump_version() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # never set, or evicted: start from a value no old key used
        cache.set(_VERSION_KEY, time.time_ns(), timeout=None)


def venster_changed() -> None:
    """Make the venster's cached figures stale: now (a database cache then rolls back with the
    transaction) and again after commit (so no request in between caches the old figures)."""
    _bump_version()
    transaction.on_commit(_bump_version)


def _cache_key(kind: str, programme: Programme, filters: dict) -> str:
    described = repr(sorted((k, str(v)) for k, v in filters.items() if v not in ("", None)))
    digest = hashlib.sha256(described.encode()).hexdigest()[:24]
    return f"signalling:venster:{kind}:{programme.pk}:{venster_cache_version()}:{digest}"


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
        cached = {"row": queryset.order_by().aggregate(**aggregates), "as_of": now}
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


def venster_communities(*, programme: Programme) -> list[tuple[int, str]]:
    return list(
        Community.objects.filter(programme=programme).order_by("name").values_list("pk", "name")
    )


def programme_themes(*, programme: Programme) -> QuerySet[SignalTheme]:
    """Current themes (not merged away) with their passed-on signals and communities."""
    passed_on = ~Q(signals__state=Signal.State.DRAFT)
    return (
        SignalTheme.objects.filter(programme=programme, merged_into__isnull=True)
        .annotate(
            signal_count=Count("signals", filter=passed_on),
            open_count=Count(
                "signals",
                filter=passed_on & ~Q(signals__state__in=VENSTER_CLOSED_STATES),
            ),
            community_count=Count("signals__community", filter=passed_on, distinct=True),
            latest=Max("signals__raised_on", filter=passed_on),
        )
        .order_by("title")
    )


def merged_themes(*, programme: Programme) -> QuerySet[SignalTheme]:
    return (
        SignalTheme.objects.filter(programme=programme, merged_into__isnull=False)
        .select_related("merged_into")
        .order_by("title")
    )


def theme_signals(*, theme: SignalTheme) -> QuerySet[Signal]:
    return (
        Signal.objects.filter(theme=theme)
        .exclude(state=Signal.State.DRAFT)
        .select_related("community")
        .order_by("-raised_on", "-pk")
    )


def theme_responses(*, theme: SignalTheme) -> QuerySet[SignalResponse]:
    """Answers given on the theme, and on the themes merged into it."""
    return SignalResponse.objects.filter(Q(theme=theme) | Q(theme__merged_into=theme)).order_by(
        "-created_at", "-pk"
    )


def theme_link_candidates(*, theme: SignalTheme, q: str, limit: int = 20) -> list[Signal]:
    """Passed-on signals not yet linked to this theme, found by a search on the theme page."""
    if not signal_search.query_words(q):
        return []
    queryset = venster_base(programme=theme.programme).exclude(theme=theme)
    queryset = signal_search.signals_search(queryset, q).select_related("community", "theme")
    return list(queryset.order_by("-search_rank", "-raised_on", "-pk")[:limit])


def community_theme_responses(*, community: Community) -> QuerySet[SignalResponse]:
    """Answers given on a theme that one of the community's passed-on signals is linked to —
    one answer, many communities informed."""
    themes = (
        Signal.objects.filter(community=community, theme__isnull=False)
        .exclude(state=Signal.State.DRAFT)
        .values("theme_id")
    )
    return (
        SignalResponse.objects.filter(Q(theme__in=themes) | Q(theme__merged_into__in=themes))
        .select_related("theme")
        .order_by("-created_at", "-pk")
    )


# --- The coordination meeting (LCC) -----------------------------------------------------

LCC_AGENDA_LIMIT = 200


def coordination_meetings(*, programme: Programme) -> QuerySet[CoordinationMeeting]:
    return CoordinationMeeting.objects.filter(programme=programme).annotate(
        decision_count=Count("decisions")
    )


def previous_coordination_meeting(
    *, coordination_meeting: CoordinationMeeting
) -> CoordinationMeeting | None:
    return (
        CoordinationMeeting.objects.filter(
            programme_id=coordination_meeting.programme_id,
            held_on__lt=coordination_meeting.held_on,
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def lcc_agenda_signals(
    *, coordination_meeting: CoordinationMeeting, since: datetime.date | None
) -> QuerySet[Signal]:
    """The signals the LCC discusses: those escalated to it, and those passed on since the
    previous LCC (or, for the first one, in the last 90 days), while still open — plus those it
    has already decided on, so its decisions stay on its agenda."""
    held_on = coordination_meeting.held_on
    since = since or held_on - datetime.timedelta(days=90)
    new_since = Q(passed_on_at__date__gt=since, passed_on_at__date__lte=held_on)
    open_ = ~Q(state__in=VENSTER_CLOSED_STATES)
    decided = Q(decisions__coordination_meeting=coordination_meeting)
    return (
        venster_base(programme=coordination_meeting.programme)
        .filter((open_ & (Q(state=Signal.State.ESCALATED_LCC) | new_since)) | decided)
        .select_related("community", "theme")
        .annotate(
            escalated=Case(
                When(state=Signal.State.ESCALATED_LCC, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .distinct()
        .order_by("-escalated", "theme__title", "-passed_on_at", "-pk")
    )


def lcc_decisions(*, coordination_meeting: CoordinationMeeting):
    return coordination_meeting.decisions.select_related("signal", "signal__community").order_by(
        "decided_at", "pk"
    )


# --- System level -----------------------------------------------------------------------


def _system_escalations():
    return Escalation.objects.filter(signal=OuterRef("pk"), level=Escalation.Level.SYSTEM)


def system_inbox(*, programme: Programme) -> QuerySet[Signal]:
    """Signals escalated to the system level (now or before), newest escalation first, those
    without an answer from the system level on top."""
    latest = _system_escalations().order_by("-escalated_at", "-pk")
    answered = SignalResponse.objects.filter(
        signal=OuterRef("pk"), source=SignalResponse.Source.SYSTEM
    )
    return (
        Signal.objects.filter(community__programme=programme)
        .filter(Exists(_system_escalations()))
        .select_related("community", "theme")
        .only(
            "pk",
            "title",
            "state",
            "solution_level",
            "raised_on",
            "passed_on_at",
            "community__region",
            "community__scope",
            "theme__title",
        )
        .annotate(
            escalated_at=Subquery(latest.values("escalated_at")[:1]),
            answered=Exists(answered),
        )
        .order_by("answered", "-escalated_at", "-pk")
    )


def system_signal(*, pk: int) -> Signal:
    """One signal for the system partner's page, with only what they may see: no people."""
    return (
        Signal.objects.select_related("community", "community__programme", "theme")
        .prefetch_related(
            Prefetch(
                "escalations",
                queryset=Escalation.objects.filter(level=Escalation.Level.SYSTEM).order_by(
                    "escalated_at", "pk"
                ),
                to_attr="system_escalations",
            ),
        )
        .get(pk=pk)
    )


def signal_answers(*, signal: Signal) -> list[SignalResponse]:
    """The answers the community received: on the signal itself and on its theme."""
    condition = Q(signal=signal)
    if signal.theme_id:
        condition |= Q(theme_id=signal.theme_id)
    return list(SignalResponse.objects.filter(condition).order_by("created_at", "pk"))


# --- Raising, passing on, lifecycle and feedback ---------------------------------------
# Reads behind the signal page, the community's "Onze signalen" panel and the deadline.


def signal_for_page() -> QuerySet[Signal]:
    """A signal with what its page shows beside it, in one query."""
    return Signal.objects.select_related(
        "community",
        "community__programme",
        "community__programme__rule_profile",
        "meeting",
        "theme",
        "known_as",
        "owner__person",
        "passed_on_by__person",
        "created_by__person",
    )


def signal_history(*, signal: Signal):
    """The audit history ("Geschiedenis"), oldest first, with who acted."""
    from .models import SignalEvent

    return SignalEvent.objects.filter(signal=signal).select_related("actor__person")


def waiting_for_feedback_q(*, days: int, now: datetime.datetime | None = None) -> Q:
    """Passed on longer than `days` ago, not closed, and no answer reached the community yet.

    Every step that ends or hands back a signal (resolved, back to community, no follow-up)
    writes an answer, so those never wait; a progress update ends the wait too."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    return Q(passed_on_at__lt=cutoff, last_feedback_at__isnull=True) & ~Q(
        state__in=(Signal.State.DRAFT, *VENSTER_CLOSED_STATES)
    )


def filter_waiting_for_feedback(
    queryset: QuerySet[Signal], *, programme: Programme, now: datetime.datetime | None = None
) -> QuerySet[Signal]:
    """Narrow any signal queryset to those past the programme's feedback deadline."""
    return queryset.filter(waiting_for_feedback_q(days=feedback_deadline_days(programme), now=now))


def signals_waiting_for_feedback(
    programme: Programme, *, now: datetime.datetime | None = None
) -> QuerySet[Signal]:
    """The programme's signals waiting for an answer past the deadline, longest waiting first."""
    return filter_waiting_for_feedback(
        Signal.objects.filter(community__programme=programme).select_related("community"),
        programme=programme,
        now=now,
    ).order_by("passed_on_at", "pk")


def signal_is_waiting_for_feedback(*, signal: Signal, now: datetime.datetime | None = None) -> bool:
    if signal.state == Signal.State.DRAFT or signal.state in VENSTER_CLOSED_STATES:
        return False
    if signal.last_feedback_at is not None or signal.passed_on_at is None:
        return False
    days = feedback_deadline_days(signal.community.programme)
    return signal.passed_on_at < (now or timezone.now()) - datetime.timedelta(days=days)


COMMUNITY_PANEL_LIMIT = 50


def community_signals(*, community: Community, limit: int = COMMUNITY_PANEL_LIMIT) -> dict:
    """The community's own signals for "Onze signalen": each with its state and every answer
    it got — on the signal, and on the theme it is linked to. Three queries, whatever the
    number of signals or answers."""
    days = feedback_deadline_days(community.programme)
    signals = list(
        Signal.objects.filter(community=community)
        .select_related("theme")
        .annotate(
            waiting=Case(
                When(waiting_for_feedback_q(days=days), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=SignalResponse.objects.order_by("created_at", "pk"),
                to_attr="own_answers",
            )
        )
        .order_by("-raised_on", "-pk")[: limit + 1]
    )
    more = len(signals) > limit
    signals = signals[:limit]
    theme_ids = {s.theme_id for s in signals if s.theme_id}
    by_theme: dict[int, list[SignalResponse]] = {}
    if theme_ids:
        for response in SignalResponse.objects.filter(theme_id__in=theme_ids).order_by(
            "created_at", "pk"
        ):
            by_theme.setdefault(response.theme_id, []).append(response)
    for signal in signals:
        answers = list(signal.own_answers) + by_theme.get(signal.theme_id, [])
        signal.answers = sorted(answers, key=lambda r: (r.created_at, r.pk))
    return {"signals": signals, "more": more, "deadline_days": days}


# --- Similar signals and Excel import/export --------------------------------------------


def similar_scope(user, programme: Programme, community: Community | None = None) -> Q | None:
    """The signals this visitor may be shown as look-alikes (`permissions.can_suggest_similar`
    says whether they may ask at all).

    Coordinators, and the leads and facilitators who consult the venster, see the programme's
    passed-on signals; a plain member sees only their own communities' signals. A member also
    sees the drafts of their community: a colleague may have raised the same thing already.
    """
    from leerkring.communities.permissions import access_for

    from . import permissions

    if not permissions.can_suggest_similar(user, programme, community):
        return None
    member_of = {
        pk for pk in access_for(user).community_roles if community is None or pk == community.pk
    }
    own = Q(community_id__in=member_of, community__programme=programme)
    if permissions.can_view_venster(user, programme):
        passed_on = Q(community__programme=programme) & ~Q(state=Signal.State.DRAFT)
        return passed_on | own if member_of else passed_on
    return own


def similar_signals_for(
    *,
    user,
    programme: Programme,
    text: str,
    title: str = "",
    community: Community | None = None,
    exclude_pk: int | None = None,
) -> list[Signal]:
    from . import similarity

    scope = similar_scope(user, programme, community)
    if scope is None:
        return []
    return similarity.similar_signals(title=title, text=text, scope=scope, exclude_pk=exclude_pk)


def export_answers(*, signals: QuerySet[Signal]) -> dict[int, str]:
    """The latest answer given on each of these signals, in one query: the export's "Antwoord"
    column (what the community was told last)."""
    answers: dict[int, str] = {}
    rows = (
        SignalResponse.objects.filter(signal__in=signals.order_by().values("pk"))
        .order_by("signal_id", "created_at", "pk")
        .values_list("signal_id", "text")
    )
    for signal_id, text in rows.iterator(chunk_size=5000):
        answers[signal_id] = text
    return answers
