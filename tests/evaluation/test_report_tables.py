"""The programme report's table of communities, written by `report_community_lines`
(evaluation/templatetags/report_tables.py): the same markup the template's loop wrote, for
the same lines."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from leerkring.evaluation.reports import CommunityRow

# The loop `report_communities.html` had before the lines were written in Python.
TEMPLATE_LOOP = """{% for c in report.communities %}
        <tr class="utrecht-table__row">
          <th class="utrecht-table__header-cell" scope="row">{{ c.name }}</th>
          <td class="utrecht-table__cell utrecht-table__cell--numeric">{{ c.meetings_held }}</td>
          <td class="utrecht-table__cell utrecht-table__cell--numeric">{% if c.attendance_rate is not None %}{{ c.attendance_rate }}%{% else %}–{% endif %}</td>
          <td class="utrecht-table__cell utrecht-table__cell--numeric">{{ c.signals_passed_on }}</td>
          <td class="utrecht-table__cell utrecht-table__cell--numeric">{{ c.signals_answered }}</td>
          <td class="utrecht-table__cell utrecht-table__cell--numeric">{{ c.products }}</td>
        </tr>
        {% endfor %}"""
TAG = "{% load report_tables %}{% report_community_lines report.communities %}"


class Report:
    def __init__(self, communities):
        self.communities = communities


LINES = [
    CommunityRow(name="CoP Fryslân", meetings_held=12, attendance_rate=83, signals_passed_on=4),
    CommunityRow(name="<script>alert(\"x\")</script> & 'Zuid'", meetings_held=0),
    CommunityRow(name="CoP Twente", meetings_held=1234567, attendance_rate=0, products=3),
    CommunityRow(name="CoP Groningen", attendance_rate=100, signals_answered=12, products=12),
]


def _both(lines) -> tuple[str, str]:
    context = {"report": Report(lines)}
    return (
        Template(TEMPLATE_LOOP).render(Context(context)),
        Template(TAG).render(Context(context)),
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_lines_are_the_markup_the_template_wrote(language):
    with translation.override(language):
        before, after = _both(LINES)
    assert after == before
    assert "&lt;script&gt;" in after and "<script>" not in after


@pytest.mark.parametrize("language", ["nl", "en"])
def test_numbers_are_localized_as_a_template_variable_is(settings, language):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        before, after = _both(LINES)
    assert after == before
    assert ("1.234.567" if language == "nl" else "1,234,567") in after


def test_no_communities_no_lines():
    assert _both([]) == ("", "")


@pytest.mark.parametrize("document", [True, False])
def test_the_partial_shows_every_line_of_a_short_list(document):
    """The PDF shows every line; the page too while there are no more than it shows first
    (tests/evaluation/test_report_communities.py for longer lists)."""
    report = Report(LINES)
    report.communities_shown, report.communities_more = LINES, 0
    html = render_to_string(
        "evaluation/partials/report_communities.html", {"report": report, "document": document}
    )
    before, _after = _both(LINES)
    assert before in html
    assert html.count('scope="row"') == len(LINES)
