"""Dutch public holidays and the dates of a meeting series.

Members come from municipalities, COA, language schools and volunteer organisations that are
all closed on public holidays, so a series never proposes one: a date that falls on a holiday
moves to the next working day, and the planner says so on the preview.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_in(year: int) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("NL", years=[year], language="nl"))


def public_holiday_name(day: datetime.date) -> str | None:
    """The Dutch name of the public holiday on `day`, or None on an ordinary day."""
    return _holidays_in(day.year).get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and public_holiday_name(day) is None


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself when it is no holiday, else the first working day after it (Easter Sunday
    moves past Easter Monday to Tuesday)."""
    if public_holiday_name(day) is None:
        return day
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class ProposedDate:
    """One date of a series: where the rhythm put it, and where it lands after holidays."""

    scheduled: datetime.date
    date: datetime.date

    @property
    def holiday(self) -> str | None:
        return public_holiday_name(self.scheduled) if self.moved else None

    @property
    def moved(self) -> bool:
        return self.date != self.scheduled


MAX_SERIES_LENGTH = 30


def series_dates(
    *,
    first: datetime.date,
    interval_weeks: int,
    count: int | None = None,
    until: datetime.date | None = None,
) -> list[ProposedDate]:
    """The dates of a series every `interval_weeks`, `count` of them or up to `until`.

    The rhythm follows the scheduled dates, not the moved ones, so one holiday does not shift
    every later meeting.
    """
    if count is None and until is None:
        raise ValueError("A series needs a count or an end date.")
    proposed: list[ProposedDate] = []
    step = datetime.timedelta(weeks=interval_weeks)
    scheduled = first
    while len(proposed) < MAX_SERIES_LENGTH:
        if count is not None and len(proposed) >= count:
            break
        if until is not None and scheduled > until:
            break
        proposed.append(ProposedDate(scheduled=scheduled, date=next_working_day(scheduled)))
        scheduled += step
    return proposed
