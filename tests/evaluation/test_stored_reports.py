"""Reports computed by the task worker and served from storage (evaluation/reports/store.py):
the stored report is the report built afresh; the page shows it at once, says when it was
computed and whether newer data waits for the next computation, queues that computation once,
and shows a message (polling) while a period's first computation runs."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.evaluation import reports, tasks
from leerkring.evaluation.models import StoredReport
from leerkring.signalling.models import Signal, SignalEvent
from tests.evaluation.test_reports import YEAR, _signal, at, build_report_world

QUERY = {"from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture
def built(world):
    return build_report_world(world)


class Queue:
    """The task queue without a worker: what was queued, run when the test says so."""

    def __init__(self, task) -> None:
        self.task = task
        self.queued: list[dict] = []

    def enqueue(self, **kwargs) -> None:
        self.queued.append(kwargs)

    def run(self) -> None:
        for kwargs in self.queued:
            self.task.call(**kwargs)
        self.queued.clear()


@pytest.fixture
def queue(monkeypatch) -> Queue:
    fake = Queue(tasks.report_compute)
    monkeypatch.setattr(tasks, "report_compute", fake)
    return fake


def _page(client, built, **query):
    client.force_login(built.world.coordinator)
    url = reverse("evaluation:programme_report", args=[built.world.programme.slug])
    return client.get(url, {**QUERY, **query})


@pytest.mark.parametrize("kind", ["community", "programme"])
def test_the_stored_report_is_the_report_built_afresh(built, kind):
    subject = built.world.community if kind == "community" else built.world.programme
    build = reports.community_report if kind == "community" else reports.programme_report
    stored = reports.report_stored(subject, YEAR)  # the immediate backend computes it at once
    assert stored.is_current and stored.computed_at is not None
    assert dataclasses.asdict(stored.report) == dataclasses.asdict(build(subject, YEAR))
    assert StoredReport.objects.get().version == reports.current_version()


def test_the_first_view_of_a_period_says_it_is_being_prepared_and_polls(client, built, queue):
    page = _page(client, built)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["report"] is None
    assert "wordt voor het eerst berekend" in html
    assert 'hx-trigger="every 3s"' in html and 'hx-select="#report-body"' in html
    assert "Download als PDF" not in html
    assert len(queue.queued) == 1
    _page(client, built)  # a second look, or the poll, queues nothing more
    assert len(queue.queued) == 1
    queue.run()
    page = _page(client, built)
    html = page.content.decode()
    assert page.context["report"] is not None
    assert "Berekend op" in html and "wordt voor het eerst berekend" not in html
    assert "hx-trigger" not in html.split('id="report-body"', 1)[1].split(">", 1)[0]
    assert "Download als PDF" in html
    assert queue.queued == []


def test_changed_data_shows_the_stored_report_and_queues_one_computation(client, built, queue):
    _page(client, built)
    queue.run()
    before = _page(client, built).context["report"].output.signals_passed_on
    _signal(built.world.community, at(2024, 11, 1))
    SignalEvent.objects.create(signal=Signal.objects.latest("pk"), kind="passed_on")
    page = _page(client, built)
    assert page.context["report"].output.signals_passed_on == before
    assert "Sindsdien zijn er gegevens bijgekomen of gewijzigd" in page.content.decode()
    _page(client, built)
    assert len(queue.queued) == 1
    queue.run()
    page = _page(client, built)
    assert page.context["report"].output.signals_passed_on == before + 1
    assert "Sindsdien" not in page.content.decode()


def test_a_new_day_queues_a_new_computation(built, queue, monkeypatch):
    programme = built.world.programme
    reports.report_stored(programme, YEAR)
    queue.run()
    assert reports.report_stored(programme, YEAR).is_current
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(reports.store.timezone, "localdate", lambda: tomorrow)
    stale = reports.report_stored(programme, YEAR)
    assert stale.report is not None and not stale.is_current
    assert len(queue.queued) == 1


def test_a_lost_computation_is_queued_again_after_a_while(built, queue):
    programme = built.world.programme
    reports.report_stored(programme, YEAR)
    reports.report_stored(programme, YEAR)
    assert len(queue.queued) == 1
    StoredReport.objects.update(queued_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    reports.report_stored(programme, YEAR)
    assert len(queue.queued) == 2


def test_the_page_reads_the_stored_report_without_building_it(client, built, monkeypatch):
    _page(client, built)  # computed and stored by the immediate backend

    def refuse(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(reports.store, "programme_report", refuse)
    with CaptureQueriesContext(connection) as captured:
        page = _page(client, built)
    assert page.status_code == 200 and page.context["report"] is not None
    sql = "\n".join(q["sql"] for q in captured)
    assert '"meetings_meeting"' not in sql and '"signalling_signal".' not in sql, sql


def test_downloads_use_the_stored_report_of_the_current_data(client, built, monkeypatch):
    _page(client, built)
    client.force_login(built.world.coordinator)
    url = reverse("evaluation:programme_report_xlsx", args=[built.world.programme.slug])

    def refuse(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(reports.store, "programme_report", refuse)
    assert client.get(url, QUERY).status_code == 200


def test_a_download_of_changed_data_computes_and_stores_it(client, built, queue):
    _page(client, built)
    queue.run()
    _signal(built.world.community, at(2024, 11, 1))
    SignalEvent.objects.create(signal=Signal.objects.latest("pk"), kind="passed_on")
    client.force_login(built.world.coordinator)
    url = reverse("evaluation:programme_report_xlsx", args=[built.world.programme.slug])
    assert client.get(url, QUERY).status_code == 200
    assert reports.report_stored(built.world.programme, YEAR).is_current


def test_a_report_of_a_removed_subject_is_not_computed(built):
    assert not tasks.report_compute.call(
        kind="community", subject_id=999_999, start="2024-01-01", end="2024-12-31", language="nl"
    )
    assert not StoredReport.objects.exists()


def test_reports_nobody_asked_for_in_a_month_are_removed(built):
    old = StoredReport.objects.create(
        kind="programme",
        subject_id=built.world.programme.pk,
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        language="nl",
        version="x",
        report={},
        computed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    reports.report_store(built.world.programme, YEAR)
    assert not StoredReport.objects.filter(pk=old.pk).exists()
    assert StoredReport.objects.count() == 1


def test_the_page_keeps_a_computed_report_rendered_until_the_next_computation(client, built, queue):
    body = "evaluation/partials/report_body.html"
    _page(client, built)
    queue.run()
    first = _page(client, built)
    assert body in [t.name for t in first.templates]
    again = _page(client, built)
    assert body not in [t.name for t in again.templates]
    assert 'data-figure="meetings"' in again.content.decode()
    _signal(built.world.community, at(2024, 11, 1))
    SignalEvent.objects.create(signal=Signal.objects.latest("pk"), kind="passed_on")
    _page(client, built)
    queue.run()
    renewed = _page(client, built)
    assert body in [t.name for t in renewed.templates], "a new computation is rendered anew"


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"', "", html)


def test_the_kept_rendering_is_the_page_rendered_afresh(client, built, queue):
    _page(client, built)
    queue.run()
    fresh = _page(client, built)
    kept = _page(client, built)
    assert "evaluation/partials/report_body.html" not in [t.name for t in kept.templates]
    assert _without_tokens(kept.content.decode()) == _without_tokens(fresh.content.decode())
    assert "CoP Twente" in kept.content.decode()  # the table of communities


def test_a_page_that_kept_its_rendering_does_not_read_the_stored_report(
    client, built, queue, monkeypatch
):
    _page(client, built)
    queue.run()
    _page(client, built)

    def refuse(self):
        raise AssertionError("the stored report was read")

    monkeypatch.setattr(reports.StoredView, "data", property(refuse))
    page = _page(client, built)
    assert page.status_code == 200 and 'data-figure="meetings"' in page.content.decode()


def test_a_computation_stored_after_the_page_read_its_row_names_what_it_shows(built):
    programme = built.world.programme
    first = reports.report_stored(programme, YEAR)
    view = reports.report_stored(programme, YEAR)
    StoredReport.objects.update(computed_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    assert view.report is not None
    assert view.computed_at == datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    assert view.key != first.key and view.is_current


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (
            {"name": "CoP Twente", "products": 2},
            reports.CommunityRow(name="CoP Twente", products=2),
        ),
        (
            {"name": "CoP Twente", "products": 2, "gone": 1},
            reports.CommunityRow(name="CoP Twente", products=2),
        ),
        (
            {"label": "mei 2024", "count": 3, "old": "x"},
            reports.Row(label="mei 2024", count=3),
        ),
    ],
)
def test_a_stored_line_decodes_with_fields_added_or_removed_since(stored, expected):
    assert reports.store._decode(type(expected), stored) == expected
    assert reports.store._decode(list[type(expected)], [stored, None]) == [expected, None]
