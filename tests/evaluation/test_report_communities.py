"""The programme report page shows its first lines per community and links to the paged list
of all of them (as the survey results page does); the PDF keeps every line."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from leerkring.evaluation import reports
from leerkring.evaluation.forms_reports import MAX_DAYS
from leerkring.evaluation.reports import Period
from leerkring.surveys.results import COMMUNITY_PAGE_SIZE, SHOWN_COMMUNITY_ROWS
from tests import factories

LINE = re.compile(r'<tr class="utrecht-table__row">\s*<th [^>]*scope="row">.*?</tr>', re.S)
# 60 communities: more than the page shows, and two pages of the list.
COUNT = 60


def _lines(html: str) -> list[str]:
    """The lines of the table of communities (the report page has other tables too)."""
    if "lk-report-communities" in html:
        html = html.split("lk-report-communities", 1)[1].split("</section>", 1)[0]
    return LINE.findall(html)


@pytest.fixture
def many(world):
    for _ in range(COUNT - 2):  # the world's programme has two communities already
        factories.CommunityFactory(programme=world.programme)
    return world


def _full_table(programme) -> list[str]:
    """The lines of the whole table, as the page showed every one of them before: the
    stored report's communities written by the same tag."""
    period = reports.last_twelve_months()
    stored = reports.report_stored(programme, period)
    html = Template("{% load report_tables %}{% report_community_lines communities %}").render(
        Context({"communities": stored.report.communities})
    )
    return _lines(html)


def test_the_page_shows_the_first_lines_and_the_list_has_them_all(many, client):
    client.force_login(many.coordinator)
    slug = many.programme.slug
    page = client.get(reverse("evaluation:programme_report", args=[slug])).content.decode()
    full = _full_table(many.programme)
    assert len(full) == COUNT

    shown = _lines(page)
    assert shown == full[:SHOWN_COMMUNITY_ROWS]
    assert f"De eerste {SHOWN_COMMUNITY_ROWS} van {COUNT} gemeenschappen." in page
    list_url = reverse("evaluation:programme_report_communities", args=[slug])
    period = reports.last_twelve_months()
    assert f'href="{list_url}?{period.query.replace("&", "&amp;")}"' in page

    first = client.get(list_url, {"from": period.start, "to": period.end})
    assert first.status_code == 200
    first_lines = _lines(first.content.decode())
    assert len(first_lines) == COMMUNITY_PAGE_SIZE
    # The page's summary and the list's first page are the old table's first lines.
    assert first_lines[:SHOWN_COMMUNITY_ROWS] == shown
    second = client.get(list_url, {"from": period.start, "to": period.end, "page": 2})
    assert first_lines + _lines(second.content.decode()) == full
    assert f"{COUNT} gemeenschappen. Pagina 1 van 2." in first.content.decode()


def test_the_list_searches_on_the_name(many, client):
    client.force_login(many.evaluator)
    url = reverse("evaluation:programme_report_communities", args=[many.programme.slug])
    html = client.get(url, {"q": "zeeLAND"}).content.decode()
    assert len(_lines(html)) == 1 and ">CoP Zeeland</th>" in html
    assert "1 gemeenschap gevonden." in html
    html = client.get(url, {"q": "geen zo'n naam"}).content.decode()
    assert _lines(html) == [] and "Geen gemeenschap gevonden met deze naam." in html


def test_the_pdf_keeps_every_line(many, client):
    client.force_login(many.coordinator)
    period = reports.last_twelve_months()
    report = reports.report_for_download(many.programme, period)
    assert len(report.communities) == COUNT
    from django.template.loader import render_to_string

    html = render_to_string(
        "evaluation/partials/report_communities.html", {"report": report, "document": True}
    )
    assert _lines(html) == _full_table(many.programme)
    assert "De eerste" not in html


def test_a_report_with_few_communities_shows_all_and_no_link(world, client):
    client.force_login(world.coordinator)
    html = client.get(
        reverse("evaluation:programme_report", args=[world.programme.slug])
    ).content.decode()
    assert len(_lines(html)) == 2 == len(_full_table(world.programme))
    assert "De eerste" not in html
    assert (
        reverse("evaluation:programme_report_communities", args=[world.programme.slug]) not in html
    )


def test_the_longest_period_works(many, client):
    client.force_login(many.coordinator)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=MAX_DAYS)
    slug = many.programme.slug
    query = {"from": start.isoformat(), "to": end.isoformat()}
    page = client.get(reverse("evaluation:programme_report", args=[slug]), query)
    assert page.status_code == 200
    assert len(_lines(page.content.decode())) == SHOWN_COMMUNITY_ROWS
    url = reverse("evaluation:programme_report_communities", args=[slug])
    listed = client.get(url, {**query, "page": 2})
    assert listed.status_code == 200
    assert len(_lines(listed.content.decode())) == COUNT - COMMUNITY_PAGE_SIZE
    stored = reports.report_stored(many.programme, Period(start, end))
    assert len(stored.report.communities) == COUNT


def test_a_bad_period_goes_back_to_the_page(world, client):
    client.force_login(world.coordinator)
    url = reverse("evaluation:programme_report_communities", args=[world.programme.slug])
    response = client.get(url, {"from": "2024-02-01", "to": "2024-01-01"})
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("evaluation:programme_report", args=[world.programme.slug])
    )


@pytest.mark.parametrize(
    "visitor", ["lead", "participant", "system_partner", "other_coordinator", "nobody"]
)
def test_the_list_is_refused_to_whom_the_page_is(world, client, visitor):
    client.force_login(getattr(world, visitor))
    slug = world.programme.slug
    assert client.get(reverse("evaluation:programme_report", args=[slug])).status_code == 403
    url = reverse("evaluation:programme_report_communities", args=[slug])
    assert client.get(url).status_code == 403
    assert client.get(url, {"q": "Zeeland", "page": 2}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    url = reverse("evaluation:programme_report_communities", args=[world.programme.slug])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_another_programmes_report_is_not_found_by_its_coordinator(world, client):
    """The other programme's own coordinator opens its list; this programme's is refused."""
    client.force_login(world.other_coordinator)
    url = reverse("evaluation:programme_report_communities", args=[world.other_programme.slug])
    assert client.get(url).status_code == 200
    mine = reverse("evaluation:programme_report_communities", args=[world.programme.slug])
    assert client.get(mine).status_code == 403
