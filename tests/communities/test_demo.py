import io

import pytest
from django.core.management import call_command

from leerkring.accounts.models import ProgrammeRole, User
from leerkring.communities.demo_data import DEMO_PASSWORD, LOGINS
from leerkring.communities.models import (
    FACILITATOR_ROLES,
    LEAD_ROLES,
    Community,
    Membership,
    Organisation,
    Person,
    Programme,
)
from leerkring.core.models import AuditEvent

TWELVE = {
    "CoP Achterhoek",
    "CoP Amsterdam",
    "CoP Hart van Brabant",
    "CoP Oost-Brabant",
    "CoP Zeeland",
    "CoP Rijnmond",
    "CoP Noordoost Nederland",
    "CoP Midden-Limburg",
    "CoP Foodvalley",
    "CoP Fryslân",
    "CoP Klantmanagers",
    "CoP Gezinsmigranten",
}


def _demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Programme, Community, Organisation, Person, Membership, User, AuditEvent)
    }


@pytest.mark.django_db
def test_it_creates_the_twelve_communities_of_the_report_each_with_lead_and_facilitator():
    _demo()
    inburgering = Programme.objects.get(slug="inburgering")
    assert inburgering.rule_profile.preset == "inburgering"
    assert inburgering.coordinating_organisation == "Divosa"
    communities = Community.objects.filter(programme=inburgering)
    assert set(communities.values_list("name", flat=True)) == TWELVE
    for community in communities:
        active = Membership.objects.active().filter(community=community)
        leads = set(active.filter(role__in=LEAD_ROLES).values_list("person", flat=True))
        facilitators = set(
            active.filter(role__in=FACILITATOR_ROLES).values_list("person", flat=True)
        )
        assert len(leads) == 1 and len(facilitators) == 1, community
        assert not leads & facilitators, community
        assert community.start_date.year in (2022, 2023)
        assert community.theme and community.learning_question


@pytest.mark.django_db
def test_community_sizes_follow_the_report():
    _demo()

    def size(name):
        return Membership.objects.active().filter(community__name=name).count()

    assert 9 <= size("CoP Zeeland") <= 11
    assert size("CoP Fryslân") == 40
    assert 25 <= size("CoP Rijnmond") <= 30
    assert Community.objects.get(name="CoP Klantmanagers").scope == Community.Scope.NATIONAL
    assert Community.objects.get(name="CoP Gezinsmigranten").scope == Community.Scope.NATIONAL


@pytest.mark.django_db
def test_regional_communities_mix_municipalities_and_executing_organisations():
    _demo()
    types = set(
        Membership.objects.active()
        .filter(community__name="CoP Achterhoek")
        .values_list("organisation__type", flat=True)
    )
    assert {
        Organisation.Type.MUNICIPALITY,
        Organisation.Type.COA,
        Organisation.Type.LANGUAGE_PROVIDER,
        Organisation.Type.SOCIAL_SUPPORT,
    } <= types


@pytest.mark.django_db
def test_it_includes_handovers_a_shared_seat_and_the_other_programmes():
    _demo()
    assert Membership.objects.filter(left_reason=Membership.LeftReason.HANDOVER).count() >= 3
    assert Membership.objects.filter(predecessor__isnull=False).count() >= 3
    assert Membership.objects.filter(shares_seat_with__isnull=False).exists()
    sww = Programme.objects.get(rule_profile__preset="sww")
    for community in sww.communities.all():
        assert 5 <= Membership.objects.active().filter(community=community).count() <= 10
    maatwerk = Community.objects.get(programme__rule_profile__preset="gewogen_maatwerk")
    organisations = Organisation.objects.filter(memberships__community=maatwerk).distinct()
    assert organisations.filter(type=Organisation.Type.MUNICIPALITY).count() == 7
    assert organisations.filter(type=Organisation.Type.EDUCATION).exists()
    assert organisations.filter(type=Organisation.Type.KNOWLEDGE_INSTITUTE).exists()


@pytest.mark.django_db
def test_each_demo_login_has_its_role_and_the_known_password():
    output = _demo()
    for email in LOGINS.values():
        assert email in output
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    inburgering = Programme.objects.get(slug="inburgering")

    def programme_roles(key):
        return set(
            ProgrammeRole.objects.filter(
                person__email=LOGINS[key], programme=inburgering
            ).values_list("role", flat=True)
        )

    assert programme_roles("coordinator") == {"coordinator"}
    assert programme_roles("evaluator") == {"evaluator"}
    assert programme_roles("system_partner") == {"system_partner"}

    def community_role(key):
        return (
            Membership.objects.active()
            .get(person__email=LOGINS[key], community__name="CoP Achterhoek")
            .role
        )

    assert community_role("lead") == Membership.Role.LEAD
    assert community_role("facilitator") == Membership.Role.FACILITATOR
    assert community_role("participant") == Membership.Role.PARTICIPANT
    admin = User.objects.get(email=LOGINS["admin"])
    assert admin.is_superuser and admin.is_staff


@pytest.mark.django_db
def test_a_second_run_with_if_empty_changes_nothing_but_still_prints_the_logins():
    _demo("--if-empty")
    before = _counts()
    output = _demo("--if-empty")
    assert _counts() == before
    assert LOGINS["coordinator"] in output


@pytest.mark.django_db
def test_a_second_plain_run_does_not_duplicate():
    _demo()
    before = _counts()
    _demo()
    assert _counts() == before


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_another_programme_alone():
    Programme.objects.create(name="Eigen programma", slug="eigen")
    _demo("--if-empty")
    assert not Community.objects.exists()


@pytest.mark.django_db
def test_reset_loads_the_same_network_again():
    _demo()
    before = _counts()
    _demo("--reset")
    after = _counts()
    for model in ("Programme", "Community", "Organisation", "Person", "Membership", "User"):
        assert after[model] == before[model], model
