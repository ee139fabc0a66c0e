"""The public knowledge base of the demo: the CoP's Inburgering made a handful of their shared
products and lessons public, each approved by the coordinator (report §3.2.5: infographics on
medical exemption were on Divosa's website), one with its maker named, and one proposal that
waits for the coordinator. Rows only: no e-mail is sent, and each row says itself that its
source is shared (`publishing.sources`)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from leerkring.accounts.models import User
from leerkring.communities.demo_data import (
    DEMO_SEED,
    INBURGERING_SLUG,
    LOGINS,
    DemoContext,
    demo_step,
)
from leerkring.communities.models import Community
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson

from .counts import public_counts_rebuild
from .models import Publication, PublicationCredit, title_from_text

PUBLIC_LESSONS = 8


@demo_step(order=450)
def demo_publications(ctx: DemoContext) -> None:
    rng = random.Random(f"{DEMO_SEED}-publications")
    coordinator = User.objects.get(email=LOGINS["coordinator"])
    lead = User.objects.get(email=LOGINS["lead"])
    inburgering = [c for c in ctx.communities.values() if c.programme.slug == INBURGERING_SLUG]
    now = timezone.now()
    rows: list[Publication] = []
    products = Product.objects.filter(
        programme=inburgering[0].programme, shareable=True
    ).prefetch_related("communities")
    for number, product in enumerate(products.order_by("created_at", "pk")):
        community = product.communities.all()[0]
        rows.append(
            _published(
                community,
                coordinator,
                now - datetime.timedelta(days=90 - number * 9),
                kind=Publication.Kind.PRODUCT,
                product=product,
                title=product.title,
                body=product.summary,
                product_kind=product.kind,
                topic_category=product.topic_category,
                dated=product.created_at,
                source_shared=product.shareable,
                proposer=lead if community.name == "CoP Achterhoek" else None,
            )  # fmt: skip
        )
    lessons, texts = [], set()
    for lesson in (
        Lesson.objects.filter(community__in=inburgering, shareable=True)
        .select_related("meeting", "community")
        .order_by("pk")
    ):
        if lesson.text not in texts:  # communities name the same lesson now and then
            texts.add(lesson.text)
            lessons.append(lesson)
    for number, lesson in enumerate(rng.sample(lessons, min(PUBLIC_LESSONS, len(lessons)))):
        rows.append(
            _published(
                lesson.community,
                coordinator,
                now - datetime.timedelta(days=60 - number * 5),
                kind=Publication.Kind.LESSON,
                lesson=lesson,
                title=title_from_text(lesson.text),
                body=lesson.text,
                dated=lesson.meeting.starts_at,
                source_shared=lesson.shareable,
                proposer=None,
            )  # fmt: skip
        )
    # One proposal of CoP Achterhoek waits for the coordinator (four eyes).
    waiting = next(
        (
            lesson
            for lesson in lessons
            if lesson.community.name == "CoP Achterhoek"
            and all(r.lesson_id != lesson.pk for r in rows)
        ),
        None,
    )
    if waiting is not None:
        rows.append(
            Publication(
                programme_id=waiting.community.programme_id,
                community=waiting.community,
                kind=Publication.Kind.LESSON,
                lesson=waiting,
                title=title_from_text(waiting.text),
                body=waiting.text,
                region=waiting.community.region,
                dated_on=timezone.localdate(waiting.meeting.starts_at),
                status=Publication.Status.PROPOSED,
                source_shared=waiting.shareable,
                proposed_by=lead,
                proposed_at=now - datetime.timedelta(days=2),
            )  # fmt: skip
        )
    Publication.objects.bulk_create(rows)
    # Rows without `save()`: the public counts are counted once they are all there.
    public_counts_rebuild(programme_ids={row.programme_id for row in rows})
    first_product = next((r for r in rows if r.kind == Publication.Kind.PRODUCT), None)
    if first_product is not None and first_product.product.created_by_id:
        maker = User.objects.get(pk=first_product.product.created_by_id)
        if hasattr(maker, "person"):
            PublicationCredit.objects.create(publication=first_product, person=maker.person)
    ctx.counts["public items"] = sum(1 for r in rows if r.status == Publication.Status.PUBLISHED)


def _published(community: Community, coordinator, at, *, dated, proposer, **fields) -> Publication:
    return Publication(
        programme_id=community.programme_id,
        community=community,
        region=community.region if community.scope == Community.Scope.REGIONAL else "",
        dated_on=timezone.localdate(dated),
        status=Publication.Status.PUBLISHED,
        proposed_by=proposer,
        proposed_at=at - datetime.timedelta(days=4),
        decided_by=coordinator,
        decided_at=at,
        published_at=at,
        **fields,
    )
