"""Products for the national-scale synthetic network (DESIGN.md §5): about three per community
(report §3.2.5 lists what communities made: factsheets, route maps, guides, webinars...), some
made together with a second community of the same programme, most shared with the programme,
with a dissemination log for the ones that travelled.

Fast on purpose, like the other synthetic steps: plain objects and `bulk_create`, no services
(no audit). Deterministic per seed.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from leerkring.communities.models import LEAD_ROLES
from leerkring.communities.synthetic import SynthContext, synth_step
from leerkring.dissemination.product_counts import product_counts_rebuild
from leerkring.meetings.topics import TopicCategory

from .models import Dissemination, Product

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BATCH_SIZE = 5000

TITLES = {
    Product.Kind.INFOGRAPHIC: "Infographic: de eerste honderd dagen in {region}",
    Product.Kind.FACTSHEET: "Factsheet samenwerking gemeente en taalscholen ({region})",
    Product.Kind.GUIDE: "Handreiking gezinsmigranten in {region}",
    Product.Kind.ROUTE_MAP: "Routekaart van aanmelding tot PIP ({region})",
    Product.Kind.DECISION_TREE: "Beslisboom ontheffing en maatwerk",
    Product.Kind.WEBINAR: "Webinar: werk en taal tegelijk",
    Product.Kind.PROCESS_DRAWING: "Procestekening warme overdracht COA – gemeente ({region})",
    Product.Kind.ADVICE: "Advies aan de ketenpartners over wachttijden",
    Product.Kind.FLYER: "Flyer voor nieuwe collega's ({region})",
    Product.Kind.RETROSPECTIVE: "Terugblik op twee jaar {name}",
}
SUMMARY = (
    "Gemaakt door de gemeenschap na drie bijeenkomsten over dit onderwerp. Voor "
    "klantmanagers, taalcoaches en consulenten die er morgen mee aan de slag willen."
)
# Idea 15 %, in development 25 %, ready 30 %, disseminated 30 %.
STATUSES = (
    [Product.Status.IDEA] * 3
    + [Product.Status.IN_DEVELOPMENT] * 5
    + [Product.Status.READY] * 6
    + [Product.Status.DISSEMINATED] * 6
)
CHANNELS = list(Dissemination.Channel.values)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=AMSTERDAM)


@synth_step(order=400)
def synth_products(ctx: SynthContext) -> None:
    rng = random.Random(f"{ctx.seed}-products")
    user_of_person = {person.pk: person.user_id for person in ctx.people}
    by_community = ctx.active_memberships_by_community()
    communities_by_programme: dict[int, list] = {}
    for community in ctx.communities:
        communities_by_programme.setdefault(community.programme_id, []).append(community)

    products: list[Product] = []
    backers: list[list[int]] = []
    organisations: list[list[int]] = []
    makers: list[int | None] = []
    for community in ctx.communities:
        members = by_community.get(community.pk, [])
        leads = [m for m in members if m.role in LEAD_ROLES] or members
        start = community.start_date or ctx.today - datetime.timedelta(days=500)
        for _number in range(rng.choice((2, 3, 3, 4))):
            kind = rng.choice(list(TITLES))
            maker = rng.choice(leads) if leads else None
            made_on = start + datetime.timedelta(days=rng.randint(60, 700))
            products.append(
                Product(
                    programme_id=community.programme_id,
                    title=TITLES[kind].format(
                        region=community.region or "het land", name=community.name
                    )[:200],  # fmt: skip
                    kind=kind,
                    summary=SUMMARY,
                    status=rng.choice(STATUSES),
                    scope=Product.Scope.NATIONAL
                    if community.scope == "national" or rng.random() < 0.15
                    else Product.Scope.REGIONAL,
                    topic_category=rng.choice(TopicCategory.values),
                    shareable=rng.random() < 0.65,
                    created_by_id=user_of_person.get(maker.person_id) if maker else None,
                    created_at=_at(made_on),
                )
            )
            together = [community.pk]
            siblings = communities_by_programme[community.programme_id]
            if len(siblings) > 1 and rng.random() < 0.2:
                other = rng.choice(siblings)
                if other.pk != community.pk:
                    together.append(other.pk)
            backers.append(together)
            organisations.append(
                sorted(
                    {
                        m.organisation_id
                        for m in rng.sample(members, min(2, len(members)))
                        if m.organisation_id
                    }
                )  # fmt: skip
            )
            makers.append(user_of_person.get(maker.person_id) if maker else None)

    Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
    # Past `save()`: the programmes' kept numbers of shareable products counted again.
    product_counts_rebuild()
    Product.communities.through.objects.bulk_create(
        [
            Product.communities.through(product_id=product.pk, community_id=community_id)
            for product, together in zip(products, backers, strict=True)
            for community_id in together
        ],
        batch_size=BATCH_SIZE,
    )
    Product.organisations.through.objects.bulk_create(
        [
            Product.organisations.through(product_id=product.pk, organisation_id=organisation_id)
            for product, ids in zip(products, organisations, strict=True)
            for organisation_id in ids
        ],
        batch_size=BATCH_SIZE,
    )

    log = []
    for product, maker in zip(products, makers, strict=True):
        if product.status == Product.Status.DISSEMINATED:
            entries = rng.choice((1, 1, 2, 3))
        elif product.status == Product.Status.READY:
            entries = rng.choice((0, 0, 1))
        else:
            entries = 0
        for index in range(entries):
            shared_on = product.created_at.date() + datetime.timedelta(days=30 + 45 * index)
            log.append(
                Dissemination(
                    product=product,
                    channel=rng.choice(CHANNELS),
                    shared_on=shared_on,
                    description="",
                    beyond_community=rng.random() < 0.7,
                    shared_by_id=maker,
                    created_at=_at(shared_on),
                )
            )
    Dissemination.objects.bulk_create(log, batch_size=BATCH_SIZE)
    ctx.counts["products"] = len(products)
    ctx.counts["products_shareable"] = sum(1 for product in products if product.shareable)
    ctx.counts["disseminations"] = len(log)


@synth_step(order=490)
def synth_community_links(ctx: SynthContext) -> None:
    """ "Who else works on this?" for every community, once all agendas are written (the task
    worker keeps it from then on; `links`)."""
    from .links import community_links_refresh

    ctx.counts["community_links"] = community_links_refresh(
        programme_ids=[programme.pk for programme in ctx.programmes.values()]
    )
