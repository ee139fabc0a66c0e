"""The meetings app's part when someone leaves Leerkring (core.personal_data): their calendar
feed link stops working. Attendance, answers, agreements and messages stay with the community;
they point at the person record, which becomes "Oud-lid"."""

from __future__ import annotations

from typing import Any

from ..models import CalendarFeed


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    if person is not None:
        CalendarFeed.objects.filter(person=person).delete()
