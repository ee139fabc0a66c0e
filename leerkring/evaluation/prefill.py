"""What a meeting already knows, handed to the observer before they write a word.

The report's observers counted heads, listed organisations and noted work forms by hand
(Bijlage 4, questions 1, 3–6 and 11). Leerkring has those facts from the attendance list, the
agenda and the wrap-up, so the observation form starts from them and the observer spends the
meeting on what only an observer sees: atmosphere, roles, reactions.

One function per prefill kind (`ObservationQuestion.Prefill`), each returning plain data that
is stored as a snapshot in `Observation.prefill`: the observation stays readable as it was on
the day when the attendance or agenda is corrected later. Labels are stored as text for the
same reason.

Observations are read by evaluators and coordinators, so the snapshot holds what an observer
may know: counts and kinds — members present, organisation *types*, work forms, topic
categories, whether the inburgeraar's perspective was on the agenda, signals counted. Never a
member's or guest's name, never an organisation's name (one with a single member would name
that person), never an agenda item's title (DESIGN.md §2). Migration 0003 cleaned the
snapshots stored before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from leerkring.communities.models import Membership, Organisation
from leerkring.meetings.models import AgendaItem, Attendance, Guest, Meeting
from leerkring.meetings.topics import TopicCategory
from leerkring.signalling.models import Signal

from .models import ObservationQuestion

Prefill = ObservationQuestion.Prefill


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.all())


def _present_guests(meeting: Meeting) -> list[Guest]:
    return [guest for guest in meeting.guests.all() if guest.present]


def _guests_by_role(guests: list[Guest]) -> list[dict[str, Any]]:
    counts = Counter(guest.role for guest in guests)
    return [
        {"role": str(label), "count": counts[value]}
        for value, label in Guest.Role.choices
        if counts[value]
    ]


def _types(organisations) -> list[dict[str, Any]]:
    """Organisation types with how many organisations of each: never an organisation's name,
    which for an organisation with one member would name that person."""
    counts = Counter(organisation.type for organisation in organisations)
    return [
        {"type": str(label), "count": counts[value]}
        for value, label in Organisation.Type.choices
        if counts[value]
    ]


def prefill_attendance(meeting: Meeting) -> dict[str, Any]:
    """Attendance against the membership of the meeting day, and which kinds of
    organisations were there (Bijlage 4, question 1). Counts and types only."""
    day = timezone.localtime(meeting.starts_at).date()
    members = list(
        Membership.objects.active(on=day)
        .filter(community_id=meeting.community_id)
        .select_related("organisation")
    )
    attendances = list(
        Attendance.objects.filter(meeting=meeting).select_related("membership__organisation")
    )
    counts = Counter(attendance.status for attendance in attendances)
    recorded = {attendance.membership_id for attendance in attendances}
    present = {
        a.membership.organisation_id: a.membership.organisation
        for a in attendances
        if a.status == Attendance.Status.PRESENT and a.membership.organisation_id
    }
    member_orgs = {m.organisation_id: m.organisation for m in members if m.organisation_id}
    return {
        "members": len(members),
        "present": counts[Attendance.Status.PRESENT],
        "absent": counts[Attendance.Status.ABSENT],
        "excused": counts[Attendance.Status.EXCUSED],
        "not_recorded": sum(1 for m in members if m.pk not in recorded),
        "recorded": bool(attendances),
        "organisation_types_present": _types(present.values()),
        "organisations_present": len(present),
        "organisations": len(member_orgs),
        "guests": len(_present_guests(meeting)),
    }


def prefill_guidance(meeting: Meeting) -> dict[str, Any]:
    """Whether there was an agenda and how many of its parts name who leads them (question
    3); who that is stays in the community."""
    items = _agenda(meeting)
    return {
        "agenda_published": meeting.agenda_published_at is not None,
        "items": len(items),
        "items_led": sum(1 for item in items if item.led_by),
    }


def prefill_work_forms(meeting: Meeting) -> dict[str, Any]:
    """The work forms used and their time, and the guests and experts by role (question 4)."""
    items = _agenda(meeting)
    minutes: Counter[str] = Counter()
    for item in items:
        if item.work_form_id:
            minutes[item.work_form.name] += item.minutes
    return {
        "items": len(items),
        "without_work_form": sum(1 for item in items if not item.work_form_id),
        "work_forms": [{"name": name, "minutes": total} for name, total in minutes.items()],
        "guests": _guests_by_role(_present_guests(meeting)),
    }


def prefill_perspective(meeting: Meeting) -> dict[str, Any]:
    """Whether and how the perspective of the inburgeraar was on the agenda (question 5;
    report §5.1.2: important and often missing): the ways, counted, not the items."""
    items = [item for item in _agenda(meeting) if item.perspective]
    hows = Counter(str(item.get_perspective_display()) for item in items)
    voices = {Guest.Role.INBURGERAAR, Guest.Role.EXPERIENCE_EXPERT}
    return {
        "on_agenda": bool(items),
        "ways": [{"how": how, "count": count} for how, count in hows.items()],
        "guests": _guests_by_role([g for g in _present_guests(meeting) if g.role in voices]),
    }


def prefill_topics(meeting: Meeting) -> dict[str, Any]:
    """The agenda's topic categories of the report (§3.2.2) with their time (question 6):
    categories and minutes, not the items' titles."""
    items = _agenda(meeting)
    categories = []
    for value, label in TopicCategory.choices:
        mine = [item for item in items if item.topic_category == value]
        if mine:
            categories.append(
                {
                    "key": value,
                    "label": str(label),
                    "minutes": sum(item.minutes for item in mine),
                    "items": len(mine),
                }
            )
    return {
        "categories": categories,
        "uncategorised": sum(1 for item in items if not item.topic_category),
    }


def prefill_signals(meeting: Meeting) -> dict[str, Any]:
    """Signals recorded at the meeting (question 11), counted: passed on and still inside."""
    signals = list(Signal.objects.filter(meeting=meeting).only("passed_on_at"))
    passed = sum(1 for signal in signals if signal.passed_on_at is not None)
    return {"passed_on": passed, "kept_in_community": len(signals) - passed}


PREFILL_FUNCTIONS: dict[str, Callable[[Meeting], dict[str, Any]]] = {
    Prefill.ATTENDANCE: prefill_attendance,
    Prefill.GUIDANCE: prefill_guidance,
    Prefill.WORK_FORMS: prefill_work_forms,
    Prefill.PERSPECTIVE: prefill_perspective,
    Prefill.TOPICS: prefill_topics,
    Prefill.SIGNALS: prefill_signals,
}


def meeting_prefill(meeting: Meeting) -> dict[str, Any]:
    """Everything Leerkring knows, under one key per prefill kind. All kinds are taken, not
    only the template's, so a question added to a template later still finds its facts."""
    meeting = Meeting.objects.prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related("work_form").order_by("position", "pk"),
        ),
        Prefetch("guests", queryset=Guest.objects.order_by("role", "pk")),
    ).get(pk=meeting.pk)
    snapshot: dict[str, Any] = {"taken_at": timezone.now().isoformat()}
    for kind, function in PREFILL_FUNCTIONS.items():
        snapshot[str(kind)] = function(meeting)
    return snapshot
