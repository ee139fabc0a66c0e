"""The demo network fills every page the demo logins open: venster, survey results,
monitor, knowledge page, products and newsletter — and builds the same way every time."""

import datetime
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from leerkring.accounts.models import User
from leerkring.communities.demo_data import INBURGERING_SLUG, LOGINS, demo_build, demo_reset
from leerkring.communities.models import Programme
from leerkring.dissemination.models import NewsletterIssue, Product
from leerkring.evaluation import monitor
from leerkring.evaluation.models import ChangeStory, Observation
from leerkring.evaluation.reports.data import Period
from leerkring.evaluation.reports.outcome import report_survey
from leerkring.meetings.models import Agreement, Meeting
from leerkring.signalling.models import Signal, SignalEvent, SignalResponse, SignalTheme
from leerkring.surveys.models import Answer, Invitation, PendingResponse, Response, Wave
from tests.surveys.test_results import section_html, table_rows

# Fields that name a time still to come by design: a plan, a deadline, an announcement.
PLANNED = {
    ("meetings", "Meeting", "starts_at"),
    ("meetings", "Meeting", "ends_at"),
    ("meetings", "Agreement", "due_date"),
    ("events", "Event", "starts_at"),
    ("events", "Event", "ends_at"),
}


def _counts() -> dict:
    return {
        "passed on": Signal.objects.exclude(state=Signal.State.DRAFT).count(),
        "states": sorted(Signal.objects.values_list("state", flat=True).distinct()),
        "themes": SignalTheme.objects.count(),
        "events": SignalEvent.objects.count(),
        "answers": SignalResponse.objects.count(),
        "responses": Response.objects.count(),
        "survey answers": Answer.objects.count(),
        "answered": Invitation.objects.filter(answered=True).count(),
        "observations": Observation.objects.count(),
        "stories": ChangeStory.objects.count(),
        "products": Product.objects.count(),
    }


@pytest.fixture
def demo(db):
    call_command("demo", stdout=io.StringIO())


def test_the_venster_of_inburgering_has_passed_on_signals_and_themes(demo, client):
    inburgering = Signal.objects.filter(community__programme__slug=INBURGERING_SLUG)
    assert inburgering.exclude(state=Signal.State.DRAFT).count() > 200
    assert inburgering.filter(theme__isnull=False).count() > 50
    assert SignalTheme.objects.filter(programme__slug=INBURGERING_SLUG).count() == 8
    assert len(set(inburgering.values_list("state", flat=True))) == len(Signal.State.choices)
    client.force_login(User.objects.get(email=LOGINS["coordinator"]))
    response = client.get(reverse("signalling:venster", args=[INBURGERING_SLUG]))
    assert response.status_code == 200
    assert "PIP-termijn" in response.content.decode()


def test_every_passed_on_signal_has_its_history(demo):
    passed_on = Signal.objects.exclude(state=Signal.State.DRAFT)
    for kind in (SignalEvent.Kind.CREATED, SignalEvent.Kind.PASSED_ON):
        with_kind = passed_on.filter(events__kind=kind).distinct().count()
        assert with_kind == passed_on.count()
    changed = passed_on.exclude(state=Signal.State.NEW)
    assert changed.filter(events__kind=SignalEvent.Kind.STATE).distinct().count() == changed.count()


def test_the_survey_waves_have_the_reports_response_counts(demo, client):
    waves = {w.title: w for w in Wave.objects.filter(programme__slug=INBURGERING_SLUG)}
    counts = [waves[t].responses.count() for t in ("Meting mei 2023", "Meting oktober 2023",
                                                   "Meting januari 2024")]  # fmt: skip
    assert counts == [147, 146, 74]
    january = waves["Meting januari 2024"]
    assert january.communities.count() == 12
    assert january.invitations.filter(answered=True).count() == 74
    # Released the way a respondent's answers are: nothing still waits in a sealed batch.
    assert not PendingResponse.objects.exists()
    client.force_login(User.objects.get(email=LOGINS["evaluator"]))
    response = client.get(reverse("surveys:results", args=[january.pk]))
    assert response.status_code == 200
    satisfaction = january.questionnaire.questions.get(code="V13")
    rows = table_rows(section_html(response.content.decode(), satisfaction))
    # Report §4.2.1: "19% is zeer tevreden, 58% tevreden, 21% neutraal en slechts 2% is
    # ontevreden".
    assert rows == {"1": (12, 19), "2": (36, 58), "3": (13, 21), "4": (1, 2), "5": (0, 0)}


def test_the_report_and_the_monitor_show_the_reports_satisfaction(demo, client):
    programme = Programme.objects.get(slug=INBURGERING_SLUG)
    assert programme.rule_profile.monitor_satisfaction_question == "V13"
    january = Period(datetime.date(2024, 1, 1), datetime.date(2024, 1, 31))
    (wave,) = report_survey(programme=programme, community=None, period=january)
    question = next(q for q in wave.questions if q.code == "V13")
    assert [row.percent for row in question.rows] == [19, 58, 21, 2, 0]
    assert question.satisfied_percent == 77  # 48 of 62
    # Each community whose answers the report may show is judged by the monitor as well.
    judged = monitor.monitor_communities(programme.communities.select_related("programme"))
    for community in programme.communities.all():
        (shown,) = report_survey(programme=programme, community=community, period=january)
        check = next(c for c in judged[community.pk] if c.key == "satisfaction")
        in_report = shown.state == "shown" and any(q.code == "V13" for q in shown.questions)
        assert (check.status != monitor.UNKNOWN) == in_report, community.name
    client.force_login(User.objects.get(email=LOGINS["evaluator"]))
    page = client.get(
        reverse("evaluation:programme_report", args=[INBURGERING_SLUG]),
        {"from": "2024-01-01", "to": "2024-01-31"},
    ).content.decode()
    assert "Tevreden: 77% (zo telt de CoP-monitor ook)." in page


def test_nothing_that_happened_is_dated_after_now(demo):
    now, today = timezone.now(), timezone.localdate()
    future = []
    for model in apps.get_models():
        if not model.__module__.startswith("leerkring."):
            continue
        for field in model._meta.concrete_fields:
            key = (model._meta.app_label, model.__name__, field.name)
            if not isinstance(field, models.DateField) or key in PLANNED:
                continue
            bound = now if isinstance(field, models.DateTimeField) else today
            if model._base_manager.filter(**{f"{field.name}__gt": bound}).exists():
                future.append(".".join(key))
    assert future == []
    # What is still to come is planned, never already held.
    assert (
        not Meeting.objects.filter(starts_at__gt=now)
        .exclude(status=Meeting.Status.PLANNED)
        .exists()
    )


def test_achterhoeks_minutes_name_the_owners_of_its_recorded_agreements(demo):
    meetings = Meeting.objects.filter(community__name="CoP Achterhoek").exclude(minutes="")
    assert meetings.count() > 5
    for meeting in meetings:
        written = (
            meeting.minutes.split("## Afspraken", 1)[1] if "## Afspraken" in meeting.minutes else ""
        )
        in_minutes = sorted(re.findall(r"^- (.+?): ", written, re.M))
        recorded = sorted(
            a.owner.person.full_name if a.owner else "De trekker"
            for a in Agreement.objects.filter(meeting=meeting).select_related("owner__person")
        )
        assert in_minutes == recorded, meeting


def test_signals_under_ontheffingen_are_about_exemptions(demo):
    under = Signal.objects.filter(theme__title="Ontheffingen")
    assert under.exists()
    for signal in under:
        assert "ontheffing" in f"{signal.title} {signal.description}".lower(), signal.title


def test_picks_from_an_earlier_question_come_from_its_answers(demo):
    for answer in Answer.objects.filter(question__kind="pick_from").select_related("question")[
        :200
    ]:
        assert Answer.objects.filter(
            response_id=answer.response_id,
            question_id=answer.question.source_question_id,
            option_id=answer.option_id,
        ).exists()


def test_the_monitor_knowledge_page_products_and_newsletter_are_filled(demo, client):
    client.force_login(User.objects.get(email=LOGINS["coordinator"]))
    for name in ("evaluation:programme_monitor", "dissemination:knowledge"):
        assert client.get(reverse(name, args=[INBURGERING_SLUG])).status_code == 200
    assert Product.objects.filter(shareable=True).exists()
    assert NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT).exists()
    assert Observation.objects.exclude(prefill={}).count() >= 3
    assert ChangeStory.objects.filter(selected=True, shareable=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_demo_is_the_same_every_time():
    today = datetime.date(2024, 3, 1)
    demo_build(today=today)
    first = _counts()
    demo_reset()
    demo_build(today=today)
    assert _counts() == first
    demo_reset()


def test_the_demo_runs_a_monthly_open_session_and_a_public_knowledge_base(demo, client):
    from leerkring.events.models import Event, Registration
    from leerkring.publishing.models import Publication

    public = client.get(reverse("publishing:public_programme", args=[INBURGERING_SLUG]))
    assert public.status_code == 200
    page = public.content.decode()
    published = Publication.objects.filter(status=Publication.Status.PUBLISHED)
    assert published.count() >= 10
    assert published.first().title in page
    sessions = Event.objects.filter(kind=Event.Kind.KNOWLEDGE_SESSION, audience="public")
    assert sessions.count() >= 8
    upcoming = sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    assert upcoming[0].title in page
    # The next session is full and has a waiting list; held ones have a recording.
    assert upcoming[0].registrations.filter(status=Registration.Status.WAITLISTED).exists()
    assert sessions.filter(recording__isnull=False).exists()
    assert Publication.objects.filter(status=Publication.Status.PROPOSED).exists()


def test_the_demo_network_is_for_leads_and_facilitators(demo, client):
    from leerkring.network.models import Network

    network = Network.objects.get()
    client.force_login(User.objects.get(email=LOGINS["lead"]))
    page = client.get(reverse("network:network", args=[network.pk])).content.decode()
    assert "Rolverdeling trekker en procesbegeleider" in page
    client.force_login(User.objects.get(email=LOGINS["coordinator"]))
    page = client.get(reverse("network:network", args=[network.pk])).content.decode()
    assert "Rolverdeling trekker en procesbegeleider" not in page
