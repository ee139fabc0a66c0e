"""The CoP monitor's checks (issue "Evaluation and monitor" §3): each one on communities built
to pass, warn and fail it, at its thresholds, and "Onbekend" when there is no data.

Thresholds are set small on the rule profile so a few rows reach each boundary.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkring.communities.forms import RuleProfileForm
from leerkring.communities.models import Community, Membership, Organisation, RuleProfile
from leerkring.evaluation import monitor, selectors
from leerkring.meetings.models import AgendaItem, Agreement, Attendance, Lesson, Meeting
from leerkring.signalling.models import Signal, SignalEvent
from leerkring.surveys.models import AgreementScale, Answer, Question, Response
from tests import factories

pytestmark = pytest.mark.django_db

GREEN, ORANGE, RED, UNKNOWN, NO_NORM = "green", "orange", "red", "unknown", "none"
LONG_AGO = datetime.date(2020, 1, 1)


@pytest.fixture
def programme():
    return factories.ProgrammeFactory()


@pytest.fixture
def rules(programme) -> RuleProfile:
    return programme.rule_profile


@pytest.fixture
def community(programme):
    return factories.CommunityFactory(programme=programme, start_date=LONG_AGO)


def set_rules(rules: RuleProfile, **values) -> None:
    for name, value in values.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()


def checks_of(community: Community) -> dict[str, monitor.Check]:
    return {check.key: check for check in selectors.community_monitor(community=community)}


def status_of(community: Community, key: str) -> str:
    return checks_of(community)[key].status


def member(community, *, org=None, role=Membership.Role.PARTICIPANT, **kwargs) -> Membership:
    kwargs.setdefault("joined_on", LONG_AGO)
    if org is not None:
        person = factories.PersonFactory(organisation=org)
        return factories.MembershipFactory(
            community=community, person=person, organisation=org, role=role, **kwargs
        )
    return factories.MembershipFactory(community=community, role=role, **kwargs)


def members(community, n: int, **kwargs) -> list[Membership]:
    return [member(community, **kwargs) for _ in range(n)]


def held(community, days_ago: float, **kwargs) -> Meeting:
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    return factories.MeetingFactory(
        community=community,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        status=Meeting.Status.HELD,
        **kwargs,
    )


# --- Members -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, RED), (2, ORANGE), (3, GREEN), (5, GREEN), (6, ORANGE), (7, RED)],
)
def test_members_are_held_to_the_minimum_and_maximum_with_a_margin(
    rules, community, count, expected
):
    set_rules(rules, members_min=3, members_target=4, members_max=5, monitor_members_margin=1)
    members(community, count)
    check = checks_of(community)["members"]
    assert check.status == expected
    assert check.norm == "3 tot 5, streven 4"
    assert check.source == "Rapport §5.1.1"
    assert check.reason


def test_members_that_left_do_not_count(rules, community):
    set_rules(rules, members_min=3, members_target=None, members_max=5, monitor_members_margin=0)
    members(community, 3)
    member(community, left_on=timezone.localdate() - datetime.timedelta(days=1))
    assert checks_of(community)["members"].value == "3 leden"


def test_members_without_a_norm_are_not_judged(rules, community):
    set_rules(rules, members_min=None, members_target=None, members_max=None)
    assert status_of(community, "members") == NO_NORM


# --- Organisations -------------------------------------------------------------------------


@pytest.mark.parametrize(("organisations", "expected"), [(1, RED), (2, ORANGE), (3, GREEN)])
def test_the_number_of_organisations_meets_the_minimum(rules, community, organisations, expected):
    set_rules(rules, organisations_min=3, monitor_organisations_margin=1)
    for _ in range(organisations):
        org = factories.OrganisationFactory()
        members(community, 2, org=org)
    assert status_of(community, "organisations") == expected


@pytest.mark.parametrize(
    ("required", "present", "expected"),
    [
        (["municipality", "coa"], ["municipality", "coa"], GREEN),
        (["municipality", "coa", "language_provider"], ["municipality", "coa"], ORANGE),
        (["municipality", "coa", "language_provider"], ["municipality", "social_support"], RED),
        ([], ["municipality", "government"], RED),  # no executing organisation: no mix
    ],
)
def test_the_organisation_mix_has_the_required_types(rules, community, required, present, expected):
    set_rules(rules, required_organisation_types=required, mix_municipality_and_executing=True)
    for kind in present:
        member(community, org=factories.OrganisationFactory(type=kind))
    check = checks_of(community)["organisation_mix"]
    assert check.status == expected
    if expected == ORANGE:
        assert "Taalaanbieder" in check.reason


def test_the_mix_without_required_types_or_mix_rule_has_no_norm(rules, community):
    set_rules(rules, required_organisation_types=[], mix_municipality_and_executing=False)
    member(community)
    assert status_of(community, "organisation_mix") == NO_NORM


# --- Lead and facilitator ------------------------------------------------------------------

R = Membership.Role


@pytest.mark.parametrize(
    ("roles", "required", "expected"),
    [
        ([R.LEAD, R.FACILITATOR], 1, GREEN),
        ([R.LEAD, R.FACILITATOR], 2, ORANGE),
        ([R.LEAD, R.FACILITATOR, R.FACILITATOR], 2, GREEN),
        ([R.LEAD_FACILITATOR], 1, ORANGE),
        ([R.LEAD], 1, RED),
        ([R.FACILITATOR, R.PARTICIPANT], 1, RED),
    ],
)
def test_lead_and_facilitator_are_in_place_and_different_people(
    rules, community, roles, required, expected
):
    set_rules(rules, facilitators_required=required, lead_facilitator_separate=True)
    for role in roles:
        member(community, role=role)
    assert status_of(community, "guidance") == expected


def test_one_person_in_both_roles_is_fine_where_the_rules_allow_it(rules, community):
    set_rules(rules, facilitators_required=1, lead_facilitator_separate=False)
    member(community, role=R.LEAD_FACILITATOR)
    assert status_of(community, "guidance") == GREEN


# --- Meeting rhythm ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"), [(1, RED), (2, ORANGE), (3, GREEN), (4, GREEN), (5, ORANGE), (6, RED)]
)
def test_the_rhythm_counts_held_meetings_of_the_last_twelve_months(
    rules, community, count, expected
):
    set_rules(rules, meetings_per_year_min=3, meetings_per_year_max=4, monitor_meetings_margin=1)
    for i in range(count):
        held(community, 10 + 50 * i)
    held(community, 400)  # more than a year ago
    factories.MeetingFactory(community=community)  # planned
    cancelled = held(community, 5)
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()
    assert status_of(community, "rhythm") == expected


def test_the_rhythm_of_a_new_community_is_scaled_to_its_months(rules, programme):
    set_rules(rules, meetings_per_year_min=6, meetings_per_year_max=8, monitor_meetings_margin=0)
    young = factories.CommunityFactory(
        programme=programme, start_date=timezone.localdate() - datetime.timedelta(days=122)
    )
    held(young, 30)
    held(young, 90)  # 6 × 122/365 → at least 2
    check = checks_of(young)["rhythm"]
    assert check.status == GREEN
    assert "sinds de start" in check.norm


def test_the_rhythm_of_a_community_just_started_is_unknown(rules, programme):
    young = factories.CommunityFactory(
        programme=programme, start_date=timezone.localdate() - datetime.timedelta(days=20)
    )
    assert status_of(young, "rhythm") == UNKNOWN


# --- Physical meetings ---------------------------------------------------------------------


@pytest.mark.parametrize(("physical", "expected"), [(3, GREEN), (2, ORANGE), (1, RED)])
def test_the_share_of_physical_meetings(rules, community, physical, expected):
    set_rules(rules, physical_meetings=True, monitor_physical_green=75, monitor_physical_red=50)
    for i in range(4):
        fmt = Meeting.Format.PHYSICAL if i < physical else Meeting.Format.ONLINE
        held(community, 10 + 30 * i, format=fmt, online_url="https://example.nl/meet")
    check = checks_of(community)["physical"]
    assert check.status == expected
    assert check.short == f"{physical * 25}%"


def test_the_physical_share_is_not_judged_when_the_rules_do_not_ask_for_it(rules, community):
    set_rules(rules, physical_meetings=False)
    held(community, 10, format=Meeting.Format.ONLINE, online_url="https://example.nl/meet")
    assert status_of(community, "physical") == NO_NORM


# --- Attendance and turnover ---------------------------------------------------------------


def _attend(meeting, memberships, present: int) -> None:
    for i, membership in enumerate(memberships):
        status = Attendance.Status.PRESENT if i < present else Attendance.Status.ABSENT
        Attendance.objects.create(meeting=meeting, membership=membership, status=status)


@pytest.mark.parametrize(("present", "expected"), [(7, GREEN), (6, ORANGE), (5, ORANGE), (4, RED)])
def test_attendance_continuity_is_the_mean_rate_of_recent_meetings(
    rules, community, present, expected
):
    set_rules(rules, monitor_attendance_green=70, monitor_attendance_red=50)
    seats = members(community, 10)
    _attend(held(community, 10), seats, present)
    _attend(held(community, 20), seats, present)
    check = checks_of(community)["attendance"]
    assert check.status == expected
    assert check.short == f"{present * 10}%"


def test_attendance_looks_at_the_last_six_held_meetings_only(rules, community):
    set_rules(rules, monitor_attendance_green=70, monitor_attendance_red=50)
    seats = members(community, 4)
    for i in range(6):
        _attend(held(community, 10 + i * 7), seats, 4)
    _attend(held(community, 100), seats, 0)  # the seventh: left out
    assert checks_of(community)["attendance"].short == "100%"


def test_attendance_counts_members_on_the_meeting_day(rules, community):
    set_rules(rules, monitor_attendance_green=70, monitor_attendance_red=50)
    seats = members(community, 2)
    meeting = held(community, 20)
    _attend(meeting, seats, 2)
    members(community, 2, joined_on=timezone.localdate() - datetime.timedelta(days=5))
    assert checks_of(community)["attendance"].short == "100%"


@pytest.mark.parametrize(("ended", "expected"), [(1, GREEN), (2, ORANGE), (3, RED)])
def test_turnover_counts_leavers_and_handovers_of_the_last_year(rules, community, ended, expected):
    set_rules(rules, monitor_turnover_orange=25, monitor_turnover_red=50)
    members(community, 4)
    recently = timezone.localdate() - datetime.timedelta(days=30)
    for i in range(ended):
        reason = Membership.LeftReason.HANDOVER if i == 0 else Membership.LeftReason.LEFT
        member(community, left_on=recently, left_reason=reason)
    member(community, left_on=timezone.localdate() - datetime.timedelta(days=400))
    check = checks_of(community)["turnover"]
    assert check.status == expected
    assert "waarvan 1 overgedragen" in check.value


# --- Perspective of the inburgeraar --------------------------------------------------------


def _meetings_with_perspective_at(community, count: int, at: int | None) -> None:
    """`count` held meetings, newest first; the one at index `at` has a perspective."""
    for i in range(count):
        meeting = held(community, 10 + 20 * i)
        AgendaItem.objects.create(
            meeting=meeting,
            title="Casus",
            perspective=AgendaItem.Perspective.STORY if i == at else "",
        )


@pytest.mark.parametrize(
    ("at", "expected"), [(0, GREEN), (2, GREEN), (3, ORANGE), (5, ORANGE), (None, RED)]
)
def test_the_perspective_is_on_one_of_the_last_meetings(rules, community, at, expected):
    set_rules(rules, monitor_perspective_meetings=3)
    _meetings_with_perspective_at(community, 7, at)
    assert status_of(community, "perspective") == expected


def test_the_perspective_is_not_required_without_a_number_of_meetings(rules, community):
    set_rules(rules, monitor_perspective_meetings=None)
    _meetings_with_perspective_at(community, 3, None)
    assert status_of(community, "perspective") == NO_NORM


# --- Lessons and agreements ----------------------------------------------------------------


@pytest.mark.parametrize(("lessons", "expected"), [(2, GREEN), (1, ORANGE), (0, RED)])
def test_lessons_are_recorded_per_held_meeting(rules, community, lessons, expected):
    set_rules(rules, monitor_lessons_green=Decimal("1.0"), monitor_lessons_red=Decimal("0.5"))
    first, second = held(community, 10), held(community, 40)
    for _ in range(lessons):
        Lesson.objects.create(meeting=first, community=community, text="Korte lijnen werken.")
    check = checks_of(community)["lessons"]
    assert check.status == expected
    assert second.pk


@pytest.mark.parametrize(("followed", "expected"), [(3, GREEN), (2, ORANGE), (1, RED)])
def test_agreements_past_their_date_are_followed_up(rules, community, followed, expected):
    set_rules(rules, monitor_agreements_green=75, monitor_agreements_red=50)
    meeting = held(community, 60)
    past = timezone.localdate() - datetime.timedelta(days=5)
    statuses = [Agreement.Status.DONE, Agreement.Status.DROPPED, Agreement.Status.DONE]
    for i in range(4):
        status = statuses[i] if i < followed else Agreement.Status.OPEN
        Agreement.objects.create(
            meeting=meeting, community=community, text="Bellen", due_date=past, status=status
        )
    # Not yet due: left out.
    Agreement.objects.create(
        meeting=meeting,
        community=community,
        text="Later",
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    check = checks_of(community)["agreements"]
    assert check.status == expected
    assert check.value.endswith(f"({followed} van 4)")


# --- Signals -------------------------------------------------------------------------------


def _signal(community, *, passed_days_ago: int, answered_after_days: float | None, **kw):
    passed = timezone.now() - datetime.timedelta(days=passed_days_ago)
    feedback = (
        passed + datetime.timedelta(days=answered_after_days)
        if answered_after_days is not None
        else None
    )
    return factories.SignalFactory(
        community=community,
        state=kw.pop("state", Signal.State.IN_PROGRESS),
        passed_on_at=passed,
        last_feedback_at=feedback,
        **kw,
    )


@pytest.mark.parametrize(("in_time", "expected"), [(4, GREEN), (3, ORANGE), (2, RED)])
def test_signals_are_answered_within_the_deadline(rules, community, in_time, expected):
    set_rules(rules, signal_feedback_days=42, monitor_signals_green=80, monitor_signals_red=50)
    answers = [42, 10, 41.9, 1]  # exactly at the deadline still counts
    for i in range(5):
        _signal(
            community,
            passed_days_ago=60,
            answered_after_days=answers[i] if i < in_time else (50 if i == 4 else None),
        )
    _signal(community, passed_days_ago=10, answered_after_days=None)  # deadline not passed
    _signal(community, passed_days_ago=60, answered_after_days=None, state=Signal.State.DRAFT)
    check = checks_of(community)["signals"]
    assert check.status == expected
    assert check.value.endswith(f"({in_time} van 5)")


def test_a_first_answer_in_time_counts_even_when_a_later_update_came_late(rules, community):
    set_rules(rules, signal_feedback_days=42, monitor_signals_green=80, monitor_signals_red=50)
    signal = _signal(community, passed_days_ago=100, answered_after_days=70)
    event = SignalEvent.objects.create(signal=signal, kind=SignalEvent.Kind.RESPONSE, note="Eerst")
    SignalEvent.objects.filter(pk=event.pk).update(
        created_at=signal.passed_on_at + datetime.timedelta(days=7)
    )
    assert status_of(community, "signals") == GREEN


# --- Survey satisfaction -------------------------------------------------------------------


def _question(programme, *, code: str = "V13") -> Question:
    """A matrix question the rule profile may name (it refuses codes the monitor cannot judge)."""
    question = factories.QuestionFactory(
        questionnaire=factories.QuestionnaireFactory(programme=programme),
        code=code,
        kind=Question.Kind.MATRIX,
    )
    factories.StatementFactory(question=question)
    return question


def _survey(programme, community, *, responses: int, positive: int, code: str = "V13"):
    question = _question(programme, code=code)
    statement = question.statements.get()
    wave = factories.WaveFactory(questionnaire=question.questionnaire, title="Meting mei")
    for i in range(responses):
        response = Response.objects.create(wave=wave, community=community)
        value = AgreementScale.AGREE if i < positive else AgreementScale.DISAGREE
        Answer.objects.create(
            response=response,
            question=question,
            statement=statement,
            community=community,
            scale_value=value,
        )
    return wave


@pytest.mark.parametrize(("positive", "expected"), [(7, GREEN), (5, ORANGE), (4, RED)])
def test_satisfaction_is_the_share_agreeing_in_the_latest_wave(
    rules, programme, community, positive, expected
):
    _survey(programme, community, responses=10, positive=positive)
    set_rules(
        rules,
        monitor_satisfaction_question="V13",
        monitor_satisfaction_green=70,
        monitor_satisfaction_red=50,
    )
    check = checks_of(community)["satisfaction"]
    assert check.status == expected
    assert check.short == f"{positive * 10}%"
    assert "Meting mei" in check.value


def test_satisfaction_of_a_group_too_small_to_show_stays_unknown(rules, programme, community):
    _survey(programme, community, responses=4, positive=4)
    set_rules(rules, monitor_satisfaction_question="V13", survey_min_group_size=5)
    check = checks_of(community)["satisfaction"]
    assert check.status == UNKNOWN
    assert check.value == ""


def test_satisfaction_is_unknown_without_a_question_named(rules, programme, community):
    set_rules(rules, monitor_satisfaction_question="")
    _survey(programme, community, responses=10, positive=10)
    assert status_of(community, "satisfaction") == UNKNOWN


# --- No data -------------------------------------------------------------------------------


def test_a_community_without_data_is_unknown_where_nothing_can_be_measured(
    rules, programme, community
):
    _question(programme)
    set_rules(rules, monitor_satisfaction_question="V13")
    checks = checks_of(community)
    for key in ("physical", "attendance", "turnover", "perspective", "lessons", "agreements"):
        assert checks[key].status == UNKNOWN, key
        assert checks[key].label == "Onbekend"
    assert checks["signals"].status == UNKNOWN
    assert checks["satisfaction"].status == UNKNOWN


def test_every_check_says_its_value_norm_reason_and_source(rules, community):
    members(community, 4)
    checks = selectors.community_monitor(community=community)
    assert [c.key for c in checks] == monitor.CHECK_KEYS
    for check in checks:
        assert check.reason and check.source.startswith("Rapport §"), check.key
        assert check.label in {"Voldoet", "Let op", "Voldoet niet", "Onbekend", "Geen eis"}


# --- Thresholds on the rule profile --------------------------------------------------------


def _form_data(rules: RuleProfile, **overrides) -> dict:
    form = RuleProfileForm(instance=rules)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None or value is False:
            continue
        data[name] = value if not isinstance(value, bool) else "on"
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"monitor_attendance_green": "50", "monitor_attendance_red": "70"},
            "monitor_attendance_red",
        ),
        ({"monitor_lessons_green": "0.5", "monitor_lessons_red": "1.0"}, "monitor_lessons_red"),
        ({"monitor_signals_green": "60", "monitor_signals_red": "61"}, "monitor_signals_red"),
        ({"monitor_turnover_orange": "60", "monitor_turnover_red": "40"}, "monitor_turnover_red"),
        ({"members_min": "20", "members_max": "10"}, "members_max"),
        ({"members_min": "10", "members_target": "8"}, "members_target"),
        ({"monitor_physical_green": "101"}, "monitor_physical_green"),
    ],
)
def test_the_rule_profile_form_refuses_contradicting_thresholds(rules, overrides, field):
    form = RuleProfileForm(_form_data(rules, **overrides), instance=rules)
    assert not form.is_valid()
    assert field in form.errors, form.errors
    rules.refresh_from_db()
    assert rules.monitor_attendance_red == 50


def test_the_rule_profile_form_accepts_equal_thresholds(rules):
    data = _form_data(rules, monitor_attendance_green="60", monitor_attendance_red="60")
    form = RuleProfileForm(data, instance=rules)
    assert form.is_valid(), form.errors


def test_the_monitor_thresholds_have_their_own_section_on_the_rule_page():
    titles = [str(title) for title, _fields in RuleProfileForm.SECTIONS]
    assert "Grenzen van de CoP-monitor" in titles
    fields = dict((str(t), f) for t, f in RuleProfileForm.SECTIONS)["Grenzen van de CoP-monitor"]
    assert "monitor_attendance_green" in fields and "monitor_satisfaction_question" in fields


def test_the_inburgering_preset_asks_for_the_perspective(rules):
    assert rules.monitor_perspective_meetings == 3


# --- Many communities at once --------------------------------------------------------------


def _network(programme, size: int) -> None:
    for i in range(size):
        community = factories.CommunityFactory(programme=programme, start_date=LONG_AGO)
        seats = [
            member(community, role=R.LEAD),
            member(community, role=R.FACILITATOR),
            *members(community, 2),
        ]
        meeting = held(community, 10 + i)
        _attend(meeting, seats, 3)
        AgendaItem.objects.create(meeting=meeting, title="Casus", perspective="story")
        Lesson.objects.create(meeting=meeting, community=community, text="Les")
        Agreement.objects.create(
            meeting=meeting,
            community=community,
            text="Bellen",
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
        _signal(community, passed_days_ago=60, answered_after_days=3)


def _matrix_queries(programme) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.programme_monitor(programme=programme)
    return len(rows), len(captured.captured_queries)


def test_the_matrix_takes_the_same_number_of_queries_for_3_and_30_communities(rules):
    _question(rules.programme)
    set_rules(rules, monitor_satisfaction_question="V13")
    small, large = factories.ProgrammeFactory(), factories.ProgrammeFactory()
    for programme in (small, large):
        _question(programme)
        set_rules(programme.rule_profile, monitor_satisfaction_question="V13")
    _network(small, 3)
    _network(large, 30)
    small_rows, small_queries = _matrix_queries(small)
    large_rows, large_queries = _matrix_queries(large)
    assert (small_rows, large_rows) == (3, 30)
    assert small_queries == large_queries


def test_the_matrix_sorts_the_most_reds_first_and_filters_by_status(programme, rules):
    set_rules(rules, members_min=2, members_target=None, members_max=10, monitor_members_margin=0)
    fine = factories.CommunityFactory(programme=programme, name="A goed", start_date=LONG_AGO)
    member(fine, role=R.LEAD)
    member(fine, role=R.FACILITATOR)
    lonely = factories.CommunityFactory(programme=programme, name="B alleen", start_date=LONG_AGO)
    factories.CommunityFactory(programme=programme, name="C gestopt", status=Community.Status.ENDED)
    rows = selectors.programme_monitor(programme=programme)
    assert [row.community for row in rows] == [lonely, fine]
    assert rows[0].counts[RED] > rows[1].counts[RED]
    by_name = selectors.programme_monitor(programme=programme, sort="name")
    assert [row.community for row in by_name] == [fine, lonely]
    members_red = selectors.programme_monitor(programme=programme, status=RED, check="members")
    assert [row.community for row in members_red] == [lonely]
    assert Organisation.objects.exists()
