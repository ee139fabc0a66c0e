"""What each source may show one person, as a queryset (DESIGN.md §2).

Each `*_visible` function is the search's form of one app's permission rule, built from
`communities.permissions.access_for(user)` (the person's community memberships and programme
roles, loaded once per request), so a search never costs a permission check per row.
`tests/search/test_search_confidentiality.py` holds every function to the app's own
`can_view_*` on a mixed dataset: what a function lets through, the app allows.

The rules, in short:
- what is said in a community (meetings and minutes, agreements, threads and messages, draft
  signals, unshared lessons and products) is for its active members;
- shareable lessons and products travel to the programme's readers: members of any of its
  communities, and its coordinators and evaluators (`dissemination.permissions`); unshared
  products are not found by coordinators either, although they may open them;
- passed-on signals are for the venster's audience: the programme's coordinators and the
  leads and facilitators of its communities; system partners see only signals escalated to
  the system level (`signalling.permissions`);
- newsletter issues, once published: those of public newsletters for everyone, the others for the
  programme's readers (`dissemination.permissions.can_read_newsletter`);
- communities: one's own, and for coordinators and evaluators their programme's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from leerkring.communities.models import Community
from leerkring.communities.permissions import (
    COORDINATOR,
    EVALUATOR,
    SYSTEM_PARTNER,
    Access,
    access_for,
)
from leerkring.core.id_lists import in_list
from leerkring.dissemination.models import NewsletterIssue, Product
from leerkring.meetings.models import Agreement, Lesson, Meeting, Message, Thread
from leerkring.signalling.models import Escalation, Signal

_ProductCommunity = Product.communities.through


def _own(access: Access) -> list[int]:
    return list(access.community_roles)


def _programmes_of(community_ids: list[int]):
    return Community.objects.filter(pk__in=community_ids).values("programme_id")


def _reader_programmes_q(access: Access, field: str) -> Q:
    """Programmes whose shared things this person reads (`dissemination.is_programme_reader`):
    those of their own communities, and those where they coordinate or evaluate. Empty `Q()`
    when there are none."""
    condition = Q()
    if access.community_roles:
        condition |= Q(**{f"{field}__in": _programmes_of(_own(access))})
    held = access.programmes_with(COORDINATOR, EVALUATOR)
    if held:
        condition |= Q(**{f"{field}__in": held})
    return condition


def communities_visible(*, user: Any) -> QuerySet[Community]:
    """`communities.permissions.can_view_community`: members, and the programme's coordinators
    and evaluators (who see its name and theme, its shape)."""
    access = access_for(user)
    held = access.programmes_with(COORDINATOR, EVALUATOR)
    if not access.community_roles and not held:
        return Community.objects.none()
    return Community.objects.filter(Q(pk__in=_own(access)) | Q(programme_id__in=held))


def meetings_visible(*, user: Any) -> QuerySet[Meeting]:
    """`meetings.permissions.can_view_meeting`: agenda, outcomes and minutes are for members."""
    access = access_for(user)
    if not access.community_roles:
        return Meeting.objects.none()
    return Meeting.objects.filter(community_id__in=_own(access))


def agreements_visible(*, user: Any) -> QuerySet[Agreement]:
    """`meetings.permissions.can_view_agreement`: members only."""
    access = access_for(user)
    if not access.community_roles:
        return Agreement.objects.none()
    return Agreement.objects.filter(community_id__in=_own(access))


def threads_visible(*, user: Any) -> QuerySet[Thread]:
    """`meetings.permissions.can_use_threads`: members only."""
    access = access_for(user)
    if not access.community_roles:
        return Thread.objects.none()
    return Thread.objects.filter(community_id__in=_own(access))


def messages_visible(*, user: Any) -> QuerySet[Message]:
    """The messages of the threads a person may read."""
    access = access_for(user)
    if not access.community_roles:
        return Message.objects.none()
    return Message.objects.filter(thread__community_id__in=_own(access))


def lessons_visible(*, user: Any) -> QuerySet[Lesson]:
    """`dissemination.permissions.can_view_lesson`: one's own communities' lessons, and the
    shareable lessons of the programmes one reads. The programme kept on the lesson
    (`Lesson.programme`, its community's), so no join."""
    access = access_for(user)
    readers = _reader_programmes_q(access, "programme_id")
    if not readers:
        return Lesson.objects.none()
    condition = Q(shareable=True) & readers
    if access.community_roles:
        condition |= Q(community_id__in=_own(access))
    return Lesson.objects.filter(condition)


def venster_programmes(access: Access):
    """Programmes whose venster this person consults (`signalling.can_view_venster`): as
    coordinator, or as lead or facilitator of one of its communities. A list of ids and a
    subquery, so no query is run here."""
    coordinated = access.programmes_with(COORDINATOR)
    guided = [c for c, role in access.community_roles.items() if role != "participant"]
    return coordinated, (_programmes_of(guided) if guided else None)


def signals_visible(*, user: Any) -> QuerySet[Signal]:
    """`signalling.permissions.can_view_signal` or `can_view_escalated_signal`: one's own
    communities' signals (drafts too); passed-on signals for the venster's audience; for system
    partners only signals escalated to the system level."""
    access = access_for(user)
    condition = Q()
    if access.community_roles:
        condition |= Q(community_id__in=_own(access))
    coordinated, guided = venster_programmes(access)
    passed_on = ~Q(state=Signal.State.DRAFT)
    # The programme kept on the signal (`Signal.programme`, its community's), so no join.
    if coordinated:
        condition |= passed_on & Q(programme_id__in=coordinated)
    if guided is not None:
        condition |= passed_on & Q(programme_id__in=guided)
    partnered = access.programmes_with(SYSTEM_PARTNER)
    if partnered:
        condition |= Q(programme_id__in=partnered) & Q(
            pk__in=Escalation.objects.filter(level=Escalation.Level.SYSTEM).values("signal_id")
        )
    if not condition:
        return Signal.objects.none()
    return Signal.objects.filter(condition)


def products_visible(*, user: Any) -> QuerySet[Product]:
    """The products behind which one's own communities stand, and the shareable products of
    the programmes one reads — what the catalogue lists (`dissemination.selectors.
    products_visible_q`). `can_view_product` also opens every product of a programme to its
    coordinators and evaluators, who keep the catalogue; search does not go that far: what a
    community did not share stays out of the results (DESIGN.md §2)."""
    access = access_for(user)
    condition = Q()
    if access.community_roles:
        condition |= Q(
            pk__in=_ProductCommunity.objects.filter(community_id__in=_own(access)).values(
                "product_id"
            )
        )
    # The programme as "programme_id + 0": search always asks this with the text, and a
    # programme's products are many (6,800 at five times national scale) where the matching
    # ones are few; so the planner takes the matches from the GIN index and tests the programme
    # on those, instead of reading every product of the programme through its index.
    readers = _reader_programmes_q(access, "search_programme")
    if readers:
        condition |= Q(shareable=True) & readers
    if not condition:
        return Product.objects.none()
    return Product.objects.annotate(search_programme=F("programme_id") + 0).filter(condition)


def issues_visible(*, user: Any) -> QuerySet[NewsletterIssue]:
    """Published issues that `dissemination.permissions.can_view_issue` lets one read: those
    of public newsletters, and members-only ones of the programmes one reads
    (`is_programme_reader`: not system partners). Drafts are their editors' work, not for
    search."""
    condition = Q(newsletter__is_public=True)
    readers = _reader_programmes_q(access_for(user), "newsletter__programme_id")
    if readers:
        condition |= readers
    return NewsletterIssue.objects.filter(condition).exclude(status=NewsletterIssue.Status.DRAFT)


# --- Running a search ----------------------------------------------------------------------
# Per source two queries, whatever the size of the data: the newest matching ids this person
# may see (at most one more than `RANK_CANDIDATES`, which also gives the count), and the page of
# results among them with rank and highlighted snippets.

# At most this many matches of one source are ranked and paged, the newest: ranking recomputes
# each match's document, and a common word in 100,000 signals must not cost that for every
# one. Beyond it the page says "more than 200" and asks for a sharper query, so a common word
# is also counted in the same scan that finds the candidates.
RANK_CANDIDATES = 200
PREVIEW_PER_SOURCE = 5
RESULTS_PER_PAGE = 20


def search_matches(*, source, user: Any, q: str) -> QuerySet:
    """The rows of one source this person may see that match `q`."""
    from . import fulltext

    words = fulltext.query_words(q)
    rows = source.visible(user=user)
    if not words:
        return rows.none()
    if fulltext.is_full_text():
        rows = rows.annotate(search_document=source.document())
        condition = Q(search_document=fulltext.search_query(q))
    else:
        condition = fulltext.fallback_q(source.fields, words)
    if source.also_found_by is not None:
        condition |= source.also_found_by(q, words)
    return rows.filter(condition)


def search_candidates(*, source, user: Any, q: str) -> list[int]:
    """The ids of the newest matches, at most `RANK_CANDIDATES + 1` (one more tells "more")."""
    return newest_matches(
        matches=search_matches(source=source, user=user, q=q),
        **search_walk(source=source, user=user, q=q),
    )


def search_walk(*, source, user: Any, q: str) -> dict[str, Any]:
    """What `newest_matches` walks for one source and person: the windows `source.walk_windows`
    gives them, and the rows they may see with the text tested row by row; nothing for a source
    or a person without windows."""
    from . import fulltext

    words = fulltext.query_words(q)
    windows = source.walk_windows(user) if words and source.walk_windows is not None else None
    if not windows:
        return {}
    if fulltext.is_full_text():
        condition = fulltext.match_each(source.document(), q)
    else:
        condition = fulltext.fallback_q(source.fields, words)
    return {"tested": source.visible(user=user).filter(condition), "windows": windows}


# How many of a window's newest rows `newest_matches` walks through first, and how many it
# reads in all before it asks the GIN index: `WALK_LIMIT` times as many. A common word
# ("gemeente", in one signal of five) has its newest 200 matches well within the first rows;
# a less common one ("wachttijden taalschool", in one shared lesson of thirteen) within a few
# thousand more, which the walk reads on instead of having the index return and sort all
# 9,000 matches; a rare one is looked up in the index after the first rows.
WALK_ROWS = 2000
WALK_LIMIT = 5
# The next step of a walk reads this much more than the matches found so far say it needs, so
# that one step mostly suffices.
WALK_MARGIN = 1.25


def newest_matches(
    *,
    matches: QuerySet,
    tested: QuerySet | None = None,
    windows: list[QuerySet] | None = None,
    first_rows: int | None = None,
) -> list[int]:
    """The ids of the newest rows of `matches`, at most `RANK_CANDIDATES + 1` (one more tells
    "more"): for the search page's sources (`search_candidates`) and the searched venster
    (`signalling.selectors.venster_search`) alike, so both rank the same newest matches.

    `matches` are the rows the search may find (visible, under the page's filters) that match
    the text, as the GIN index answers it; `tested` the same rows with the text tested row by
    row (`fulltext.match_each`); and `windows` querysets of ids, each newest first, among
    which lies every row of `matches` (a
    programme's newest signals; a programme's newest shared lessons and one's own communities'
    lessons). With windows the newest rows are walked first (`_walked`); without, or when the
    walk is not sure of its answer (a rare word), the index is asked for every match, sorted on
    "pk + 0", not "pk": ordered by the bare primary key, PostgreSQL may walk that index
    backwards testing every row until it has enough matches — for a document built from the
    text rebuilding each one (200 ms for a common word in the lessons), and for words that are
    each common but never together through the whole table. This way it takes the GIN index's
    matches and sorts them. Either way the answer is that of sorting every match."""
    if windows and tested is not None:
        found = _walked(
            matches=matches, tested=tested, windows=windows, first_rows=first_rows or WALK_ROWS
        )
        if found is not None:
            return found
    newest = matches.annotate(search_newest=F("pk") + 0).order_by("-search_newest")
    return list(newest.values_list("pk", flat=True)[: RANK_CANDIDATES + 1])


def _walked(
    *, matches: QuerySet, tested: QuerySet, windows: list[QuerySet], first_rows: int
) -> list[int] | None:
    """The newest rows of `matches` among the newest rows of the `windows`; None when there are
    too few there to be sure of them, so the caller asks the GIN index.

    Every row of `matches` lies in one of the windows. Each window is read newest first,
    `first_rows` rows and then on from its oldest id read (a keyset step); a window not read to
    its end holds every row of its range down to its oldest id read, so all of them together
    hold every row of `matches` from the highest of those oldest ids (the cutoff) up. The matches
    from the cutoff up are therefore exactly the newest matches of all: enough when they are
    more than `RANK_CANDIDATES`, or when every window was read to its end (then they are every
    match). While they are too few, the walk reads on, each window as many rows again as the
    matches found so far say are missing (with `WALK_MARGIN`), and tests the rows between the
    new cutoff and the old one; when that would take it past `WALK_LIMIT` × `first_rows` rows,
    or nothing matched in the first rows, the word is rare here and the index answers.

    Each step costs about the same whatever the size of the network or the words: the
    windows' ids are read from an index in newest-first order, and the walked ids are tested
    as `_batch_matches` says."""
    wanted = RANK_CANDIDATES + 1
    read: list[list[int]] = [[] for _window in windows]
    # The windows not read to their end, and how many rows each reads next.
    steps = dict.fromkeys(range(len(windows)), first_rows)
    found: list[int] = []
    walked = 0
    cutoff = None
    while True:
        for number, step in list(steps.items()):
            if not step:
                continue
            window = windows[number]
            if read[number]:
                window = window.filter(pk__lt=read[number][-1])
            ids = list(window.values_list("pk", flat=True)[:step])
            read[number].extend(ids)
            if len(ids) < step:
                del steps[number]
        above = cutoff
        cutoff = max((read[number][-1] for number in steps), default=None)
        # The rows between the new cutoff and the old one (a row may lie in two windows).
        batch = {
            pk
            for ids in read
            for pk in ids
            if (cutoff is None or pk >= cutoff) and (above is None or pk < above)
        }
        found += _batch_matches(batch, matches=matches, tested=tested)[: wanted - len(found)]
        walked += len(batch)
        if cutoff is None or len(found) == wanted:
            return found
        if not found:
            return None
        missing = round((wanted - len(found)) * walked / len(found) * WALK_MARGIN)
        for number in steps:
            # What this window holds below the cutoff already counts towards what is missing;
            # a step is not smaller than a quarter of the first, so a walk takes few of them.
            waiting = sum(1 for pk in read[number] if pk < cutoff)
            steps[number] = max(missing - waiting, first_rows // 4) if missing > waiting else 0
        if sum(map(len, read)) + sum(steps.values()) > WALK_LIMIT * first_rows:
            return None


# A step's ids are tested through the GIN index when the range of ids they span holds at most
# this many ids for each of them, and one by one when it holds more.
DENSE_SPAN = 4


def _batch_matches(batch: set[int], *, matches: QuerySet, tested: QuerySet) -> list:
    """The ids of `batch` among `matches`, newest first (`matches` has no other row in the ids
    the batch spans: the walk's cutoffs say so).

    Where the batch lies close together (a programme's newest signals, which follow each other
    in a network of a few programmes), `matches` are asked in the range of ids it spans, so
    PostgreSQL combines the GIN index with the primary key's range (a bitmap AND) and reads
    only the matches inside it: a few hundred rows for a common word. Where the batch is spread out (a system partner's escalated signals, a programme's
    shared lessons among the unshared ones), that range would hold too many other rows, and
    each id is tested itself (`tested`: `fulltext.match_each`, which the planner cannot answer
    from the GIN index) by primary key, given as a list, which the planner can only look up
    that way (as a subquery it sometimes scanned the whole table and hashed the window); so a
    step never reads more than `DENSE_SPAN` times its ids. Either way the result is sorted on
    "pk + 0", which no index gives, so the primary key is not walked back through the other
    programmes' newer rows."""
    if not batch:
        return []
    low, high = min(batch), max(batch)
    if high - low + 1 <= DENSE_SPAN * len(batch):
        candidates = matches.filter(pk__gte=low, pk__lte=high)
    else:
        candidates = tested.filter(in_list("pk", sorted(batch)))
    return list(
        candidates.annotate(search_newest=F("pk") + 0)
        .order_by("-search_newest")
        .values_list("pk", flat=True)
    )


def signal_programme_windows(programme: int) -> list[QuerySet]:
    """Where a search of a programme's venster walks: the programme's newest signals."""
    return [programme_window(Signal.objects.all(), programme)]


def programme_window(rows: QuerySet, programme: int) -> QuerySet:
    """A programme's rows newest first, as its index on `programme, -id` holds them. The
    programme is asked as a range of one (`BETWEEN p AND p`) and the order given as
    `programme, -id`: with `programme = p` the planner drops the programme from the order and
    may walk the primary key back instead, through the other programmes' newer rows (22,000
    signals read for 2,000 at national scale)."""
    return rows.filter(programme_id__gte=programme, programme_id__lte=programme).order_by(
        "programme_id", "-pk"
    )


def _one_reader_programme(access: Access, held: set[int]) -> int | None:
    """The one programme of this person's own communities and `held` programmes together, or
    None when there are several (or none). One query at most."""
    own = set(Community.objects.filter(pk__in=_own(access)).values_list("programme_id", flat=True))
    programmes = own | held
    return programmes.pop() if len(programmes) == 1 else None


def signal_windows(user: Any) -> list[QuerySet] | None:
    """Where search walks for the signals this person may see some of (`signals_visible`):
    the newest signals of their one programme — of their own communities, and those they
    coordinate or are system partner of. None for someone who sees only their own
    communities' signals, which the index on community finds without a walk, or signals of
    several programmes.

    A system partner who is nothing else sees only the programme's signals escalated to the
    system level, a few among its newest thousands: walked through all signals, the walk found
    too few and the GIN index was asked for every match of the programme (600,000 rows at five
    times national scale). Their window is the programme's signals with a system mark
    (`signalling.system_marks`, index `signal_programme_system`). Every signal with an
    escalation to the system level has that mark (the receivers, and the bulk writers'
    refresh; tests/search/test_search_walk.py holds them to each other); a mark without an
    escalation could only add rows that `signals_visible`, asked on the walked rows as
    always, leaves out."""
    access = access_for(user)
    coordinated = access.programmes_with(COORDINATOR)
    held = access.programmes_with(COORDINATOR, SYSTEM_PARTNER)
    guides = any(role != "participant" for role in access.community_roles.values())
    if not held and not guides:
        return None
    programme = _one_reader_programme(access, held)
    if programme is None:
        return None
    signals = Signal.objects.all()
    if not coordinated and not access.community_roles:
        signals = signals.filter(system_escalated_at__isnull=False)
    return [programme_window(signals, programme)]


def lesson_windows(user: Any) -> list[QuerySet] | None:
    """Where search walks for the lessons this person may see (`lessons_visible`): the newest
    shared lessons of the one programme they read (index `lesson_programme_shared`), and their
    own communities' lessons (few, whatever the size of the network). None for someone who
    reads several programmes, or none."""
    access = access_for(user)
    programme = _one_reader_programme(access, access.programmes_with(COORDINATOR, EVALUATOR))
    if programme is None:
        return None
    windows = [programme_window(Lesson.objects.filter(shareable=True), programme)]
    if access.community_roles:
        windows.append(Lesson.objects.filter(community_id__in=_own(access)).order_by("-pk"))
    return windows


def search_hits(*, source, seeker, q: str, ids: list[int], start: int, stop: int) -> list:
    """Results `start` to `stop` among the candidate `ids`, best first, as `providers.Hit`s."""
    from . import fulltext

    if not ids:
        return []
    model = source.visible(user=seeker.user).model
    full_text = fulltext.is_full_text()

    def ranked(rows):
        if not full_text:
            return rows.order_by("-pk")
        from django.contrib.postgres.search import SearchRank

        rank = SearchRank(source.document(), fulltext.search_query(q))
        return rows.annotate(search_rank=rank).order_by("-search_rank", "-pk")

    # The page's rows are picked among the candidates first and only they are read whole and
    # joined to their community: joined before ranking, the 200 candidates made PostgreSQL
    # hash the whole community table (3,000 rows at five times national scale).
    shown = ranked(model.objects.filter(in_list("pk", ids[:RANK_CANDIDATES]))).values("pk")[
        start:stop
    ]
    rows = ranked(model.objects.filter(pk__in=shown))
    if full_text:
        if source.title_field:
            rows = rows.annotate(search_title=fulltext.headline(source.title_field, q, whole=True))
        if source.snippet_field:
            rows = rows.annotate(search_snippet=fulltext.headline(source.snippet_field, q))
    else:
        words = fulltext.query_words(q)
    if source.related:
        rows = rows.select_related(*source.related)
    hits = []
    for row in rows:
        if full_text:
            title = getattr(row, "search_title", "")
            snippet = getattr(row, "search_snippet", "")
        else:
            title = (
                fulltext.fallback_headline(getattr(row, source.title_field), words, whole=True)
                if source.title_field
                else ""
            )
            snippet = (
                fulltext.fallback_headline(getattr(row, source.snippet_field), words)
                if source.snippet_field
                else ""
            )
        hits.append(source.hit(row, fulltext.marked(title), fulltext.marked(snippet), seeker))
    return hits


class RankedResults:
    """One source's results as a `Paginator` reads them: a count and slices."""

    def __init__(self, *, source, seeker, q: str, ids: list[int]) -> None:
        self.source, self.seeker, self.q, self.ids = source, seeker, q, ids

    def count(self) -> int:
        return min(len(self.ids), RANK_CANDIDATES)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        return search_hits(
            source=self.source,
            seeker=self.seeker,
            q=self.q,
            ids=self.ids,
            start=index.start or 0,
            stop=index.stop,
        )


def search_results(*, user: Any, q: str, kind: str = "", page: Any = None) -> dict[str, Any]:
    """Everything the search page shows: per source its count (or "more than 200"), and its
    first results (all sources) or one page of results (one source, `kind`)."""
    from django.core.paginator import Paginator

    from .providers import SOURCES, Seeker

    seeker = Seeker(user)
    groups = []
    for source in SOURCES.values():
        ids = search_candidates(source=source, user=user, q=q)
        group = {
            "source": source,
            "key": source.key,
            "label": source.label,
            "count": min(len(ids), RANK_CANDIDATES),
            "capped": len(ids) > RANK_CANDIDATES,
        }
        if kind == source.key:
            ranked = RankedResults(source=source, seeker=seeker, q=q, ids=ids)
            group["page"] = Paginator(ranked, RESULTS_PER_PAGE).get_page(page)
            group["hits"] = group["page"].object_list
        elif not kind and ids:
            group["hits"] = search_hits(
                source=source, seeker=seeker, q=q, ids=ids, start=0, stop=PREVIEW_PER_SOURCE
            )
            group["more"] = len(ids) > PREVIEW_PER_SOURCE
        groups.append(group)
    return {
        "groups": groups,
        "total": sum(g["count"] for g in groups),
        "total_capped": any(g["capped"] for g in groups),
        "shown": [g for g in groups if g.get("hits")],
    }
