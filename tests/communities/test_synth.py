import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from leerkring.accounts.models import ProgrammeRole, User
from leerkring.communities import synthetic
from leerkring.communities.models import (
    FACILITATOR_ROLES,
    LEAD_ROLES,
    Community,
    Membership,
    Organisation,
    Person,
    Programme,
)
from tests import factories


def _snapshot() -> dict:
    return {
        "communities": list(
            Community.objects.order_by("pk").values_list("name", "region", "scenario")
        ),
        "organisations": list(Organisation.objects.order_by("pk").values_list("name", "type")),
        "people": list(
            Person.objects.order_by("pk").values_list("full_name", "email", "job_title")
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "community__name", "person__email", "role", "joined_on", "left_on"
            )
        ),
    }


def _quiet(_message: str) -> None:
    pass


@pytest.mark.django_db(transaction=False)
def test_it_builds_the_same_network_from_the_same_seed():
    with transaction.atomic():
        synthetic.synth_build(seed=7, scale=0.01, out=_quiet)
        first = _snapshot()
        transaction.set_rollback(True)
    synthetic.synth_build(seed=7, scale=0.01, out=_quiet)
    assert _snapshot() == first
    assert len(first["memberships"]) > 100


@pytest.mark.django_db
def test_a_different_seed_gives_different_people():
    with transaction.atomic():
        synthetic.synth_build(seed=7, scale=0.01, out=_quiet)
        first = _snapshot()["people"]
        transaction.set_rollback(True)
    synthetic.synth_build(seed=8, scale=0.01, out=_quiet)
    assert _snapshot()["people"] != first


@pytest.mark.django_db
def test_its_counts_follow_the_scale():
    ctx = synthetic.synth_build(seed=1, scale=0.05, out=_quiet)
    assert Programme.objects.count() == 3
    assert Community.objects.count() == 30 == ctx.counts["communities"]
    assert Organisation.objects.count() == 100
    assert Person.objects.count() == 750
    assert User.objects.count() == 750
    active = Membership.objects.active().count()
    assert 20 * 30 <= active <= 30 * 30  # about 25 per community (DESIGN.md §5)
    assert Membership.objects.filter(left_on__isnull=False).exists()
    assert Membership.objects.filter(predecessor__isnull=False).exists()
    assert Membership.objects.filter(shares_seat_with__isnull=False).exists()
    assert ProgrammeRole.objects.filter(role=ProgrammeRole.Role.COORDINATOR).count() >= 3


@pytest.mark.django_db
def test_every_community_has_its_lead_and_a_separate_facilitator():
    synthetic.synth_build(seed=1, scale=0.02, out=_quiet)
    for community in Community.objects.all():
        roles = list(
            Membership.objects.active().filter(community=community).values_list("role", "person_id")
        )
        leads = {person for role, person in roles if role in LEAD_ROLES}
        facilitators = {person for role, person in roles if role in FACILITATOR_ROLES}
        assert leads and facilitators, community
        if Membership.Role.LEAD_FACILITATOR not in {role for role, _ in roles}:
            assert not leads & facilitators, community


@pytest.mark.django_db
def test_the_largest_programme_has_a_community_of_forty_for_the_benchmark():
    synthetic.synth_build(seed=1, scale=0.005, out=_quiet)
    fryslan = Community.objects.get(programme__slug="inburgering", name="CoP Fryslân")
    assert Membership.objects.active().filter(community=fryslan).count() == 40


@pytest.mark.django_db
def test_the_command_refuses_a_database_with_data():
    factories.OrganisationFactory()
    with pytest.raises(CommandError, match="--flush"):
        call_command("synth", scale=0.005, stdout=_Sink())
    assert not Programme.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_empties_the_database_with_flush_and_prints_counts():
    factories.OrganisationFactory(name="Gemeente Weg")
    out = _Sink()
    call_command("synth", scale=0.005, flush=True, stdout=out)
    assert not Organisation.objects.filter(name="Gemeente Weg").exists()
    assert Community.objects.count() == 3
    assert "communities" in out.text and "Done in" in out.text


@pytest.mark.django_db
def test_steps_of_other_apps_run_after_the_core_steps():
    seen = []

    def later_step(ctx):
        seen.append((len(ctx.communities), len(ctx.memberships)))

    synthetic.synth_step(order=500)(later_step)
    try:
        synthetic.synth_build(seed=1, scale=0.005, out=_quiet)
    finally:
        synthetic._STEPS[:] = [s for s in synthetic._STEPS if s[2] is not later_step]
    assert seen and seen[0][0] == 3 and seen[0][1] > 40


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, message="", *args, **kwargs):
        self.text += message

    def flush(self):
        pass
