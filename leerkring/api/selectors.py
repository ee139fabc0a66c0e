"""Reads the API needs beyond the apps' own selectors: page-sized versions of lists the pages
show whole or cut short. Each is a fixed number of queries for a page, whatever the data."""

from __future__ import annotations

from django.db.models import BooleanField, Case, CharField, Count, Prefetch, QuerySet, Value, When

from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import access_for
from leerkring.meetings.models import Agreement, Lesson
from leerkring.signalling import selectors as signal_selectors
from leerkring.signalling.models import Signal, SignalResponse


def community_signals(*, community: Community) -> QuerySet[Signal]:
    """A community's own signals, newest first, as in "Onze signalen" (drafts included)."""
    days = signal_selectors.feedback_deadline_days(community.programme)
    return (
        Signal.objects.filter(community=community)
        .select_related("community", "theme")
        .annotate(
            waiting=Case(
                When(signal_selectors.waiting_for_feedback_q(days=days), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=SignalResponse.objects.order_by("created_at", "pk"),
                to_attr="own_answers",
            )
        )
        .order_by("-raised_on", "-pk")
    )


def attach_answers(signals: list[Signal]) -> None:
    """Every answer a signal received: its own (prefetched) and those on its theme — one
    query for the whole page."""
    theme_ids = {s.theme_id for s in signals if s.theme_id}
    by_theme: dict[int, list[SignalResponse]] = {}
    if theme_ids:
        for response in SignalResponse.objects.filter(theme_id__in=theme_ids).order_by(
            "created_at", "pk"
        ):
            by_theme.setdefault(response.theme_id, []).append(response)
    for signal in signals:
        answers = list(signal.own_answers) + by_theme.get(signal.theme_id, [])
        signal.answers = sorted(answers, key=lambda r: (r.created_at, r.pk))


# --- Programmes and communities --------------------------------------------------------------


def programmes_of(user) -> list[Programme]:
    """The programmes a person takes part in (a programme role, or a community of it), each
    with their roles there and its number of communities."""
    access = access_for(user)
    ids = set(access.programme_roles)
    ids |= set(
        Community.objects.filter(pk__in=list(access.community_roles)).values_list(
            "programme_id", flat=True
        )
    )
    programmes = list(
        Programme.objects.filter(pk__in=ids)
        .annotate(community_count=Count("communities"))
        .order_by("name", "pk")
    )
    for programme in programmes:
        programme.my_roles = sorted(access.programme_roles.get(programme.pk, ()))
    return programmes


def communities_of(user) -> QuerySet[Community]:
    """The communities a person is an active member of, with their role in each."""
    access = access_for(user)
    role = Case(
        *[When(pk=pk, then=Value(r)) for pk, r in access.community_roles.items()],
        default=Value(""),
        output_field=CharField(),
    )
    return (
        Community.objects.filter(pk__in=list(access.community_roles))
        .select_related("programme")
        .annotate(my_role=role)
        .order_by("name", "pk")
    )


def lessons_of(*, community: Community) -> QuerySet[Lesson]:
    return Lesson.objects.filter(community=community).order_by("-created_at", "-pk")


def agreements_of(*, community: Community) -> QuerySet[Agreement]:
    return (
        Agreement.objects.filter(community=community)
        .select_related("owner__person")
        .order_by("-created_at", "-pk")
    )
