"""The programme pages: the list of programmes, the overview of communities and the rule
profile. Coordinators and evaluators see each community's shape, never names (DESIGN.md §2)."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.communities.models import Community, Organisation, RuleProfile
from leerkring.core.models import AuditEvent
from tests import factories

FORBIDDEN = [
    "participant",
    "lead",
    "sibling_member",
    "system_partner",
    "other_coordinator",
    "nobody",
]


def overview_url(slug="inburgering", **params):
    url = reverse("communities:programme", args=[slug])
    return f"{url}?{urlencode(params)}" if params else url


def rules_url(slug="inburgering"):
    return reverse("communities:rule_profile_edit", args=[slug])


def names_in(body, *names):
    return [name for name in names if name in body]


# --- Programme list ------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_of_the_programme_list_to_sign_in(client, world):
    response = client.get(reverse("communities:programme_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("visitor", ["coordinator", "evaluator"])
def test_it_lists_only_the_programmes_a_coordinator_or_evaluator_holds(client, world, visitor):
    client.force_login(getattr(world, visitor))
    body = client.get(reverse("communities:programme_list")).content.decode()
    assert "CoP&#x27;s Inburgering" in body
    assert "Sociaal Werk in de Wijk" not in body


@pytest.mark.parametrize("visitor", ["participant", "system_partner", "nobody"])
def test_it_refuses_the_programme_list_to_people_without_a_programme_to_oversee(
    client, world, visitor
):
    client.force_login(getattr(world, visitor))
    assert client.get(reverse("communities:programme_list")).status_code == 403


# --- Programme overview: who may open it -------------------------------------------------------


def test_it_sends_an_anonymous_visitor_of_the_overview_to_sign_in(client, world):
    response = client.get(overview_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("visitor", FORBIDDEN)
def test_it_refuses_the_overview_to_everyone_but_coordinator_and_evaluator(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(overview_url()).status_code == 403


def test_it_answers_404_for_an_unknown_programme(client, world):
    client.force_login(world.coordinator)
    assert client.get(overview_url("bestaat-niet")).status_code == 404


@pytest.mark.parametrize("visitor", ["coordinator", "evaluator"])
def test_it_shows_the_shape_of_each_community_without_names(client, world, visitor):
    client.force_login(getattr(world, visitor))
    body = client.get(overview_url()).content.decode()
    assert "CoP Achterhoek" in body
    assert "CoP Zeeland" in body
    assert "SWW Utrecht" not in body
    # Achterhoek: participant, lead and facilitator, each from their own municipality.
    assert "Gemeente 3" in body
    assert not names_in(body, world.participant_m.person.full_name, world.lead_m.person.full_name)


def test_it_counts_members_and_organisations_and_the_type_mix(client, world):
    coa = factories.OrganisationFactory(name="COA Zutphen", type=Organisation.Type.COA)
    factories.MembershipFactory(
        community=world.community, organisation=coa, person__organisation=coa
    )
    factories.MembershipFactory(
        community=world.community, organisation=coa, person__organisation=coa
    )
    left = factories.MembershipFactory(community=world.community)
    left.left_on = left.joined_on
    left.save()
    client.force_login(world.coordinator)
    response = client.get(overview_url())
    row = next(c for c in response.context["page"].object_list if c.pk == world.community.pk)
    assert (row.member_count, row.organisation_count) == (5, 4)
    assert [(t.label, t.organisations, t.members) for t in row.type_mix] == [
        ("Gemeente", 3, 3),
        ("COA", 1, 2),
    ]


def test_it_offers_a_coordinator_the_programme_actions(client, world):
    client.force_login(world.coordinator)
    body = client.get(overview_url()).content.decode()
    assert reverse("communities:community_create", args=["inburgering"]) in body
    assert rules_url() in body
    assert reverse("accounts:programme_roles", args=["inburgering"]) in body


def test_it_does_not_offer_an_evaluator_the_coordinator_actions(client, world):
    client.force_login(world.evaluator)
    body = client.get(overview_url()).content.decode()
    assert reverse("communities:community_create", args=["inburgering"]) not in body
    assert rules_url() not in body


# --- Programme overview: filters, search, sort, pages ----------------------------------------


@pytest.fixture
def varied(world):
    """Three more communities in the programme that differ in every filterable way."""
    p = world.programme
    factories.CommunityFactory(
        programme=p,
        name="Landelijke CoP Werk",
        scope=Community.Scope.NATIONAL,
        region="",
        scenario=Community.Scenario.C,
        status=Community.Status.STARTING,
    )
    factories.CommunityFactory(
        programme=p,
        name="CoP Twente",
        region="Twente",
        scenario=Community.Scenario.A,
        phase=Community.Phase.DEVELOP,
        status=Community.Status.PAUSED,
    )
    big = factories.CommunityFactory(programme=p, name="CoP Groot", region="Twente")
    for _ in range(4):
        factories.MembershipFactory(community=big)
    return world


def listed(response):
    return [c.name for c in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"scope": "national"}, ["Landelijke CoP Werk"]),
        ({"scenario": "A"}, ["CoP Twente"]),
        ({"phase": "develop"}, ["CoP Twente"]),
        ({"status": "paused"}, ["CoP Twente"]),
        ({"region": "Twente"}, ["CoP Groot", "CoP Twente"]),
        ({"q": "zee"}, ["CoP Zeeland"]),
        ({"region": "Twente", "status": "active"}, ["CoP Groot"]),
    ],
)
def test_it_filters_the_overview_by_query_string(client, varied, params, expected):
    client.force_login(varied.coordinator)
    assert listed(client.get(overview_url(**params))) == expected


def test_it_ignores_a_filter_value_it_does_not_know(client, varied):
    client.force_login(varied.coordinator)
    response = client.get(overview_url(status="bestaat-niet", scope="national"))
    assert response.status_code == 200
    assert listed(response) == ["Landelijke CoP Werk"]


def test_it_sorts_by_members_both_ways_and_by_name_by_default(client, varied):
    client.force_login(varied.coordinator)
    assert listed(client.get(overview_url()))[:2] == ["CoP Achterhoek", "CoP Groot"]
    assert listed(client.get(overview_url(sort="-members")))[:2] == ["CoP Groot", "CoP Achterhoek"]
    assert listed(client.get(overview_url(sort="members")))[-2:] == ["CoP Achterhoek", "CoP Groot"]


def test_it_marks_the_sorted_column_for_screen_readers(client, varied):
    client.force_login(varied.coordinator)
    body = client.get(overview_url(sort="-members")).content.decode()
    assert 'aria-sort="descending"' in body
    assert "sort=members" in body  # the heading link now reverses the order


def test_it_shows_fifty_communities_a_page_and_keeps_filters_in_the_page_links(client, world):
    for n in range(55):
        factories.CommunityFactory(
            programme=world.programme, name=f"CoP Veluwe {n:02}", region="Veluwe"
        )
    client.force_login(world.coordinator)
    first = client.get(overview_url(region="Veluwe"))
    assert len(listed(first)) == 50
    assert "region=Veluwe&amp;page=2" in first.content.decode()
    second = client.get(overview_url(region="Veluwe", page=2))
    assert listed(second) == [f"CoP Veluwe {n}" for n in range(50, 55)]


def test_it_answers_an_htmx_filter_request_with_only_the_table(client, varied):
    client.force_login(varied.coordinator)
    response = client.get(overview_url(scope="national"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="programme-communities"' in body
    assert "Landelijke CoP Werk" in body


def _add_communities(programme, count):
    types = [Organisation.Type.MUNICIPALITY, Organisation.Type.COA, Organisation.Type.VOLUNTEER]
    for n in range(count):
        community = factories.CommunityFactory(programme=programme)
        for kind in types[: 1 + n % 3]:
            organisation = factories.OrganisationFactory(type=kind)
            factories.MembershipFactory(
                community=community, organisation=organisation, person__organisation=organisation
            )


def test_the_overview_costs_the_same_queries_for_3_and_30_communities(client, db):
    coordinator_role = factories.ProgrammeRoleFactory()
    programme = coordinator_role.programme
    client.force_login(coordinator_role.person.user)
    _add_communities(programme, 3)
    small = _queries_for_overview_of(client, programme)
    _add_communities(programme, 27)
    large = _queries_for_overview_of(client, programme)
    assert small == large


def _queries_for_overview_of(client, programme):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(overview_url(programme.slug))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == programme.communities.count()
    return len(queries)


# --- Rule profile ----------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_of_the_rule_profile_to_sign_in(client, world):
    response = client.get(rules_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("visitor", ["evaluator", *FORBIDDEN])
def test_it_lets_only_the_coordinator_edit_the_rule_profile(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(rules_url()).status_code == 403
    assert client.post(rules_url(), {"meeting_interval_weeks": 3}).status_code == 403


def rule_data(**overrides):
    data = {
        "preset": "inburgering",
        "members_min": "10",
        "members_target": "20",
        "members_max": "40",
        "organisations_min": "5",
        "required_organisation_types": ["municipality", "coa"],
        "mix_municipality_and_executing": "on",
        "meetings_per_year_min": "6",
        "meetings_per_year_max": "8",
        "meeting_interval_weeks": "6",
        "meeting_hours_min": "2",
        "meeting_hours_max": "3.5",
        "physical_meetings": "on",
        "facilitators_required": "1",
        "lead_facilitator_separate": "on",
        "signal_feedback_days": "42",
        "survey_min_group_size": "5",
        "notes": "Eigen afspraken",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_coordinator_saves_the_rule_profile_and_it_is_audited(client, world):
    client.force_login(world.coordinator)
    response = client.post(rules_url(), rule_data())
    assert response.status_code == 302
    profile = RuleProfile.objects.get(programme=world.programme)
    assert profile.meeting_interval_weeks == 6
    assert profile.meeting_hours_max == Decimal("3.5")
    assert profile.required_organisation_types == ["municipality", "coa"]
    assert profile.notes == "Eigen afspraken"
    event = AuditEvent.objects.get(verb="rule_profile.updated")
    assert "meeting_interval_weeks" in event.data["changed"]


def test_it_shows_the_message_next_to_a_bad_range_and_saves_nothing(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        rules_url(), rule_data(members_min="30", members_max="12", members_target="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members_max"] == [
        "Het maximum moet groter zijn dan het minimum."
    ]
    body = response.content.decode()
    assert 'id="id_members_max_error"' in body
    assert RuleProfile.objects.get(programme=world.programme).members_max == 40
    assert not AuditEvent.objects.filter(verb="rule_profile.updated").exists()


def test_it_refuses_an_unknown_organisation_type(client, world):
    client.force_login(world.coordinator)
    response = client.post(rules_url(), rule_data(required_organisation_types=["ministerie"]))
    assert response.status_code == 200
    assert "required_organisation_types" in response.context["form"].errors


def test_it_fills_the_form_from_a_preset_without_saving(client, world):
    client.force_login(world.coordinator)
    response = client.get(rules_url() + "?preset=movisie")
    form = response.context["form"]
    assert form["facilitators_required"].value() == 2
    assert form["members_max"].value() is None  # Movisie names no maximum
    assert form["preset"].value() == "movisie"
    assert "Movisie negen stappen" in response.content.decode()
    assert RuleProfile.objects.get(programme=world.programme).facilitators_required == 1


def test_it_refuses_a_survey_threshold_below_three(client, world):
    client.force_login(world.coordinator)
    url = reverse("communities:rule_profile_edit", args=[world.programme.slug])
    response = client.post(url, rule_data(survey_min_group_size="2"))
    assert response.status_code == 200
    assert response.context["form"].errors["survey_min_group_size"]
    world.programme.rule_profile.refresh_from_db()
    assert world.programme.rule_profile.survey_min_group_size == 5


def test_the_overview_leads_coordinators_to_every_part_of_the_programme(client, world):
    client.force_login(world.coordinator)
    body = client.get(
        reverse("communities:programme", args=[world.programme.slug])
    ).content.decode()
    for name in ("signalling:venster", "evaluation:programme_monitor", "dissemination:knowledge"):
        assert reverse(name, args=[world.programme.slug]) in body


def test_evaluators_are_not_shown_the_venster(client, world):
    client.force_login(world.evaluator)
    body = client.get(
        reverse("communities:programme", args=[world.programme.slug])
    ).content.decode()
    assert reverse("signalling:venster", args=[world.programme.slug]) not in body
    assert reverse("evaluation:programme_monitor", args=[world.programme.slug]) in body
