"""The public knowledge base of the national-scale synthetic network (DESIGN.md §5): a part of
what the communities share goes public — about one shared product in four and one shared
lesson in twenty — each approved by the programme's first coordinator, some with their maker
named. Rows only, no services (no audit, no e-mail; each row says itself that its source is
shared, `publishing.sources`); deterministic per seed."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Community
from leerkring.communities.synthetic import SynthContext, synth_step
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson

from .counts import public_counts_rebuild
from .credited import credited_update
from .models import Publication, PublicationCredit, title_from_text

BATCH_SIZE = 5000
PRODUCT_SHARE = 0.25
LESSON_SHARE = 0.05
CREDIT_SHARE = 0.3


@synth_step(order=450)
def synth_publications(ctx: SynthContext) -> None:
    rng = random.Random(f"{ctx.seed}-publications")
    communities = {c.pk: c for c in ctx.communities}
    approver = dict(
        ProgrammeRole.objects.filter(role=ProgrammeRole.Role.COORDINATOR)
        .order_by("programme_id", "-pk")
        .values_list("programme_id", "person__user_id")
    )
    person_of_user = {person.user_id: person.pk for person in ctx.people if person.user_id}
    now = timezone.make_aware(datetime.datetime.combine(ctx.today, datetime.time(9)))
    rows: list[Publication] = []
    authors: list[int | None] = []
    first_backer = dict(
        Product.communities.through.objects.order_by("product_id", "community_id").values_list(
            "product_id", "community_id"
        )
    )
    for product in Product.objects.filter(shareable=True).order_by("pk").iterator():
        if rng.random() >= PRODUCT_SHARE or product.pk not in first_backer:
            continue
        community = communities[first_backer[product.pk]]
        rows.append(_publication(community, approver, now, rng,
                                 kind=Publication.Kind.PRODUCT, product_id=product.pk,
                                 title=product.title, body=product.summary,
                                 product_kind=product.kind, topic=product.topic_category,
                                 dated=product.created_at, source_shared=product.shareable))  # fmt: skip
        authors.append(person_of_user.get(product.created_by_id))
    lessons = Lesson.objects.filter(shareable=True).select_related("meeting").order_by("pk")
    for lesson in lessons.iterator():
        if rng.random() >= LESSON_SHARE:
            continue
        community = communities[lesson.community_id]
        title = title_from_text(lesson.text)
        rows.append(_publication(community, approver, now, rng,
                                 kind=Publication.Kind.LESSON, lesson_id=lesson.pk, title=title,
                                 body=lesson.text, dated=lesson.meeting.starts_at,
                                 source_shared=lesson.shareable))  # fmt: skip
        authors.append(person_of_user.get(lesson.created_by_id))
    Publication.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    # Rows without `save()`: the public counts are counted once they are all there.
    public_counts_rebuild(programme_ids={row.programme_id for row in rows})
    credits = [
        PublicationCredit(publication=publication, person_id=author)
        for publication, author in zip(rows, authors, strict=True)
        if author and rng.random() < CREDIT_SHARE
    ]
    PublicationCredit.objects.bulk_create(credits, batch_size=BATCH_SIZE)
    # Without the receivers: who each names, set once they are all there.
    credited_update(
        Publication.objects.filter(pk__in={credit.publication_id for credit in credits}),
        PublicationCredit.objects.all(),
    )
    ctx.counts["publications"] = len(rows)


def _publication(community: Community, approver, now, rng, *, dated, **fields) -> Publication:
    published_at = now - datetime.timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 600))
    return Publication(
        programme_id=community.programme_id,
        community_id=community.pk,
        title=fields.pop("title") or community.name,
        body=fields.pop("body") or community.name,
        product_kind=fields.pop("product_kind", ""),
        topic_category=fields.pop("topic", ""),
        region=community.region if community.scope == Community.Scope.REGIONAL else "",
        dated_on=timezone.localdate(dated),
        status=Publication.Status.PUBLISHED,
        proposed_at=published_at - datetime.timedelta(days=3),
        decided_by_id=approver.get(community.programme_id),
        decided_at=published_at,
        published_at=published_at,
        **fields,
    )
