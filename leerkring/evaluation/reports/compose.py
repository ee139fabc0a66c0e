"""A whole report, for one community or a programme: output, outcome, impact and the monitor's
summary as it stands today."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.evaluation import monitor, selectors

from .data import CommunityRow, MonitorLine, Outcome, Period, Report
from .impact import report_impact
from .outcome import report_stories, report_survey
from .output import report_output


def _monitor_for_community(community: Community) -> list[MonitorLine]:
    return [
        MonitorLine(key=c.key, title=c.title, status=c.status, label=c.label, value=c.value)
        for c in selectors.community_monitor(community=community)
    ]


def _monitor_for_programme(programme: Programme) -> tuple[list[MonitorLine], int]:
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
        output=report_output(
            community_ids=[community.pk],
            product_scope=Q(communities=community),
            period=period,
            with_dates=True,
        ),
        outcome=Outcome(
            waves=report_survey(programme=programme, community=community, period=period),
            stories=report_stories(programme=programme, community=community, period=period),
        ),
        impact=report_impact(
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
        output=report_output(
            community_ids=ids,
            product_scope=Q(programme=programme),
            period=period,
            with_dates=False,
            per_community=per_community,
        ),
        outcome=Outcome(
            waves=report_survey(programme=programme, community=None, period=period),
            stories=report_stories(programme=programme, community=None, period=period),
        ),
        impact=report_impact(
            community_ids=ids, product_scope=Q(programme=programme), period=period
        ),
        monitor=lines,
        monitor_communities=monitored,
        communities=list(per_community.values()),
    )
