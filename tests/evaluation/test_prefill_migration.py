"""Migration 0003 cleans the pre-filled part of observations stored before: no agenda titles,
no "geleid door <name>", no organisation or signal names — counts and kinds only."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from leerkring.communities.models import Organisation
from leerkring.evaluation.models import Observation
from tests import factories
from tests.evaluation.fieldwork_helpers import held_meeting

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "leerkring.evaluation.migrations.0003_clean_observation_prefill"
)

OLD = {
    "taken_at": "2024-03-12T10:00:00+00:00",
    "attendance": {
        "members": 4,
        "present": 2,
        "absent": 1,
        "excused": 1,
        "not_recorded": 0,
        "recorded": True,
        "organisations_present": ["COA Winterswijk", "Gemeente Aalten"],
        "organisations_absent": ["Gemeente Terneuzen"],
        "guests": 1,
    },
    "guidance": {
        "agenda_published": True,
        "items": [
            {"title": "Casus van mevrouw", "led_by": "Anna Jansen", "minutes": 30},
            {"title": "Afsluiting", "led_by": "", "minutes": 10},
        ],
    },
    "work_forms": {
        "items": [{"title": "Casus van mevrouw", "work_form": "Casusbespreking", "minutes": 30}],
        "work_forms": [{"name": "Casusbespreking", "minutes": 30}],
        "guests": [{"role": "Inburgeraar", "count": 1}],
    },
    "perspective": {
        "on_agenda": True,
        "items": [{"title": "Casus van mevrouw", "how": "Verhaal van een inburgeraar"}],
        "guests": [],
    },
    "topics": {
        "categories": [
            {"key": "procedures", "label": "Procedures", "minutes": 30,
             "items": [{"title": "Casus van mevrouw", "subtopic": "Wachttijden", "minutes": 30}]}
        ],
        "uncategorised": [{"title": "Afsluiting", "minutes": 10}],
    },
    "signals": {"passed_on": [{"title": "Wachttijd bij Gemeente Terneuzen", "state": "Nieuw"}],
                "kept_in_community": 2},
}  # fmt: skip


def test_stored_snapshots_keep_only_counts_and_kinds(world):
    factories.OrganisationFactory(name="COA Winterswijk", type=Organisation.Type.COA)
    factories.OrganisationFactory(name="Gemeente Aalten", type=Organisation.Type.MUNICIPALITY)
    observation = factories.ObservationFactory(meeting=held_meeting(world.community), prefill=OLD)

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice changes nothing more

    cleaned = Observation.objects.get(pk=observation.pk).prefill
    text = str(cleaned)
    for name in ("Anna Jansen", "Gemeente Terneuzen", "COA Winterswijk", "Gemeente Aalten",
                 "Casus van mevrouw", "Afsluiting", "Wachttijden"):  # fmt: skip
        assert name not in text, name
    attendance = cleaned["attendance"]
    assert sorted(attendance["organisation_types_present"], key=lambda t: t["type"]) == [
        {"type": "COA", "count": 1},
        {"type": "Gemeente", "count": 1},
    ]
    assert (attendance["organisations_present"], attendance["organisations"]) == (2, 3)
    assert (attendance["present"], attendance["members"]) == (2, 4)
    assert cleaned["guidance"] == {"agenda_published": True, "items": 2, "items_led": 1}
    assert cleaned["work_forms"]["items"] == 1
    assert cleaned["work_forms"]["work_forms"] == [{"name": "Casusbespreking", "minutes": 30}]
    assert cleaned["perspective"]["ways"] == [{"how": "Verhaal van een inburgeraar", "count": 1}]
    assert cleaned["topics"]["categories"][0]["items"] == 1
    assert cleaned["topics"]["uncategorised"] == 1
    assert cleaned["signals"] == {"passed_on": 1, "kept_in_community": 2}


def test_a_new_snapshot_is_left_as_it_is(world):
    from leerkring.evaluation.prefill import meeting_prefill

    meeting = held_meeting(world.community)
    snapshot = meeting_prefill(meeting)
    observation = factories.ObservationFactory(meeting=meeting, prefill=snapshot)
    migration.forwards(apps, None)
    assert Observation.objects.get(pk=observation.pk).prefill == snapshot
