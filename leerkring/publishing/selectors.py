"""Reads of the public knowledge base, each in a fixed number of queries.

What the public sees is decided here, once: a publication that is published *and* whose source
the community still shares in the programme (`public_q`). A community that stops sharing a
lesson takes it off the public pages at the same moment, without anyone having to remember:
the publication keeps whether its source is still shared (`source_shared`, set in the same
transaction as the unshare by `publishing.sources`), so the public pages read publications only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Community, Person, Programme
from leerkring.communities.permissions import access_for
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson
from leerkring.meetings.topics import TopicCategory
from leerkring.search import fulltext
from leerkring.search.selectors import RANK_CANDIDATES

from .models import Publication, PublicationCredit, PublicationFile, PublicCount

FEED_ITEMS = 30
PANEL_ITEMS = 5
CANDIDATES_PER_KIND = 20
LESSON = "lesson"


def public_q() -> Q:
    """Published, and its source still shared in the programme (kept on the publication; the
    partial indexes `publication_public*` hold exactly these rows)."""
    return Q(status=Publication.Status.PUBLISHED, source_shared=True)


def _credits() -> Prefetch:
    return Prefetch(
        "credits",
        queryset=PublicationCredit.objects.select_related("person").only(
            "pk", "publication_id", "person_id", "person__full_name"
        ),
    )


def _public_rows(
    *,
    programme: Programme,
    q: str = "",
    topic: str = "",
    kind: str = "",
    region: str = "",
    year: int | None = None,
    in_list_order: bool = False,
) -> QuerySet[Publication]:
    """The programme's public lessons and products that match the visitor's filters and words
    (`_matching`)."""
    items = Publication.objects.filter(programme=programme).filter(public_q())
    if topic:
        items = items.filter(topic_category=topic)
    if kind == LESSON:
        items = items.filter(kind=Publication.Kind.LESSON)
    elif kind:
        items = items.filter(kind=Publication.Kind.PRODUCT, product_kind=kind)
    if region:
        items = items.filter(region=region)
    if year:
        items = items.filter(dated_on__year=year)
    if q:
        items = _matching(items, q, in_list_order=in_list_order)
    return items


def _matching(
    items: QuerySet[Publication], q: str, *, in_list_order: bool
) -> QuerySet[Publication]:
    """The items whose title and body match the visitor's words (nothing for a query without
    any, as in the search box). With `in_list_order`, on PostgreSQL the match is tested as a
    function, as the search box's walk does: as `@@` the planner guesses few matches and sorts
    them all instead of walking the list's index (`public_search`)."""
    q, _cut = fulltext.query_clean(q)
    words = fulltext.query_words(q)
    if not words:
        return items.none()
    if not fulltext.is_full_text():
        return items.filter(fulltext.fallback_q(("title", "body"), words))
    document = fulltext.document("title", "body")
    if in_list_order:
        return items.filter(fulltext.match_each(document, q))
    return items.annotate(search_document=document).filter(search_document=fulltext.search_query(q))


def _listed(items: QuerySet[Publication]) -> QuerySet[Publication]:
    """What the list and the feed show of each item, newest first; the authors apart
    (`_credits`, `public_feed_items`)."""
    return (
        items.select_related("community")
        .only(
            "pk",
            "public_id",
            "title",
            "body",
            "kind",
            "product_kind",
            "topic_category",
            "region",
            "dated_on",
            "published_at",
            "programme_id",
            "credited_people",
            "community__name",
        )
        .order_by("-published_at", "-pk")
    )


def public_publications(*, programme: Programme, **filters: Any) -> QuerySet[Publication]:
    """The programme's public lessons and products, newest first, filtered (and searched) as
    the visitor asked; the page's items get their authors from `with_author_names`."""
    return _listed(_public_rows(programme=programme, **filters))


def with_author_names(items: list[Publication]) -> list[Publication]:
    """Each item with `author_names`: of the people who chose to be named (their own
    `PublicationCredit`), in the order they did. Their ids are kept on the item
    (`publishing.credited`) and the names read by primary key, one query for all the items and
    none when nobody is named: asked for the credits of a page's items, PostgreSQL read the
    whole credits table."""
    people = {pk for item in items for pk in item.credited_people}
    names = (
        dict(Person.objects.filter(pk__in=people).values_list("pk", "full_name")) if people else {}
    )
    for item in items:
        item.author_names = [names[pk] for pk in item.credited_people if pk in names]
    return items


def public_search(*, programme: Programme, q: str, **filters: Any) -> PublicSearchResults:
    """A search of the public knowledge base: its newest matches, at most `RANK_CANDIDATES`
    (as in the search box, `search.selectors`), and whether there are more.

    Counting every match read every public row of the programme (five times as many at five
    times the network) on each search. The matches are taken in the list's own order instead
    (index `publication_public`, newest first), so PostgreSQL stops after the first
    `RANK_CANDIDATES + 1`: a common word costs about as many rows at any size of the network;
    a word found fewer times than that reads the programme's public rows, as before."""
    rows = _public_rows(programme=programme, q=q, in_list_order=True, **filters)
    rows = rows.order_by("-published_at", "-pk")
    ids = list(rows.values_list("pk", flat=True)[: RANK_CANDIDATES + 1])
    return PublicSearchResults(programme=programme, ids=ids)


class PublicSearchResults:
    """The matches of a search as a `Paginator` reads them: a count and slices (each slice
    one query for its items, public once more by `public_q`)."""

    def __init__(self, *, programme: Programme, ids: list[int]) -> None:
        self.programme, self.ids = programme, ids
        self.capped = len(ids) > RANK_CANDIDATES

    def count(self) -> int:
        return min(len(self.ids), RANK_CANDIDATES)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Publication]:
        wanted = self.ids[:RANK_CANDIDATES][index]
        if not wanted:
            return []
        # Unordered in SQL, so the items are read by primary key: ordered by date, PostgreSQL
        # walked the list's index through every public row to find the few asked for.
        rows = public_publications(programme=self.programme).filter(pk__in=wanted).order_by()
        found = {item.pk: item for item in rows}
        return [found[pk] for pk in wanted if pk in found]


@dataclass(frozen=True)
class FilterOptions:
    regions: list[str]
    years: list[int]
    # How many public items there are in all: the unfiltered list's count.
    total: int = 0
    # How many per region and year, for a list filtered on those alone.
    per_region_year: dict[tuple[str, int], int] = field(default_factory=dict)


def public_filter_options(*, programme: Programme) -> FilterOptions:
    """Regions and years that have something public, so no filter leads to an empty page, and
    the number of public items: the kept counts per region and year (`publishing.counts`; at
    most regions × years rows), where counting read every public row of the programme."""
    groups = PublicCount.objects.filter(programme=programme, kind="").values_list(
        "region", "year", "count"
    )
    per_region_year = {(region, year): n for region, year, n in groups}
    return FilterOptions(
        regions=sorted({region for region, _year in per_region_year if region}),
        years=sorted({year for _region, year in per_region_year}, reverse=True),
        total=sum(per_region_year.values()),
        per_region_year=per_region_year,
    )


def public_count(
    *,
    options: FilterOptions,
    programme: Programme,
    topic: str = "",
    kind: str = "",
    region: str = "",
    year: int | None = None,
) -> int:
    """How many public items the list filtered this way holds, from the kept counts: without
    a topic or kind from the options already read (no query), otherwise the kept counts of
    the combinations that match (one query, a few rows)."""
    if not topic and not kind:
        return sum(
            n
            for (row_region, row_year), n in options.per_region_year.items()
            if (not region or row_region == region) and (not year or row_year == year)
        )
    rows = PublicCount.objects.filter(programme=programme).exclude(kind="")
    if topic:
        rows = rows.filter(topic_category=topic)
    if kind == LESSON:
        rows = rows.filter(kind=Publication.Kind.LESSON)
    elif kind:
        rows = rows.filter(kind=Publication.Kind.PRODUCT, product_kind=kind)
    if region:
        rows = rows.filter(region=region)
    if year:
        rows = rows.filter(year=year)
    return rows.aggregate(n=Sum("count"))["n"] or 0


def public_item(*, programme: Programme, public_id: str) -> Publication | None:
    return (
        Publication.objects.filter(programme=programme, public_id=public_id)
        .filter(public_q())
        .select_related("community", "programme")
        .prefetch_related(
            _credits(),
            Prefetch(
                "files",
                queryset=PublicationFile.objects.select_related("product_file").order_by("pk"),
            ),
        )
        .first()
    )


def public_file(*, programme: Programme, public_id: str, file_id: str) -> PublicationFile | None:
    """An approved file of a public product, while the file still belongs to the product."""
    return (
        PublicationFile.objects.filter(
            public_id=file_id,
            publication__programme=programme,
            publication__public_id=public_id,
        )
        .filter(
            publication__status=Publication.Status.PUBLISHED,
            publication__product__shareable=True,
        )
        .select_related("product_file", "publication")
        .first()
    )


def public_feed_items(*, programme: Programme) -> list[Publication]:
    """The programme's newest public items, with their authors (`with_author_names`)."""
    items = list(public_publications(programme=programme)[:FEED_ITEMS])
    for item in items:
        item.programme = programme  # known already: links need its slug, not a query each
    return with_author_names(items)


def public_items_for_sources(
    *, programme: Programme, lesson_ids: list[int], product_ids: list[int]
) -> list[Publication]:
    """The public versions of these lessons and products, for a page that names them to
    anyone (an open event's look back): what is not public stays unnamed."""
    if not lesson_ids and not product_ids:
        return []
    return list(
        Publication.objects.filter(programme=programme)
        .filter(public_q())
        .filter(Q(lesson_id__in=lesson_ids) | Q(product_id__in=product_ids))
        .only("pk", "public_id", "title", "kind", "product_kind", "programme_id")
        .order_by("title", "pk")
    )


def programmes_with_public_items() -> QuerySet[Programme]:
    """Programmes that have anything public; the others have no public page to speak of."""
    return Programme.objects.filter(
        pk__in=Publication.objects.filter(public_q()).values("programme_id")
    ).order_by("name")


def kind_choices() -> list[tuple[str, str]]:
    return [(LESSON, str(Publication.Kind.LESSON.label)), *Product.Kind.choices]


def topic_choices() -> list[tuple[str, str]]:
    return list(TopicCategory.choices)


# --- Inside the programme ---------------------------------------------------------------


def coordinator_addresses(*, programme_id: int) -> list[str]:
    """E-mail addresses of the programme's coordinators (who review and approve)."""
    return sorted(
        {
            address
            for address in ProgrammeRole.objects.filter(
                programme_id=programme_id, role=ProgrammeRole.Role.COORDINATOR
            ).values_list("person__email", flat=True)
            if address
        }
    )


def publication_for_page(*, pk: int) -> Publication:
    return (
        Publication.objects.select_related(
            "programme", "community", "proposed_by", "decided_by", "product", "lesson"
        )
        .prefetch_related(
            _credits(),
            Prefetch(
                "files",
                queryset=PublicationFile.objects.select_related("product_file").order_by("pk"),
            ),
        )
        .get(pk=pk)
    )


def review_queue(*, programme: Programme) -> QuerySet[Publication]:
    """Proposals waiting for a coordinator, oldest first."""
    return (
        Publication.objects.filter(programme=programme, status=Publication.Status.PROPOSED)
        .select_related("community", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def published_of_programme(*, programme: Programme) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(programme=programme, status=Publication.Status.PUBLISHED)
        .select_related("community")
        .order_by("-published_at", "-pk")
    )


def community_publications(*, community: Community, limit: int = PANEL_ITEMS) -> dict[str, Any]:
    """The community's proposals and publications for the community page, newest first."""
    rows = list(
        Publication.objects.filter(community=community)
        .exclude(status=Publication.Status.WITHDRAWN)
        .order_by("-proposed_at", "-pk")
        .only("pk", "title", "status", "public_id", "kind", "proposed_at", "community_id")[
            : limit + 1
        ]
    )
    return {"publications": rows[:limit], "more": len(rows) > limit}


def proposal_candidates(*, community: Community) -> dict[str, list]:
    """Shared lessons and products of the community that are not public or proposed yet: what
    its lead or facilitator can propose. The newest few of each, in two queries."""
    # Per candidate, is there an active publication of it (an index probe each); `NOT IN` the
    # active publications read all of them, every programme's, on each community page.
    active = Publication.objects.filter(status__in=Publication.ACTIVE)
    lessons = list(
        Lesson.objects.filter(community=community, shareable=True)
        .exclude(Exists(active.filter(lesson=OuterRef("pk"))))
        .select_related("meeting")
        .only("pk", "text", "meeting__starts_at", "created_at")
        .order_by("-created_at", "-pk")[:CANDIDATES_PER_KIND]
    )
    products = list(
        Product.objects.filter(communities=community, shareable=True)
        .exclude(Exists(active.filter(product=OuterRef("pk"))))
        .only("pk", "title", "kind")
        .order_by("-updated_at", "-pk")[:CANDIDATES_PER_KIND]
    )
    return {"lessons": lessons, "products": products}


def is_credited(*, publication: Publication, user: Any) -> bool:
    person = access_for(user).person
    if person is None:
        return False
    return any(credit.person_id == person.pk for credit in publication.credits.all())
