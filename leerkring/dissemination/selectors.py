"""Reads of the dissemination app: querysets with their joins, so pages keep a fixed number of
queries (STYLE.md): products and the knowledge view, then newsletters."""

from __future__ import annotations

import datetime
import heapq
from collections import Counter, defaultdict
from typing import Any

from django.db.models import (
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerkring.communities.models import (
    LEAD_ROLES,
    Community,
    Membership,
    Organisation,
    Programme,
)
from leerkring.communities.permissions import COORDINATOR, access_for
from leerkring.communities.selectors import programme_community_count
from leerkring.core.panels import Task, Urgency
from leerkring.meetings.models import AgendaItem, Lesson, Meeting
from leerkring.meetings.topics import TopicCategory
from leerkring.signalling.models import Signal

from .models import (
    CommunityLinks,
    Dissemination,
    IssueItem,
    Newsletter,
    NewsletterIssue,
    Product,
    ProductFile,
    ProgrammeProductCount,
    Subscriber,
)

# --- Products and knowledge view -----------------------------------------------------------

# "Current" topics: what agendas of the last half year were about (issue §3).
KNOWLEDGE_TOPIC_DAYS = 183
# Shared lessons and passed-on signals: the most recent few per community, of the last year.
KNOWLEDGE_RECENT_DAYS = 365
KNOWLEDGE_ITEMS_PER_COMMUNITY = 5
# Communities working on the same topic: the closest few (most shared subtopics), and how many
# more. In a national programme a common subtopic links a community to hundreds of others, and
# listing them all made the page slow to build and long to read.
KNOWLEDGE_RELATED_PER_COMMUNITY = 10
PANEL_PRODUCTS = 10

_ProductCommunity = Product.communities.through


def _community_names() -> Prefetch:
    return Prefetch("communities", queryset=Community.objects.only("pk", "name").order_by("name"))


def products_visible_q(*, user: Any) -> Q:
    """A product is visible in lists when it is shared, or when it is one of the visitor's
    own communities' (DESIGN.md §2: only what a community shares leaves it)."""
    own = list(access_for(user).community_roles)
    visible = Q(shareable=True)
    if own:
        visible |= Q(
            pk__in=_ProductCommunity.objects.filter(community_id__in=own).values("product_id")
        )
    return visible


def catalogue_products(
    *,
    programme: Programme,
    user: Any,
    kind: str = "",
    status: str = "",
    scope: str = "",
    topic: str = "",
    community: Community | None = None,
    community_q: str = "",
    q: str = "",
) -> QuerySet[Product]:
    """The programme's catalogue as this visitor may see it, filtered; newest change first.
    `community_q` keeps the products of communities whose name holds it (the filter's search
    field, in programmes with too many communities to choose from a list). The communities'
    names come with `with_community_names`, for the page shown."""
    products = Product.objects.filter(programme=programme).filter(products_visible_q(user=user))
    if kind:
        products = products.filter(kind=kind)
    if status:
        products = products.filter(status=status)
    if scope:
        products = products.filter(scope=scope)
    if topic:
        products = products.filter(topic_category=topic)
    if community is not None:
        products = products.filter(
            pk__in=_ProductCommunity.objects.filter(community=community).values("product_id")
        )
    if community_q.strip():
        products = products.filter(
            pk__in=_ProductCommunity.objects.filter(
                community__programme=programme, community__name__icontains=community_q.strip()
            ).values("product_id")
        )
    if q.strip():
        products = products.filter(title__icontains=q.strip())
    return products.order_by("-updated_at", "-pk")


def with_community_names(products: list[Product]) -> list[Product]:
    """The communities behind each product (name only), as `product.communities.all()`, for a
    page of products. Their ids are read first, so the names are looked up by key: joined to
    the products, the community table was read whole (3,000 rows at five times national
    scale) for a page of twenty-five."""
    if not products:
        return products
    community_ids = set(
        _ProductCommunity.objects.filter(product_id__in=[p.pk for p in products]).values_list(
            "community_id", flat=True
        )
    )
    names = Community.objects.filter(pk__in=community_ids).only("pk", "name").order_by("name")
    prefetch_related_objects(products, Prefetch("communities", queryset=names))
    return products


def catalogue_count(*, programme: Programme, user: Any) -> int:
    """How many products the unfiltered catalogue lists for this visitor (`catalogue_products`
    without filters): the programme's shareable products, kept in `ProgrammeProductCount`, and
    the unshared ones of the visitor's own communities, counted — a few, whatever the size of
    the programme. Counted the long way when nothing is kept for the programme yet."""
    kept = (
        ProgrammeProductCount.objects.filter(programme=programme)
        .values_list("shared", flat=True)
        .first()
    )
    if kept is None:
        return catalogue_products(programme=programme, user=user).count()
    own = list(access_for(user).community_roles)
    if not own:
        return kept
    unshared = Product.objects.filter(
        programme=programme,
        shareable=False,
        pk__in=_ProductCommunity.objects.filter(community_id__in=own).values("product_id"),
    )
    return kept + unshared.count()


def products_of_community(*, community: Community, user: Any) -> dict[str, Any]:
    """The community page's products: all of them for its members, the shared ones for the
    programme's coordinators and evaluators."""
    products = Product.objects.filter(
        pk__in=_ProductCommunity.objects.filter(community=community).values("product_id")
    )
    if community.pk not in access_for(user).community_roles:
        products = products.filter(shareable=True)
    rows = list(products.order_by("-updated_at", "-pk")[: PANEL_PRODUCTS + 1])
    return {"products": rows[:PANEL_PRODUCTS], "more": len(rows) > PANEL_PRODUCTS}


def organisations_behind(
    *, community_ids: list[int], selected_ids: list[int] = ()
) -> QuerySet[Organisation]:
    """Organisations a product can name: those of the current members of its communities, and
    any it already names (a member may have left since)."""
    return Organisation.objects.filter(
        Q(
            pk__in=Membership.objects.active()
            .filter(community_id__in=community_ids)
            .values("organisation_id")
        )
        | Q(pk__in=list(selected_ids))
    ).only("pk", "name")


def product_for_page(*, pk: int) -> Product:
    """A product with everything its page shows, in a fixed number of queries."""
    return (
        Product.objects.select_related("programme")
        .prefetch_related(
            _community_names(),
            "organisations",
            Prefetch(
                "files",
                queryset=ProductFile.objects.select_related("uploaded_by").order_by("uploaded_at"),
            ),
            "links",
            Prefetch("disseminations", queryset=Dissemination.objects.select_related("shared_by")),
        )
        .get(pk=pk)
    )


def _since(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _top_per_community(queryset: QuerySet, *, order_by: list, limit: int) -> QuerySet:
    """The first `limit` rows per community, in one query (a window function)."""
    return queryset.annotate(
        rank=Window(RowNumber(), partition_by=[F("community_id")], order_by=order_by)
    ).filter(rank__lte=limit)


def knowledge_communities(
    *, programme: Programme, topic: str = "", community_id: int | None = None
) -> QuerySet[Community]:
    """The communities the knowledge view lists (not ended ones), optionally those that had a
    topic category on a recent agenda, or one community."""
    communities = programme.communities.exclude(status=Community.Status.ENDED).order_by("name")
    if community_id:
        communities = communities.filter(pk=community_id)
    if topic:
        communities = communities.filter(
            pk__in=_recent_agenda_items(programme=programme)
            .filter(topic_category=topic)
            .values("meeting__community_id")
        )
    return communities.only("pk", "name", "theme", "region", "scope", "programme_id")


def knowledge_count(*, programme: Programme, topic: str = "", community_id=None) -> int | None:
    """How many communities `knowledge_communities` lists unfiltered (those not ended), from
    the programme's kept counts (`communities.programme_counts`); None when filtered or not
    kept, to be counted."""
    if topic or community_id:
        return None
    return programme_community_count(programme=programme, ended=False)


def _recent_agenda_items(
    *, programme: Programme, community_ids: list[int] | None = None
) -> QuerySet[AgendaItem]:
    # For listed communities (of the programme) their own meetings only: joining the
    # community to test the programme hashed all the programme's communities.
    where = (
        Q(meeting__community_id__in=community_ids)
        if community_ids is not None
        else Q(meeting__community__programme=programme)
    )
    return AgendaItem.objects.filter(
        where,
        meeting__starts_at__gte=_since(KNOWLEDGE_TOPIC_DAYS),
        meeting__starts_at__lte=timezone.now(),
        is_lookback=False,
    ).exclude(meeting__status=Meeting.Status.CANCELLED)


Topics = dict[int, dict[str, dict[str, int]]]


def programme_topics(
    *, programme: Programme, community_ids: list[int] | None = None
) -> tuple[Topics, dict[str, set[int]]]:
    """The subtopics on the programme's agendas of the last half year, counted per community
    and category, and per subtopic (case aside) the communities that had it. Reads every agenda
    item of the programme in that time (or only those of `community_ids`): the stored links of
    `dissemination.links` (worked out by the task worker) and the knowledge view when a
    listed community has no stored links yet call it, not a community's page."""
    topics: Topics = defaultdict(lambda: defaultdict(dict))
    communities_by_subtopic: dict[str, set[int]] = defaultdict(set)
    items = _recent_agenda_items(programme=programme, community_ids=community_ids)
    rows = (
        items.exclude(topic_category="")
        .order_by()  # counted, not listed: no sort of the programme's agenda items
        .values_list("meeting__community_id", "topic_category", "subtopic")
    )
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for community_id, category, subtopic in rows:
        counts[(community_id, category, subtopic.strip())] += 1
    for (community_id, category, subtopic), count in counts.items():
        topics[community_id][category][subtopic] = count
        if subtopic:
            communities_by_subtopic[subtopic.casefold()].add(community_id)
    return topics, communities_by_subtopic


def shared_subtopics(
    community_id: int, topics: Topics, communities_by_subtopic: dict[str, set[int]]
) -> tuple[set[str], Counter]:
    """A community's own subtopics, and for every other community how many of them it had
    too."""
    mine = {s for category in topics.get(community_id, {}).values() for s in category if s}
    shared: Counter = Counter()
    for subtopic in mine:
        shared.update(communities_by_subtopic[subtopic.casefold()])
    shared.pop(community_id, None)
    return mine, shared


def knowledge_entries(*, programme: Programme, communities: list[Community]) -> list[dict]:
    """What each listed community works on and chose to share (issue §3), in six queries
    whatever the number of communities.

    Shape is shared, content only when marked shareable (DESIGN.md §2): topic categories and
    subtopics of recent agendas (never agenda item titles or descriptions), shareable lessons,
    shareable products, and the titles of signals the community passed on. "Working on the
    same topic" means a subtopic on both communities' agendas in the last half year.
    """
    ids = [community.pk for community in communities]
    if not ids:
        return []

    # 1. The closest communities the task worker stored (`dissemination.links`). When every
    # listed community has them, only the listed communities' own agendas are read; otherwise
    # (a new community, before the worker's next round) the topics of the whole programme,
    # counted per community, category and subtopic, as the links are worked out.
    stored = {
        row.community_id: row
        for row in CommunityLinks.objects.filter(community_id__in=ids, programme=programme)
    }
    use_stored = len(stored) == len(ids)
    if use_stored:
        topics, communities_by_subtopic = programme_topics(programme=programme, community_ids=ids)
    else:
        topics, communities_by_subtopic = programme_topics(programme=programme)

    # Per community on the page: its subtopics, and for every other community how many of
    # them it shares (counted in C by Counter; the subtopics are listed only for those shown).
    own_subtopics: dict[int, set[str]] = {}
    related: dict[int, Counter] = {}
    if use_stored:
        related_ids = {row["pk"] for links in stored.values() for row in links.related}
    else:
        for community_id in ids:
            own_subtopics[community_id], related[community_id] = shared_subtopics(
                community_id, topics, communities_by_subtopic
            )
        related_ids = set().union(*related.values())
    # 2. Names of the related communities (they need not be on this page). The listed ones
    # are asked too, so the query is made even when nothing is related: the page costs the
    # same number of queries in a programme of one community as in one of hundreds.
    names = dict(
        Community.objects.filter(pk__in=related_ids | set(ids))
        .exclude(status=Community.Status.ENDED)
        .values_list("pk", "name")
    )

    # 3. Shared lessons, the most recent few per community.
    lessons: dict[int, list] = defaultdict(list)
    lesson_rows = _top_per_community(
        Lesson.objects.filter(
            community_id__in=ids, shareable=True, created_at__gte=_since(KNOWLEDGE_RECENT_DAYS)
        ),
        order_by=[F("created_at").desc(), F("pk").desc()],
        limit=KNOWLEDGE_ITEMS_PER_COMMUNITY,
    ).values("community_id", "pk", "text", "created_at", "influence_level")
    lesson_rows = lesson_rows.order_by("-created_at", "-pk")
    for row in lesson_rows:
        lessons[row["community_id"]].append(row)

    # 4. Shared products of these communities, the most recently changed few per community:
    # the links first, then the products by key (joined, every shareable product of the
    # network was read: 5,800 rows at five times national scale).
    products: dict[int, list] = defaultdict(list)
    links = list(
        _ProductCommunity.objects.filter(community_id__in=ids).values_list(
            "community_id", "product_id"
        )
    )
    shared = {
        row["pk"]: row
        for row in Product.objects.filter(
            pk__in={product_id for _community_id, product_id in links}, shareable=True
        )
        .order_by()
        .values("pk", "title", "kind", "status", "updated_at")
    }
    newest_first = sorted(
        (
            (shared[product_id], community_id)
            for community_id, product_id in links
            if product_id in shared
        ),
        key=lambda item: (item[0]["updated_at"], item[0]["pk"]),
        reverse=True,
    )
    for row, community_id in newest_first:
        if len(products[community_id]) < KNOWLEDGE_ITEMS_PER_COMMUNITY:
            products[community_id].append(
                {
                    "pk": row["pk"],
                    "title": row["title"],
                    "kind": Product.Kind(row["kind"]).label,
                    "status": Product.Status(row["status"]).label,
                }
            )

    # 5. Titles of signals the community passed on (a draft has not left the room).
    signals: dict[int, list] = defaultdict(list)
    signal_rows = _top_per_community(
        Signal.objects.filter(
            community_id__in=ids, passed_on_at__gte=_since(KNOWLEDGE_RECENT_DAYS)
        ).exclude(state=Signal.State.DRAFT),
        order_by=[F("passed_on_at").desc(), F("pk").desc()],
        limit=KNOWLEDGE_ITEMS_PER_COMMUNITY,
    ).values("community_id", "title", "state", "passed_on_at")
    signal_rows = signal_rows.order_by("-passed_on_at", "-pk")
    for row in signal_rows:
        signals[row["community_id"]].append(
            {"title": row["title"], "state": Signal.State(row["state"]).label}
        )

    category_labels = dict(TopicCategory.choices)
    entries = []
    for community in communities:
        community_topics = topics.get(community.pk, {})
        entries.append(
            {
                "community": community,
                "topics": [
                    {
                        "category": category_labels.get(category, category),
                        "count": sum(subtopics.values()),
                        "subtopics": sorted(s for s in subtopics if s),
                    }
                    for category, subtopics in sorted(
                        community_topics.items(), key=lambda item: -sum(item[1].values())
                    )
                ],
                "lessons": lessons.get(community.pk, []),
                "products": products.get(community.pk, []),
                "signals": signals.get(community.pk, []),
                **(
                    _stored_closest(stored[community.pk], names)
                    if use_stored
                    else closest_communities(
                        related.get(community.pk, Counter()),
                        names,
                        own_subtopics.get(community.pk, set()),
                        communities_by_subtopic,
                    )
                ),
            }
        )
    return entries


def _stored_closest(links: CommunityLinks, names: dict[int, str]) -> dict[str, Any]:
    """A community's stored closest communities with names as they are now; those that ended
    since are left out (as `links.stored_links` does for the community page)."""
    return {
        "related": [
            {**row, "name": names[row["pk"]]} for row in links.related if row["pk"] in names
        ],
        "related_more": links.more,
    }


def closest_communities(
    shared: Counter,
    names: dict[int, str],
    mine: set[str],
    communities_by_subtopic: dict[str, set[int]],
) -> dict[str, Any]:
    """The related communities with most shared subtopics first, cut to the first few; the
    shared subtopics are only worked out for those shown."""
    candidates = [other for other in shared if other in names]
    shown = heapq.nsmallest(
        KNOWLEDGE_RELATED_PER_COMMUNITY,
        candidates,
        key=lambda other: (-shared[other], names[other]),
    )
    return {
        "related": [
            {
                "pk": other,
                "name": names[other],
                "subtopics": sorted(
                    s for s in mine if other in communities_by_subtopic[s.casefold()]
                ),
            }
            for other in shown
        ],
        "related_more": len(candidates) - len(shown),
    }


# --- Newsletter ----------------------------------------------------------------------------


def newsletters_of_programme(*, programme: Programme) -> QuerySet[Newsletter]:
    """The programme's newsletters with their number of published issues and the latest send,
    in one query. Callers keep the ones the visitor may read (`permissions`)."""
    published = Q(issues__status__in=["sending", "sent"])
    return (
        Newsletter.objects.filter(programme=programme)
        .select_related("community", "programme")
        .annotate(
            published_count=Count("issues", filter=published),
            last_published_at=Max("issues__published_at", filter=published),
        )
        .order_by(F("community__name").asc(nulls_first=True), "title")
    )


def newsletter_for_page(*, pk: int) -> Newsletter:
    return Newsletter.objects.select_related("programme", "community").get(pk=pk)


def newsletter_archive(*, newsletter: Newsletter) -> QuerySet[NewsletterIssue]:
    """Published issues, newest first."""
    return newsletter.issues.filter(status__in=["sending", "sent"]).order_by("-number")


def newsletter_drafts(*, newsletter: Newsletter) -> QuerySet[NewsletterIssue]:
    return (
        newsletter.issues.filter(status=NewsletterIssue.Status.DRAFT)
        .annotate(item_count=Count("items"))
        .order_by("-number")
    )


def issue_for_page(*, pk: int) -> NewsletterIssue:
    return (
        NewsletterIssue.objects.select_related("newsletter__programme", "newsletter__community")
        .prefetch_related(Prefetch("items", queryset=IssueItem.objects.order_by("position", "pk")))
        .get(pk=pk)
    )


def subscriber_counts(*, newsletter: Newsletter) -> dict[str, int]:
    """Confirmed (and still subscribed), waiting for confirmation, and unsubscribed."""
    return Subscriber.objects.filter(newsletter=newsletter).aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True)),
        pending=Count("pk", filter=Q(confirmed_at__isnull=True, unsubscribed_at__isnull=True)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    )


def subscribers_of(*, newsletter: Newsletter) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(newsletter=newsletter).order_by("email")


def member_subscription(*, newsletter: Newsletter, email: str) -> Subscriber | None:
    return Subscriber.objects.filter(newsletter=newsletter, email=email.strip().lower()).first()


# --- Search --------------------------------------------------------------------------------


HOME_DRAFTS = 5


def home_tasks_of(user: Any) -> list[Task]:
    """The home page's lines from dissemination (issue "Task-first interface"): newsletter
    drafts the person may edit (programme newsletters for the coordinator, a community's for its
    lead too), and per coordinated programme the shared products ready to be disseminated. Two
    queries at most."""
    access = access_for(user)
    coordinated = access.programmes_with(COORDINATOR)
    led = [pk for pk, role in access.community_roles.items() if role in LEAD_ROLES]
    if not coordinated and not led:
        return []
    drafts = (
        NewsletterIssue.objects.filter(status=NewsletterIssue.Status.DRAFT)
        .filter(Q(newsletter__programme_id__in=coordinated) | Q(newsletter__community_id__in=led))
        .select_related("newsletter")
        .order_by("created_at", "pk")[:HOME_DRAFTS]
    )
    tasks = [
        Task(
            text=_("Concept van de nieuwsbrief afmaken: %(title)s") % {"title": issue.title},
            url=reverse("dissemination:issue_edit", args=[issue.pk]),
            urgency=Urgency.WAITING,
            when=issue.created_at,
            where=issue.newsletter.title,
        )
        for issue in drafts
    ]
    if coordinated:
        ready = (
            Product.objects.filter(
                programme_id__in=coordinated, status=Product.Status.READY, shareable=True
            )
            .values("programme_id", "programme__slug", "programme__name")
            .annotate(n=Count("pk"))
            .order_by("programme__name")
        )
        tasks += [
            Task(
                text=ngettext(
                    "%(count)s gedeeld product is klaar om te verspreiden",
                    "%(count)s gedeelde producten zijn klaar om te verspreiden",
                    row["n"],
                )
                % {"count": row["n"]},
                url=reverse("dissemination:catalogue", args=[row["programme__slug"]])
                + f"?status={Product.Status.READY}",
                urgency=Urgency.WAITING,
                where=row["programme__name"],
            )
            for row in ready
        ]
    return tasks
