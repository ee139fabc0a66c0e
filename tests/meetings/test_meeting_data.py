"""The demo meeting histories and the meetings of the synthetic national network."""

import datetime
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation

from leerkring.communities.demo_data import LOGINS, demo_build, demo_reset
from leerkring.communities.models import Community, Membership
from leerkring.communities.synthetic import synth_build
from leerkring.meetings import synthetic as meeting_synthetic
from leerkring.meetings.models import (
    AgendaItem,
    Agreement,
    AgreementStatusChange,
    Attendance,
    Guest,
    Lesson,
    Meeting,
    Message,
    Rsvp,
    Thread,
)
from leerkring.meetings.topics import SUBTOPICS, TopicCategory
from leerkring.signalling.models import Signal

TODAY = datetime.date(2025, 6, 4)
ROTATING = [
    "CoP Oost-Brabant",
    "CoP Foodvalley",
    "CoP Rijnmond",
    "CoP Fryslân",
    "CoP Midden-Limburg",
]


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo network, built once for the class below and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = demo_build(today=TODAY)
        yield counts
        transaction.set_rollback(True)


def _present(meeting_qs):
    return meeting_qs.annotate(
        present=Count("attendances", filter=Q(attendances__status=Attendance.Status.PRESENT))
    )


def _snapshot() -> dict:
    return {
        "meetings": list(
            Meeting.objects.order_by("community__name", "starts_at").values_list(
                "community__name",
                "starts_at",
                "ends_at",
                "title",
                "status",
                "format",
                "host_organisation__name",
                "ical_uid",
                "minutes",
            )
        ),
        "items": list(
            AgendaItem.objects.order_by("meeting__community__name", "meeting__starts_at", "position")
            .values_list("title", "work_form__key", "topic_category", "subtopic", "perspective")
        ),
        "attendance": sorted(
            Attendance.objects.values_list(
                "meeting__community__name", "meeting__starts_at", "membership__person__email",
                "status",
            )
        ),
        "agreements": sorted(
            Agreement.objects.values_list(
                "meeting__starts_at", "text", "owner__person__email", "status", "due_date"
            )
        ),
        "lessons": sorted(Lesson.objects.values_list("meeting__starts_at", "text", "shareable")),
        "signals": sorted(Signal.objects.values_list("raised_on", "title", "solution_level")),
        "rsvps": sorted(Rsvp.objects.values_list("membership__person__email", "answer")),
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoHistory:
    def test_every_demo_community_has_held_meetings_with_attendance_agenda_and_lessons(self):
        for community in Community.objects.all():
            held = Meeting.objects.filter(community=community, status=Meeting.Status.HELD)
            assert held.count() >= 10, community
            assert held.order_by("starts_at")[0].starts_at.date() >= datetime.date(2023, 1, 1)
            without_attendance = held.annotate(n=Count("attendances")).filter(n=0)
            assert not without_attendance.exists(), community
            without_agenda = held.annotate(n=Count("agenda_items")).filter(Q(n__lt=3) | Q(n__gt=5))
            assert not without_agenda.exists(), community
            assert Lesson.objects.filter(community=community).count() >= held.count(), community
            assert all(m.minutes.startswith("**Aanwezig:**") for m in held), community
            assert Signal.objects.filter(community=community).exists(), community
            assert Thread.objects.filter(community=community).exists(), community

    def test_every_demo_community_has_two_or_three_upcoming_meetings_with_answers(self):
        for community in Community.objects.all():
            upcoming = Meeting.objects.filter(
                community=community, status=Meeting.Status.PLANNED, starts_at__date__gt=TODAY
            )
            assert 2 <= upcoming.count() <= 3, community
            assert not Meeting.objects.filter(
                community=community, status=Meeting.Status.PLANNED, starts_at__date__lt=TODAY
            ).exists()
            first = upcoming.order_by("starts_at")[0]
            assert first.published_at is not None
            assert first.rsvps.exists(), community

    def test_meetings_follow_the_community_interval_and_last_two_to_four_hours(self):
        for community in Community.objects.select_related("programme__rule_profile"):
            starts = list(
                Meeting.objects.filter(community=community)
                .order_by("starts_at")
                .values_list("starts_at", flat=True)
            )
            gaps = [(b - a).days for a, b in zip(starts, starts[1:], strict=False)]
            interval = community.effective_meeting_interval_weeks * 7
            median = sorted(gaps)[len(gaps) // 2]
            assert interval - 7 <= median <= interval + 7, community
        durations = {m.duration_minutes for m in Meeting.objects.all()}
        assert min(durations) >= 120 and max(durations) <= 240

    def test_attendance_is_fifteen_to_twenty_five_with_the_reports_outliers(self):
        large = Community.objects.filter(programme__slug="inburgering").exclude(
            name__in=["CoP Zeeland", "CoP Gezinsmigranten"]
        )
        counts = list(
            _present(
                Meeting.objects.filter(community__in=large, status=Meeting.Status.HELD)
            ).values_list("present", flat=True)
        )
        typical = [n for n in counts if 15 <= n <= 25]
        assert len(typical) >= 0.85 * len(counts)
        assert 5 in counts and 37 in counts
        zeeland = _present(Meeting.objects.filter(community__name="CoP Zeeland", status="held"))
        assert max(m.present for m in zeeland) <= 10  # ten members, in proportion

    def test_hosts_rotate_in_the_five_communities_and_hart_van_brabant_meets_online_now_and_then(
        self,
    ):
        for name in ROTATING:
            hosts = Meeting.objects.filter(community__name=name).values("host_organisation")
            assert hosts.distinct().count() >= 5, name
        brabant = Meeting.objects.filter(community__name="CoP Hart van Brabant")
        online = brabant.filter(format=Meeting.Format.ONLINE)
        assert 0 < online.count() < brabant.count() / 2
        assert all(m.online_url.startswith("https://") for m in online)
        assert (
            not Meeting.objects.filter(community__name="CoP Zeeland")
            .exclude(format=Meeting.Format.PHYSICAL)
            .exists()
        )

    def test_agendas_use_the_catalogue_all_five_topic_categories_and_known_subtopics(self):
        items = AgendaItem.objects.exclude(topic_category="")
        assert set(items.values_list("topic_category", flat=True)) == set(TopicCategory.values)
        assert items.filter(work_form__isnull=True).count() == 0
        assert items.values("work_form__key").distinct().count() >= 8
        with translation.override(None):
            known = {str(subtopic) for subtopics in SUBTOPICS.values() for subtopic in subtopics}
        assert set(items.values_list("subtopic", flat=True)) <= known
        lookbacks = AgendaItem.objects.filter(is_lookback=True)
        assert lookbacks.exists() and not lookbacks.exclude(work_form__isnull=True).exists()

    def test_themes_follow_the_report(self):
        zeeland = AgendaItem.objects.filter(meeting__community__name="CoP Zeeland")
        assert zeeland.filter(subtopic="Mentale gezondheid").count() >= 5
        brabant = AgendaItem.objects.filter(meeting__community__name="CoP Hart van Brabant")
        assert brabant.filter(title__icontains="wegwijzer").count() >= 5
        klantmanagers = AgendaItem.objects.filter(meeting__community__name="CoP Klantmanagers")
        assert (
            klantmanagers.filter(work_form__key__in=["intervision", "case_discussion"]).count()
            >= 10
        )
        maatwerk = Meeting.objects.filter(community__name="CoP Gewogen Maatwerk", status="held")
        assert not maatwerk.filter(case_organisation__isnull=True).exists()
        assert maatwerk.values("case_organisation").distinct().count() >= 5

    def test_some_meetings_bring_in_the_perspective_of_the_inburgeraar(self):
        story = Meeting.objects.get(
            community__name="CoP Fryslân", agenda_items__perspective=AgendaItem.Perspective.STORY
        )
        assert story.host_organisation.type == "coa"
        assert story.guests.filter(role=Guest.Role.INBURGERAAR).count() == 1
        assert _present(Meeting.objects.filter(pk=story.pk))[0].present == 37
        brabant = AgendaItem.objects.filter(
            meeting__community__name="CoP Hart van Brabant",
            perspective=AgendaItem.Perspective.PARTICIPANT,
        )
        assert brabant.exists()
        assert Guest.objects.filter(
            meeting__community__name="CoP Hart van Brabant", role=Guest.Role.INBURGERAAR
        ).exists()
        others = AgendaItem.objects.filter(
            perspective__in=[AgendaItem.Perspective.INTERVIEW, AgendaItem.Perspective.FISHBOWL]
        )
        assert others.values("meeting__community").distinct().count() >= 5

    def test_outcomes_mix_lesson_kinds_and_agreement_states(self):
        assert Lesson.objects.filter(learning_order=Lesson.LearningOrder.SECOND).exists()
        assert Lesson.objects.filter(learning_order=Lesson.LearningOrder.FIRST).exists()
        assert 0 < Lesson.objects.filter(shareable=True).count() < Lesson.objects.count()
        statuses = set(Agreement.objects.values_list("status", flat=True))
        assert statuses == {"open", "done", "dropped"}
        overdue = Agreement.objects.filter(status="open", due_date__lt=TODAY).count()
        assert 0 < overdue < Agreement.objects.filter(status="done").count() / 5
        closed = Agreement.objects.exclude(status="open").count()
        assert AgreementStatusChange.objects.count() == closed
        owners_are_members = Agreement.objects.filter(owner__community=F("community"))
        assert owners_are_members.count() == Agreement.objects.count()
        assert Signal.objects.values("solution_level").distinct().count() == 3
        assert Message.objects.count() >= 2 * Thread.objects.count()

    def test_the_demo_logins_find_open_agreements_one_overdue(self):
        lead = Agreement.objects.filter(
            owner__person__email=LOGINS["lead"], status=Agreement.Status.OPEN
        )
        participant = Agreement.objects.filter(
            owner__person__email=LOGINS["participant"], status=Agreement.Status.OPEN
        )
        assert lead.exists()
        assert participant.filter(due_date__gt=TODAY).exists()
        assert participant.filter(due_date__lt=TODAY).exists()

    def test_attendance_is_only_for_members_on_the_day(self):
        for attendance in Attendance.objects.select_related("membership", "meeting")[:2000]:
            day = timezone.localtime(attendance.meeting.starts_at).date()
            membership: Membership = attendance.membership
            assert membership.community_id == attendance.meeting.community_id
            assert membership.joined_on <= day
            assert membership.left_on is None or membership.left_on > day

    def test_the_demo_history_is_the_same_every_time(self):
        first = _snapshot()
        with transaction.atomic():
            demo_reset()
            assert not Meeting.objects.exists()
            demo_build(today=TODAY)
            assert _snapshot() == first
            transaction.set_rollback(True)


def test_the_communities_app_does_not_import_meetings():
    """STYLE.md: `communities` is the core the others point to; the demo finds the meetings
    step through the app registry instead."""
    package = Path(__file__).resolve().parents[2] / "leerkring" / "communities"
    for path in package.rglob("*.py"):
        assert "leerkring.meetings" not in path.read_text(), path


# --- Synthetic network ----------------------------------------------------------------------


def _quiet(_message: str) -> None:
    pass


@pytest.mark.django_db
def test_synth_makes_the_designs_meeting_counts_at_any_scale():
    ctx = synth_build(seed=3, scale=0.01, out=_quiet)
    assert Meeting.objects.count() == ctx.counts["meetings"] == 200
    assert Attendance.objects.count() == ctx.counts["attendance"] == 3000
    assert Signal.objects.count() == ctx.counts["signals"] == 1000
    held = Meeting.objects.filter(status=Meeting.Status.HELD).count()
    assert held == ctx.counts["meetings_held"]
    assert 2.5 <= AgendaItem.objects.count() / Meeting.objects.count() <= 3.5
    assert 1 <= Lesson.objects.count() / held <= 2
    assert 1 <= Agreement.objects.count() / held <= 2
    for community in Community.objects.all():
        planned = Meeting.objects.filter(community=community, status=Meeting.Status.PLANNED)
        assert 2 <= planned.count() <= 3, community
        assert not planned.filter(starts_at__date__lte=meeting_synthetic.HELD_UNTIL).exists()


@pytest.mark.django_db
def test_synth_gives_the_benchmark_its_meetings():
    synth_build(seed=3, scale=0.05, out=_quiet)
    fryslan = Community.objects.get(programme__slug="inburgering", name="CoP Fryslân")
    assert fryslan.meetings.count() == 50
    big = Meeting.objects.annotate(n=Count("agenda_items")).order_by("-n")[0]
    assert big.community == fryslan and big.agenda_items.count() == 10
    assert big.attendances.filter(status=Attendance.Status.PRESENT).count() == 40
    person_seats = (
        Membership.objects.filter(left_on__isnull=True, agreements__isnull=False)
        .values("person")
        .annotate(communities=Count("community", distinct=True))
        .order_by("-communities")
    )
    assert person_seats[0]["communities"] >= 3


@pytest.mark.django_db
def test_synth_meetings_are_the_same_from_the_same_seed():
    def snapshot():
        return (
            list(Meeting.objects.order_by("pk").values_list("starts_at", "status", "ical_uid")),
            sorted(
                Attendance.objects.values_list(
                    "meeting__starts_at", "membership__person__email", "status"
                )
            ),
        )

    with transaction.atomic():
        synth_build(seed=4, scale=0.005, out=_quiet)
        first = snapshot()
        transaction.set_rollback(True)
    synth_build(seed=4, scale=0.005, out=_quiet)
    assert snapshot() == first
