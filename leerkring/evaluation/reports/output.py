"""Output: what the communities did — meetings held, attendance, work forms, topics, products,
signals passed on and answered."""

from __future__ import annotations

import datetime
from collections import Counter
from fractions import Fraction
from itertools import groupby
from operator import itemgetter

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from leerkring.communities.models import Membership
from leerkring.dissemination.models import Product
from leerkring.meetings.models import AgendaItem, Attendance, Meeting
from leerkring.meetings.topics import TopicCategory
from leerkring.signalling.models import Signal, SignalResponse

from .data import CommunityRow, Output, Period, Row, round_half_up, with_widths

# --- Building ----------------------------------------------------------------------------


def local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def _month_label(year: int, month: int) -> str:
    return date_format(datetime.date(year, month, 1), "F Y")


#: Up to this many months the chart of meetings has a bar per month, up to `QUARTERS_UP_TO`
#: one per quarter, beyond that one per year: at most about 32 bars for any period.
MONTHS_UP_TO = 24
QUARTERS_UP_TO = 8 * 12


def chart_unit(months: int) -> str:
    if months <= MONTHS_UP_TO:
        return "month"
    if months <= QUARTERS_UP_TO:
        return "quarter"
    return "year"


def _chart_label(unit: str, year: int, month: int) -> str:
    if unit == "year":
        return str(year)
    if unit == "quarter":
        return _("Kwartaal %(quarter)s %(year)s") % {"quarter": (month - 1) // 3 + 1, "year": year}
    return _month_label(year, month)


def meetings_chart(by_month: Counter, months: list[tuple[int, int]]) -> tuple[list[Row], str]:
    """The meetings per month gathered into the chart's bars, in calendar order, including
    bars with no meetings."""
    unit = chart_unit(len(months))
    bars: dict[str, int] = {}
    for year, month in months:
        label = _chart_label(unit, year, month)
        bars[label] = bars.get(label, 0) + by_month[(year, month)]
    return with_widths([Row(label=label, count=count) for label, count in bars.items()]), unit


def _months(period: Period) -> list[tuple[int, int]]:
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# Meetings and attendance are read one community at a time from three streams ordered by
# community (meetings, attendance per meeting, memberships), so a programme report holds one
# community's meetings and members at a time, not the whole programme's: its memory stays the
# same as the network grows (docs/performance.md, "Five times national scale").
CHUNK = 2000


class _Groups:
    """The rows of a stream ordered by community, handed out per community in that order."""

    def __init__(self, rows, community_index: int) -> None:
        self._groups = groupby(rows, key=itemgetter(community_index))
        self._next = next(self._groups, None)

    def take(self, community_id: int) -> list:
        while self._next is not None and self._next[0] < community_id:
            self._next = next(self._groups, None)
        if self._next is None or self._next[0] != community_id:
            return []
        rows = list(self._next[1])
        self._next = next(self._groups, None)
        return rows


def _meetings_and_attendance(
    out: Output,
    held,
    period: Period,
    *,
    with_dates: bool,
    per_community: dict[int, CommunityRow] | None,
) -> None:
    """Meetings held, their months and dates, and attendance: present members ÷ members on
    the meeting day, per meeting (the monitor's and the timeline's rule)."""
    meetings = (
        held.order_by("community_id", "starts_at", "pk")
        .values_list("pk", "community_id", "starts_at", "format")
        .iterator(chunk_size=CHUNK)
    )
    attendance = _Groups(
        Attendance.objects.filter(meeting__in=held)
        .values("meeting__community_id", "meeting_id")
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
        .order_by("meeting__community_id", "meeting_id")
        .values_list("meeting__community_id", "meeting_id", "present", "recorded")
        .iterator(chunk_size=CHUNK),
        0,
    )
    memberships = _Groups(
        Membership.objects.filter(community_id__in=held.values("community_id"))
        .order_by("community_id")
        .values_list("community_id", "joined_on", "left_on")
        .iterator(chunk_size=CHUNK),
        0,
    )
    by_month: Counter = Counter()
    dates: list[tuple[datetime.datetime, int, datetime.date]] = []
    rates: list[Fraction] = []
    counts: list[int] = []
    for community_id, group in groupby(meetings, key=itemgetter(1)):
        community_meetings = list(group)
        present = {
            meeting_id: n_present for _c, meeting_id, n_present, _r in attendance.take(community_id)
        }
        periods = (
            [(joined, left) for _c, joined, left in memberships.take(community_id)]
            if present
            else []
        )
        community_rates: list[Fraction] = []
        for pk, _community, starts_at, fmt in community_meetings:
            day = local_date(starts_at)
            out.meetings_held += 1
            out.meetings_physical += fmt == Meeting.Format.PHYSICAL
            by_month[(day.year, day.month)] += 1
            if with_dates:
                dates.append((starts_at, pk, day))
            if per_community is not None:
                per_community[community_id].meetings_held += 1
            if pk not in present:
                continue
            members = sum(
                1 for joined, left in periods if joined <= day and (left is None or left > day)
            )
            counts.append(present[pk])
            if members:
                rate = min(Fraction(100), Fraction(100 * present[pk], members))
                rates.append(rate)
                community_rates.append(rate)
        if per_community is not None and community_rates:
            per_community[community_id].attendance_rate = round_half_up(
                sum(community_rates, Fraction(0)) / len(community_rates)
            )
    if with_dates:
        out.meeting_dates = [day for _starts_at, _pk, day in sorted(dates)]
    if out.meetings_held:
        months = _months(period)
        out.meetings_by_month = with_widths(
            [Row(label=_month_label(y, m), count=by_month[(y, m)]) for y, m in months]
        )
        out.meetings_chart, out.meetings_chart_unit = meetings_chart(by_month, months)
    out.attendance_meetings = len(counts)
    if counts:
        out.attendance_average = number_format(round(sum(counts) / len(counts), 1), 1)
    if rates:
        out.attendance_rate = round_half_up(sum(rates, Fraction(0)) / len(rates))


def report_output(
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
    _meetings_and_attendance(out, held, period, with_dates=with_dates, per_community=per_community)

    items = AgendaItem.objects.filter(meeting__in=held, is_lookback=False)
    out.work_forms = with_widths(
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
        out.topics = with_widths(
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
        out.products_by_status = with_widths(
            [
                Row(label=str(label), count=by_status.get(key, 0))
                for key, label in Product.Status.choices
            ]
        )
        kinds = dict(Product.Kind.choices)
        out.products_by_kind = with_widths(
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
        out.signals_by_state = with_widths(
            [
                Row(label=str(label), count=by_state[key])
                for key, label in Signal.State.choices
                if by_state[key]
            ]
        )
    return out
