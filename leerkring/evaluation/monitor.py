"""The CoP monitor: each community held against its programme's rule profile and the
conditions the evaluation found to matter (report §5.1–5.2, DESIGN.md §3 "Evaluation").

Every check is a plain function `check_…(facts, rules) -> Check`. The facts of many
communities are gathered at once by `community_facts`, in a fixed number of grouped queries
(one per kind of row, whatever the number of communities), so the programme matrix of 600
communities costs the same number of queries as one community's own monitor.

A check answers with a status, the measured value, the norm, a one-line reason and the source
paragraph. Statuses are told in words, never by colour alone:

- "Voldoet" (green), "Let op" (orange), "Voldoet niet" (red);
- "Onbekend" (grey) when there is no data to judge by (no meetings held yet, no agreement due);
- "Geen eis" (grey) when the programme's rule profile sets no norm for it.

Thresholds live on the rule profile (`RuleProfile.monitor_…`): for "higher is better" checks a
value from the "voldoet" threshold up is green, below the "voldoet niet" threshold red, and in
between orange. Shares are compared exactly (fractions), and shown as whole percentages.

Measurements, all over the twelve months up to today unless said otherwise:

- members and organisations: active memberships today (the same rule as the member list);
- organisation mix: the required organisation types present, and — when the rules ask for it
  — at least one municipality and one executing organisation (`EXECUTING_TYPES`); one missing
  required type is "Let op", more, or no mix, "Voldoet niet";
- lead and facilitator: a lead and enough facilitators among the active members; one person in
  both roles where the rules want them separate is "Let op";
- meeting rhythm: held meetings; for a community that started less than a year ago the yearly
  norm is scaled to the months since its start date;
- physical share: held meetings whose format is physical (hybrid and online are not);
- attendance: the mean attendance rate of the last six held meetings with recorded attendance,
  each rate as on the community timeline (present ÷ members on the meeting day);
- turnover: memberships ended (left or handed over) in the last twelve months ÷ members today;
- the inburgeraar's perspective: an agenda item with a perspective in the last N held meetings
  (green), only in the N before those (orange), in neither (red);
- lessons: lessons of held meetings ÷ held meetings;
- agreements: of the agreements due in the last twelve months, the share done or dropped;
- signals: of the signals passed on in the last twelve months whose feedback deadline
  (`signal_feedback_days`) has passed, the share with an answer to the community within it —
  `last_feedback_at` within the deadline, or any answer event (`SignalEvent` "response", which
  signal and theme answers both write) within it;
- satisfaction: only when the rule profile names a matrix question by its code
  (`monitor_satisfaction_question`). In the community's latest wave with answers to it, the
  share of "eens" and "helemaal eens" over all its statements. When the survey's small-group
  suppression (`surveys.results.groups_to_hide`) hides the community in that wave, the check is
  "Onbekend": the monitor never shows what the results page may not.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
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
)
from django.db.models.expressions import RawSQL, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext_lazy, gettext_noop

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
from leerkring.surveys.models import Answer, Question, Response
from leerkring.surveys.results import group_threshold, groups_to_hide, percent_half_up

from . import datacache

GREEN, ORANGE, RED, UNKNOWN, NO_NORM = "green", "orange", "red", "unknown", "none"

# The matrix of 600 communities writes some 8,000 checks, each with a few translated texts.
# Django's gettext costs microseconds per call (a thread-local look-up each time), so during
# one monitor run every text is translated once and then read from this cache.
_texts: ContextVar[dict | None] = ContextVar("monitor_texts", default=None)


def _(message: str) -> str:
    cache = _texts.get()
    if cache is None:
        return translation.gettext(message)
    try:
        return cache[message]
    except KeyError:
        cache[message] = text = translation.gettext(message)
        return text


def ngettext(singular: str, plural: str, n: int) -> str:
    cache = _texts.get()
    if cache is None:
        return translation.ngettext(singular, plural, n)
    key = (singular, plural, n)
    try:
        return cache[key]
    except KeyError:
        cache[key] = text = translation.ngettext(singular, plural, n)
        return text


def number_format(value, decimals: int = 1) -> str:
    """A whole number as is, anything else with `decimals` decimals, in the active language's
    notation ("1,5"), without Django's per-call settings look-ups."""
    if isinstance(value, int):
        return str(value)
    cache = _texts.get()
    separator = cache.get("__decimal__") if cache is not None else None
    if separator is None:
        separator = get_format("DECIMAL_SEPARATOR")
        if cache is not None:
            cache["__decimal__"] = separator
    return f"{float(value):.{decimals}f}".replace(".", separator)


STATUS_TEXTS = {
    GREEN: gettext_noop("Voldoet"),
    ORANGE: gettext_noop("Let op"),
    RED: gettext_noop("Voldoet niet"),
    UNKNOWN: gettext_noop("Onbekend"),
    NO_NORM: gettext_noop("Geen eis"),
}
STATUS_LABELS = {key: gettext_lazy(text) for key, text in STATUS_TEXTS.items()}
STATUS_ORDER = (GREEN, ORANGE, RED, UNKNOWN, NO_NORM)

PERIOD_DAYS = 365
ATTENDANCE_MEETINGS = 6
# A community younger than this is too new to judge its rhythm by.
RHYTHM_MIN_DAYS = 60
# Executing organisations for the "municipalities and executing organisations mixed" rule
# (report §3.1: COA, language schools, social support and the other organisations that carry
# out the law beside the municipality).
EXECUTING_TYPES = frozenset(
    {
        Organisation.Type.COA,
        Organisation.Type.LANGUAGE_PROVIDER,
        Organisation.Type.SOCIAL_SUPPORT,
        Organisation.Type.VOLUNTEER,
        Organisation.Type.EDUCATION,
        Organisation.Type.EMPLOYER,
    }
)
POSITIVE_SCALE_VALUES = (1, 2)  # "helemaal eens", "eens"
SATISFACTION_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Check:
    """One traffic light: what was measured, against which norm, why this status, and where
    the norm comes from."""

    key: str
    title: str
    label: str
    status: str
    value: str
    norm: str
    reason: str
    source: str
    # The measured value in a few characters, for a cell of the programme matrix.
    short: str = ""


# (key, title, short title for the matrix, source paragraph), in reading order.
CHECKS: list[tuple[str, str, str, str]] = [
    ("members", gettext_noop("Aantal deelnemers"), gettext_noop("Leden"), "Rapport §5.1.1"),
    (
        "organisations",
        gettext_noop("Aantal organisaties"),
        gettext_noop("Organisaties"),
        "Rapport §3.1, §5.1.1",
    ),
    (
        "organisation_mix",
        gettext_noop("Mix van organisaties"),
        gettext_noop("Mix"),
        "Rapport §5.1.1",
    ),
    (
        "guidance",
        gettext_noop("Communitytrekker en procesbegeleider"),
        gettext_noop("Begeleiding"),
        "Rapport §5.1.2, §5.2.3",
    ),
    (
        "rhythm",
        gettext_noop("Ritme van bijeenkomsten"),
        gettext_noop("Ritme"),
        "Rapport §3.1, §5.1.1",
    ),
    ("physical", gettext_noop("Fysiek bijeenkomen"), gettext_noop("Fysiek"), "Rapport §5.1.2"),
    ("attendance", gettext_noop("Opkomst"), gettext_noop("Opkomst"), "Rapport §5.1.1, §5.1.2"),
    ("turnover", gettext_noop("Verloop en overdracht"), gettext_noop("Verloop"), "Rapport §5.1.1"),
    (
        "perspective",
        gettext_noop("Perspectief van de inburgeraar"),
        gettext_noop("Inburgeraar"),
        "Rapport §5.1.2",
    ),
    ("lessons", gettext_noop("Leerpunten benoemd"), gettext_noop("Leerpunten"), "Rapport §5.1.3"),
    (
        "agreements",
        gettext_noop("Afspraken opgevolgd"),
        gettext_noop("Afspraken"),
        "Rapport §5.1.2, §5.1.3",
    ),
    (
        "signals",
        gettext_noop("Signalen op tijd beantwoord"),
        gettext_noop("Signalen"),
        "Rapport §5.1.3",
    ),
    (
        "satisfaction",
        gettext_noop("Tevredenheid in de enquête"),
        gettext_noop("Tevredenheid"),
        "Rapport §4.2",
    ),
]
_META = {key: (title, source) for key, title, _short, source in CHECKS}
CHECK_KEYS = list(_META)
# For forms and headings: the same texts, translated when shown.
CHECKS = [
    (key, gettext_lazy(title), gettext_lazy(short), source) for key, title, short, source in CHECKS
]


def _check(
    key: str, status: str, value: str, norm: str, reason: str, short: str | int = ""
) -> Check:
    title, source = _META[key]
    return Check(
        key=key,
        title=_(title),
        label=_(STATUS_TEXTS[status]),
        status=status,
        value=value,
        norm=norm,
        reason=reason,
        source=source,
        short=str(short),
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
    memberships = Membership.objects.filter(_in("community_id", ids))
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
    for community_id, organisation_type in (
        memberships.filter(active, organisation__isnull=False)
        .values_list("community_id", "organisation__type")
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

    for community_id, n in (
        Lesson.objects.filter(
            _in("community_id", ids),
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
    programme_ids = set().union(*codes.values())
    responses: dict[int, dict[int | None, int]] = defaultdict(dict)
    waves: dict[int, tuple[datetime.date, int, str]] = {}
    last_response: dict[int, int] = {}
    for wave_id, opens_on, programme_id, title, community_id, n, last in (
        Response.objects.filter(wave__programme_id__in=programme_ids, wave__opens_on__lte=today)
        .values("wave_id", "wave__opens_on", "wave__programme_id", "wave__title", "community_id")
        .annotate(n=Count("pk"), last=Max("pk"))
        .values_list(
            "wave_id",
            "wave__opens_on",
            "wave__programme_id",
            "wave__title",
            "community_id",
            "n",
            "last",
        )
    ):
        responses[wave_id][community_id] = n
        waves[wave_id] = (opens_on, programme_id, title)
        last_response[wave_id] = max(last, last_response.get(wave_id, 0))
    thresholds = {c.programme_id: group_threshold(c.programme) for c in communities}
    hidden = {
        wave_id: groups_to_hide(counts, thresholds.get(waves[wave_id][1], 5))
        for wave_id, counts in responses.items()
    }
    answers: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for code, code_programmes in codes.items():
        wave_ids = [
            w for w, (_o, programme_id, _t) in waves.items() if programme_id in code_programmes
        ]
        for wave_id, per_community in _satisfaction_counts(
            code, wave_ids, responses, last_response
        ).items():
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


def _satisfaction_cache_key(code: str, wave_id: int, responses: int, last: int) -> str:
    # Answers are never changed once given: a new response makes a new key (like
    # `surveys.results`), so nothing needs to be invalidated.
    return f"monitor:satisfaction:v1:{wave_id}:{code}:{responses}:{last}"


def _satisfaction_counts(
    code: str,
    wave_ids: list[int],
    responses: dict[int, dict[int | None, int]],
    last_response: dict[int, int],
) -> dict[int, dict[int, tuple[int, int]]]:
    """Per wave, per community: answers to the matrix question `code` and how many agree.
    Cached per wave, so the matrix does not count a national wave's answers on every visit."""
    keys = {
        wave_id: _satisfaction_cache_key(
            code, wave_id, sum(responses[wave_id].values()), last_response[wave_id]
        )
        for wave_id in wave_ids
    }
    cached = cache.get_many(list(keys.values())) if keys else {}
    counts = {wave_id: cached[key] for wave_id, key in keys.items() if key in cached}
    missing = [wave_id for wave_id in wave_ids if wave_id not in counts]
    if missing:
        fresh: dict[int, dict[int, tuple[int, int]]] = {wave_id: {} for wave_id in missing}
        for wave_id, community_id, total, positive in (
            Answer.objects.filter(
                response__wave_id__in=missing,
                response__community_id__isnull=False,
                question__code=code,
                question__kind=Question.Kind.MATRIX,
                scale_value__isnull=False,
            )
            .values("response__wave_id", "response__community_id")
            .annotate(
                total=Count("pk"),
                positive=Count("pk", filter=Q(scale_value__in=POSITIVE_SCALE_VALUES)),
            )
            .values_list("response__wave_id", "response__community_id", "total", "positive")
        ):
            fresh[wave_id][community_id] = (total, positive)
        cache.set_many({keys[w]: fresh[w] for w in missing}, SATISFACTION_CACHE_SECONDS)
        counts.update(fresh)
    return counts


# --- Grading -----------------------------------------------------------------------------


def grade_higher(value: Fraction, green, red) -> str:
    """Higher is better: green from `green` up, red below `red`, orange in between. Without a
    red threshold a value below green is orange; without a green one, anything not red is
    green."""
    if green is None and red is None:
        return NO_NORM
    if green is not None and value >= Fraction(green):
        return GREEN
    if red is not None and value < Fraction(red):
        return RED
    return GREEN if green is None else ORANGE


def grade_lower(value: Fraction, orange, red) -> str:
    """Lower is better: red above `red`, orange above `orange`, otherwise green."""
    if orange is None and red is None:
        return NO_NORM
    if red is not None and value > Fraction(red):
        return RED
    if orange is not None and value > Fraction(orange):
        return ORANGE
    return GREEN


def grade_range(value: int, low, high, margin) -> str:
    """Within [low, high] is green; up to `margin` outside it orange; further out red."""
    if low is None and high is None:
        return NO_NORM
    margin = margin or 0
    if low is not None and value < low:
        return ORANGE if value >= low - margin else RED
    if high is not None and value > high:
        return ORANGE if value <= high + margin else RED
    return GREEN


def _percent(value: Fraction) -> str:
    return f"{round(value)}%"


def _share(count: int, total: int) -> Fraction:
    return Fraction(100 * count, total)


def _span(low, high) -> str:
    if low is not None and high is not None:
        return _("%(low)s tot %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("minstens %(low)s") % {"low": low}
    return _("hoogstens %(high)s") % {"high": high}


def _higher_norm(green, red, unit: str = "%") -> str:
    def show(v):
        return f"{number_format(v)}{unit}"

    if green is not None and red is not None:
        return _("voldoet vanaf %(green)s, voldoet niet onder %(red)s") % {
            "green": show(green),
            "red": show(red),
        }
    if green is not None:
        return _("voldoet vanaf %(green)s") % {"green": show(green)}
    if red is not None:
        return _("voldoet niet onder %(red)s") % {"red": show(red)}
    return ""


# --- The checks --------------------------------------------------------------------------


def check_members(facts: Facts, rules: RuleProfile) -> Check:
    low, high = rules.members_min, rules.members_max
    value = ngettext("%(n)s lid", "%(n)s leden", facts.members) % {"n": facts.members}
    if low is None and high is None:
        return _check(
            "members",
            NO_NORM,
            value,
            "",
            _("De spelregels stellen geen eis aan het aantal deelnemers."),
        )
    norm = _span(low, high)
    if rules.members_target:
        norm += ", " + _("streven %(n)s") % {"n": rules.members_target}
    status = grade_range(facts.members, low, high, rules.monitor_members_margin)
    if status == GREEN:
        reason = _("De groep heeft een werkbare omvang.")
    elif low is not None and facts.members < low:
        reason = _("De groep is kleiner dan het minimum: bij afwezigheid wordt hij snel te klein.")
    else:
        reason = _("De groep is groter dan het maximum: niet iedereen blijft dan betrokken.")
    return _check("members", status, value, norm, reason, short=facts.members)


def check_organisations(facts: Facts, rules: RuleProfile) -> Check:
    n = facts.organisations
    value = ngettext("%(n)s organisatie", "%(n)s organisaties", n) % {"n": n}
    low = rules.organisations_min
    if low is None:
        return _check(
            "organisations",
            NO_NORM,
            value,
            "",
            _("De spelregels stellen geen eis aan het aantal organisaties."),
        )
    status = grade_range(n, low, None, rules.monitor_organisations_margin)
    reason = (
        _("Er zitten genoeg organisaties aan tafel.")
        if status == GREEN
        else _("Er zitten minder organisaties aan tafel dan de spelregels vragen.")
    )
    return _check("organisations", status, value, _span(low, None), reason, short=n)


def _type_labels() -> dict[str, str]:
    cache = _texts.get()
    labels = cache.get("__types__") if cache is not None else None
    if labels is None:
        labels = {value: str(label) for value, label in Organisation.Type.choices}
        if cache is not None:
            cache["__types__"] = labels
    return labels


def check_organisation_mix(facts: Facts, rules: RuleProfile) -> Check:
    labels = _type_labels()
    required = list(rules.required_organisation_types or [])
    wants_mix = rules.mix_municipality_and_executing
    present = facts.organisation_types
    value = ", ".join(sorted(str(labels.get(t, t)) for t in present)) or _("geen")
    norm_parts = []
    if required:
        norm_parts.append(", ".join(str(labels.get(t, t)) for t in required))
    if wants_mix:
        norm_parts.append(_("gemeenten én uitvoerende organisaties"))
    if not norm_parts:
        return _check(
            "organisation_mix",
            NO_NORM,
            value,
            "",
            _("De spelregels vragen geen bepaalde soorten organisaties."),
        )
    norm = "; ".join(norm_parts)
    missing = [t for t in required if t not in present]
    mixed = Organisation.Type.MUNICIPALITY in present and bool(present & EXECUTING_TYPES)
    if wants_mix and not mixed:
        status = RED
        reason = _("Gemeenten en uitvoerende organisaties zitten niet allebei aan tafel.")
    elif not missing:
        status = GREEN
        reason = _("De gevraagde soorten organisaties zijn vertegenwoordigd.")
    else:
        status = ORANGE if len(missing) == 1 else RED
        reason = _("Nog niet vertegenwoordigd: %(types)s.") % {
            "types": ", ".join(str(labels.get(t, t)) for t in missing)
        }
    short = ngettext("%(n)s soort", "%(n)s soorten", len(present)) % {"n": len(present)}
    return _check("organisation_mix", status, value, norm, reason, short=short)


def check_guidance(facts: Facts, rules: RuleProfile) -> Check:
    value = ", ".join(
        [
            ngettext("%(n)s communitytrekker", "%(n)s communitytrekkers", facts.leads)
            % {"n": facts.leads},
            ngettext("%(n)s procesbegeleider", "%(n)s procesbegeleiders", facts.facilitators)
            % {"n": facts.facilitators},
        ]
    )
    required = rules.facilitators_required or 1
    norm = ngettext(
        "een communitytrekker en %(n)s procesbegeleider",
        "een communitytrekker en %(n)s procesbegeleiders",
        required,
    ) % {"n": required}
    if rules.lead_facilitator_separate:
        norm += ", " + _("verschillende personen")
    if not facts.leads:
        return _check("guidance", RED, value, norm, _("Er is geen communitytrekker."))
    if not facts.facilitators:
        return _check("guidance", RED, value, norm, _("Er is geen procesbegeleider."))
    if rules.lead_facilitator_separate and facts.lead_facilitators:
        return _check(
            "guidance",
            ORANGE,
            value,
            norm,
            _("Eén persoon is trekker én begeleider, terwijl de spelregels die rollen scheiden."),
        )
    if facts.facilitators < required:
        return _check(
            "guidance", ORANGE, value, norm, _("Er zijn minder procesbegeleiders dan gevraagd.")
        )
    return _check("guidance", GREEN, value, norm, _("Trekker en begeleiding zijn op hun plek."))


def check_rhythm(facts: Facts, rules: RuleProfile) -> Check:
    low, high = rules.meetings_per_year_min, rules.meetings_per_year_max
    value = ngettext("%(n)s gehouden bijeenkomst", "%(n)s gehouden bijeenkomsten", facts.held) % {
        "n": facts.held
    }
    if low is None and high is None:
        return _check(
            "rhythm",
            NO_NORM,
            value,
            "",
            _("De spelregels stellen geen eis aan het aantal bijeenkomsten."),
        )
    norm = _span(low, high) + " " + _("per jaar")
    days = facts.period_days
    if days < RHYTHM_MIN_DAYS:
        return _check(
            "rhythm",
            UNKNOWN,
            "",
            norm,
            _("De gemeenschap is te kort bezig om het ritme te beoordelen."),
        )
    if days < PERIOD_DAYS:
        # Scaled to the part of the year since the start: lenient on both sides.
        low = math.floor(low * days / PERIOD_DAYS) if low is not None else None
        high = math.ceil(high * days / PERIOD_DAYS) if high is not None else None
        norm += (
            " ("
            + _("%(span)s sinds de start op %(date)s")
            % {
                "span": _span(low, high),
                "date": date_format(facts.start_date, "j F Y"),
            }
            + ")"
        )
    else:
        value += " " + _("in twaalf maanden")
    status = grade_range(facts.held, low, high, rules.monitor_meetings_margin)
    short = facts.held
    if status == GREEN:
        reason = _("De gemeenschap komt in een vast ritme bijeen.")
    elif low is not None and facts.held < low:
        reason = _("Er waren minder bijeenkomsten dan de spelregels vragen.")
    else:
        reason = _("Er waren meer bijeenkomsten dan de spelregels vragen: een hoge belasting.")
    return _check("rhythm", status, value, norm, reason, short=short)


def check_physical(facts: Facts, rules: RuleProfile) -> Check:
    if not rules.physical_meetings:
        return _check(
            "physical", NO_NORM, "", "", _("De spelregels vragen niet om fysiek bijeenkomen.")
        )
    norm = _higher_norm(rules.monitor_physical_green, rules.monitor_physical_red)
    if not facts.held:
        return _check(
            "physical",
            UNKNOWN,
            "",
            norm,
            _("Geen gehouden bijeenkomsten in de afgelopen twaalf maanden."),
        )
    share = _share(facts.physical, facts.held)
    value = _("%(share)s fysiek (%(n)s van %(total)s)") % {
        "share": _percent(share),
        "n": facts.physical,
        "total": facts.held,
    }
    status = grade_higher(share, rules.monitor_physical_green, rules.monitor_physical_red)
    reason = (
        _("De groep komt vooral fysiek bijeen.")
        if status in (GREEN, NO_NORM)
        else _("Veel bijeenkomsten waren online of hybride; dat remt de groepsdynamiek.")
    )
    return _check("physical", status, value, norm, reason, short=_percent(share))


def check_attendance(facts: Facts, rules: RuleProfile) -> Check:
    norm = _higher_norm(rules.monitor_attendance_green, rules.monitor_attendance_red)
    rates = facts.attendance_rates
    if not rates:
        return _check(
            "attendance", UNKNOWN, "", norm, _("Er is nog geen aanwezigheid geregistreerd.")
        )
    average = sum(rates, Fraction(0)) / len(rates)
    value = ngettext(
        "gemiddeld %(share)s bij de laatste bijeenkomst",
        "gemiddeld %(share)s bij de laatste %(n)s bijeenkomsten",
        len(rates),
    ) % {"share": _percent(average), "n": len(rates)}
    status = grade_higher(average, rules.monitor_attendance_green, rules.monitor_attendance_red)
    reason = (
        _("De meeste leden zijn er steeds bij.")
        if status in (GREEN, NO_NORM)
        else _("Veel leden ontbreken; benader stille leden persoonlijk.")
    )
    return _check("attendance", status, value, norm, reason, short=_percent(average))


def check_turnover(facts: Facts, rules: RuleProfile) -> Check:
    orange, red = rules.monitor_turnover_orange, rules.monitor_turnover_red
    norm = ""
    if orange is not None or red is not None:
        parts = []
        if orange is not None:
            parts.append(_("let op boven %(n)s%%") % {"n": orange})
        if red is not None:
            parts.append(_("voldoet niet boven %(n)s%%") % {"n": red})
        norm = ", ".join(parts)
    if not facts.members:
        return _check("turnover", UNKNOWN, "", norm, _("De gemeenschap heeft geen leden."))
    share = _share(facts.ended, facts.members)
    value = _(
        "%(n)s vertrokken op %(members)s leden (%(share)s), waarvan %(handover)s overgedragen"
    ) % {
        "n": facts.ended,
        "members": facts.members,
        "share": _percent(share),
        "handover": facts.handed_over,
    }
    status = grade_lower(share, orange, red)
    reason = (
        _("De groep is stabiel.")
        if status in (GREEN, NO_NORM)
        else _("Veel wisselingen: steeds opnieuw investeren in kennismaking.")
    )
    return _check("turnover", status, value, norm, reason, short=_percent(share))


def check_perspective(facts: Facts, rules: RuleProfile) -> Check:
    n = rules.monitor_perspective_meetings
    if not n:
        return _check("perspective", NO_NORM, "", "", _("De spelregels vragen hier niet om."))
    norm = ngettext(
        "in de laatste gehouden bijeenkomst",
        "in minstens één van de laatste %(n)s gehouden bijeenkomsten",
        n,
    ) % {"n": n}
    recent = facts.perspective
    if not recent:
        return _check(
            "perspective", UNKNOWN, "", norm, _("Er zijn nog geen bijeenkomsten gehouden.")
        )
    latest, earlier = recent[:n], recent[n : 2 * n]
    value = _("in %(found)s van de laatste %(total)s") % {
        "found": sum(latest),
        "total": len(latest),
    }
    short = f"{sum(latest)}/{len(latest)}"
    if any(latest):
        return _check(
            "perspective",
            GREEN,
            value,
            norm,
            _("Het perspectief van de inburgeraar kwam onlangs aan bod."),
            short,
        )
    if any(earlier) or len(latest) < n:
        return _check(
            "perspective",
            ORANGE,
            value,
            norm,
            _("Het perspectief van de inburgeraar kwam de laatste tijd niet aan bod."),
            short,
        )
    return _check(
        "perspective",
        RED,
        value,
        norm,
        _("Het perspectief van de inburgeraar ontbreekt op de agenda's."),
        short,
    )


def check_lessons(facts: Facts, rules: RuleProfile) -> Check:
    green, red = rules.monitor_lessons_green, rules.monitor_lessons_red
    norm = _higher_norm(green, red, unit="")
    if norm:
        norm += " " + _("per bijeenkomst")
    if not facts.held:
        return _check(
            "lessons",
            UNKNOWN,
            "",
            norm,
            _("Geen gehouden bijeenkomsten in de afgelopen twaalf maanden."),
        )
    per_meeting = Fraction(facts.lessons, facts.held)
    value = _("%(avg)s per bijeenkomst (%(n)s leerpunten bij %(held)s bijeenkomsten)") % {
        "avg": number_format(round(float(per_meeting), 1), 1),
        "n": facts.lessons,
        "held": facts.held,
    }
    status = grade_higher(per_meeting, green, red)
    reason = (
        _("Lessen worden aan het eind expliciet benoemd.")
        if status in (GREEN, NO_NORM)
        else _("Weinig leerpunten vastgelegd; benoem ze aan het eind van elke bijeenkomst.")
    )
    short = number_format(round(float(per_meeting), 1), 1)
    return _check("lessons", status, value, norm, reason, short=short)


def check_agreements(facts: Facts, rules: RuleProfile) -> Check:
    norm = _higher_norm(rules.monitor_agreements_green, rules.monitor_agreements_red)
    if not facts.agreements_due:
        return _check(
            "agreements",
            UNKNOWN,
            "",
            norm,
            _("Er waren geen afspraken met een datum die voorbij is."),
        )
    share = _share(facts.agreements_followed, facts.agreements_due)
    value = _("%(share)s opgevolgd (%(n)s van %(total)s)") % {
        "share": _percent(share),
        "n": facts.agreements_followed,
        "total": facts.agreements_due,
    }
    status = grade_higher(share, rules.monitor_agreements_green, rules.monitor_agreements_red)
    reason = (
        _("Afspraken worden opgevolgd.")
        if status in (GREEN, NO_NORM)
        else _(
            "Veel afspraken staan na hun datum nog open; neem ze mee naar de volgende bijeenkomst."
        )
    )
    return _check("agreements", status, value, norm, reason, short=_percent(share))


def check_signals(facts: Facts, rules: RuleProfile) -> Check:
    norm = _higher_norm(rules.monitor_signals_green, rules.monitor_signals_red)
    days = rules.signal_feedback_days
    deadline = ngettext("binnen %(n)s dag", "binnen %(n)s dagen", days) % {"n": days}
    norm = f"{deadline}: {norm}" if norm else deadline
    if not facts.signals_due:
        return _check(
            "signals",
            UNKNOWN,
            "",
            norm,
            _("Geen doorgegeven signalen waarvan de termijn voorbij is."),
        )
    share = _share(facts.signals_in_time, facts.signals_due)
    value = _("%(share)s op tijd (%(n)s van %(total)s)") % {
        "share": _percent(share),
        "n": facts.signals_in_time,
        "total": facts.signals_due,
    }
    status = grade_higher(share, rules.monitor_signals_green, rules.monitor_signals_red)
    reason = (
        _("Signalen krijgen op tijd een antwoord.")
        if status in (GREEN, NO_NORM)
        else _("Veel signalen kregen niet op tijd een antwoord; dat demotiveert.")
    )
    return _check("signals", status, value, norm, reason, short=_percent(share))


def check_satisfaction(facts: Facts, rules: RuleProfile) -> Check:
    code = rules.monitor_satisfaction_question
    if not code:
        return _check(
            "satisfaction",
            UNKNOWN,
            "",
            "",
            _("Er is geen enquêtevraag over tevredenheid aangewezen in de spelregels."),
        )
    norm = _higher_norm(rules.monitor_satisfaction_green, rules.monitor_satisfaction_red)
    norm = _("%(norm)s tevreden op vraag %(code)s") % {"norm": norm, "code": code}
    if facts.survey_hidden:
        return _check(
            "satisfaction",
            UNKNOWN,
            "",
            norm,
            _("Te weinig antwoorden in „%(wave)s” om te tonen.") % {"wave": facts.survey_wave},
        )
    if not facts.survey_answers:
        return _check("satisfaction", UNKNOWN, "", norm, _("Nog geen antwoorden op deze vraag."))
    share = _share(facts.survey_positive, facts.survey_answers)
    value = _("%(share)s tevreden in „%(wave)s”") % {
        "share": f"{percent_half_up(facts.survey_positive, facts.survey_answers)}%",
        "wave": facts.survey_wave,
    }
    status = grade_higher(share, rules.monitor_satisfaction_green, rules.monitor_satisfaction_red)
    reason = (
        _("De deelnemers zijn tevreden.")
        if status in (GREEN, NO_NORM)
        else _("Een flink deel van de deelnemers is niet tevreden.")
    )
    short = f"{percent_half_up(facts.survey_positive, facts.survey_answers)}%"
    return _check("satisfaction", status, value, norm, reason, short=short)


CHECK_FUNCTIONS = {
    "members": check_members,
    "organisations": check_organisations,
    "organisation_mix": check_organisation_mix,
    "guidance": check_guidance,
    "rhythm": check_rhythm,
    "physical": check_physical,
    "attendance": check_attendance,
    "turnover": check_turnover,
    "perspective": check_perspective,
    "lessons": check_lessons,
    "agreements": check_agreements,
    "signals": check_signals,
    "satisfaction": check_satisfaction,
}


def run_checks(facts: Facts, rules: RuleProfile) -> list[Check]:
    return [CHECK_FUNCTIONS[key](facts, rules) for key in CHECK_KEYS]


def monitor_communities(
    communities: Iterable[Community], *, now: datetime.datetime | None = None
) -> dict[int, list[Check]]:
    """Every check of every given community, by community id, in `CHECKS` order."""
    communities = list(communities)
    token = _texts.set({})
    try:
        facts = community_facts(communities, now=now)
        return {c.pk: run_checks(facts[c.pk], c.programme.rule_profile) for c in communities}
    finally:
        _texts.reset(token)


# The programme matrix is computed once per data version and kept this long.
PROGRAMME_CACHE_SECONDS = 5 * 60
PROGRAMME_CACHE_VERSION = 1


def _programme_data_version() -> str:
    """The newest row of every table the checks read, and of the audit log (services record
    every change, including those made in place), in one query."""
    from leerkring.core.models import AuditEvent
    from leerkring.meetings.models import AgreementStatusChange
    from leerkring.surveys.models import Wave

    return datacache.data_version(
        (
            AuditEvent,
            Community,
            Membership,
            Organisation,
            Meeting,
            Attendance,
            AgendaItem,
            Lesson,
            Agreement,
            AgreementStatusChange,
            Signal,
            SignalEvent,
            Wave,
            Response,
        ),
        changed=(RuleProfile,),
    )


def programme_cache_key(programme_id: int, community_ids: list[int]) -> str:
    """The day counts (every check looks back from today), and so does the set of
    communities the caller asked for."""
    ids = ",".join(str(pk) for pk in community_ids)
    return (
        f"evaluation:monitor:{PROGRAMME_CACHE_VERSION}:{programme_id}:"
        f"{timezone.localdate().isoformat()}:{translation.get_language()}:"
        f"{hashlib.sha256(ids.encode()).hexdigest()[:16]}:{_programme_data_version()}"
    )


def monitor_communities_cached(
    programme_id: int, community_ids: list[int], load: Callable[[], list[Community]]
) -> dict[int, list[Check]]:
    """`monitor_communities` of a programme's communities (`load()` fetches them, with their
    programme's rule profile), from the cache when no data the checks read has changed since
    it was computed today (module `datacache`)."""

    def build() -> dict[int, list[Check]]:
        # Many communities share a check word for word (checks are immutable): stored once,
        # they make the cached value small and quick to read back.
        shared: dict[Check, Check] = {}
        return {
            pk: [shared.setdefault(check, check) for check in checks]
            for pk, checks in monitor_communities(load()).items()
        }

    return datacache.cached(
        programme_cache_key(programme_id, community_ids), build, PROGRAMME_CACHE_SECONDS
    )


def status_counts(checks: Iterable[Check]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for check in checks:
        counts[check.status] += 1
    return counts
