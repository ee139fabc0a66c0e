"""Reads of programme events, each in a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import ExtractYear, RowNumber
from django.utils import timezone

from leerkring.communities.models import Community, Membership, Programme
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, access_for
from leerkring.dissemination import links as dissemination_links
from leerkring.dissemination import selectors as dissemination_selectors
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson
from leerkring.publishing import selectors as publishing_selectors
from leerkring.search import fulltext

from . import permissions
from .models import Event, EventCommunity, Registration, RegistrationToken, token_hash

HOME_EVENTS = 5
PUBLIC_PANEL_EVENTS = 5
PUBLIC_UPCOMING = 20
LINKED_COMMUNITIES = 3
SHARED_PER_LINKED = 2


def _seat_counts() -> dict[str, F]:
    """An event's seats taken and places on the waiting list, as kept on the event
    (`seat_counts`) rather than counted from its registrations per request."""
    return {"confirmed_count": F("kept_confirmed"), "waitlist_count": F("kept_waitlisted")}


def _announced() -> Q:
    return Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])


def _visible_q(user: Any, programme_id: int) -> Q:
    """The events of one programme this visitor may see on the members' pages."""
    if permissions.is_coordinator(user, programme_id):
        return Q()
    visible = _announced()
    if not permissions.is_programme_guide(user, programme_id):
        visible &= ~Q(audience=Event.Audience.GUIDES)
    guided = permissions.guided_community_ids(user, programme_id)
    if guided:
        # Joint sessions their communities are asked to organise, drafts included.
        visible |= Q(
            pk__in=EventCommunity.objects.filter(community_id__in=guided).values("event_id")
        )
    return visible


def events_of_programme(*, programme: Programme, user: Any, past: bool = False) -> QuerySet[Event]:
    """Upcoming (soonest first) or past (latest first) events this visitor may see, with
    their seat counts."""
    now = timezone.now()
    events = Event.objects.filter(programme=programme).filter(_visible_q(user, programme.pk))
    if past:
        events = events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    return events.annotate(**_seat_counts())


def event_for_page(*, pk: int) -> Event:
    return (
        Event.objects.select_related("programme", "recording", "created_by", "submitted_by")
        .prefetch_related(
            Prefetch(
                "organisers",
                queryset=EventCommunity.objects.select_related("community").order_by(
                    "community__name"
                ),
            ),
            Prefetch("presented_products", queryset=Product.objects.only("pk", "title", "kind")),
            Prefetch(
                "presented_lessons",
                queryset=Lesson.objects.select_related("community").only(
                    "pk", "text", "community__name"
                ),
            ),
        )
        .annotate(**_seat_counts())
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Seats:
    confirmed: int
    waitlisted: int
    pending: int
    capacity: int | None

    @property
    def free(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity


def seats(event: Event) -> Seats:
    """The event's seats as kept on its row (`seat_counts`): no registration is read."""
    return Seats(
        confirmed=event.kept_confirmed,
        waitlisted=event.kept_waitlisted,
        pending=event.kept_pending,
        capacity=event.capacity,
    )


def registration_of(*, event: Event, user: Any) -> Registration | None:
    person = access_for(user).person
    if person is None:
        return None
    return (
        event.registrations.filter(person=person, status__in=Registration.ACTIVE)
        .order_by("-pk")
        .first()
    )


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=Registration.Status.WAITLISTED,
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def registrations_for_organisers(
    *, event: Event, q: str = "", status: str = ""
) -> QuerySet[Registration]:
    """Who registered, in order (seats, then the waiting list in its order); names and
    organisations, never addresses. Searched by name or organisation, or one status; the page
    shows a page of it at a time (on PostgreSQL the index `registration_list_order` gives the
    order, so a page reads its own rows only), the download all of it."""
    registrations = event.registrations.exclude(status=Registration.Status.PENDING)
    if status:
        registrations = registrations.filter(status=status)
    q = q.strip()
    if q:
        registrations = registrations.filter(
            Q(name__icontains=q)
            | Q(organisation_name__icontains=q)
            | Q(person__full_name__icontains=q)
            | Q(person__organisation__name__icontains=q)
        )
    return registrations.select_related("person__organisation").order_by(
        F("status").asc(),
        F("waitlisted_at").asc(nulls_first=True),
        "created_at",
        "pk",
    )


def registrations_listed_count(*, event: Event) -> int:
    """How many registrations the unfiltered list holds: the seats and the waiting list as kept
    on the event (`seat_counts`), and the cancelled ones counted (few, on the event-and-status
    index), so the pager does not count every registration of the event."""
    cancelled = event.registrations.filter(status=Registration.Status.CANCELLED).count()
    return event.kept_confirmed + event.kept_waitlisted + cancelled


def registration_for_token(token: str, purpose: str) -> Registration | None:
    """The registration a link belongs to, while the link is valid."""
    if not token or len(token) > 100:
        return None
    found = (
        RegistrationToken.objects.filter(
            token_hash=token_hash(token), purpose=purpose, expires_at__gt=timezone.now()
        )
        .select_related("registration__event__programme", "registration__person")
        .first()
    )
    return found.registration if found else None


def events_upcoming_for(user: Any, *, limit: int = HOME_EVENTS) -> list[dict[str, Any]]:
    """What the home page lists: announced, upcoming events of the person's programmes that are
    meant for them (their audience), soonest first, each with their own registration. Four
    queries at most, whatever the number of events and people."""
    access = access_for(user)
    if access.person is None:
        return []
    member_of = (
        set(
            Community.objects.filter(pk__in=access.community_roles).values_list(
                "programme_id", flat=True
            )
        )
        if access.community_roles
        else set()
    )
    role_programmes = access.programmes_with(COORDINATOR, EVALUATOR)
    programme_ids = member_of | role_programmes
    if not programme_ids:
        return []
    guide_programmes = set()
    guided = [pk for pk, role in access.community_roles.items() if role in permissions.GUIDE_ROLES]
    if guided:
        guide_programmes = set(
            Community.objects.filter(pk__in=guided).values_list("programme_id", flat=True)
        )
    guide_programmes |= access.programmes_with(COORDINATOR)
    audience = Q(audience__in=[Event.Audience.PROGRAMME, Event.Audience.PUBLIC])
    if guide_programmes:
        audience |= Q(audience=Event.Audience.GUIDES, programme_id__in=guide_programmes)
    events = list(
        Event.objects.filter(
            programme_id__in=programme_ids,
            status=Event.Status.PUBLISHED,
            ends_at__gt=timezone.now(),
        )
        .filter(audience)
        .select_related("programme")
        .order_by("starts_at", "pk")[:limit]
    )
    if not events:
        return []
    mine = {
        registration.event_id: registration
        for registration in Registration.objects.filter(
            event__in=events, person=access.person, status__in=Registration.ACTIVE
        )
    }
    return [{"event": event, "registration": mine.get(event.pk)} for event in events]


def public_events(*, programme: Programme, limit: int = PUBLIC_PANEL_EVENTS) -> list[Event]:
    """Upcoming events open to anyone, with their seat counts, for the public page."""
    return list(
        Event.objects.filter(
            programme=programme,
            audience=Event.Audience.PUBLIC,
            status=Event.Status.PUBLISHED,
            ends_at__gt=timezone.now(),
        )
        .annotate(**_seat_counts())
        .only(
            "pk", "public_id", "title", "kind", "format", "place", "starts_at", "ends_at",
            "capacity", "programme_id",
        )
        .order_by("starts_at", "pk")[:limit]
    )  # fmt: skip


def public_event(*, programme: Programme, public_id: str) -> Event | None:
    return (
        Event.objects.filter(
            programme=programme,
            public_id=public_id,
            audience=Event.Audience.PUBLIC,
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        )
        .select_related("programme")
        .annotate(**_seat_counts())
        .first()
    )


def _public_q(programme: Programme) -> Q:
    return Q(programme=programme, audience=Event.Audience.PUBLIC, status=Event.Status.PUBLISHED)


def public_event_search(
    *, programme: Programme, q: str = "", kind: str = "", year: int | None = None
) -> tuple[list[Event], QuerySet[Event]]:
    """The programme's announced events open to anyone, as the visitor filtered them: the
    upcoming ones (soonest first, the first few) and the past ones (latest first, to page
    through), each past one saying whether it has a look back. Two queries, whatever the
    number of events."""
    events = Event.objects.filter(_public_q(programme))
    if kind:
        events = events.filter(kind=kind)
    if year:
        events = events.filter(starts_at__year=year)
    q, _cut = fulltext.query_clean(q)
    if q:
        fields = ("title", "description", "summary")
        if fulltext.is_full_text():
            events = events.annotate(search_document=fulltext.document(*fields)).filter(
                search_document=fulltext.search_query(q)
            )
        else:
            events = events.filter(fulltext.fallback_q(fields, fulltext.query_words(q)))
    listed = ("pk", "public_id", "title", "kind", "format", "place", "starts_at", "ends_at",
              "capacity", "programme_id", "wrapped_up_at", "recording_id")  # fmt: skip
    now = timezone.now()
    upcoming = list(
        events.filter(ends_at__gt=now)
        .annotate(**_seat_counts())
        .only(*listed)
        .order_by("starts_at", "pk")[:PUBLIC_UPCOMING]
    )
    past = (
        events.filter(ends_at__lte=now)
        .annotate(
            has_look_back=ExpressionWrapper(
                Q(wrapped_up_at__isnull=False)
                | Q(recording__isnull=False, recording__shareable=True),
                output_field=BooleanField(),
            )
        )
        .only(*listed)
        .order_by("-starts_at", "-pk")
    )
    return upcoming, past


def public_event_years(*, programme: Programme) -> list[int]:
    """Years with an event open to anyone, newest first, so no filter leads nowhere."""
    return sorted(
        set(
            Event.objects.filter(_public_q(programme))
            .annotate(y=ExtractYear("starts_at"))
            .values_list("y", flat=True)
            .order_by()
        ),
        reverse=True,
    )


def public_look_back(*, event: Event) -> dict[str, Any] | None:
    """What an open event's public page shows after it: the summary, the recording while the
    programme still shares it, and the presented lessons and products that are public
    themselves. Nothing else of the wrap-up leaves the programme."""
    if event.wrapped_up_at is None and event.recording_id is None:
        return None
    recording = None
    if event.recording_id:
        recording = (
            Product.objects.filter(pk=event.recording_id, shareable=True)
            .prefetch_related("links")
            .only("pk", "title")
            .first()
        )
    presented = publishing_selectors.public_items_for_sources(
        programme=event.programme,
        lesson_ids=list(event.presented_lessons.values_list("pk", flat=True)),
        product_ids=list(event.presented_products.values_list("pk", flat=True)),
    )
    return {"summary": event.summary, "recording": recording, "presented": presented}


def pending_joint_sessions(*, community: Community) -> list[EventCommunity]:
    """Joint sessions this community is asked to organise and has not answered yet."""
    return list(
        EventCommunity.objects.filter(
            community=community,
            accepted_at__isnull=True,
            event__status=Event.Status.DRAFT,
            event__ends_at__gt=timezone.now(),
        )
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )


def linked_communities(*, community: Community) -> list[dict[str, Any]]:
    """ "Who else works on this?" for the community page: the communities of the programme with
    the most subtopics in common on their recent agendas — the knowledge view's own reckoning
    (`dissemination.selectors.knowledge_entries`), so both pages agree — each with the
    lessons and products it shared (only what it shared; DESIGN.md §2)."""
    # Stored by the task worker for the whole programme (`dissemination.links`): reading the
    # programme's agendas here made the page's cost grow with the programme.
    entry = dissemination_links.stored_links(community=community)
    if entry is None:  # not worked out yet: as the knowledge view does, per request
        (entry,) = dissemination_selectors.knowledge_entries(
            programme=community.programme, communities=[community]
        )
    related = entry["related"][:LINKED_COMMUNITIES]
    # The community itself is asked along, so both queries are made even when no community is
    # related (a flat query count); its own items are not shown.
    ids = [row["pk"] for row in related] + [community.pk]
    shared: dict[int, list[str]] = {pk: [] for pk in ids}
    through = Product.communities.through
    for row in (
        through.objects.filter(community_id__in=ids, product__shareable=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("community_id")],
                order_by=[F("product__updated_at").desc(), F("product_id").desc()],
            )
        )
        .filter(rank__lte=SHARED_PER_LINKED)
        .values_list("community_id", "product__title")
    ):
        shared[row[0]].append(row[1])
    lessons: dict[int, list[str]] = {pk: [] for pk in ids}
    for community_id, text in (
        Lesson.objects.filter(community_id__in=ids, shareable=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("community_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=SHARED_PER_LINKED)
        .values_list("community_id", "text")
    ):
        lessons[community_id].append(text)
    return [
        {**row, "products": shared[row["pk"]], "lessons": lessons[row["pk"]]} for row in related
    ]


def guide_addresses(*, community_ids: list[int]) -> list[str]:
    """Addresses of the current leads and facilitators of these communities."""
    return sorted(
        {
            address
            for address in Membership.objects.active()
            .filter(community_id__in=community_ids, role__in=permissions.GUIDE_ROLES)
            .values_list("person__email", flat=True)
            if address
        }
    )
