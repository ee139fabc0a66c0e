"""Programme events of the national-scale synthetic network (DESIGN.md §5): per programme a
monthly online knowledge session open to anyone (report §3.2.4) from autumn 2022 on, with the
next three still ahead, a peer-supervision day each quarter for leads and facilitators, and
joint sessions of two communities. Past sessions have their registrations and attendance,
public registrants already anonymised, a look back (summary, two public lessons presented) and,
every third, the recording as a product; the next session is full with a waiting list. Rows
only; deterministic per seed."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES
from leerkring.communities.synthetic import SynthContext, synth_step
from leerkring.dissemination.models import Product, ProductLink
from leerkring.dissemination.product_counts import product_counts_rebuild
from leerkring.publishing.models import Publication

from .models import Event, EventCommunity, Registration
from .seat_counts import refresh_seat_counts

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BATCH_SIZE = 5000
FIRST_SESSION = datetime.date(2022, 9, 1)
TOPICS = [
    "Werk en taal tegelijk",
    "Jongeren na de ISK",
    "Gezinsmigranten in het eerste jaar",
    "Medische ontheffing",
    "Het perspectief van de inburgeraar",
    "Samenwerken met het COA",
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)


def _months(start: datetime.date, until: datetime.date):
    day = start
    while day <= until:
        yield day
        day = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@synth_step(order=460)
def synth_events(ctx: SynthContext) -> None:
    rng = random.Random(f"{ctx.seed}-events")
    by_community = ctx.active_memberships_by_community()
    coordinator = dict(
        ProgrammeRole.objects.filter(role=ProgrammeRole.Role.COORDINATOR)
        .order_by("programme_id", "pk")
        .values_list("programme_id", "person__user_id")
    )
    now = datetime.datetime.combine(ctx.today, datetime.time(12), tzinfo=AMSTERDAM)
    until = ctx.today + datetime.timedelta(days=95)
    recordings = _recordings(ctx, coordinator, now)
    events: list[Event] = []
    for programme in ctx.programmes.values():
        for number, month in enumerate(_months(FIRST_SESSION, until)):
            starts = _at(month.replace(day=min(28, 10 + number % 7)), 13)
            topic = TOPICS[number % len(TOPICS)]
            held = starts + datetime.timedelta(minutes=90) < now
            events.append(Event(
                programme_id=programme.pk, kind=Event.Kind.KNOWLEDGE_SESSION,
                audience=Event.Audience.PUBLIC, format=Event.Format.ONLINE,
                title=f"Kennissessie: {topic}",
                description="Drie gemeenschappen vertellen wat werkt, daarna vragen.",
                online_url="https://meet.example.nl/kennissessie", starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=90), capacity=100,
                status=Event.Status.PUBLISHED, published_at=starts - datetime.timedelta(days=30),
                created_by_id=coordinator.get(programme.pk),
                summary=f"Over {topic.lower()}: de deelnemers namen vooral mee dat korte lijnen "
                "het verschil maken." if held else "",
                wrapped_up_at=starts + datetime.timedelta(days=2) if held else None,
                recording_id=recordings.get((programme.pk, number)) if held else None,
            ))  # fmt: skip
            if number % 3 == 0:
                day = _at(month.replace(day=20), 10)
                events.append(Event(
                    programme_id=programme.pk, kind=Event.Kind.PEER_SUPERVISION,
                    audience=Event.Audience.GUIDES, format=Event.Format.ON_LOCATION,
                    title="Intervisiedag voor trekkers en begeleiders", place="Utrecht",
                    starts_at=day, ends_at=day + datetime.timedelta(hours=5), capacity=40,
                    status=Event.Status.PUBLISHED, published_at=day - datetime.timedelta(days=45),
                    created_by_id=coordinator.get(programme.pk),
                ))  # fmt: skip
    pairs: list[tuple[int, int]] = []
    by_programme: dict[int, list] = {}
    for community in ctx.communities:
        by_programme.setdefault(community.programme_id, []).append(community)
    for _ in range(ctx.scaled(60)):
        siblings = by_programme[rng.choice(list(by_programme))]
        if len(siblings) < 2:
            continue
        first, second = rng.sample(siblings, 2)
        day = _at(ctx.today + datetime.timedelta(days=rng.randint(-300, 80)), 14)
        events.append(Event(
            programme_id=first.programme_id, kind=Event.Kind.JOINT_SESSION,
            audience=Event.Audience.PROGRAMME, format=Event.Format.ON_LOCATION,
            title=f"Gezamenlijke sessie {first.name} en {second.name}"[:200], place="Stadhuis",
            starts_at=day, ends_at=day + datetime.timedelta(hours=3), status=Event.Status.PUBLISHED,
            published_at=day - datetime.timedelta(days=20),
        ))  # fmt: skip
        pairs.append((first.pk, second.pk))
    Event.objects.bulk_create(events, batch_size=BATCH_SIZE)
    _presented(events)
    joint = [e for e in events if e.kind == Event.Kind.JOINT_SESSION]
    EventCommunity.objects.bulk_create(
        [
            EventCommunity(event=event, community_id=community_id, accepted_at=event.published_at)
            for event, pair in zip(joint, pairs, strict=True)
            for community_id in pair
        ],
        batch_size=BATCH_SIZE,
    )

    members_of: dict[int, list[int]] = {}
    guides_of: dict[int, list[int]] = {}
    programme_of = {c.pk: c.programme_id for c in ctx.communities}
    for community_id, memberships in by_community.items():
        for membership in memberships:
            members_of.setdefault(programme_of[community_id], []).append(membership.person_id)
            if membership.role in LEAD_ROLES | FACILITATOR_ROLES:
                guides_of.setdefault(programme_of[community_id], []).append(membership.person_id)
    registrations: list[Registration] = []
    upcoming_done: set[int] = set()
    for event in events:
        past = event.ends_at < now
        pool = guides_of if event.audience == Event.Audience.GUIDES else members_of
        people = sorted(set(pool.get(event.programme_id, [])))
        if event.kind == Event.Kind.JOINT_SESSION:
            wanted = min(len(people), rng.randint(15, 35))
        elif event.kind == Event.Kind.KNOWLEDGE_SESSION:
            wanted = min(len(people), ctx.scaled(70, minimum=3))
        else:
            wanted = min(len(people), ctx.scaled(30, minimum=2))
        first_upcoming = (
            not past
            and event.kind == Event.Kind.KNOWLEDGE_SESSION
            and event.programme_id not in upcoming_done
        )
        if first_upcoming:
            upcoming_done.add(event.programme_id)
        for index, person_id in enumerate(rng.sample(people, wanted)):
            seated = event.capacity is None or index < event.capacity
            registrations.append(Registration(
                event=event, person_id=person_id,
                status=Registration.Status.CONFIRMED if seated else Registration.Status.WAITLISTED,
                created_at=event.published_at, seat_since=event.published_at if seated else None,
                waitlisted_at=None if seated else event.published_at,
                attended=(rng.random() < 0.8) if past and seated else None,
            ))  # fmt: skip
        if event.audience != Event.Audience.PUBLIC:
            continue
        outsiders = ctx.scaled(30, minimum=2)
        if first_upcoming:
            # The next session is full: its waiting list moves up when someone cancels.
            outsiders = (event.capacity or 0) - wanted + ctx.scaled(20, minimum=3)
        for index in range(outsiders):
            seated = wanted + index < (event.capacity or 10**9)
            anonymous = past and (now - event.ends_at).days > 30
            registrations.append(Registration(
                event=event,
                name="" if anonymous else f"Gast {index + 1}",
                email="" if anonymous else f"gast{event.pk}-{index}@example.org",
                organisation_name="" if anonymous else "Gemeente Voorbeeld",
                status=Registration.Status.CONFIRMED if seated else Registration.Status.WAITLISTED,
                created_at=event.published_at, email_confirmed_at=event.published_at,
                seat_since=event.published_at if seated else None,
                waitlisted_at=None if seated else event.published_at + datetime.timedelta(minutes=index),
                attended=(rng.random() < 0.6) if past and seated else None,
                anonymised_at=now if anonymous else None,
            ))  # fmt: skip
    Registration.objects.bulk_create(registrations, batch_size=BATCH_SIZE)
    # Past `save()`: the events' kept seat counts counted once the registrations are in.
    refresh_seat_counts([event.pk for event in events])
    ctx.counts["events"] = len(events)
    ctx.counts["event_registrations"] = len(registrations)


def _recordings(
    ctx: SynthContext, coordinator: dict[int, int], now: datetime.datetime
) -> dict[tuple[int, int], int]:
    """Every third held knowledge session's recording, a product of the programme with its
    link; keyed by (programme, session number)."""
    keys, products = [], []
    for programme in ctx.programmes.values():
        for number, month in enumerate(_months(FIRST_SESSION, now.date())):
            starts = _at(month.replace(day=min(28, 10 + number % 7)), 13)
            if number % 3 or starts + datetime.timedelta(minutes=90) >= now:
                continue
            keys.append((programme.pk, number))
            products.append(Product(
                programme_id=programme.pk, kind=Product.Kind.WEBINAR,
                title=f"Opname kennissessie: {TOPICS[number % len(TOPICS)]}",
                summary="De opname van de kennissessie, met de presentaties van drie gemeenschappen.",
                status=Product.Status.READY, scope=Product.Scope.NATIONAL, shareable=True,
                created_by_id=coordinator.get(programme.pk),
                created_at=_at(month, 16),
            ))  # fmt: skip
    Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
    # Past `save()`: the programmes' kept numbers of shareable products counted again.
    product_counts_rebuild()
    ProductLink.objects.bulk_create(
        [
            ProductLink(
                product=product,
                url=f"https://video.example.nl/kennissessie/{product.pk}",
                title="Opname",
            )
            for product in products
        ],
        batch_size=BATCH_SIZE,
    )
    return {key: product.pk for key, product in zip(keys, products, strict=True)}


def _presented(events: list[Event]) -> None:
    """Two public lessons of its programme presented at each held session."""
    public_lessons: dict[int, list[int]] = {}
    for programme_id, lesson_id in (
        Publication.objects.filter(
            kind=Publication.Kind.LESSON, status=Publication.Status.PUBLISHED
        )
        .order_by("programme_id", "pk")
        .values_list("programme_id", "lesson_id")
    ):
        public_lessons.setdefault(programme_id, []).append(lesson_id)
    through = Event.presented_lessons.through
    rows = []
    for index, event in enumerate(e for e in events if e.wrapped_up_at):
        lessons = public_lessons.get(event.programme_id, [])
        for lesson_id in (
            {lessons[(2 * index + k) % len(lessons)] for k in range(2)} if lessons else ()
        ):
            rows.append(through(event_id=event.pk, lesson_id=lesson_id))
    through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
