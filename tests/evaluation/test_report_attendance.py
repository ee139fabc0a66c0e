"""A programme report reads meetings, attendance and memberships one community at a time
(evaluation/reports/output.py): its figures are those of the rule applied to all meetings at
once — present members ÷ members on the meeting day, per meeting — whatever the order of the
communities, their meetings and their members in the database."""

from __future__ import annotations

import datetime
from fractions import Fraction

from leerkring.evaluation import reports
from leerkring.meetings.models import Attendance, Meeting
from tests import factories
from tests.evaluation.test_reports import YEAR, _meeting, at


def _expected(meetings):
    """The rule over all meetings at once: (meeting, present, members on the day)."""
    rates = [min(Fraction(100), Fraction(100 * p, m)) for _meeting, p, m in meetings if m]
    return (
        reports.data.round_half_up(sum(rates, Fraction(0)) / len(rates)),
        sum(p for _meeting, p, _m in meetings) / len(meetings),
    )


def test_the_programme_figures_are_the_rule_applied_to_every_meeting_at_once(world):
    programme = world.programme
    # Created out of order: the last community first, meetings later in time first.
    communities = [
        factories.CommunityFactory(programme=programme, name=f"CoP {name}")
        for name in ("Zuid", "Noord", "Oost")
    ]
    joined, left = datetime.date(2023, 1, 1), datetime.date(2024, 6, 1)
    seen = []
    for index, community in enumerate(reversed(communities)):
        members = [
            factories.MembershipFactory(community=community, joined_on=joined)
            for _ in range(3 + index)
        ]
        leaving = factories.MembershipFactory(community=community, joined_on=joined)
        leaving.left_on = left
        leaving.save()
        for when, present in ((at(2024, 9, 1), 2), (at(2024, 3, 1), 1 + index)):
            meeting = _meeting(community, when, format=Meeting.Format.PHYSICAL)
            for membership in [*members, leaving][:present]:
                Attendance.objects.create(
                    meeting=meeting, membership=membership, status=Attendance.Status.PRESENT
                )
            on_day = len(members) + (when.date() < left)
            seen.append((community.name, present, on_day))
    # Held online, no attendance recorded.
    _meeting(
        communities[0], at(2024, 5, 1), format=Meeting.Format.ONLINE, online_url="https://x.nl"
    )

    report = reports.programme_report(programme, YEAR)
    rate, average = _expected(seen)
    assert report.output.meetings_held == len(seen) + 1
    assert report.output.meetings_physical == len(seen)
    assert report.output.attendance_meetings == len(seen)
    assert report.output.attendance_rate == rate
    assert report.output.attendance_average == f"{average:.1f}".replace(".", ",")
    rows = {row.name: row for row in report.communities}
    for community in communities:
        own = reports.community_report(community, YEAR).output
        line = rows[community.name]
        assert (line.meetings_held, line.attendance_rate) == (
            own.meetings_held,
            own.attendance_rate,
        )
        mine = [m for m in seen if m[0] == community.name]
        assert line.attendance_rate == _expected(mine)[0]
    assert rows["CoP Zuid"].meetings_held == 3
