"""What a report holds: the period it covers and the plain dataclasses the web page, the PDF and
the XLSX all show."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from urllib.parse import urlencode

from django.utils import timezone

from leerkring.evaluation import monitor
from leerkring.surveys import results as survey_results

# The thermometer's "what has taking part given you so far" (Bijlage 5, question 4).
YIELDS_CODE = "V4"
# A question on passing what was learned on to colleagues (asked in the October 2023 wave,
# report §4.2). The built-in thermometer does not have it; a programme that adds it gives it
# this code and the report shows it.
SHARING_CODE = "DELEN"
STORY_EXCERPT_CHARS = 280
LIST_LIMIT = 50


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


def with_widths(rows: list[Row], *, by_percent: bool = False) -> list[Row]:
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
    # The chart of meetings over time: per month, quarter or year (`meetings_chart_unit`), so a
    # long period gives a chart of a few dozen bars (`output.chart_unit`).
    meetings_chart: list[Row] = field(default_factory=list)
    meetings_chart_unit: str = "month"
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
    # The satisfaction question only: the share satisfied, as the monitor counts it.
    satisfied_percent: int | None = None


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
    def communities_shown(self) -> list[CommunityRow]:
        """The first lines per community, for the report page (as the survey results page
        does): the full list is paged (`views/reports.programme_report_communities`); the
        PDF and XLSX hold every line."""
        return self.communities[: survey_results.SHOWN_COMMUNITY_ROWS]

    @property
    def communities_more(self) -> int:
        return max(0, len(self.communities) - survey_results.SHOWN_COMMUNITY_ROWS)

    @property
    def status_labels(self) -> list[tuple[str, str]]:
        return [(key, str(monitor.STATUS_LABELS[key])) for key in monitor.STATUS_ORDER]


def round_half_up(value: Fraction) -> int:
    """Half up, like the survey's percentages."""
    return int(value + Fraction(1, 2))
