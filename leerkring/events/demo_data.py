"""Programme events of the demo (report §3.2.4): the CoP's Inburgering hold a monthly online
knowledge session open to anyone — the last half year with registrations, attendance, what was
presented and the recording as a product; the next one full with a waiting list — a
peer-supervision day for leads and facilitators, and joint sessions of communities, one of
which still waits for CoP Achterhoek to say yes. Rows only: no e-mail is sent."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

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
from leerkring.dissemination.models import Product, ProductLink
from leerkring.meetings.models import Lesson

from .models import Event, EventCommunity, Registration
from .seat_counts import refresh_seat_counts

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TOPICS = [
    ("Werk en taal tegelijk", "CoP Oost-Brabant en CoP Foodvalley vertellen hoe duale trajecten slagen."),
    ("Medische ontheffing", "De infographics van CoP Rijnmond: hoe gemeenten ze gebruiken."),
    ("Jongeren na de ISK", "De beslisboom van CoP Achterhoek en de plusklas in Noordoost Nederland."),
    ("Gezinsmigranten in het eerste jaar", "De landelijke CoP Gezinsmigranten deelt wat werkt."),
    ("Financiële zelfredzaamheid", "Ontzorgen en weer loslaten: ervaringen uit drie regio's."),
    ("Het perspectief van de inburgeraar", "Een ervaringsdeskundige en twee klantmanagers in gesprek."),
    ("Samenwerken met het COA", "Warme overdracht van azc naar gemeente: wat we leerden."),
    ("Participatie in de Z-route", "De participatiewegwijzer van Foodvalley en Noordoost Nederland."),
    ("Terugblik: twee jaar CoP's", "Wat de CoP's opleverden, met de tien tips van CoP Fryslân."),
]  # fmt: skip
GUESTS = ["Sanne de Vries", "Mohamed El Idrissi", "Iris Bakker", "Joost Meijer", "Yara Haddad"]


def _session_day(today: datetime.date, months_ahead: int) -> datetime.datetime:
    """The second Thursday of a month (counted from this month), 13:00."""
    year, month = divmod(today.year * 12 + today.month - 1 + months_ahead, 12)
    first = datetime.date(year, month + 1, 1)
    thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 7)
    return datetime.datetime.combine(thursday, datetime.time(13), tzinfo=AMSTERDAM)


@demo_step(order=460)
def demo_events(ctx: DemoContext) -> None:
    rng = random.Random(f"{DEMO_SEED}-events")
    coordinator = User.objects.get(email=LOGINS["coordinator"])
    communities = ctx.communities
    programme = communities["CoP Achterhoek"].programme
    members = list(
        Membership.objects.active()
        .filter(community__programme__slug=INBURGERING_SLUG)
        .select_related("person")
        .order_by("pk")
    )
    people = sorted({m.person_id for m in members})
    guides = sorted({m.person_id for m in members if m.role in LEAD_ROLES | FACILITATOR_ROLES})
    demo_people = {
        key: User.objects.get(email=LOGINS[key]).person.pk
        for key in ("lead", "facilitator", "participant")
    }
    # Noon of the demo's today, unless that is still to come: nothing that happened may be
    # dated after now.
    now = min(
        timezone.now(), datetime.datetime.combine(ctx.today, datetime.time(12), tzinfo=AMSTERDAM)
    )
    products = list(Product.objects.filter(programme=programme, shareable=True).order_by("pk"))
    lessons = list(
        Lesson.objects.filter(community__programme=programme, shareable=True).order_by("pk")[:40]
    )
    registrations: list[Registration] = []
    events: list[Event] = []

    def event(**fields) -> Event:
        made = Event.objects.create(**{"programme": programme, "created_by": coordinator, **fields})
        events.append(made)
        return made

    # The monthly knowledge session: six held, the next one full, the ones after announced.
    full_month = 0 if _session_day(ctx.today, 0) > now else 1
    for months in range(-6, 3):
        topic, description = TOPICS[(months + 6) % len(TOPICS)]
        starts = _session_day(ctx.today, months)
        held = starts < now
        session = event(
            kind=Event.Kind.KNOWLEDGE_SESSION, audience=Event.Audience.PUBLIC,
            title=f"Kennissessie: {topic}", description=description + " Na afloop is er tijd voor vragen.",
            format=Event.Format.ONLINE, online_url="https://meet.example.nl/kennissessie-inburgering",
            starts_at=starts, ends_at=starts + datetime.timedelta(minutes=90),
            capacity=30 if months == full_month else 100,
            status=Event.Status.PUBLISHED,
            published_at=min(starts - datetime.timedelta(days=28), now - datetime.timedelta(days=2)),
            approved_by=coordinator,
            extra_attendance=rng.randint(5, 25) if held else 0,
            summary=f"{description} De deelnemers namen vooral mee dat korte lijnen het verschil maken."
            if held and months >= -3 else "",
            wrapped_up_at=min(starts + datetime.timedelta(days=2), now)
            if held and months >= -3 else None,
        )  # fmt: skip
        if held and months >= -3:
            session.presented_products.set(rng.sample(products, min(2, len(products))))
            session.presented_lessons.set(rng.sample(lessons, min(3, len(lessons))))
        wanted = 30 if months == full_month else rng.randint(18, 40) if held else 8
        chosen = rng.sample(people, min(wanted, len(people)))
        if months == full_month:
            chosen = [demo_people["lead"], *[p for p in chosen if p != demo_people["lead"]]][:30]
        for person_id in chosen:
            registrations.append(Registration(
                event=session, person_id=person_id, status=Registration.Status.CONFIRMED,
                created_at=session.published_at, seat_since=session.published_at,
                attended=(rng.random() < 0.8) if held else None,
            ))  # fmt: skip
        guests = GUESTS if months == full_month else GUESTS[: rng.randint(1, 4)]
        for index, name in enumerate(guests):
            anonymised = held and (now - session.ends_at).days > 30
            full = months == full_month
            registrations.append(Registration(
                event=session, name="" if anonymised else name,
                email="" if anonymised else f"{name.split()[0].lower()}{index}@voorbeeld-gemeente.nl",
                organisation_name="" if anonymised else "Gemeente Voorbeeld",
                status=Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED,
                created_at=session.published_at, email_confirmed_at=session.published_at,
                seat_since=None if full else session.published_at,
                waitlisted_at=session.published_at + datetime.timedelta(hours=index) if full else None,
                attended=(rng.random() < 0.6) if held else None,
                anonymised_at=now if anonymised else None,
            ))  # fmt: skip
        if held and months == -1:
            recording = Product.objects.create(
                programme=programme, title=f"Opname kennissessie: {topic}", kind=Product.Kind.WEBINAR,
                summary=description, status=Product.Status.READY, scope=Product.Scope.NATIONAL,
                shareable=True, created_by=coordinator,
            )  # fmt: skip
            ProductLink.objects.create(
                product=recording, url="https://video.example.nl/kennissessie-inburgering",
                title="Opname",
            )  # fmt: skip
            session.recording = recording
            session.save(update_fields=["recording"])

    # A peer-supervision day for leads and facilitators.
    day = datetime.datetime.combine(
        ctx.today + datetime.timedelta(days=36), datetime.time(10), tzinfo=AMSTERDAM
    )
    intervision = event(
        kind=Event.Kind.PEER_SUPERVISION, audience=Event.Audience.GUIDES,
        title="Intervisiedag voor communitytrekkers en procesbegeleiders",
        description="Casuïstiek uit de CoP's volgens de intervisiemethode, en een training "
        "over het zichtbaar maken van leerpunten aan het eind van een bijeenkomst.",
        format=Event.Format.ON_LOCATION, place="Divosa", address="Utrecht",
        starts_at=day, ends_at=day + datetime.timedelta(hours=5), capacity=25,
        status=Event.Status.PUBLISHED, published_at=now - datetime.timedelta(days=10),
    )  # fmt: skip
    for person_id in [demo_people["facilitator"], *rng.sample(guides, min(10, len(guides)))]:
        if any(r.event is intervision and r.person_id == person_id for r in registrations):
            continue
        registrations.append(Registration(
            event=intervision, person_id=person_id, status=Registration.Status.CONFIRMED,
            created_at=intervision.published_at, seat_since=intervision.published_at,
        ))  # fmt: skip

    # Joint sessions: Achterhoek and Zeeland on the same topics, and one that waits for Achterhoek.
    joint_day = datetime.datetime.combine(
        ctx.today + datetime.timedelta(days=22), datetime.time(14), tzinfo=AMSTERDAM
    )
    joint = event(
        kind=Event.Kind.JOINT_SESSION, audience=Event.Audience.PROGRAMME,
        title="Gezamenlijke sessie: financiële zelfredzaamheid",
        description="CoP Achterhoek en CoP Zeeland leggen hun aanpak van ontzorgen naast elkaar.",
        format=Event.Format.ON_LOCATION, place="Gemeentehuis Doetinchem",
        starts_at=joint_day, ends_at=joint_day + datetime.timedelta(hours=3),
        status=Event.Status.PUBLISHED, published_at=now - datetime.timedelta(days=5), created_by=None,
    )  # fmt: skip
    asked = event(
        kind=Event.Kind.JOINT_SESSION, audience=Event.Audience.PROGRAMME,
        title="Gezamenlijke sessie: jongeren na de ISK",
        description="CoP Hart van Brabant wil de route voor jongeren samen met de Achterhoek verbeteren.",
        format=Event.Format.ONLINE, online_url="https://meet.example.nl/jongeren",
        starts_at=joint_day + datetime.timedelta(days=21),
        ends_at=joint_day + datetime.timedelta(days=21, hours=2), created_by=None,
    )  # fmt: skip
    EventCommunity.objects.bulk_create(
        [
            EventCommunity(event=joint, community=communities["CoP Achterhoek"], accepted_at=now),
            EventCommunity(event=joint, community=communities["CoP Zeeland"], accepted_at=now),
            EventCommunity(
                event=asked, community=communities["CoP Hart van Brabant"], accepted_at=now
            ),
            EventCommunity(event=asked, community=communities["CoP Achterhoek"]),
        ]
    )
    joint_people = sorted(
        {
            m.person_id
            for m in members
            if m.community_id in (communities["CoP Achterhoek"].pk, communities["CoP Zeeland"].pk)
        }
    )
    for person_id in rng.sample(joint_people, min(14, len(joint_people))):
        registrations.append(Registration(
            event=joint, person_id=person_id, status=Registration.Status.CONFIRMED,
            created_at=joint.published_at, seat_since=joint.published_at,
        ))  # fmt: skip
    Registration.objects.bulk_create(registrations)
    # Past `save()`: the events' kept seat counts counted once the registrations are in.
    refresh_seat_counts(sorted({registration.event_id for registration in registrations}))
    ctx.counts["events"] = len(events)
    ctx.counts["event registrations"] = len(registrations)
