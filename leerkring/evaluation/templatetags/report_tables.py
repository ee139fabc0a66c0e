"""The lines of a programme report's table of communities, written in Python.

A programme report has a line per community: 2,250 at five times national scale. Rendered one
template variable at a time (each number localized on its own) they cost more than everything
else the report page does, and the cost grew with the network. The markup is exactly what the
template's loop wrote (`tests/evaluation/test_report_tables.py` compares the two); numbers are
localized as a template variable is, once per distinct value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import localize, number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_LINE = (
    '\n        <tr class="utrecht-table__row">'
    '\n          <th class="utrecht-table__header-cell" scope="row">{name}</th>'
    '\n          <td class="utrecht-table__cell utrecht-table__cell--numeric">{meetings}</td>'
    '\n          <td class="utrecht-table__cell utrecht-table__cell--numeric">{rate}</td>'
    '\n          <td class="utrecht-table__cell utrecht-table__cell--numeric">{passed_on}</td>'
    '\n          <td class="utrecht-table__cell utrecht-table__cell--numeric">{answered}</td>'
    '\n          <td class="utrecht-table__cell utrecht-table__cell--numeric">{products}</td>'
    "\n        </tr>\n        "
)


@register.simple_tag(takes_context=True)
def report_community_lines(context: template.Context, communities: Iterable[Any]) -> SafeString:
    """The table body's lines for `communities` (reports.CommunityRow), as
    `report_communities.html` shows them."""
    numbers: dict[int, str] = {}

    def number(value: int) -> str:
        text = numbers.get(value)
        if text is None:
            text = numbers[value] = str(
                conditional_escape(str(localize(value, use_l10n=context.use_l10n)))
            )
        return text

    lines = [
        _LINE.format(
            name=conditional_escape(c.name),
            meetings=number(c.meetings_held),
            rate="–" if c.attendance_rate is None else f"{number(c.attendance_rate)}%",
            passed_on=number(c.signals_passed_on),
            answered=number(c.signals_answered),
            products=number(c.products),
        )
        for c in communities
    ]
    return mark_safe("".join(lines))  # noqa: S308 - every value escaped above


@register.filter
def grouped(value: int) -> str:
    """A count with its thousands grouped ("2.250" in Dutch), as the page's summary says it."""
    return number_format(value, force_grouping=True)
