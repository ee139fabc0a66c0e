"""What a meeting already knows, handed to the observer before they write a word.

The report's observers counted heads, listed organisations and noted work forms by hand
(Bijlage 4, questions 1, 3–6 and 11). Leerkring has those facts from the attendance list, the
agenda and the wrap-up, so the observation form starts from them and the observer spends the
meeting on what only an observer sees: atmosphere, roles, reactions.

One function per prefill kind (`ObservationQuestion.Prefill`), each returning plain data that
is stored as a snapshot in `Observation.prefill`: the observation stays readable as it was on
the day when the attendance or agenda is corrected later. Labels are stored as text for the
same reason.

Observations are read by evaluators and coordinators, so the snapshot holds counts and names
of organisations, never names of members or guests (DESIGN.md §2). Signals still inside the
community are counted, not named: only what the community passed on leaves the room.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from leerkring.communities.models import Membership
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


def prefill_attendance(meeting: Meeting) -> dict[str, Any]:
    """Attendance against the membership of the meeting day, and which organisations were
    there and which were not (Bijlage 4, question 1)."""
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
    present_orgs = {
        a.membership.organisation.name
        for a in attendances
        if a.status == Attendance.Status.PRESENT and a.membership.organisation_id
    }
    member_orgs = {m.organisation.name for m in members if m.organisation_id}
    return {
        "members": len(members),
        "present": counts[Attendance.Status.PRESENT],
        "absent": counts[Attendance.Status.ABSENT],
        "excused": counts[Attendance.Status.EXCUSED],
        "not_recorded": sum(1 for m in members if m.pk not in recorded),
        "recorded": bool(attendances),
        "organisations_present": sorted(present_orgs, key=str.lower),
        "organisations_absent": sorted(member_orgs - present_orgs, key=str.lower),
        "guests": len(_present_guests(meeting)),
    }


def prefill_guidance(meeting: Meeting) -> dict[str, Any]:
    """Who led which part, as the agenda says (question 3), and whether there was an agenda."""
    items = _agenda(meeting)
    return {
        "agenda_published": meeting.agenda_published_at is not None,
        "items": [
            {"title": item.title, "led_by": item.led_by, "minutes": item.minutes} for item in items
        ],
    }


def prefill_work_forms(meeting: Meeting) -> dict[str, Any]:
    """The agenda's work forms with their time, and the guests and experts by role
    (question 4)."""
    items = _agenda(meeting)
    minutes: Counter[str] = Counter()
    for item in items:
        if item.work_form_id:
            minutes[item.work_form.name] += item.minutes
    return {
        "items": [
            {
                "title": item.title,
                "work_form": item.work_form.name if item.work_form_id else "",
                "minutes": item.minutes,
            }
            for item in items
        ],
        "work_forms": [{"name": name, "minutes": total} for name, total in minutes.items()],
        "guests": _guests_by_role(_present_guests(meeting)),
    }


def prefill_perspective(meeting: Meeting) -> dict[str, Any]:
    """Whether and how the perspective of the inburgeraar was on the agenda (question 5;
    report §5.1.2: important and often missing)."""
    items = [item for item in _agenda(meeting) if item.perspective]
    voices = {Guest.Role.INBURGERAAR, Guest.Role.EXPERIENCE_EXPERT}
    return {
        "on_agenda": bool(items),
        "items": [
            {"title": item.title, "how": str(item.get_perspective_display())} for item in items
        ],
        "guests": _guests_by_role([g for g in _present_guests(meeting) if g.role in voices]),
    }


def prefill_topics(meeting: Meeting) -> dict[str, Any]:
    """The agenda's topics by category of the report (§3.2.2) with their time (question 6)."""
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
                    "items": [
                        {"title": i.title, "subtopic": i.subtopic, "minutes": i.minutes}
                        for i in mine
                    ],
                }
            )
    return {
        "categories": categories,
        "uncategorised": [
            {"title": item.title, "minutes": item.minutes}
            for item in items
            if not item.topic_category
        ],
    }


def prefill_signals(meeting: Meeting) -> dict[str, Any]:
    """Signals recorded at the meeting (question 11): titles of those passed on, and only a
    count of those still inside the community."""
    signals = list(Signal.objects.filter(meeting=meeting).order_by("raised_on", "pk"))
    passed = [signal for signal in signals if signal.passed_on_at is not None]
    return {
        "passed_on": [
            {"title": signal.title, "state": str(signal.get_state_display())} for signal in passed
        ],
        "kept_in_community": len(signals) - len(passed),
    }


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
