"""The networks of leads and facilitators in the national-scale synthetic network: one per
programme, with threads between its leads and facilitators (three to six messages each) and
the programme's first coordinator invited into the largest. Rows only; deterministic per seed."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES
from leerkring.communities.synthetic import SynthContext, synth_step
from leerkring.meetings.models import Message, Thread

from .member_counts import refresh_network_member_counts
from .models import Network, NetworkMember, NetworkThread
from .thread_counts import refresh_thread_counts

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BATCH_SIZE = 5000
SUBJECTS = [
    "Hoe houden jullie de opkomst hoog?",
    "Werkvorm voor een eerste bijeenkomst",
    "Rolverdeling trekker en procesbegeleider",
    "Stille deelnemers betrekken",
    "Signalen terugkoppelen naar de groep",
    "Intervisie: een lastige casus",
]
REPLY = "Bij ons werkte het om de agenda samen met twee deelnemers voor te bereiden."


@synth_step(order=470)
def synth_networks(ctx: SynthContext) -> None:
    rng = random.Random(f"{ctx.seed}-networks")
    guides: dict[int, list[int]] = {}
    programme_of = {c.pk: c.programme_id for c in ctx.communities}
    for community_id, memberships in ctx.active_memberships_by_community().items():
        for membership in memberships:
            if membership.role in LEAD_ROLES | FACILITATOR_ROLES:
                guides.setdefault(programme_of[community_id], []).append(membership.person_id)
    coordinators = dict(
        ProgrammeRole.objects.filter(role=ProgrammeRole.Role.COORDINATOR)
        .order_by("programme_id", "pk")
        .values_list("programme_id", "person_id")
    )
    networks = Network.objects.bulk_create(
        [
            Network(name=f"Netwerk van trekkers en begeleiders – {p.name}")
            for p in ctx.programmes.values()
        ]
    )
    Network.programmes.through.objects.bulk_create(
        Network.programmes.through(network_id=network.pk, programme_id=programme.pk)
        for network, programme in zip(networks, ctx.programmes.values(), strict=True)
    )
    largest = max(
        zip(networks, ctx.programmes.values(), strict=True),
        key=lambda pair: len(guides.get(pair[1].pk, [])),
    )
    if largest[1].pk in coordinators:
        NetworkMember.objects.create(network=largest[0], person_id=coordinators[largest[1].pk])
    start = datetime.datetime.combine(ctx.today, datetime.time(9), tzinfo=AMSTERDAM)
    threads: list[Thread] = []
    owners: list[Network] = []
    authors: list[list[int]] = []
    for network, programme in zip(networks, ctx.programmes.values(), strict=True):
        people = guides.get(programme.pk, [])
        if len(people) < 2:
            continue
        # About one thread for every three members.
        for _ in range(max(2, len(people) // 3)):
            talk = [rng.choice(people) for _ in range(rng.randint(3, 6))]
            when = start - datetime.timedelta(days=rng.randint(1, 500), minutes=rng.randint(0, 900))
            threads.append(Thread(title=rng.choice(SUBJECTS), started_by_id=talk[0],
                                  created_at=when, last_message_at=when))  # fmt: skip
            owners.append(network)
            authors.append(talk)
    Thread.objects.bulk_create(threads, batch_size=BATCH_SIZE)
    NetworkThread.objects.bulk_create(
        [NetworkThread(network=n, thread=t) for n, t in zip(owners, threads, strict=True)],
        batch_size=BATCH_SIZE,
    )
    # Past `save()`: the networks' kept numbers of threads counted once the links are in.
    refresh_thread_counts()
    refresh_network_member_counts()
    Message.objects.bulk_create(
        [
            Message(
                thread=thread,
                author_id=author,
                body=REPLY if index else thread.title,
                created_at=thread.created_at,
            )  # fmt: skip
            for thread, talk in zip(threads, authors, strict=True)
            for index, author in enumerate(talk)
        ],
        batch_size=BATCH_SIZE,
    )
    ctx.counts["network_threads"] = len(threads)
