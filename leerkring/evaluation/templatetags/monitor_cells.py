"""The cells of one row of the monitor matrix, written in Python.

A programme of 600 communities has some 8,000 cells; rendered one template variable at a
time they cost more than computing the monitor itself. Each cell says its status in words
with the measured value, and its title gives the norm and the reason.

Most cells of a programme repeat (the same status, value and reason in many communities), so
each distinct cell is written once and then reused.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=8192)
def _cell(status: str, label: str, short: str, reason: str, norm: str, norm_label: str) -> str:
    title = reason if not norm else f"{reason} {norm_label}: {norm}."
    value = f'<br><span class="lk-monitor__value">{escape(short)}</span>' if short else ""
    return (
        f'<td class="utrecht-table__cell lk-monitor lk-monitor--{status}" '
        f'title="{escape(title)}">{escape(label)}{value}</td>'
    )


_PK = 2147483647


@lru_cache(maxsize=16)
def _link_pattern(script_prefix: str) -> str:
    # One reverse for the whole matrix instead of one per row.
    return reverse("evaluation:community_monitor", args=[_PK])


@register.simple_tag
def monitor_link(community) -> str:
    """The address of a community's own monitor (`{% url %}`, without its cost per row)."""
    return _link_pattern(get_script_prefix()).replace(str(_PK), str(community.pk))


@register.simple_tag
def monitor_cells(row) -> SafeString:
    norm_label = _("Norm")
    cells = [
        _cell(check.status, check.label, check.short, check.reason, check.norm, norm_label)
        for check in row.checks
    ]
    return mark_safe("".join(cells))  # noqa: S308 - every value in a cell is escaped
