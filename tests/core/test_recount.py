"""`manage.py recount`: every kept figure counted again from the data after a change made
past the models, so an operator has one command after a restore or a bulk update by hand."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import DateTimeField, F

from leerkring.communities.models import Community, Programme
from leerkring.communities.synthetic import synth_build
from leerkring.core.kept_figures import kept_figures
from leerkring.dissemination.models import ProgrammeProductCount
from leerkring.events.models import Event
from leerkring.network.models import Network
from leerkring.publishing.models import Publication, PublicCount
from leerkring.signalling.models import (
    Signal,
    SignalThemeTally,
    SystemInboxTally,
    VensterTally,
)

pytestmark = pytest.mark.django_db

KEPT = {
    Community: ("kept_member_count", "kept_organisation_count", "kept_counts_until"),
    Programme: ("kept_community_counts",),
    Event: ("kept_confirmed", "kept_waitlisted", "kept_pending"),
    Network: ("kept_thread_count", "kept_member_count", "kept_members_until"),
    Publication: ("source_shared",),
    Signal: ("system_escalated_at", "system_answered"),
}
TABLES = (SignalThemeTally, SystemInboxTally, VensterTally, ProgrammeProductCount, PublicCount)


def _snapshot() -> dict:
    """Every kept figure, by owner; kept tables without their ids and the moments they were
    counted, which a recount renews."""
    kept = {
        model.__name__: sorted(model.objects.values_list("pk", *fields))
        for model, fields in KEPT.items()
    }
    for table in TABLES:
        fields = [
            f.attname
            for f in table._meta.concrete_fields
            if f.attname != "id" and not isinstance(f, DateTimeField)
        ]
        kept[table.__name__] = sorted(map(repr, table.objects.values_list(*fields)))
    return kept


@pytest.fixture
def network():
    synth_build(seed=7, scale=0.01, out=lambda _message: None)
    assert Event.objects.filter(kept_confirmed__gt=0).exists()
    assert Network.objects.filter(kept_thread_count__gt=0).exists()
    assert PublicCount.objects.exists() and SystemInboxTally.objects.exists()


def _spoil() -> None:
    """Changes made past the models, as a bulk update by hand or a partial restore would."""
    Community.objects.update(kept_member_count=F("kept_member_count") + 3)
    Programme.objects.update(kept_community_counts=None)
    Event.objects.update(kept_confirmed=999, kept_pending=7)
    Network.objects.update(kept_thread_count=0, kept_member_count=None)
    Publication.objects.update(source_shared=False)
    Signal.objects.filter(system_escalated_at__isnull=False).update(system_escalated_at=None)
    SystemInboxTally.objects.update(escalated=0)
    SignalThemeTally.objects.all().delete()
    VensterTally.objects.all().delete()
    ProgrammeProductCount.objects.update(shared=0)
    PublicCount.objects.all().delete()


def test_recount_restores_every_kept_figure_after_changes_past_the_models(network):
    kept = _snapshot()
    _spoil()
    assert _snapshot() != kept
    out = io.StringIO()
    call_command("recount", stdout=out)
    assert _snapshot() == kept
    assert all(f"{figure.key}: counted again" in out.getvalue() for figure in kept_figures())


def test_recount_of_one_figure_leaves_the_others(network):
    kept = _snapshot()
    Event.objects.update(kept_confirmed=999)
    Network.objects.update(kept_thread_count=0)
    call_command("recount", "seat_counts", stdout=io.StringIO())
    after = _snapshot()
    assert after["Event"] == kept["Event"]
    assert after["Network"] != kept["Network"]


def test_every_app_with_kept_figures_registers_them_and_unknown_names_are_refused():
    keys = {figure.key for figure in kept_figures()}
    assert {"member_counts", "venster_tallies", "public_counts", "seat_counts"} <= keys
    out = io.StringIO()
    call_command("recount", "--list", stdout=out)
    assert "venster_tallies: " in out.getvalue()
    with pytest.raises(CommandError, match="nope"):
        call_command("recount", "nope", stdout=io.StringIO())
