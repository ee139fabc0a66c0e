"""Reports at three outcome levels: the numbers on a constructed community, the survey's
suppression, empty and bad periods, who may open them, and flat query counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.models import Membership
from leerkring.dissemination.models import Dissemination, Product
from leerkring.evaluation import reports
from leerkring.evaluation.reports import Period
from leerkring.meetings.models import AgendaItem, Attendance, Meeting, WorkForm
from leerkring.signalling.models import Escalation, Signal, SignalEvent, SignalResponse
from leerkring.surveys.models import Answer, Question
from tests import factories

YEAR = Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31))
EMPTY = Period(start=datetime.date(2030, 1, 1), end=datetime.date(2030, 12, 31))
PERSON = "Anna Jansen"


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@dataclass
class ReportWorld:
    world: object
    third: object  # a third community of the programme, for complementary suppression


def _meeting(community, when, status=Meeting.Status.HELD, **kwargs) -> Meeting:
    return factories.MeetingFactory(
        community=community,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=3),
        status=status,
        **kwargs,
    )


def _signal(community, passed, state=Signal.State.NEW, **kwargs) -> Signal:
    return factories.SignalFactory(community=community, state=state, passed_on_at=passed, **kwargs)


def build_report_world(world) -> ReportWorld:
    """`world.community` in 2024: two held meetings (and one cancelled, one in 2025), four
    agenda items besides a look-back item, two products, four signals passed on of which three
    answered, two signals resolved or answered at system level, a product used beyond the
    community, a survey wave with 8 answers from this community, 2 from its sibling and 6
    from a third community, and selected and unselected stories. One member is called
    Anna Jansen, whose name must appear in no report."""
    c = world.community
    third = factories.CommunityFactory(programme=world.programme, name="CoP Twente")
    joined = datetime.date(2023, 6, 1)
    members = [
        factories.MembershipFactory(community=c, joined_on=joined, person__full_name=PERSON),
        *[factories.MembershipFactory(community=c, joined_on=joined) for _ in range(3)],
    ]
    members[1].role = Membership.Role.LEAD
    members[1].save()

    m1 = _meeting(c, at(2024, 3, 14), format=Meeting.Format.PHYSICAL)
    m2 = _meeting(c, at(2024, 6, 13), format=Meeting.Format.ONLINE, online_url="https://x.nl")
    _meeting(c, at(2024, 9, 12), status=Meeting.Status.CANCELLED, cancel_reason="Ziekte")
    _meeting(c, at(2025, 1, 10))
    for membership, status in zip(
        members, ["present", "present", "present", "absent"], strict=True
    ):
        Attendance.objects.create(meeting=m1, membership=membership, status=status)
    for membership, status in zip(
        members, ["present", "present", "excused", "excused"], strict=True
    ):
        Attendance.objects.create(meeting=m2, membership=membership, status=status)

    intervision = WorkForm.objects.create(
        programme=world.programme, key="t-intervisie", name="Intervisie"
    )
    visit = WorkForm.objects.create(
        programme=world.programme, key="t-werkbezoek", name="Werkbezoek"
    )
    AgendaItem.objects.create(
        meeting=m1,
        title="Casus",
        work_form=intervision,
        topic_category="cooperation",
        led_by=PERSON,
    )
    AgendaItem.objects.create(
        meeting=m1, title="Bezoek", work_form=visit, topic_category="procedures"
    )
    AgendaItem.objects.create(
        meeting=m2, title="Casus 2", work_form=intervision, topic_category="cooperation"
    )
    AgendaItem.objects.create(meeting=m2, title="Terugblik", work_form=intervision, topic_category="cooperation", is_lookback=True)  # fmt: skip

    guide = factories.ProductFactory(
        programme=world.programme, communities=[c], status=Product.Status.READY,
        kind=Product.Kind.GUIDE, title="Handreiking taalscholen",
    )  # fmt: skip
    Product.objects.filter(pk=guide.pk).update(created_at=at(2024, 5, 1))
    idea = factories.ProductFactory(programme=world.programme, communities=[c])
    Product.objects.filter(pk=idea.pk).update(created_at=at(2024, 7, 1))
    old = factories.ProductFactory(
        programme=world.programme, communities=[c], title="=HYPERLINK(\"x\")",
        status=Product.Status.DISSEMINATED,
    )  # fmt: skip
    Product.objects.filter(pk=old.pk).update(created_at=at(2023, 1, 1))
    sibling_product = factories.ProductFactory(
        programme=world.programme, communities=[world.sibling]
    )
    Product.objects.filter(pk=sibling_product.pk).update(created_at=at(2024, 2, 1))
    Dissemination.objects.create(
        product=old, channel="newsletter", shared_on=datetime.date(2024, 9, 1)
    )
    Dissemination.objects.create(
        product=old, channel="website", shared_on=datetime.date(2024, 10, 1)
    )
    Dissemination.objects.create(product=guide, channel="team_meeting", shared_on=datetime.date(2024, 6, 1), beyond_community=False)  # fmt: skip
    Dissemination.objects.create(
        product=guide, channel="website", shared_on=datetime.date(2025, 2, 1)
    )

    answered = _signal(c, at(2024, 4, 1), Signal.State.IN_PROGRESS, title="Wachtlijst taalschool")
    SignalResponse.objects.create(signal=answered, source="coordinator", text="We pakken het op.")
    _signal(c, at(2024, 5, 1), last_feedback_at=at(2024, 5, 20))
    _signal(c, at(2024, 6, 1))
    factories.SignalFactory(community=c)  # a draft stays in the room
    _signal(c, at(2023, 12, 1))  # passed on before the period

    resolved = _signal(c, at(2023, 10, 1), Signal.State.RESOLVED, title="Ontheffing medisch")
    Escalation.objects.create(
        signal=resolved, level="system", question="?", escalated_at=at(2023, 11, 1)
    )
    SignalEvent.objects.create(
        signal=resolved, kind="state", to_state="resolved", created_at=at(2024, 8, 1)
    )
    system_answer = _signal(c, at(2024, 2, 1), Signal.State.ESCALATED_SYSTEM, title="Termijn PIP")
    Escalation.objects.create(
        signal=system_answer, level="system", question="?", escalated_at=at(2024, 2, 10)
    )
    SignalResponse.objects.create(signal=system_answer, source="system", text="De termijn wordt verruimd.", created_at=at(2024, 3, 1))  # fmt: skip
    lcc_only = _signal(c, at(2023, 9, 1), Signal.State.RESOLVED)
    Escalation.objects.create(
        signal=lcc_only, level="lcc", question="?", escalated_at=at(2023, 9, 5)
    )
    SignalEvent.objects.create(
        signal=lcc_only, kind="state", to_state="resolved", created_at=at(2024, 8, 1)
    )
    waiting = _signal(c, at(2023, 9, 1), Signal.State.ESCALATED_SYSTEM)
    Escalation.objects.create(
        signal=waiting, level="system", question="?", escalated_at=at(2024, 1, 5)
    )

    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    yields = factories.QuestionFactory(
        questionnaire=questionnaire, code="V4", kind=Question.Kind.MULTIPLE,
        text="Wat heeft je deelname aan de CoP voor jou persoonlijk tot nu opgeleverd?",
    )  # fmt: skip
    insight = factories.OptionFactory(
        question=yields, code="1", label="Meer inzicht in andere organisaties"
    )
    network = factories.OptionFactory(
        question=yields, code="2", label="Beter netwerk en kortere lijnen"
    )
    wave = factories.WaveFactory(
        questionnaire=questionnaire, title="Meting oktober 2024",
        opens_on=datetime.date(2024, 10, 1), closes_on=datetime.date(2024, 10, 31),
    )  # fmt: skip
    for community, n in ((c, 8), (world.sibling, 2), (third, 6)):
        for i in range(n):
            response = factories.ResponseFactory(wave=wave, community=community)
            Answer.objects.create(response=response, question=yields, option=insight)
            if i % 2 == 0:
                Answer.objects.create(response=response, question=yields, option=network)

    story = factories.ChangeStoryFactory(
        programme=world.programme, community=c, selected=True, title="Korte lijnen",
        story="Ik bel de taalschool nu direct. <script>alert(1)</script>", tag_relations=True,
        level="organisation",
    )  # fmt: skip
    for other in (
        factories.ChangeStoryFactory(programme=world.programme, community=c, title="Niet gekozen"),
        factories.ChangeStoryFactory(
            programme=world.programme,
            community=world.sibling,
            selected=True,
            title="Zeeuws verhaal",
        ),  # fmt: skip
        factories.ChangeStoryFactory(
            programme=world.programme, community=c, selected=True, title="Oud verhaal"
        ),  # fmt: skip
    ):
        when = at(2023, 3, 1) if other.title == "Oud verhaal" else at(2024, 5, 5)
        type(other).objects.filter(pk=other.pk).update(created_at=when)
    type(story).objects.filter(pk=story.pk).update(created_at=at(2024, 5, 5))
    return ReportWorld(world=world, third=third)


@pytest.fixture
def built(world) -> ReportWorld:
    return build_report_world(world)


def labelled(rows) -> dict[str, int]:
    return {row.label: row.count for row in rows}


# --- Output --------------------------------------------------------------------------------


def test_it_counts_held_meetings_with_their_dates_and_attendance(built):
    out = reports.community_report(built.world.community, YEAR).output
    assert out.meetings_held == 2
    assert out.meetings_physical == 1
    assert out.meeting_dates == [datetime.date(2024, 3, 14), datetime.date(2024, 6, 13)]
    # 3 of 4 and 2 of 4 members present: 2.5 on average, (75% + 50%) / 2 = 62.5 → 63%.
    assert out.attendance_average == "2,5"
    assert out.attendance_rate == 63
    by_month = labelled(out.meetings_by_month)
    assert len(by_month) == 12 and by_month["maart 2024"] == 1 and by_month["juni 2024"] == 1


def test_the_chart_of_meetings_counts_per_quarter_beyond_two_years_and_per_year_beyond_eight(
    built,
):
    """A chart of 240 monthly bars is taller than a page and says less than 20 yearly ones;
    the XLSX keeps every month."""
    community = built.world.community
    year = reports.community_report(community, YEAR).output
    assert year.meetings_chart_unit == "month" and len(year.meetings_chart) == 12
    four = Period(start=datetime.date(2022, 9, 1), end=datetime.date(2026, 8, 31))
    out = reports.community_report(community, four).output
    assert out.meetings_chart_unit == "quarter"
    quarters = labelled(out.meetings_chart)
    assert len(quarters) == 17 and len(out.meetings_by_month) == 48  # Q3 2022 to Q3 2026
    assert quarters["Kwartaal 1 2024"] == 1 and quarters["Kwartaal 2 2024"] == 1
    assert quarters["Kwartaal 1 2025"] == 1 and quarters["Kwartaal 3 2024"] == 0
    assert sum(quarters.values()) == out.meetings_held == 3
    twenty = Period(start=datetime.date(2007, 1, 1), end=datetime.date(2026, 12, 31))
    out = reports.community_report(community, twenty).output
    assert out.meetings_chart_unit == "year"
    years = labelled(out.meetings_chart)
    assert list(years) == [str(y) for y in range(2007, 2027)]
    assert (years["2024"], years["2025"], years["2023"]) == (2, 1, 0)
    assert len(out.meetings_by_month) == 240


def test_the_chart_unit_changes_at_two_and_eight_years():
    assert reports.output.chart_unit(24) == "month"
    assert reports.output.chart_unit(25) == "quarter"
    assert reports.output.chart_unit(96) == "quarter"
    assert reports.output.chart_unit(97) == "year"


def test_it_counts_work_forms_and_topics_without_the_lookback_item(built):
    out = reports.community_report(built.world.community, YEAR).output
    assert labelled(out.work_forms) == {"Intervisie": 2, "Werkbezoek": 1}
    topics = labelled(out.topics)
    assert topics["Samenwerken"] == 2 and topics["Procedures"] == 1
    assert topics["Specifieke doelgroepen"] == 0


def test_it_counts_the_communitys_products_made_in_the_period(built):
    out = reports.community_report(built.world.community, YEAR).output
    assert out.products_total == 2
    assert labelled(out.products_by_status) == {
        "Idee": 1, "In ontwikkeling": 0, "Klaar": 1, "Verspreid": 0,
    }  # fmt: skip
    assert labelled(out.products_by_kind) == {"Handreiking": 1, "Routekaart": 1}


def test_it_counts_signals_passed_on_and_answered(built):
    out = reports.community_report(built.world.community, YEAR).output
    # In progress with an answer, new with theme feedback, new unanswered, escalated with a
    # system answer; the draft and those passed on before 2024 do not count.
    assert out.signals_passed_on == 4
    assert out.signals_answered == 3
    assert labelled(out.signals_by_state) == {
        "Nieuw": 2, "In behandeling": 1, "Opgeschaald naar stelselniveau": 1,
    }  # fmt: skip


# --- Impact --------------------------------------------------------------------------------


def test_it_lists_signals_resolved_or_answered_at_system_level(built):
    impact = reports.community_report(built.world.community, YEAR).impact
    assert impact.system_signals_total == 2
    titles = {s.title: s for s in impact.system_signals}
    assert set(titles) == {"Ontheffing medisch", "Termijn PIP"}
    assert titles["Termijn PIP"].answered and not titles["Ontheffing medisch"].answered


def test_it_counts_products_used_beyond_the_community(built):
    impact = reports.community_report(built.world.community, YEAR).impact
    assert impact.products_beyond_total == 1
    assert impact.disseminations_beyond == 2
    (use,) = impact.products_beyond
    assert use.uses == 2 and use.channels == "Nieuwsbrief, Website"


# --- Outcome -------------------------------------------------------------------------------


def test_it_shows_the_communitys_survey_yields(built):
    (wave,) = reports.community_report(built.world.community, YEAR).outcome.waves
    assert wave.state == "shown" and wave.respondents == 8
    (question,) = wave.questions
    assert question.code == "V4" and question.n == 8
    rows = {row.label: (row.count, row.percent) for row in question.rows}
    assert rows == {
        "Meer inzicht in andere organisaties": (8, 100),
        "Beter netwerk en kortere lijnen": (4, 50),
    }


def test_a_community_below_the_threshold_gets_the_notice_not_numbers(built, client):
    sibling = built.world.sibling
    (wave,) = reports.community_report(sibling, YEAR).outcome.waves
    assert wave.state == "hidden"
    assert wave.respondents is None and wave.questions == []
    client.force_login(built.world.coordinator)
    page = client.get(reverse("evaluation:community_report", args=[sibling.pk]), {"from": "2024-01-01", "to": "2024-12-31"})  # fmt: skip
    html = page.content.decode()
    assert "Te weinig antwoorden om te tonen (minder dan 5)" in html
    assert "Meer inzicht in andere organisaties" not in html


def test_complementary_suppression_hides_the_next_smallest_community(built):
    # The sibling's 2 answers are hidden; the third community's 6 would give them away
    # (total minus the others), so it is hidden too, though above the threshold.
    (wave,) = reports.community_report(built.third, YEAR).outcome.waves
    assert wave.state == "hidden" and wave.questions == []


def test_the_programme_report_shows_the_whole_wave(built):
    (wave,) = reports.programme_report(built.world.programme, YEAR).outcome.waves
    assert wave.state == "shown" and wave.respondents == 16
    rows = {row.label: row.count for row in wave.questions[0].rows}
    assert rows["Meer inzicht in andere organisaties"] == 16


def test_it_shows_only_selected_stories_of_the_period_and_community(built):
    community_stories = reports.community_report(built.world.community, YEAR).outcome.stories
    assert [s.title for s in community_stories] == ["Korte lijnen"]
    assert community_stories[0].tags == ["relaties"] and community_stories[0].level == "Organisatie"
    programme_stories = reports.programme_report(built.world.programme, YEAR).outcome.stories
    assert sorted(s.title for s in programme_stories) == ["Korte lijnen", "Zeeuws verhaal"]


# --- Monitor and programme ------------------------------------------------------------------


def test_it_includes_the_monitor_summary(built):
    report = reports.community_report(built.world.community, YEAR)
    assert [line.key for line in report.monitor][:2] == ["members", "organisations"]
    assert all(line.label for line in report.monitor)
    programme = reports.programme_report(built.world.programme, YEAR)
    assert programme.monitor_communities == 3
    assert all(sum(line.counts.values()) == 3 for line in programme.monitor)


def test_the_programme_report_adds_up_its_communities(built):
    report = reports.programme_report(built.world.programme, YEAR)
    assert report.output.meetings_held == 2
    assert report.output.products_total == 3
    rows = {row.name: row for row in report.communities}
    assert rows["CoP Achterhoek"].meetings_held == 2 and rows["CoP Achterhoek"].products == 2
    assert rows["CoP Achterhoek"].attendance_rate == 63
    assert rows["CoP Zeeland"].products == 1 and rows["CoP Zeeland"].meetings_held == 0


# --- Empty and bad periods ----------------------------------------------------------------


def test_an_empty_period_is_an_empty_state_not_an_error(built, client):
    report = reports.community_report(built.world.community, EMPTY)
    assert report.is_empty
    client.force_login(built.world.coordinator)
    url = reverse("evaluation:community_report", args=[built.world.community.pk])
    page = client.get(url, {"from": "2030-01-01", "to": "2030-12-31"})
    assert page.status_code == 200
    assert "Geen gegevens in deze periode" in page.content.decode()


def test_it_refuses_a_period_that_ends_before_it_starts(world, client):
    client.force_login(world.coordinator)
    url = reverse("evaluation:programme_report", args=[world.programme.slug])
    page = client.get(url, {"from": "2024-12-31", "to": "2024-01-01"})
    assert page.status_code == 200
    assert page.context["report"] is None
    assert page.context["form"].errors["to"] == [
        "De laatste dag ligt vóór de eerste dag. Kies een latere datum."
    ]
    assert 'aria-invalid="true"' in page.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [({"from": "gisteren", "to": "2024-01-01"}, "from"), ({"from": "2024-01-01"}, "to")],
)
def test_it_explains_unreadable_or_half_periods(world, client, query, field):
    client.force_login(world.coordinator)
    url = reverse("evaluation:programme_report", args=[world.programme.slug])
    page = client.get(url, query)
    assert page.context["report"] is None and field in page.context["form"].errors


def test_a_download_with_a_bad_period_goes_back_to_the_page(world, client):
    client.force_login(world.coordinator)
    url = reverse("evaluation:programme_report_pdf", args=[world.programme.slug])
    response = client.get(url, {"from": "2024-12-31", "to": "2024-01-01"})
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("evaluation:programme_report", args=[world.programme.slug])
    )


def test_a_preset_chooses_a_calendar_year(world, client):
    client.force_login(world.coordinator)
    url = reverse("evaluation:programme_report", args=[world.programme.slug])
    page = client.get(url, {"preset": "2024"})
    assert page.context["period"] == YEAR
    assert client.get(url, {"preset": "1999"}).context["report"] is None


def test_without_a_period_it_covers_the_last_twelve_months(world, client):
    client.force_login(world.coordinator)
    page = client.get(reverse("evaluation:programme_report", args=[world.programme.slug]))
    period = page.context["period"]
    assert period.end == timezone.localdate()
    assert period.start == period.end.replace(year=period.end.year - 1) + datetime.timedelta(1)


# --- Pages and confidentiality ------------------------------------------------------------


def test_the_page_shows_charts_with_tables_and_no_names(built, client):
    client.force_login(built.world.coordinator)
    url = reverse("evaluation:community_report", args=[built.world.community.pk])
    html = client.get(url, {"preset": "2024"}).content.decode()
    assert (
        'class="lk-barchart"' in html
        and '<th class="utrecht-table__header-cell" scope="row">Intervisie</th>' in html
    )
    assert 'data-figure="meetings">2<' in html
    assert "Korte lijnen" in html and "&lt;script&gt;" in html and "<script>alert" not in html
    assert PERSON not in html
    assert "Niet gekozen" not in html and "Zeeuws verhaal" not in html
    assert "style=" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("visitor", ["lead", "facilitator", "coordinator", "evaluator"])
def test_lead_facilitator_and_the_programme_open_the_community_report(world, client, visitor):
    client.force_login(getattr(world, visitor))
    assert (
        client.get(reverse("evaluation:community_report", args=[world.community.pk])).status_code
        == 200
    )


@pytest.mark.parametrize(
    "visitor", ["participant", "sibling_member", "system_partner", "other_coordinator", "nobody"]
)
@pytest.mark.parametrize(
    "name", ["community_report", "community_report_pdf", "community_report_xlsx"]
)
def test_others_are_refused_the_community_report(world, client, visitor, name):
    client.force_login(getattr(world, visitor))
    assert client.get(reverse(f"evaluation:{name}", args=[world.community.pk])).status_code == 403


@pytest.mark.parametrize("visitor", ["lead", "participant", "system_partner", "other_coordinator"])
@pytest.mark.parametrize(
    "name", ["programme_report", "programme_report_pdf", "programme_report_xlsx"]
)
def test_only_coordinators_and_evaluators_open_the_programme_report(world, client, visitor, name):
    client.force_login(getattr(world, visitor))
    assert client.get(reverse(f"evaluation:{name}", args=[world.programme.slug])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(reverse("evaluation:community_report_pdf", args=[world.community.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- Query counts ---------------------------------------------------------------------------


def _programme_with(n: int):
    programme = factories.ProgrammeFactory()
    for i in range(n):
        community = factories.CommunityFactory(programme=programme)
        membership = factories.MembershipFactory(
            community=community, joined_on=datetime.date(2023, 1, 1)
        )
        meeting = _meeting(community, at(2024, 3, 1 + i % 20))
        Attendance.objects.create(meeting=meeting, membership=membership, status="present")
        AgendaItem.objects.create(meeting=meeting, title="Casus", topic_category="cooperation")
        _signal(community, at(2024, 4, 1))
        product = factories.ProductFactory(programme=programme, communities=[community])
        Product.objects.filter(pk=product.pk).update(created_at=at(2024, 5, 1))
        Dissemination.objects.create(
            product=product, channel="website", shared_on=datetime.date(2024, 6, 1)
        )
        factories.ChangeStoryFactory(programme=programme, community=community, selected=True)
    return programme


def _queries(programme) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = reports.programme_report(
            programme, Period(datetime.date(2024, 1, 1), timezone.localdate())
        )
    assert report.output.meetings_held
    return len(captured.captured_queries)


def test_the_programme_report_takes_as_many_queries_for_30_communities_as_for_3(db):
    assert _queries(_programme_with(3)) == _queries(_programme_with(30))


def test_the_programme_page_shows_each_community_and_the_monitor_counts(built, client):
    client.force_login(built.world.evaluator)
    url = reverse("evaluation:programme_report", args=[built.world.programme.slug])
    page = client.get(url, {"preset": "2024"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<th class="utrecht-table__header-cell" scope="row">CoP Twente</th>' in html
    assert "Aantal gemeenschappen per stand (3 gemeenschappen)" in html
    assert "Zeeuws verhaal" in html and PERSON not in html
    assert (
        f'href="{reverse("evaluation:programme_report_pdf", args=[built.world.programme.slug])}?from=2024-01-01&amp;to=2024-12-31"'
        in html
    )
