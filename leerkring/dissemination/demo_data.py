"""Products and the programme newsletter of the demo network: what the communities made
(report §3.2.5: infographics, a route map, a decision tree, a webinar ...) in different
stages, where it was shared, and one sent issue of the CoP's Inburgering newsletter with
confirmed subscribers. Rows only: no files are uploaded and no e-mail is sent.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from leerkring.accounts.models import User
from leerkring.communities.demo_data import (
    DEMO_SEED,
    INBURGERING_SLUG,
    LOGINS,
    DemoContext,
    demo_step,
)
from leerkring.communities.models import Membership
from leerkring.dissemination.product_counts import product_counts_rebuild
from leerkring.meetings.topics import TopicCategory

from .models import (
    Delivery,
    Dissemination,
    IssueItem,
    Newsletter,
    NewsletterIssue,
    Product,
    Subscriber,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
K = Product.Kind
St = Product.Status
C = TopicCategory
Ch = Dissemination.Channel

# (communities, title, kind, status, category, shareable, summary)
PRODUCTS = [
    (("CoP Achterhoek",), "Infographic geldzaken voor inburgeraars", K.INFOGRAPHIC,
     St.DISSEMINATED, C.LIFE_DOMAINS, True,
     "Op één pagina: welke rekeningen komen er, wie betaalt wat tijdens het ontzorgen, en "
     "wanneer neem je het zelf over."),
    (("CoP Achterhoek",), "Beslisboom jongeren na de ISK", K.DECISION_TREE, St.READY,
     C.TARGET_GROUPS, True,
     "Helpt de klantmanager kiezen tussen onderwijsroute, B1-route en Z-route voor een jongere "
     "die de ISK verlaat."),
    (("CoP Hart van Brabant",), "Wegwijzer: het eerste jaar van een inburgeraar", K.ROUTE_MAP,
     St.DISSEMINATED, C.PROCEDURES, True,
     "De stappen van aanmelding tot examen op een tijdlijn, in gewone taal, getest door een "
     "oud-inburgeraar."),
    (("CoP Zeeland",), "Advies gezondheidsmodule voor inburgeraars", K.ADVICE,
     St.IN_DEVELOPMENT, C.LIFE_DOMAINS, False,
     "Voorstel voor een module over gezondheid en positieve gezondheid binnen de "
     "inburgering."),
    (("CoP Rijnmond",), "Infographic medische ontheffing", K.INFOGRAPHIC, St.DISSEMINATED,
     C.PROCEDURES, True,
     "Wat een inburgeraar moet doen om medische ontheffing aan te vragen, en hoe lang elke "
     "stap duurt."),
    (("CoP Midden-Limburg",), "Klantreis van uitnodiging tot examen", K.PROCESS_DRAWING,
     St.READY, C.COOPERATION, True,
     "Een tekening van de route met bij elke stap de organisatie die verantwoordelijk is."),
    (("CoP Foodvalley", "CoP Noordoost Nederland"), "Participatiewegwijzer Z-route", K.GUIDE,
     St.IN_DEVELOPMENT, C.LIFE_DOMAINS, False,
     "Activiteiten in de regio die passen bij de zelfredzaamheidsroute, met contactpersonen."),
    (("CoP Oost-Brabant",), "Webinar: werk en taal tegelijk", K.WEBINAR, St.IDEA,
     C.LIFE_DOMAINS, False,
     "Jobcoaches en werkgevers vertellen hoe duale trajecten slagen."),
    (("CoP Fryslân",), "Terugblik met tips voor de regio", K.RETROSPECTIVE, St.READY,
     C.OWN_WORK, True,
     "Wat twee jaar CoP heeft opgeleverd, met tien tips voor wie in de regio begint."),
]  # fmt: skip
LOG = [
    (Ch.NEWSLETTER, "In de programmanieuwsbrief van januari."),
    (Ch.COORDINATION_MEETING, "Gepresenteerd in het landelijk coördinatieoverleg."),
    (Ch.REGIONAL_MEETING, "Besproken in het regionale overleg van gemeenten."),
    (Ch.TEAM_MEETING, "Gebruikt in het teamoverleg van de afdeling inburgering."),
    (Ch.WEBSITE, "Staat op de website van de regio."),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)


@demo_step(order=400)
def demo_dissemination(ctx: DemoContext) -> None:
    """Products with a dissemination log, and one sent newsletter issue."""
    rng = random.Random(f"{DEMO_SEED}-dissemination")
    memberships: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(community__in=list(ctx.communities.values()))
        .select_related("person")
        .order_by("pk")
    ):
        memberships.setdefault(membership.community_id, []).append(membership)
    made_from = min(ctx.today, datetime.date(2023, 9, 1))

    products: list[Product] = []
    backers: list[tuple[str, ...]] = []
    for index, (names, title, kind, status, category, shareable, summary) in enumerate(PRODUCTS):
        first = ctx.communities[names[0]]
        maker = memberships[first.pk][0].person
        products.append(
            Product(
                programme_id=first.programme_id,
                title=title,
                kind=kind,
                summary=summary,
                status=status,
                scope=Product.Scope.REGIONAL,
                topic_category=category,
                shareable=shareable,
                created_by_id=maker.user_id,
                created_at=_at(made_from + datetime.timedelta(days=index * 17)),
            )
        )
        backers.append(names)
    Product.objects.bulk_create(products)
    # Past `save()`: the programmes' kept numbers of shareable products counted again.
    product_counts_rebuild()
    Product.communities.through.objects.bulk_create(
        Product.communities.through(product_id=product.pk, community_id=ctx.communities[n].pk)
        for product, names in zip(products, backers, strict=True)
        for n in names
    )
    Product.organisations.through.objects.bulk_create(
        Product.organisations.through(product_id=product.pk, organisation_id=organisation_id)
        for product, names in zip(products, backers, strict=True)
        for organisation_id in sorted(
            {m.organisation_id for m in memberships[ctx.communities[names[0]].pk][:2]}
        )
    )
    log = []
    for product in products:
        if product.status not in (St.READY, St.DISSEMINATED):
            continue
        for channel, description in rng.sample(LOG, 2 if product.status == St.DISSEMINATED else 1):
            log.append(
                Dissemination(
                    product=product,
                    channel=channel,
                    description=description,
                    shared_on=product.created_at.date() + datetime.timedelta(rng.randint(14, 60)),
                    beyond_community=channel != Ch.TEAM_MEETING,
                    shared_by_id=product.created_by_id,
                )
            )
    Dissemination.objects.bulk_create(log)

    inburgering = next(c for c in ctx.communities.values() if c.programme.slug == INBURGERING_SLUG)
    coordinator = User.objects.get(email=LOGINS["coordinator"])
    newsletter = Newsletter.objects.create(
        programme=inburgering.programme,
        title="Nieuwsbrief CoP's Inburgering",
        is_public=True,
        created_at=_at(min(ctx.today, datetime.date(2023, 11, 1))),
    )
    sent_on = min(ctx.today, datetime.date(2024, 1, 25))
    issue = NewsletterIssue.objects.create(
        newsletter=newsletter,
        number=1,
        title="Nieuws uit de CoP's, januari 2024",
        intro="Een greep uit wat de twaalf CoP's de afgelopen maanden maakten en leerden.",
        status=NewsletterIssue.Status.SENT,
        published_at=_at(sent_on, 9),
        sent_at=_at(sent_on, 9),
        created_by=coordinator,
        created_at=_at(sent_on - datetime.timedelta(days=7)),
    )
    shared = [p for p in products if p.shareable and p.status == St.DISSEMINATED][:3]
    items = [
        IssueItem(
            issue=issue,
            position=position,
            kind=IssueItem.Kind.PRODUCT,
            source_id=product.pk,
            title=product.title,
            body=product.summary,
        )
        for position, product in enumerate(shared)
    ]
    items.append(
        IssueItem(
            issue=issue,
            position=len(items),
            kind=IssueItem.Kind.TEXT,
            title="Derde meting van de thermometer",
            body="In januari vulden deelnemers voor de derde keer de thermometer in. Dank aan "
            "iedereen die meedeed; de uitkomsten bespreken we in het voorjaar.",
        )
    )
    IssueItem.objects.bulk_create(items)
    people = sorted(
        {
            m.person.email: m.person
            for c in ctx.communities.values()
            if c.programme_id == inburgering.programme_id
            for m in memberships.get(c.pk, [])
            if m.person.email
        }.items()
    )
    subscribers = [
        Subscriber(
            newsletter=newsletter,
            email=email,
            person=person,
            confirmed_at=_at(sent_on - datetime.timedelta(days=30)),
            created_at=_at(sent_on - datetime.timedelta(days=31)),
        )
        for email, person in rng.sample(people, min(25, len(people)))
    ]
    Subscriber.objects.bulk_create(subscribers)
    Delivery.objects.bulk_create(
        Delivery(issue=issue, subscriber=s, status=Delivery.Status.SENT, sent_at=_at(sent_on, 9))
        for s in subscribers
    )
    ctx.counts.update(
        {
            "products": len(products),
            "disseminations": len(log),
            "newsletter issues": 1,
            "subscribers": len(subscribers),
        }
    )


@demo_step(order=490)
def demo_community_links(ctx: DemoContext) -> None:
    """ "Who else works on this?" for every demo community, once all agendas are written (the
    task worker keeps it from then on; `links`)."""
    from .links import community_links_refresh

    programme_ids = {community.programme_id for community in ctx.communities.values()}
    ctx.counts["community links"] = community_links_refresh(programme_ids=programme_ids)
