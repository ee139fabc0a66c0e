import datetime

import pytest
from django.utils import timezone

from leerkring.evaluation.models import ObservationQuestion, ObservationTemplate
from leerkring.evaluation.observation_schema import TEMPLATE, TEMPLATE_KEY
from leerkring.evaluation.prefill import (
    meeting_prefill,
    prefill_attendance,
    prefill_guidance,
    prefill_perspective,
    prefill_signals,
    prefill_topics,
    prefill_work_forms,
)
from tests import factories
from tests.evaluation.fieldwork_helpers import held_meeting, observed_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def observed(world):
    """A fresh community of the programme, so only the helper's members count."""
    return observed_meeting(factories.CommunityFactory(programme=world.programme))


def test_attendance_counts_members_of_the_meeting_day(observed):
    data = prefill_attendance(observed.meeting)
    assert data["members"] == 4
    assert (data["present"], data["absent"], data["excused"]) == (2, 1, 1)
    assert data["not_recorded"] == 0
    assert data["guests"] == 2


def test_attendance_gives_organisation_types_never_names(observed):
    """ "Afwezige organisaties: Taalschool Oost" named its only member: types and counts now."""
    data = prefill_attendance(observed.meeting)
    assert data["organisation_types_present"] == [
        {"type": "Gemeente", "count": 1},
        {"type": "COA", "count": 1},
    ]
    assert (data["organisations_present"], data["organisations"]) == (2, 3)
    assert "organisations_absent" not in data


def test_the_snapshot_holds_no_names_of_people_organisations_or_agenda_items(observed):
    snapshot = str(meeting_prefill(observed.meeting))
    for name in ("Anna Jansen", "Dr. Expert", "Samira", "De communitytrekker",
                 "De procesbegeleider"):  # fmt: skip
        assert name not in snapshot, name
    for organisation in ("Gemeente Aalten", "COA Winterswijk", "Taalschool Oost"):
        assert organisation not in snapshot, organisation
    for title in ("Kennismaking", "Casus wachttijden", "Afsluiting", "Wachttijd taalschool",
                  "Binnenskamers", "Regievoering"):  # fmt: skip
        assert title not in snapshot, title


def test_members_without_a_recorded_status_are_counted_as_not_recorded(world):
    meeting = held_meeting(world.community)
    data = prefill_attendance(meeting)
    # The world's participant, lead and facilitator joined 30 days ago.
    assert data["members"] == 3
    assert data["not_recorded"] == 3
    assert data["recorded"] is False


def test_work_forms_come_with_their_minutes_and_guests_by_role(observed):
    data = prefill_work_forms(observed.meeting)
    assert (data["items"], data["without_work_form"]) == (3, 1)
    assert {w["name"]: w["minutes"] for w in data["work_forms"]} == {
        "Bespreken in groepjes met plenaire terugkoppeling": 30,
        "Casusbespreking": 45,
    }
    assert {g["role"]: g["count"] for g in data["guests"]} == {
        "Deskundige / gastspreker": 1,
        "Inburgeraar": 1,
    }


def test_topics_are_grouped_by_the_reports_categories(observed):
    data = prefill_topics(observed.meeting)
    assert [(c["key"], c["minutes"], c["items"]) for c in data["categories"]] == [
        ("cooperation", 30, 1),
        ("procedures", 45, 1),
    ]
    assert data["uncategorised"] == 1


def test_perspective_says_whether_and_how_it_was_on_the_agenda(observed):
    data = prefill_perspective(observed.meeting)
    assert data["on_agenda"] is True
    assert data["ways"] == [{"how": "Verhaal van een inburgeraar", "count": 1}]
    assert data["guests"] == [{"role": "Inburgeraar", "count": 1}]


def test_perspective_missing_from_the_agenda_is_said(world):
    assert prefill_perspective(held_meeting(world.community))["on_agenda"] is False


def test_guidance_counts_the_parts_that_say_who_led_them(observed):
    data = prefill_guidance(observed.meeting)
    assert (data["items"], data["items_led"]) == (3, 2)
    assert data["agenda_published"] is False


def test_signals_are_counted(observed):
    assert prefill_signals(observed.meeting) == {"passed_on": 1, "kept_in_community": 1}


def test_the_snapshot_has_every_prefill_kind(observed):
    snapshot = meeting_prefill(observed.meeting)
    kinds = {value for value in ObservationQuestion.Prefill.values if value}
    assert kinds <= set(snapshot)


# The built-in schema (data migration) ---------------------------------------------------------


def test_the_builtin_schema_has_the_fifteen_questions_of_bijlage_4():
    template = ObservationTemplate.objects.get(programme=None, key=TEMPLATE_KEY)
    questions = list(template.questions.order_by("position"))
    assert [q.number for q in questions] == [str(n) for n in range(1, 16)]
    assert all(q.question and q.frame and q.measure for q in questions)
    wrapups = [q.number for q in questions if q.wrapup_question]
    assert wrapups == ["8", "9", "13", "14", "15"]
    prefills = {q.number: q.prefill for q in questions if q.prefill}
    assert prefills == {
        "1": "attendance",
        "3": "guidance",
        "4": "work_forms",
        "5": "perspective",
        "6": "topics",
        "11": "signals",
    }


def test_installing_the_schema_twice_changes_nothing():
    from leerkring.evaluation.models import Observation
    from leerkring.evaluation.observation_schema import template_install

    before = ObservationQuestion.objects.count()
    template_install(
        ObservationTemplate=ObservationTemplate, ObservationQuestion=ObservationQuestion
    )
    assert ObservationTemplate.objects.filter(key=TEMPLATE_KEY).count() == 1
    assert ObservationQuestion.objects.count() == before
    assert Observation.objects.count() == 0


def test_uninstalling_keeps_a_schema_observations_were_made_with(world):
    from leerkring.evaluation.models import Observation
    from leerkring.evaluation.observation_schema import template_install, template_uninstall

    models = {
        "ObservationTemplate": ObservationTemplate,
        "ObservationQuestion": ObservationQuestion,
    }
    factories.ObservationFactory(meeting__community=world.community)
    template_uninstall(**models, Observation=Observation)
    assert ObservationTemplate.objects.filter(key=TEMPLATE_KEY).exists()
    Observation.objects.all().delete()
    template_uninstall(**models, Observation=Observation)
    assert not ObservationTemplate.objects.filter(key=TEMPLATE_KEY).exists()
    template_install(**models)
    template = ObservationTemplate.objects.get(key=TEMPLATE_KEY)
    assert template.questions.count() == len(TEMPLATE["questions"])


def test_the_prefill_of_a_meeting_is_taken_at_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    observed = observed_meeting(factories.CommunityFactory(programme=world.programme))
    with django_assert_max_num_queries(8):
        meeting_prefill(observed.meeting)
    day = timezone.localtime(observed.meeting.starts_at).date()
    for _ in range(5):
        factories.MembershipFactory(
            community=observed.meeting.community, joined_on=day - datetime.timedelta(days=5)
        )
    with django_assert_max_num_queries(8):
        meeting_prefill(observed.meeting)
