"""The facts the checks judge, gathered for many communities at once in a fixed number of
grouped queries (one per kind of row, whatever the number of communities)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.expressions import RawSQL, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from leerkring.communities.models import (
    FACILITATOR_ROLES,
    LEAD_ROLES,
    Community,
    Membership,
    Organisation,
    RuleProfile,
    active_membership_q,
)
from leerkring.meetings.models import AgendaItem, Agreement, Attendance, Lesson, Meeting
from leerkring.signalling.models import Signal, SignalEvent
from leerkring.surveys import satisfaction
from leerkring.surveys.models import Response, StoredResults, Wave
from leerkring.surveys.results import group_threshold, groups_to_hide

from .catalogue import (
    ATTENDANCE_MEETINGS,
    PERIOD_DAYS,
    SATISFACTION_CACHE_SECONDS,
)

# --- Facts -------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the monitor knows about one community, gathered by `community_facts`."""

    today: datetime.date
    start_date: datetime.date | None = None
    members: int = 0
    organisations: int = 0
    organisation_types: set[str] = field(default_factory=set)
    leads: int = 0
    facilitators: int = 0
    lead_facilitators: int = 0  # one person in both roles
    ended: int = 0  # memberships ended in the period, handovers included
    handed_over: int = 0
    held: int = 0
    physical: int = 0
    # Attendance rates (exact, in percent) of the last held meetings with recorded attendance.
    attendance_rates: list[Fraction] = field(default_factory=list)
    # Per recent held meeting, newest first: did an agenda item bring in the perspective?
    perspective: list[bool] = field(default_factory=list)
    lessons: int = 0
    agreements_due: int = 0
    agreements_followed: int = 0
    signals_due: int = 0
    signals_in_time: int = 0
    survey_positive: int | None = None
    survey_answers: int | None = None
    survey_wave: str = ""
    survey_hidden: bool = False

    @property
    def period_days(self) -> int:
        """The days the yearly rhythm is judged over: a year, or less for a new community."""
        if self.start_date is None or self.start_date <= self.today - datetime.timedelta(
            days=PERIOD_DAYS
        ):
            return PERIOD_DAYS
        return max(0, (self.today - self.start_date).days)


def _in(field: str, ids: list[int]) -> Q:
    """`field` in `ids`. On PostgreSQL a long list travels as one array parameter: thousands
    of separate parameters cost more to send and parse than the query itself."""
    if connection.vendor == "postgresql" and len(ids) > 50:
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))})
    return Q(**{f"{field}__in": list(ids)})


def community_facts(
    communities: Iterable[Community], *, now: datetime.datetime | None = None
) -> dict[int, Facts]:
    """The facts of every given community, in a fixed number of queries: memberships, the
    year's meetings, the recent held meetings with their attendance and agenda, lessons,
    agreements, one query per feedback deadline for signals, and — only where a rule profile
    names a satisfaction question — survey responses and answers. Communities should come with
    `programme__rule_profile` selected."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    communities = list(communities)
    ids = [c.pk for c in communities]
    facts = {c.pk: Facts(today=today, start_date=c.start_date) for c in communities}
    if not ids:
        return facts
    rules = {c.pk: c.programme.rule_profile for c in communities}
    since = now - datetime.timedelta(days=PERIOD_DAYS)
    since_date = today - datetime.timedelta(days=PERIOD_DAYS)

    # Memberships: counted per community in the database (members today, organisations,
    # roles, seats ended in the period), and the organisation types present.
    active = active_membership_q(on=today)
    # Without the model's ordering: it would join (and group by) every person and community.
    memberships = Membership.objects.filter(_in("community_id", ids)).order_by()
    for row in memberships.values("community_id").annotate(
        members=Count("pk", filter=active),
        organisations=Count("organisation_id", filter=active, distinct=True),
        leads=Count("pk", filter=active & Q(role__in=LEAD_ROLES)),
        facilitators=Count("pk", filter=active & Q(role__in=FACILITATOR_ROLES)),
        lead_facilitators=Count("pk", filter=active & Q(role=Membership.Role.LEAD_FACILITATOR)),
        ended=Count("pk", filter=Q(left_on__gt=since_date, left_on__lte=today)),
        handed_over=Count(
            "pk",
            filter=Q(
                left_on__gt=since_date,
                left_on__lte=today,
                left_reason=Membership.LeftReason.HANDOVER,
            ),
        ),
    ):
        f = facts[row.pop("community_id")]
        for name, value in row.items():
            setattr(f, name, value)
    # Each organisation looked up by key: a join would read the whole organisation table
    # (PostgreSQL hashes it), which grows with the network, not with these communities.
    type_of_organisation = Subquery(
        Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by().values("type")[:1]
    )
    for community_id, organisation_type in (
        memberships.filter(active, organisation__isnull=False)
        .annotate(organisation_type=type_of_organisation)
        .values_list("community_id", "organisation_type")
        .order_by()
        .distinct()
    ):
        facts[community_id].organisation_types.add(organisation_type)

    held = Meeting.objects.filter(
        _in("community_id", ids), status=Meeting.Status.HELD, starts_at__lte=now
    )
    for row in (
        held.filter(starts_at__gt=since)
        .values("community_id")
        .annotate(n=Count("pk"), physical=Count("pk", filter=Q(format=Meeting.Format.PHYSICAL)))
    ):
        facts[row["community_id"]].held = row["n"]
        facts[row["community_id"]].physical = row["physical"]

    # The last held meetings of every community at once (a window per community), then for
    # just those: attendance, the members on the meeting day (as on the community timeline),
    # and whether an agenda item brought in the inburgeraar's perspective.
    depth = max(
        [ATTENDANCE_MEETINGS] + [2 * (r.monitor_perspective_meetings or 0) for r in rules.values()]
    )
    recent = list(
        held.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("community_id")],
                order_by=[F("starts_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=depth)
        .order_by("community_id", "-starts_at", "-pk")
        .values_list("pk", "community_id", "starts_at")
    )
    meeting_ids = [pk for pk, _community, _starts in recent]
    attendance = {
        meeting_id: (present, recorded)
        for meeting_id, present, recorded in Attendance.objects.filter(
            _in("meeting_id", meeting_ids)
        )
        .order_by()
        .values("meeting_id")
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
        .values_list("meeting_id", "present", "recorded")
    }
    with_perspective = set(
        AgendaItem.objects.filter(_in("meeting_id", meeting_ids))
        .exclude(perspective="")
        .order_by()
        .values_list("meeting_id", flat=True)
        .distinct()
    )
    # Who was a member on a meeting day: only for communities with recorded attendance.
    periods: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    counted = sorted({c for pk, c, _s in recent if pk in attendance})
    for community_id, joined, left in (
        Membership.objects.filter(_in("community_id", counted))
        .order_by()
        .values_list("community_id", "joined_on", "left_on")
    ):
        periods[community_id].append((joined, left))
    for pk, community_id, starts_at in recent:
        f = facts[community_id]
        f.perspective.append(pk in with_perspective)
        present, recorded = attendance.get(pk, (0, 0))
        if not recorded or len(f.attendance_rates) >= ATTENDANCE_MEETINGS:
            continue
        day = timezone.localtime(starts_at).date()
        members = sum(
            1 for j, left in periods[community_id] if j <= day and (left is None or left > day)
        )
        if members:
            f.attendance_rates.append(min(Fraction(100), Fraction(100 * present, members)))

    # A lesson's community is its meeting's (`lesson_create`, the synthetic network, the demo
    # data). Saying so for the meeting too lets PostgreSQL read these communities' meetings
    # rather than every meeting of the year by date.
    for community_id, n in (
        Lesson.objects.filter(
            _in("community_id", ids),
            _in("meeting__community_id", ids),
            meeting__status=Meeting.Status.HELD,
            meeting__starts_at__gt=since,
            meeting__starts_at__lte=now,
        )
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    ):
        facts[community_id].lessons = n

    for row in (
        Agreement.objects.filter(
            _in("community_id", ids), due_date__lt=today, due_date__gte=since_date
        )
        .values("community_id")
        .annotate(due=Count("pk"), followed=Count("pk", filter=~Q(status=Agreement.Status.OPEN)))
    ):
        facts[row["community_id"]].agreements_due = row["due"]
        facts[row["community_id"]].agreements_followed = row["followed"]

    by_deadline: dict[int, list[int]] = defaultdict(list)
    for community_id, rule in rules.items():
        by_deadline[rule.signal_feedback_days].append(community_id)
    for days, community_ids in by_deadline.items():
        _signal_facts(facts, community_ids, days=days, now=now, since=since)

    _survey_facts(facts, communities, rules, today=today)
    return facts


def _signal_facts(
    facts: dict[int, Facts],
    community_ids: list[int],
    *,
    days: int,
    now: datetime.datetime,
    since: datetime.datetime,
) -> None:
    window = datetime.timedelta(days=days)
    deadline = ExpressionWrapper(F("passed_on_at") + window, output_field=DateTimeField())
    answered_in_time = SignalEvent.objects.filter(
        signal=OuterRef("pk"),
        kind=SignalEvent.Kind.RESPONSE,
        created_at__lte=ExpressionWrapper(
            OuterRef("passed_on_at") + window, output_field=DateTimeField()
        ),
    )
    in_time = Q(last_feedback_at__lte=deadline) | Q(Exists(answered_in_time))
    for row in (
        Signal.objects.filter(
            _in("community_id", community_ids),
            passed_on_at__gt=since,
            passed_on_at__lte=now - window,
        )
        .exclude(state=Signal.State.DRAFT)
        .values("community_id")
        .annotate(due=Count("pk"), in_time=Count("pk", filter=in_time))
    ):
        facts[row["community_id"]].signals_due = row["due"]
        facts[row["community_id"]].signals_in_time = row["in_time"]


def _survey_facts(
    facts: dict[int, Facts],
    communities: list[Community],
    rules: dict[int, RuleProfile],
    *,
    today: datetime.date,
) -> None:
    """The latest wave in which each community answered the satisfaction question, with the
    survey's own small-group suppression applied per wave."""
    codes: dict[str, set[int]] = defaultdict(set)  # question code -> programme ids
    for community in communities:
        code = rules[community.pk].monitor_satisfaction_question
        if code:
            codes[code].add(community.programme_id)
    if not codes:
        return
    thresholds = {c.programme_id: group_threshold(c.programme) for c in communities}
    waves, hidden, keys = _wave_groups(set().union(*codes.values()), thresholds, today=today)
    answers: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for code, code_programmes in codes.items():
        wave_ids = [
            w for w, (_o, programme_id, _t) in waves.items() if programme_id in code_programmes
        ]
        for wave_id, per_community in _satisfaction_counts(code, wave_ids, keys).items():
            for community_id, (total, positive) in per_community.items():
                rule = rules.get(community_id)
                if rule is not None and rule.monitor_satisfaction_question == code:
                    answers[community_id].append((wave_id, total, positive))
    for community_id, rows in answers.items():
        wave_id, total, positive = max(rows, key=lambda r: (waves[r[0]][0], r[0]))
        f = facts[community_id]
        f.survey_wave = waves[wave_id][2]
        if community_id in hidden.get(wave_id, set()):
            f.survey_hidden = True
        else:
            f.survey_answers, f.survey_positive = total, positive


def _wave_groups(
    programme_ids: set[int], thresholds: dict[int, int], *, today: datetime.date
) -> tuple[dict[int, tuple[datetime.date, int, str]], dict[int, set[int | None]], dict[int, str]]:
    """The programmes' waves opened by `today` that have responses: per wave (opens on,
    programme, title), the communities the survey's suppression hides, and what the wave's
    answers are known by (for the satisfaction cache).

    Both come from the results the surveys store after each release (`StoredResults`: the
    responses per community and which are hidden, as `results.groups_to_hide` decided with
    the programme's threshold), so the monitor does not count a national wave's responses on
    every visit. A wave whose stored results are missing or of another release or threshold
    (the task worker has not stored them yet) has its responses counted, as before."""
    waves = {
        pk: (opens_on, programme_id, title, version)
        for pk, opens_on, programme_id, title, version in Wave.objects.filter(
            programme_id__in=programme_ids, opens_on__lte=today
        )
        .order_by()
        .values_list("pk", "opens_on", "programme_id", "title", "results_version")
    }
    counts: dict[int, dict[int | None, int]] = {}
    hidden: dict[int, set[int | None]] = {}
    keys: dict[int, str] = {}
    for wave_id, version, threshold, groups in (
        StoredResults.objects.filter(wave_id__in=list(waves), community__isnull=True)
        .order_by()
        .values_list("wave_id", "version", "threshold", "results__groups")
    ):
        _opens, programme_id, _title, wave_version = waves[wave_id]
        if version != wave_version or threshold != thresholds.get(programme_id, 5):
            continue
        counts[wave_id] = {group["pk"]: group["count"] for group in groups or []}
        hidden[wave_id] = {group["pk"] for group in groups or [] if group["hidden"]}
        keys[wave_id] = f"r{version}:{sum(counts[wave_id].values())}"
    missing = [wave_id for wave_id in waves if wave_id not in counts]
    if missing:
        last_response: dict[int, int] = {}
        for wave_id, community_id, n, last in (
            Response.objects.filter(wave_id__in=missing)
            .values("wave_id", "community_id")
            .annotate(n=Count("pk"), last=Max("pk"))
            .values_list("wave_id", "community_id", "n", "last")
        ):
            counts.setdefault(wave_id, {})[community_id] = n
            last_response[wave_id] = max(last, last_response.get(wave_id, 0))
        for wave_id, last in last_response.items():
            programme_id = waves[wave_id][1]
            hidden[wave_id] = groups_to_hide(counts[wave_id], thresholds.get(programme_id, 5))
            keys[wave_id] = f"n{sum(counts[wave_id].values())}:{last}"
    with_responses = {
        wave_id: (opens_on, programme_id, title)
        for wave_id, (opens_on, programme_id, title, _v) in waves.items()
        if sum(counts.get(wave_id, {}).values())
    }
    return with_responses, hidden, keys


def _satisfaction_cache_key(code: str, wave_id: int, known_by: str) -> str:
    # Answers are never changed once given and reach a wave only by a release, which raises
    # its results version: a new release (or, for a wave counted afresh, a new response)
    # makes a new key, so nothing needs to be invalidated.
    return f"monitor:satisfaction:v3:{wave_id}:{code}:{known_by}"


def _satisfaction_counts(
    code: str, wave_ids: list[int], known_by: dict[int, str]
) -> dict[int, dict[int, tuple[int, int]]]:
    """Per wave, per community: answers to the question `code` and how many are satisfied,
    by the survey's one definition (`surveys.satisfaction`). Cached per wave, so the matrix
    does not count a national wave's answers on every visit."""
    keys = {
        wave_id: _satisfaction_cache_key(code, wave_id, known_by[wave_id]) for wave_id in wave_ids
    }
    cached = cache.get_many(list(keys.values())) if keys else {}
    counts = {wave_id: cached[key] for wave_id, key in keys.items() if key in cached}
    missing = [wave_id for wave_id in wave_ids if wave_id not in counts]
    if missing:
        fresh: dict[int, dict[int, tuple[int, int]]] = {wave_id: {} for wave_id in missing}
        for wave_id, per_community in satisfaction.satisfaction_counts(
            code=code, wave_ids=missing
        ).items():
            for community_id, found in per_community.items():
                fresh[wave_id][community_id] = (found.answers, found.satisfied)
        cache.set_many({keys[w]: fresh[w] for w in missing}, SATISFACTION_CACHE_SECONDS)
        counts.update(fresh)
    return counts
