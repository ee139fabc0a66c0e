"""Reports over a period at the three outcome levels of the evaluation (report §2.1, §4.1).

A report is plain data (dataclasses), built once and shown by the web page, the PDF and the
XLSX alike, so the three never disagree:

- **output** — what the communities did: meetings held, attendance, work forms, topics by
  category, products, signals passed on and answered;
- **outcome** — what participants report: the survey's yields, satisfaction and sharing
  questions (matched by code), with the survey's own small-group suppression, and the
  selected most-significant-change stories;
- **impact** — what reached beyond the room: signals escalated to the system level and
  resolved or answered there, products used beyond the community;
- and the monitor's summary as it stands today (`evaluation.monitor`).

What a report counts, precisely (all dates in Europe/Amsterdam, both ends of the period
included):

- meetings: status "held", begun within the period; the attendance rate of a meeting is its
  present members ÷ members on the meeting day (the monitor's and the timeline's rule), and a
  report gives the mean over meetings with recorded attendance;
- work forms and topics: agenda items of those meetings, the look-back item left out;
- products: products of the community (or programme) made within the period, by their
  current status and kind;
- signals: passed on within the period; "answered" when a response (terugkoppeling) reached
  the community — on the signal itself or on its theme (`last_feedback_at`);
- survey: the programme's waves that were open during (part of) the period. A community report
  shows the community's own results only when the survey's suppression
  (`surveys.results.groups_to_hide`) lets the community be shown in that wave; otherwise a
  notice, never the numbers;
- stories: selected stories (`selected=True`) told within the period; no teller is named;
- system level: signals with an escalation to the system level that were resolved, or got an
  answer from the system level, within the period;
- products used beyond the community: dissemination records marked `beyond_community`, shared
  within the period.

No report names a person: observations are not part of it, and stories carry no names.

Building a programme report reads every community of the programme in a fixed number of
queries. At national scale that is still a few hundred milliseconds, so pages use
`report_cached`, keyed on the report, the period, the day, the language and a cheap data
version (the newest audit event, signal event, signal answer, survey response, dissemination
and story): any change made through a service makes a new key, nothing is invalidated.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Membership, Programme
from leerkring.core.models import AuditEvent
from leerkring.dissemination.models import Dissemination, Product
from leerkring.meetings.models import AgendaItem, Attendance, Meeting
from leerkring.meetings.topics import TopicCategory
from leerkring.signalling.models import Escalation, Signal, SignalEvent, SignalResponse
from leerkring.surveys import results as survey_results
from leerkring.surveys.models import Response, Wave

from . import datacache, monitor
from .models import ChangeStory

# The thermometer's "what has taking part given you so far" (Bijlage 5, question 4).
YIELDS_CODE = "V4"
# A question on passing what was learned on to colleagues (asked in the October 2023 wave,
# report §4.2). The built-in thermometer does not have it; a programme that adds it gives it
# this code and the report shows it.
SHARING_CODE = "DELEN"
STORY_EXCERPT_CHARS = 280
LIST_LIMIT = 50
CACHE_SECONDS = 10 * 60
CACHE_VERSION = 1


# --- Period ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes: the start of the first day and the start of the day after the
        last, for `starts_at__gte`/`__lt` filters."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return start, end

    @property
    def query(self) -> str:
        return urlencode({"from": self.start.isoformat(), "to": self.end.isoformat()})

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def last_twelve_months(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = datetime.date(today.year - 1, 2, 28)
    return Period(start=year_ago + datetime.timedelta(days=1), end=today)


def calendar_year(year: int) -> Period:
    return Period(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))


# --- The data ----------------------------------------------------------------------------


@dataclass
class Row:
    """One bar of a chart and one line of its table. `width` is the bar's length in percent of
    the longest bar; `percent`, when set, is the share the table shows."""

    label: str
    count: int
    width: int = 0
    percent: int | None = None
    n: int | None = None


def _with_widths(rows: list[Row], *, by_percent: bool = False) -> list[Row]:
    top = max([(row.percent or 0) if by_percent else row.count for row in rows] or [0], default=0)
    for row in rows:
        value = (row.percent or 0) if by_percent else row.count
        row.width = survey_results.percent_half_up(value, top) if top else 0
    return rows


@dataclass
class Output:
    meetings_held: int = 0
    meetings_physical: int = 0
    meeting_dates: list[datetime.date] = field(default_factory=list)
    meetings_by_month: list[Row] = field(default_factory=list)
    attendance_meetings: int = 0
    attendance_average: str = ""
    attendance_rate: int | None = None
    work_forms: list[Row] = field(default_factory=list)
    topics: list[Row] = field(default_factory=list)
    products_total: int = 0
    products_by_status: list[Row] = field(default_factory=list)
    products_by_kind: list[Row] = field(default_factory=list)
    signals_passed_on: int = 0
    signals_answered: int = 0
    signals_by_state: list[Row] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.meetings_held or self.products_total or self.signals_passed_on)

    @property
    def signals_answered_percent(self) -> int:
        return survey_results.percent_half_up(self.signals_answered, self.signals_passed_on)


@dataclass
class SurveyQuestion:
    topic: str
    code: str
    text: str
    n: int = 0
    hidden: bool = False
    is_multi: bool = False
    rows: list[Row] = field(default_factory=list)


@dataclass
class SurveyWave:
    title: str
    opens_on: datetime.date
    closes_on: datetime.date
    threshold: int
    # "shown"; "hidden" (too few answers: the numbers may not be shown); "none" (no answers).
    state: str = "shown"
    respondents: int | None = None
    questions: list[SurveyQuestion] = field(default_factory=list)


@dataclass
class Story:
    title: str
    excerpt: str
    level: str
    tags: list[str]
    community: str
    told_on: datetime.date


@dataclass
class Outcome:
    waves: list[SurveyWave] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.waves or self.stories)


@dataclass
class SystemSignal:
    title: str
    community: str
    state: str
    escalated_on: datetime.date
    answered: bool


@dataclass
class ProductUse:
    title: str
    kind: str
    uses: int
    channels: str
    last_shared_on: datetime.date


@dataclass
class Impact:
    system_signals_total: int = 0
    system_signals: list[SystemSignal] = field(default_factory=list)
    products_beyond_total: int = 0
    disseminations_beyond: int = 0
    products_beyond: list[ProductUse] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.system_signals_total or self.products_beyond_total)


@dataclass
class MonitorLine:
    """One check of the monitor: for a community its light; for a programme the number of
    communities in each status."""

    key: str
    title: str
    status: str = ""
    label: str = ""
    value: str = ""
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class CommunityRow:
    name: str
    meetings_held: int = 0
    attendance_rate: int | None = None
    signals_passed_on: int = 0
    signals_answered: int = 0
    products: int = 0


@dataclass
class Report:
    kind: str  # "community" or "programme"
    title: str
    programme: str
    community: str
    period: Period
    made_on: datetime.date
    output: Output
    outcome: Outcome
    impact: Impact
    monitor: list[MonitorLine]
    monitor_communities: int = 0
    communities: list[CommunityRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.output.is_empty and self.outcome.is_empty and self.impact.is_empty

    @property
    def status_labels(self) -> list[tuple[str, str]]:
        return [(key, str(monitor.STATUS_LABELS[key])) for key in monitor.STATUS_ORDER]


# --- Building ----------------------------------------------------------------------------


def _local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def _month_label(year: int, month: int) -> str:
    from django.utils.formats import date_format

    return date_format(datetime.date(year, month, 1), "F Y")


def _months(period: Period) -> list[tuple[int, int]]:
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _output(
    *,
    community_ids: list[int],
    product_scope: Q,
    period: Period,
    with_dates: bool,
    per_community: dict[int, CommunityRow] | None = None,
) -> Output:
    """The output level for the given communities, in a fixed number of queries."""
    start, end = period.bounds()
    out = Output()
    held = Meeting.objects.filter(
        community_id__in=community_ids,
        status=Meeting.Status.HELD,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    meetings = list(
        held.order_by("starts_at", "pk").values_list("pk", "community_id", "starts_at", "format")
    )
    out.meetings_held = len(meetings)
    out.meetings_physical = sum(1 for *_rest, fmt in meetings if fmt == Meeting.Format.PHYSICAL)
    days = {pk: _local_date(starts_at) for pk, _c, starts_at, _f in meetings}
    if with_dates:
        out.meeting_dates = [days[pk] for pk, *_rest in meetings]
    if meetings:
        by_month = Counter((day.year, day.month) for day in days.values())
        out.meetings_by_month = _with_widths(
            [Row(label=_month_label(y, m), count=by_month[(y, m)]) for y, m in _months(period)]
        )

    # Attendance: present members ÷ members on the meeting day, per meeting.
    present = {
        meeting_id: (n_present, n_recorded)
        for meeting_id, n_present, n_recorded in Attendance.objects.filter(meeting__in=held)
        .values("meeting_id")
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
        .values_list("meeting_id", "present", "recorded")
    }
    periods: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    if present:
        community_with_attendance = {c for pk, c, _s, _f in meetings if pk in present}
        for community_id, joined, left in Membership.objects.filter(
            community_id__in=community_with_attendance
        ).values_list("community_id", "joined_on", "left_on"):
            periods[community_id].append((joined, left))
    rates: list[Fraction] = []
    counts: list[int] = []
    community_rates: dict[int, list[Fraction]] = defaultdict(list)
    for pk, community_id, _starts, _fmt in meetings:
        if per_community is not None:
            per_community[community_id].meetings_held += 1
        if pk not in present:
            continue
        day = days[pk]
        members = sum(
            1
            for joined, left in periods[community_id]
            if joined <= day and (left is None or left > day)
        )
        counts.append(present[pk][0])
        if members:
            rate = min(Fraction(100), Fraction(100 * present[pk][0], members))
            rates.append(rate)
            community_rates[community_id].append(rate)
    out.attendance_meetings = len(counts)
    if counts:
        from django.utils.formats import number_format

        out.attendance_average = number_format(round(sum(counts) / len(counts), 1), 1)
    if rates:
        out.attendance_rate = _round(sum(rates, Fraction(0)) / len(rates))
    if per_community is not None:
        for community_id, values in community_rates.items():
            per_community[community_id].attendance_rate = _round(
                sum(values, Fraction(0)) / len(values)
            )

    items = AgendaItem.objects.filter(meeting__in=held, is_lookback=False)
    out.work_forms = _with_widths(
        [
            Row(label=name, count=n)
            for name, n in items.exclude(work_form=None)
            .values("work_form__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "work_form__name")
            .values_list("work_form__name", "n")
        ]
    )
    topics = dict(
        items.exclude(topic_category="")
        .values("topic_category")
        .annotate(n=Count("pk"))
        .values_list("topic_category", "n")
    )
    if topics:
        out.topics = _with_widths(
            [
                Row(label=str(label), count=topics.get(key, 0))
                for key, label in TopicCategory.choices
            ]
        )

    products = Product.objects.filter(product_scope, created_at__gte=start, created_at__lt=end)
    by_status = dict(
        products.values("status").annotate(n=Count("pk", distinct=True)).values_list("status", "n")
    )
    out.products_total = sum(by_status.values())
    if out.products_total:
        out.products_by_status = _with_widths(
            [
                Row(label=str(label), count=by_status.get(key, 0))
                for key, label in Product.Status.choices
            ]
        )
        kinds = dict(Product.Kind.choices)
        out.products_by_kind = _with_widths(
            [
                Row(label=str(kinds.get(key, key)), count=n)
                for key, n in products.values("kind")
                .annotate(n=Count("pk", distinct=True))
                .order_by("-n", "kind")
                .values_list("kind", "n")
            ]
        )
    if per_community is not None:
        for community_id, n in (
            Product.objects.filter(
                communities__in=community_ids, created_at__gte=start, created_at__lt=end
            )
            .values("communities")
            .annotate(n=Count("pk", distinct=True))
            .values_list("communities", "n")
        ):
            per_community[community_id].products = n

    answered = Q(last_feedback_at__isnull=False) | Q(
        Exists(SignalResponse.objects.filter(signal=OuterRef("pk")))
    )
    signals = (
        Signal.objects.filter(
            community_id__in=community_ids, passed_on_at__gte=start, passed_on_at__lt=end
        )
        .exclude(state=Signal.State.DRAFT)
        .values("community_id", "state")
        .annotate(n=Count("pk"), answered=Count("pk", filter=answered))
        .values_list("community_id", "state", "n", "answered")
    )
    by_state: Counter = Counter()
    for community_id, state, n, n_answered in signals:
        by_state[state] += n
        out.signals_passed_on += n
        out.signals_answered += n_answered
        if per_community is not None:
            per_community[community_id].signals_passed_on += n
            per_community[community_id].signals_answered += n_answered
    if by_state:
        out.signals_by_state = _with_widths(
            [
                Row(label=str(label), count=by_state[key])
                for key, label in Signal.State.choices
                if by_state[key]
            ]
        )
    return out


def _round(value: Fraction) -> int:
    """Half up, like the survey's percentages."""
    return int(value + Fraction(1, 2))


def _waves(*, programme: Programme, period: Period) -> list[Wave]:
    return list(
        Wave.objects.filter(
            programme=programme, opens_on__lte=period.end, closes_on__gte=period.start
        )
        .select_related("programme__rule_profile", "questionnaire")
        .order_by("opens_on", "pk")
    )


def _question_topics(programme: Programme) -> list[tuple[str, str]]:
    topics = [(YIELDS_CODE, _("Wat deelname heeft opgeleverd"))]
    satisfaction = getattr(programme.rule_profile, "monitor_satisfaction_question", "")
    if satisfaction:
        topics.append((satisfaction, _("Tevredenheid")))
    topics.append((SHARING_CODE, _("Delen in de eigen organisatie")))
    return topics


def _survey_questions(
    outcome: survey_results.WaveResults, topics: list[tuple[str, str]]
) -> list[SurveyQuestion]:
    questions = []
    for code, topic in topics:
        found = outcome.question(code)
        if found is None:
            continue
        question = SurveyQuestion(
            topic=topic,
            code=found.code,
            text=found.text,
            n=found.n,
            hidden=found.hidden,
            is_multi=found.is_multi,
        )
        if not found.hidden:
            if found.is_matrix:
                # A matrix becomes the share that agrees (scale 1 and 2) per statement.
                for statement in found.statements:
                    agree = sum(c.count for c in statement.cells if c.code in ("1", "2"))
                    question.rows.append(
                        Row(
                            label=statement.text,
                            count=agree,
                            percent=survey_results.percent_half_up(agree, statement.n),
                            n=statement.n,
                        )
                    )
            else:
                question.rows = [
                    Row(label=r.label, count=r.count, percent=r.percent, n=found.n)
                    for r in found.rows
                ]
            _with_widths(question.rows, by_percent=True)
        questions.append(question)
    return questions


def _survey(
    *, programme: Programme, community: Community | None, period: Period
) -> list[SurveyWave]:
    """The survey's answers for the period, under the survey's own suppression: a community is
    shown only when `groups_to_hide` leaves it visible in that wave, and questions with too few
    respondents stay hidden (`wave_results`)."""
    topics = _question_topics(programme)
    found = []
    for wave in _waves(programme=programme, period=period):
        threshold = survey_results.group_threshold(wave.programme)
        item = SurveyWave(
            title=wave.title, opens_on=wave.opens_on, closes_on=wave.closes_on, threshold=threshold
        )
        found.append(item)
        if community is None:
            outcome = survey_results.wave_results_cached(wave)
            if not outcome.total:
                item.state = "none"
                continue
            if outcome.total_hidden:
                item.state = "hidden"
                continue
        else:
            counts = survey_results.wave_group_counts(wave)
            if not counts.get(community.pk):
                item.state = "none"
                continue
            if community.pk in survey_results.groups_to_hide(counts, threshold):
                item.state = "hidden"
                continue
            try:
                outcome = survey_results.wave_results_cached(wave, community_id=community.pk)
            except survey_results.GroupHidden:
                item.state = "hidden"
                continue
        item.respondents = (
            outcome.total
            if community is None
            else next(g.count for g in outcome.groups if g.pk == community.pk)
        )
        item.questions = _survey_questions(outcome, topics)
    return found


def _stories(*, programme: Programme, community: Community | None, period: Period) -> list[Story]:
    start, end = period.bounds()
    stories = ChangeStory.objects.filter(
        programme=programme, selected=True, created_at__gte=start, created_at__lt=end
    ).select_related("community")
    if community is not None:
        stories = stories.filter(community=community)
    tag_fields = ("tag_knowledge", "tag_relations", "tag_attitude", "tag_actions")
    found = []
    for story in stories.order_by("created_at", "pk"):
        tags = [
            str(ChangeStory._meta.get_field(name).verbose_name)
            for name in tag_fields
            if getattr(story, name)
        ]
        found.append(
            Story(
                title=story.title or Truncator(story.story).chars(60),
                excerpt=Truncator(story.story).chars(STORY_EXCERPT_CHARS),
                level=story.get_level_display() if story.level else "",
                tags=tags,
                community=story.community.name if story.community_id else "",
                told_on=_local_date(story.created_at),
            )
        )
    return found


def _impact(*, community_ids: list[int], product_scope: Q, period: Period) -> Impact:
    start, end = period.bounds()
    impact = Impact()
    resolved_in_period = SignalEvent.objects.filter(
        signal=OuterRef("pk"),
        to_state=Signal.State.RESOLVED,
        created_at__gte=start,
        created_at__lt=end,
    )
    system_answer = SignalResponse.objects.filter(
        signal=OuterRef("pk"),
        source=SignalResponse.Source.SYSTEM,
        created_at__gte=start,
        created_at__lt=end,
    )
    first_system_escalation = Escalation.objects.filter(
        signal=OuterRef("pk"), level=Escalation.Level.SYSTEM
    ).order_by("escalated_at", "pk")
    signals = (
        Signal.objects.filter(community_id__in=community_ids)
        .filter(Exists(first_system_escalation))
        .filter(Exists(resolved_in_period) | Exists(system_answer))
        .annotate(
            escalated_at=Subquery(first_system_escalation.values("escalated_at")[:1]),
            system_answered=Exists(
                SignalResponse.objects.filter(
                    signal=OuterRef("pk"), source=SignalResponse.Source.SYSTEM
                )
            ),
        )
        .select_related("community")
    )
    impact.system_signals_total = signals.count()
    if impact.system_signals_total:
        impact.system_signals = [
            SystemSignal(
                title=s.title,
                community=s.community.name,
                state=s.get_state_display(),
                escalated_on=_local_date(s.escalated_at),
                answered=s.system_answered,
            )
            for s in signals.order_by("-escalated_at", "-pk")[:LIST_LIMIT]
        ]

    uses = Dissemination.objects.filter(
        beyond_community=True,
        shared_on__gte=period.start,
        shared_on__lte=period.end,
        product__in=Product.objects.filter(product_scope).values("pk"),
    )
    per_product: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
    for product_id, channel, shared_on in uses.values_list("product_id", "channel", "shared_on"):
        per_product[product_id].append((channel, shared_on))
    impact.products_beyond_total = len(per_product)
    impact.disseminations_beyond = sum(len(v) for v in per_product.values())
    if per_product:
        channels = dict(Dissemination.Channel.choices)
        kinds = dict(Product.Kind.choices)
        ranked = sorted(per_product, key=lambda pk: (-len(per_product[pk]), pk))[:LIST_LIMIT]
        titles = dict(
            (pk, (title, kind))
            for pk, title, kind in Product.objects.filter(pk__in=ranked).values_list(
                "pk", "title", "kind"
            )
        )
        for pk in ranked:
            shares = per_product[pk]
            title, kind = titles[pk]
            impact.products_beyond.append(
                ProductUse(
                    title=title,
                    kind=str(kinds.get(kind, kind)),
                    uses=len(shares),
                    channels=", ".join(
                        sorted({str(channels.get(channel, channel)) for channel, _d in shares})
                    ),
                    last_shared_on=max(day for _c, day in shares),
                )
            )
    return impact


def _monitor_for_community(community: Community) -> list[MonitorLine]:
    from . import selectors

    return [
        MonitorLine(key=c.key, title=c.title, status=c.status, label=c.label, value=c.value)
        for c in selectors.community_monitor(community=community)
    ]


def _monitor_for_programme(programme: Programme) -> tuple[list[MonitorLine], int]:
    from . import selectors

    rows = selectors.programme_monitor(programme=programme, sort="name")
    lines = []
    for index, (key, title, _short, _source) in enumerate(monitor.CHECKS):
        counts = dict.fromkeys(monitor.STATUS_ORDER, 0)
        for row in rows:
            counts[row.checks[index].status] += 1
        lines.append(MonitorLine(key=key, title=str(title), counts=counts))
    return lines, len(rows)


def community_report(community: Community, period: Period) -> Report:
    """The report of one community over `period`."""
    community = Community.objects.select_related("programme__rule_profile").get(pk=community.pk)
    programme = community.programme
    return Report(
        kind="community",
        title=_("Rapportage %(name)s") % {"name": community.name},
        programme=programme.name,
        community=community.name,
        period=period,
        made_on=timezone.localdate(),
        output=_output(
            community_ids=[community.pk],
            product_scope=Q(communities=community),
            period=period,
            with_dates=True,
        ),
        outcome=Outcome(
            waves=_survey(programme=programme, community=community, period=period),
            stories=_stories(programme=programme, community=community, period=period),
        ),
        impact=_impact(
            community_ids=[community.pk], product_scope=Q(communities=community), period=period
        ),
        monitor=_monitor_for_community(community),
        monitor_communities=1,
    )


def programme_report(programme: Programme, period: Period) -> Report:
    """The report of a whole programme over `period`, with a line per community."""
    programme = Programme.objects.select_related("rule_profile").get(pk=programme.pk)
    communities = list(
        Community.objects.filter(programme=programme)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    ids = [pk for pk, _name in communities]
    per_community = {pk: CommunityRow(name=name) for pk, name in communities}
    lines, monitored = _monitor_for_programme(programme)
    return Report(
        kind="programme",
        title=_("Rapportage %(name)s") % {"name": programme.name},
        programme=programme.name,
        community="",
        period=period,
        made_on=timezone.localdate(),
        output=_output(
            community_ids=ids,
            product_scope=Q(programme=programme),
            period=period,
            with_dates=False,
            per_community=per_community,
        ),
        outcome=Outcome(
            waves=_survey(programme=programme, community=None, period=period),
            stories=_stories(programme=programme, community=None, period=period),
        ),
        impact=_impact(community_ids=ids, product_scope=Q(programme=programme), period=period),
        monitor=lines,
        monitor_communities=monitored,
        communities=list(per_community.values()),
    )


# --- Cache -------------------------------------------------------------------------------


def data_version() -> str:
    """The newest row of the audit log and of the tables a report reads that change without an
    audit event (signal history and answers, survey responses, disseminations, stories), in
    one query of index look-ups."""
    return datacache.data_version(
        (AuditEvent, SignalEvent, SignalResponse, Response, Dissemination, ChangeStory)
    )


def _cache_key(kind: str, pk: int, period: Period) -> str:
    return (
        f"evaluation:report:{CACHE_VERSION}:{kind}:{pk}:{period.slug}:"
        f"{timezone.localdate().isoformat()}:{translation.get_language()}:{data_version()}"
    )


def report_cached(subject: Any, period: Period) -> Report:
    """`community_report` or `programme_report` (by the subject's type), from the cache when
    nothing changed since it was built."""
    kind = "community" if isinstance(subject, Community) else "programme"
    build = community_report if kind == "community" else programme_report
    return datacache.cached(
        _cache_key(kind, subject.pk, period), lambda: build(subject, period), CACHE_SECONDS
    )


def report_forget(subject: Any, period: Period) -> None:
    """Drop a cached report (the benchmark measures the cold page this way)."""
    kind = "community" if isinstance(subject, Community) else "programme"
    cache.delete(_cache_key(kind, subject.pk, period))
