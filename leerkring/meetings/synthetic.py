"""Meetings for the national-scale synthetic network (DESIGN.md §5): 20,000 meetings, 300,000
attendance rows and 100,000 signals, with agendas (about three items a meeting), lessons,
agreements with their status history, invitation answers and a conversation per community.

The communities start in 2022-2023; at the rule profiles' rhythm of six to eight weeks the
design's 20,000 meetings reach into 2026, so the history runs up to `HELD_UNTIL` and each
community has two or three planned meetings after it. The counts are exact at every `--scale`
(largest-remainder rounding), so the benchmark and the tests know what they measure.

For the benchmark (bench/run.py) the first community of CoP's Inburgering, "CoP Fryslân" with
40 members, gets 50 meetings, and its last held meeting has all 40 members present and ten
agenda items; one person who sits in three communities owns agreements in each.

Fast on purpose: plain objects, `bulk_create` in big batches, children written in chunks so
memory stays flat; no services (no audit, no e-mail).
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db import connection

from leerkring.communities.models import LEAD_ROLES, Community, Membership
from leerkring.communities.synthetic import SynthContext, synth_step
from leerkring.signalling.models import Signal

from .demo_data import AGREEMENTS, GENERAL_TOPICS, LESSONS, SIGNALS, THREADS
from .models import (
    AgendaItem,
    Agreement,
    AgreementStatusChange,
    Attendance,
    Lesson,
    Meeting,
    Message,
    Rsvp,
    Thread,
    WorkForm,
)
from .topics import InfluenceLevel

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
HELD_UNTIL = datetime.date(2026, 9, 30)
BATCH_SIZE = 5000
CHUNK = 50_000  # child rows kept in memory before they are written
BENCH_MEETINGS = 50
BENCH_AGENDA_ITEMS = 10
BENCH_AGREEMENTS_PER_COMMUNITY = 4
ATTENDANCE_STATUS = (
    [Attendance.Status.PRESENT] * 17 + [Attendance.Status.EXCUSED] * 2 + [Attendance.Status.ABSENT]
)


def _spread(total: int, weights: list[float]) -> list[int]:
    """`total` divided over `weights` in whole numbers that add up exactly (largest
    remainder)."""
    weight_sum = sum(weights) or 1.0
    shares = [total * w / weight_sum for w in weights]
    counts = [int(share) for share in shares]
    rest = total - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)
    for index in by_remainder[:rest]:
        counts[index] += 1
    return counts


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)


def _active_on(membership: Membership, day: datetime.date) -> bool:
    return membership.joined_on <= day and (membership.left_on is None or membership.left_on > day)


# The columns each child row is written with, in order. Columns not named here (added later
# by other apps' lifecycles) get their field's default, as `bulk_create` would give them.
COLUMNS: dict[type, tuple[str, ...]] = {
    Attendance: ("meeting_id", "membership_id", "status", "recorded_at", "recorded_by_id"),
    AgendaItem: (
        "meeting_id", "position", "title", "work_form_id", "topic_category", "subtopic",
        "minutes", "led_by", "perspective", "description", "is_lookback",
    ),
    Lesson: (
        "meeting_id", "community_id", "programme_id", "text", "learning_order",
        "influence_level", "shareable", "created_by_id", "created_at",
    ),
    Signal: (
        "community_id", "programme_id", "meeting_id", "title", "description", "topic_category",
        "subtopic", "solution_level", "raised_on", "created_by_id", "created_at",
    ),
    Rsvp: ("meeting_id", "membership_id", "answer", "answered_at"),
    AgreementStatusChange: (
        "agreement_id", "old_status", "new_status", "changed_by_id", "changed_at",
    ),
    Message: ("thread_id", "author_id", "body", "created_at"),
}  # fmt: skip


def _insert(model: type, rows: list[tuple]) -> None:
    """Child rows as plain tuples in `COLUMNS` order: on PostgreSQL through COPY, several times
    faster than INSERT for hundreds of thousands of rows and without a model instance each;
    elsewhere through `bulk_create`."""
    if not rows:
        return
    names = COLUMNS[model]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=BATCH_SIZE
        )
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(names) - {f.attname for f in fields}
    if unknown:
        raise RuntimeError(f"{model.__name__} has no columns {sorted(unknown)}")
    others = [f for f in fields if f.attname not in names]
    extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    quote = connection.ops.quote_name
    by_name = {f.attname: f for f in fields}
    columns = ", ".join(quote(c) for c in [*(by_name[n].column for n in names),
                                           *(f.column for f in others)])  # fmt: skip
    with connection.cursor() as cursor:
        statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row + extra)


class _Writer:
    """Collects child rows per model and writes them once a chunk is full."""

    def __init__(self) -> None:
        self.pending: dict[type, list[tuple]] = {}
        self.counts: dict[type, int] = {}

    def add(self, model: type, row: tuple) -> None:
        rows = self.pending.setdefault(model, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush(model)

    def flush(self, model: type | None = None) -> None:
        for each in [model] if model else list(self.pending):
            rows = self.pending.pop(each, [])
            _insert(each, rows)
            self.counts[each] = self.counts.get(each, 0) + len(rows)


def _meeting_days(
    rng: random.Random, community: Community, count: int, planned: int
) -> Iterator[datetime.date]:
    """`count - planned` days from the community's start up to `HELD_UNTIL`, evenly spaced,
    then `planned` more at the same interval after it; working days only."""
    start = community.start_date or datetime.date(2023, 1, 9)
    held = max(1, count - planned)
    interval = max(7.0, (HELD_UNTIL - start).days / held)
    for index in range(count):
        day = start + datetime.timedelta(days=round(interval * (index + 1)) + rng.randint(-3, 3))
        if index >= held:
            day = max(day, HELD_UNTIL + datetime.timedelta(days=7 * (index - held + 1)))
        else:
            day = min(day, HELD_UNTIL)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        yield day


@synth_step(order=110)
def synth_meetings(ctx: SynthContext) -> None:
    rng = random.Random(f"{ctx.seed}-meetings")
    communities = ctx.communities
    by_community: dict[int, list[Membership]] = {}
    for membership in ctx.memberships:
        by_community.setdefault(membership.community_id, []).append(membership)
    work_forms = {wf.key: wf.pk for wf in WorkForm.objects.filter(programme__isnull=True)}

    # How many meetings each community has: the benchmark community fifty, the rest in
    # proportion to how long each has existed.
    total = ctx.scaled(20000, minimum=len(communities) * 3)
    bench_count = min(BENCH_MEETINGS, round(total * 0.4))
    rest = _spread(
        total - bench_count,
        [max(1, (HELD_UNTIL - (c.start_date or HELD_UNTIL)).days) for c in communities[1:]],
    )
    counts = [bench_count, *rest]

    meetings: list[Meeting] = []
    plan: list[tuple[Meeting, int, Community]] = []  # meeting, index in its community, community
    for community, count in zip(communities, counts, strict=True):
        members = by_community.get(community.pk, [])
        lead = next((m for m in members if m.role in LEAD_ROLES and m.left_on is None), None)
        hosts = list(dict.fromkeys(m.organisation for m in members if m.organisation))[:12]
        hosts = hosts or [None]
        planned = min(count - 1, rng.choice([2, 3])) if count > 1 else 0
        hour, minute = rng.choice([(9, 30), (13, 0), (13, 30)])
        hours = rng.choice([2, 2.5, 3, 3, 3.5, 4])
        for index, day in enumerate(_meeting_days(rng, community, count, planned)):
            starts_at = _at(day, hour, minute)
            host = hosts[index % len(hosts)]
            is_held = day <= HELD_UNTIL
            status = Meeting.Status.HELD if is_held else Meeting.Status.PLANNED
            if is_held and rng.random() < 0.04:
                status = Meeting.Status.CANCELLED
            meeting = Meeting(
                community=community,
                title=rng.choice(GENERAL_TOPICS).title,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=hours),
                place=f"Gemeentehuis {host.city}" if host and host.city else "",
                host_organisation=host,
                status=status,
                cancel_reason="Afgelast wegens te weinig aanmeldingen."
                if status == Meeting.Status.CANCELLED
                else "",
                ical_uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                published_at=starts_at - datetime.timedelta(weeks=4)
                if is_held or index == count - planned
                else None,
                agenda_published_at=starts_at - datetime.timedelta(days=8) if is_held else None,
                created_by_id=lead.person.user_id if lead else None,
                created_at=starts_at - datetime.timedelta(weeks=8),
            )
            meetings.append(meeting)
            plan.append((meeting, index, community))
    Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)

    held = [(m, i, c) for m, i, c in plan if m.status == Meeting.Status.HELD]
    bench_meeting = max(
        (m for m, _i, c in held if c is communities[0]), key=lambda m: m.starts_at, default=None
    )
    _children(ctx, rng, held, by_community, bench_meeting, work_forms, plan)
    ctx.counts["meetings"] = len(meetings)
    ctx.counts["meetings_held"] = len(held)


def _children(
    ctx: SynthContext,
    rng: random.Random,
    held: list[tuple[Meeting, int, Community]],
    by_community: dict[int, list[Membership]],
    bench_meeting: Meeting | None,
    work_forms: dict[str, int],
    plan: list[tuple[Meeting, int, Community]],
) -> None:
    writer = _Writer()
    attendance_total = ctx.scaled(300000)
    signal_total = ctx.scaled(100000)

    # Members on each meeting day; the benchmark meeting has everyone present.
    on_day: list[list[Membership]] = []
    for meeting, _index, community in held:
        day = meeting.starts_at.date()
        on_day.append([m for m in by_community.get(community.pk, []) if _active_on(m, day)])
    bench_rows = sum(len(members) for (m, _i, _c), members in zip(held, on_day, strict=True)
                     if m is bench_meeting)  # fmt: skip
    weights = [
        0 if meeting is bench_meeting else len(members)
        for (meeting, _i, _c), members in zip(held, on_day, strict=True)
    ]
    rows_per_meeting = _spread(max(0, attendance_total - bench_rows), weights)
    signals_per_meeting = _spread(signal_total, [1.0] * len(held))

    owner_of_three = _person_in_three_communities(by_community)
    agreements: list[Agreement] = []
    done: list[Agreement] = []
    levels = list(InfluenceLevel.values)
    lesson_texts = [text for texts in LESSONS.values() for text in texts]
    for (meeting, _index, community), members, rows, signal_count in zip(
        held, on_day, rows_per_meeting, signals_per_meeting, strict=True
    ):
        mid, cid, ends_at = meeting.pk, community.pk, meeting.ends_at
        if meeting is bench_meeting:
            chosen, statuses = members, [Attendance.Status.PRESENT] * len(members)
        else:
            chosen = rng.sample(members, min(rows, len(members)))
            statuses = [rng.choice(ATTENDANCE_STATUS) for _ in chosen]
        for membership, status in zip(chosen, statuses, strict=True):
            writer.add(Attendance, (mid, membership.pk, status, ends_at, None))
        present = [m for m, s in zip(chosen, statuses, strict=True) if s == "present"] or members
        count = BENCH_AGENDA_ITEMS if meeting is bench_meeting else rng.choice([2, 3, 3, 4])
        _agenda(writer, rng, meeting, work_forms, count)
        day = meeting.starts_at.date()
        for text in rng.sample(lesson_texts, rng.choice([1, 2])):
            writer.add(
                Lesson,
                (
                    mid, cid, community.programme_id, text,
                    rng.choice(["first", "first", "second"]), rng.choice(levels),
                    rng.random() < 0.4, None, ends_at,
                ),
            )  # fmt: skip
        for text in rng.sample(AGREEMENTS, rng.choice([1, 2, 2])):
            due = day + datetime.timedelta(weeks=rng.choice([4, 6, 8]))
            status = rng.choices(["done", "dropped", "open"], weights=[80, 5, 15])[0]
            if due > HELD_UNTIL:
                status = "open"
            agreement = Agreement(
                meeting_id=mid,
                community_id=cid,
                text=text,
                owner_id=rng.choice(present).pk if present else None,
                due_date=due,
                status=status,
                created_at=ends_at,
            )
            agreements.append(agreement)
            if status != "open":
                done.append(agreement)
        picked = rng.sample(SIGNALS, min(signal_count, len(SIGNALS)))
        picked += [rng.choice(SIGNALS) for _ in range(signal_count - len(picked))]
        for title, description, category, subtopic, level in picked:
            writer.add(
                Signal,
                (
                    cid,
                    community.programme_id,
                    mid,
                    title,
                    description,
                    category,
                    subtopic,
                    level,
                    day,
                    None,
                    ends_at,
                ),  # fmt: skip
            )
    _agreements_of_one_person(owner_of_three, agreements)
    writer.flush()
    Agreement.objects.bulk_create(agreements, batch_size=BATCH_SIZE)
    for agreement in done:
        changed_at = datetime.datetime.combine(
            agreement.due_date, datetime.time(10), tzinfo=AMSTERDAM
        )
        writer.add(
            AgreementStatusChange, (agreement.pk, "open", agreement.status, None, changed_at)
        )
    _planned_meetings(writer, rng, plan, by_community, work_forms)
    _threads(writer, rng, ctx.communities, by_community)
    writer.flush()
    ctx.counts["attendance"] = writer.counts.get(Attendance, 0)
    ctx.counts["agenda_items"] = writer.counts.get(AgendaItem, 0)
    ctx.counts["lessons"] = writer.counts.get(Lesson, 0)
    ctx.counts["agreements"] = len(agreements)
    ctx.counts["signals"] = writer.counts.get(Signal, 0)
    ctx.counts["rsvps"] = writer.counts.get(Rsvp, 0)


def _agenda(
    writer: _Writer, rng: random.Random, meeting: Meeting, work_forms: dict[str, int], count: int
) -> None:
    for position, topic in enumerate(rng.sample(GENERAL_TOPICS, count)):
        writer.add(
            AgendaItem,
            (
                meeting.pk, position, topic.title, work_forms.get(topic.work_form),
                topic.category, topic.subtopic, rng.choice([20, 30, 30, 45]), "",
                topic.perspective, topic.description, False,
            ),
        )  # fmt: skip


def _person_in_three_communities(by_community: dict[int, list[Membership]]) -> list[Membership]:
    """The active seats of the first person who sits in three (or the most) communities."""
    seats: dict[int, list[Membership]] = {}
    for memberships in by_community.values():
        for membership in memberships:
            if membership.left_on is None:
                seats.setdefault(membership.person.pk, []).append(membership)
    if not seats:
        return []
    best = max(seats.values(), key=lambda s: (min(len(s), 3), -s[0].pk))
    return best[:3]


def _agreements_of_one_person(seats: list[Membership], agreements: list[Agreement]) -> None:
    """Hand the chosen person the last few agreements of each of their communities, so the
    benchmark's "my agreements" has open and done ones in three communities."""
    by_community: dict[int, list[Agreement]] = {}
    for agreement in agreements:
        by_community.setdefault(agreement.community_id, []).append(agreement)
    for seat in seats:
        for agreement in by_community.get(seat.community_id, [])[-BENCH_AGREEMENTS_PER_COMMUNITY:]:
            agreement.owner_id = seat.pk


def _planned_meetings(
    writer: _Writer,
    rng: random.Random,
    plan: list[tuple[Meeting, int, Community]],
    by_community: dict[int, list[Membership]],
    work_forms: dict[str, int],
) -> None:
    """The next meeting has its agenda published and about half the answers in."""
    first_planned: set[int] = set()
    for meeting, _index, community in plan:
        if meeting.status != Meeting.Status.PLANNED or community.pk in first_planned:
            continue
        first_planned.add(community.pk)
        _agenda(writer, rng, meeting, work_forms, 3)
        answered_at = meeting.published_at or meeting.created_at
        for membership in by_community.get(community.pk, []):
            if membership.left_on is None and rng.random() < 0.5:
                answer = rng.choice(["attend", "attend", "attend", "decline"])
                writer.add(Rsvp, (meeting.pk, membership.pk, answer, answered_at))


def _threads(
    writer: _Writer,
    rng: random.Random,
    communities: list[Community],
    by_community: dict[int, list[Membership]],
) -> None:
    """One conversation per community, a few weeks before the last held meeting."""
    threads: list[Thread] = []
    messages: list[list[tuple]] = []
    for community in communities:
        people = [m.person for m in by_community.get(community.pk, []) if m.left_on is None]
        if len(people) < 2:
            continue
        title, bodies = rng.choice(THREADS)
        at = _at(HELD_UNTIL, 16, 0) - datetime.timedelta(days=rng.randint(5, 60))
        thread_messages = []
        for body in bodies:
            thread_messages.append((rng.choice(people).pk, body, at))
            at += datetime.timedelta(hours=rng.randint(2, 48))
        threads.append(
            Thread(
                community=community,
                title=title,
                started_by_id=thread_messages[0][0],
                created_at=thread_messages[0][2],
                last_message_at=thread_messages[-1][2],
            )
        )
        messages.append(thread_messages)
    Thread.objects.bulk_create(threads, batch_size=BATCH_SIZE)
    for thread, thread_messages in zip(threads, messages, strict=True):
        for author_id, body, at in thread_messages:
            writer.add(Message, (thread.pk, author_id, body, at))
