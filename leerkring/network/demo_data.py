"""The network of leads and facilitators of the CoP's Inburgering in the demo: the leads' and
facilitators' own conversations (report §3.2.4: their peer meetings sat in a shared Drive).
Its members are the programme's leads and facilitators, the demo lead and facilitator among
them; the coordinator is not a member and sees only its shape. Rows only: no e-mail is sent."""

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
from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES, Membership
from leerkring.meetings.models import Message, Thread

from .models import Network, NetworkThread

THREADS = [
    (
        "Hoe houden jullie de opkomst hoog na de zomer?",
        [
            "Na de zomer kwamen er bij ons maar tien van de vijfentwintig. Hoe doen jullie dat?",
            "Wij plannen de hele reeks voor het najaar al in juni, met vaste dag en tijd. "
            "Dat scheelt veel.",
            "Bij ons helpt het om stille deelnemers even te bellen voor de bijeenkomst.",
        ],
    ),
    (
        "Werkvorm om leerpunten aan het eind expliciet te maken",
        [
            "Ik zoek een korte werkvorm om in tien minuten de leerpunten op te halen.",
            "Drie vragen op een flap: wat neem je mee, wat ga je anders doen, wat moet naar "
            "het landelijk niveau? Werkt goed.",
        ],
    ),
    (
        "Rolverdeling trekker en procesbegeleider",
        [
            "Wie bereidt bij jullie de agenda voor, de trekker of de procesbegeleider?",
            "Samen, maar de procesbegeleider kiest de werkvormen. De trekker zorgt voor de "
            "inhoud en de uitnodigingen.",
            "Bij ons doet één persoon beide en dat is te veel. Goed om te horen hoe het "
            "anders kan.",
            "Misschien iets voor de intervisiedag?",
        ],
    ),
    (
        "Signalen terugkoppelen aan de groep",
        [
            "Hoe laten jullie zien wat er met de doorgegeven signalen is gebeurd?",
            "Vast agendapunt aan het begin: wat kwam er terug uit het venster.",
        ],
    ),
]


@demo_step(order=470)
def demo_network(ctx: DemoContext) -> None:
    rng = random.Random(f"{DEMO_SEED}-network")
    programme = ctx.communities["CoP Achterhoek"].programme
    coordinator = User.objects.get(email=LOGINS["coordinator"])
    network = Network.objects.create(
        name="Netwerk van trekkers en begeleiders",
        description="Voor communitytrekkers en procesbegeleiders van de CoP's Inburgering: "
        "ervaringen uitwisselen, intervisie en materiaal delen.",
        created_by=coordinator,
    )
    network.programmes.set([programme])
    guides = list(
        Membership.objects.active()
        .filter(
            community__programme__slug=INBURGERING_SLUG, role__in=LEAD_ROLES | FACILITATOR_ROLES
        )
        .values_list("person_id", flat=True)
        .order_by("pk")
    )
    lead = User.objects.get(email=LOGINS["lead"]).person.pk
    facilitator = User.objects.get(email=LOGINS["facilitator"]).person.pk
    now = timezone.now()
    count = 0
    for number, (title, bodies) in enumerate(THREADS):
        authors = [lead if number % 2 == 0 else facilitator] + rng.sample(guides, len(bodies) - 1)
        started = now - datetime.timedelta(days=40 - number * 9, hours=rng.randint(1, 8))
        thread = Thread.objects.create(
            title=title, started_by_id=authors[0], created_at=started, last_message_at=started
        )
        NetworkThread.objects.create(network=network, thread=thread)
        when = started
        for author, body in zip(authors, bodies, strict=True):
            Message.objects.create(thread=thread, author_id=author, body=body, created_at=when)
            when += datetime.timedelta(hours=rng.randint(2, 30))
            count += 1
        Thread.objects.filter(pk=thread.pk).update(
            last_message_at=when - datetime.timedelta(hours=1)
        )
    ctx.counts["network messages"] = count
