"""One community's page, the new-community wizard and the edit form. Members see each other's
names; coordinators and evaluators who are not members see the composition only (DESIGN.md §2)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.communities import services
from leerkring.communities.models import Community, Membership, Organisation
from leerkring.core.models import AuditEvent
from tests import factories

OUTSIDERS = ["sibling_member", "foreign_member", "system_partner", "other_coordinator", "nobody"]


def page_url(community):
    return reverse("communities:community", args=[community.pk])


def edit_url(community):
    return reverse("communities:community_edit", args=[community.pk])


def create_url(slug="inburgering", query=""):
    return reverse("communities:community_create", args=[slug]) + query


def member_names(world):
    return [m.person.full_name for m in (world.participant_m, world.lead_m, world.facilitator_m)]


# --- Community page --------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_of_a_community_to_sign_in(client, world):
    response = client.get(page_url(world.community))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("visitor", OUTSIDERS)
def test_it_refuses_the_community_page_to_outsiders(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(page_url(world.community)).status_code == 403


@pytest.mark.parametrize("visitor", ["participant", "lead", "facilitator"])
def test_members_see_each_others_names_and_roles(client, world, visitor):
    client.force_login(getattr(world, visitor))
    body = client.get(page_url(world.community)).content.decode()
    for name in member_names(world):
        assert name in body
    assert "Communitytrekker" in body
    assert "Procesbegeleider" in body


@pytest.mark.parametrize("visitor", ["coordinator", "evaluator"])
def test_coordinator_and_evaluator_see_the_composition_but_no_names(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.get(page_url(world.community))
    body = response.content.decode()
    assert response.status_code == 200
    for name in member_names(world):
        assert name not in body
    assert "Gemeente Voorbeeld" not in body  # organisation names identify people too
    assert "Leden en organisaties per soort organisatie" in body
    assert response.context["composition"].members == 3
    assert response.context["groups"] is None


def test_a_coordinator_who_is_a_member_sees_the_names(client, world):
    coordinator_person = world.coordinator.person
    services.membership_add(community=world.community, person=coordinator_person, by=None)
    client.force_login(world.coordinator)
    body = client.get(page_url(world.community)).content.decode()
    assert world.participant_m.person.full_name in body


def test_it_shows_the_composition_by_organisation_type_as_chart_and_table(client, world):
    coa = factories.OrganisationFactory(name="COA Zutphen", type=Organisation.Type.COA)
    for _ in range(2):
        factories.MembershipFactory(
            community=world.community, organisation=coa, person__organisation=coa
        )
    client.force_login(world.evaluator)
    response = client.get(page_url(world.community))
    rows = [(r.label, r.members, r.organisations) for r in response.context["composition"].rows]
    assert rows == [("Gemeente", 3, 3), ("COA", 2, 1)]
    body = response.content.decode()
    assert "<caption" in body
    assert '<th class="utrecht-table__header-cell" scope="row">COA</th>' in body
    assert 'class="lk-barchart"' in body
    assert '<span class="lk-barchart__value">3</span>' in body
    assert '<rect width="100" height="10">' in body


def test_it_shows_shared_seats_and_handovers_to_members(client, world):
    organisation = world.participant_m.organisation
    colleague = factories.PersonFactory(full_name="Collega Deelt", organisation=organisation)
    shared = services.membership_add(community=world.community, person=colleague, by=None)
    services.membership_share_seat(membership=shared, with_membership=world.participant_m, by=None)
    successor = factories.PersonFactory(full_name="Nieuwe Trekker")
    services.membership_handover(membership=world.lead_m, successor=successor, by=None)
    client.force_login(world.participant)
    body = client.get(page_url(world.community)).content.decode()
    assert f"Deelt de plek met {world.participant_m.person.full_name}" in body
    assert f"Neemt het stokje over van {world.lead_m.person.full_name}" in body


def test_it_shows_the_scenario_and_the_interval_from_the_rule_profile(client, world):
    client.force_login(world.participant)
    body = client.get(page_url(world.community)).content.decode()
    assert "B – Lokale resultaten" in body
    assert "Elke 7 weken" in body
    assert "volgens de spelregels" in body


@pytest.mark.parametrize(
    ("visitor", "manage", "edit"),
    [
        ("participant", False, False),
        ("lead", True, True),
        ("coordinator", True, True),
        ("evaluator", False, False),
    ],
)
def test_it_offers_manage_and_edit_links_only_to_who_may_use_them(
    client, world, visitor, manage, edit
):
    client.force_login(getattr(world, visitor))
    body = client.get(page_url(world.community)).content.decode()
    assert (reverse("communities:members", args=[world.community.pk]) in body) is manage
    assert (edit_url(world.community) in body) is edit


def _queries_for_page(client, community):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(community))
    assert response.status_code == 200
    return len(queries)


def _add_members(community, count):
    kinds = list(Organisation.Type)
    for n in range(count):
        organisation = factories.OrganisationFactory(type=kinds[n % 4])
        factories.MembershipFactory(
            community=community, organisation=organisation, person__organisation=organisation
        )


@pytest.mark.parametrize("viewer", ["member", "coordinator"])
def test_the_community_page_costs_the_same_queries_for_5_and_40_members(client, db, viewer):
    community = factories.CommunityFactory()
    if viewer == "member":
        user = factories.MembershipFactory(
            community=community, role=Membership.Role.LEAD
        ).person.user
    else:
        user = factories.ProgrammeRoleFactory(programme=community.programme).person.user
    client.force_login(user)
    _add_members(community, 4 if viewer == "member" else 5)
    small = _queries_for_page(client, community)
    _add_members(community, 35)
    large = _queries_for_page(client, community)
    assert small == large


# --- New community wizard ----------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_of_the_wizard_to_sign_in(client, world):
    response = client.get(create_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("visitor", ["evaluator", "lead", "participant", *OUTSIDERS])
def test_it_lets_only_the_coordinator_create_a_community(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(create_url()).status_code == 403
    response = client.post(create_url(), {"scenario": "B", "name": "Stiekem", "scope": "national"})
    assert response.status_code == 403
    assert not Community.objects.filter(name="Stiekem").exists()


def test_step_one_offers_the_scenarios_with_their_recommendations(client, world):
    client.force_login(world.coordinator)
    response = client.get(create_url())
    body = response.content.decode()
    assert response.templates[0].name == "communities/community_create_scenario.html"
    for label in [
        "A – Lokaal kennismaken",
        "B – Lokale resultaten",
        "C – Verbetering van het stelsel",
    ]:
        assert label in body
    assert "Resultaten borgen" in body
    assert "Spelregels van CoP&#x27;s Inburgering" in body
    assert "minstens 5" in body  # the rule profile summary: at least five organisations


def test_step_two_keeps_the_chosen_scenario_and_shows_its_recommendations(client, world):
    client.force_login(world.coordinator)
    response = client.get(create_url(query="?scenario=C"))
    body = response.content.decode()
    assert response.templates[0].name == "communities/community_create_details.html"
    assert '<input type="hidden" name="scenario" value="C"' in body
    assert "Signalen over de uitvoering ophalen" in body  # scenario C's goal
    assert create_url(query="?current=C") in body  # "Wijzig scenario"


def test_it_sends_an_unknown_scenario_back_to_step_one_with_a_message(client, world):
    client.force_login(world.coordinator)
    response = client.get(create_url(query="?scenario=Z"))
    assert response.templates[0].name == "communities/community_create_scenario.html"
    assert "Kies een scenario: A, B of C." in response.content.decode()


def details(**overrides):
    data = {
        "scenario": "B",
        "name": "CoP Rivierenland",
        "scope": "regional",
        "region": "Rivierenland",
        "theme": "Werk en participatie",
        "learning_question": "Hoe vinden statushouders sneller werk?",
        "description": "",
        "phase": "explore",
        "status": "starting",
        "start_date": "2025-03-01",
        "meeting_interval_weeks": "",
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_community_through_the_wizard(client, world):
    client.force_login(world.coordinator)
    response = client.post(create_url(query="?scenario=B"), details(), follow=True)
    community = Community.objects.get(name="CoP Rivierenland")
    assert response.redirect_chain[-1][0] == page_url(community)
    assert community.programme == world.programme
    assert community.scenario == "B"
    assert community.region == "Rivierenland"
    assert community.meeting_interval_weeks is None
    assert "Gemeenschap “CoP Rivierenland” is aangemaakt." in response.content.decode()
    assert AuditEvent.objects.filter(verb="community.created", object_id=community.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Geef de gemeenschap een naam."),
        ({"region": ""}, "region", "Een regionale gemeenschap heeft een regio."),
        (
            {"name": "CoP Zeeland"},
            "name",
            "Dit programma heeft al een gemeenschap met deze naam.",
        ),
        ({"meeting_interval_weeks": "0"}, "meeting_interval_weeks", None),
    ],
)
def test_it_explains_bad_details_next_to_the_field_and_saves_nothing(
    client, world, overrides, field, message
):
    client.force_login(world.coordinator)
    before = Community.objects.count()
    response = client.post(create_url(query="?scenario=B"), details(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Community.objects.count() == before


def test_a_name_used_in_another_programme_is_fine(client, world):
    client.force_login(world.coordinator)
    response = client.post(create_url(query="?scenario=B"), details(name="SWW Utrecht"))
    assert response.status_code == 302
    assert Community.objects.filter(name="SWW Utrecht").count() == 2


def test_it_refuses_an_unknown_scenario_on_save(client, world):
    client.force_login(world.coordinator)
    response = client.post(create_url(query="?scenario=B"), details(scenario="D"))
    assert response.status_code == 200
    assert "Kies een scenario: A, B of C." in response.content.decode()
    assert not Community.objects.filter(name="CoP Rivierenland").exists()


def test_a_national_community_needs_no_region(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        create_url(query="?scenario=C"), details(scenario="C", scope="national", region="")
    )
    assert response.status_code == 302
    assert Community.objects.get(name="CoP Rivierenland").scope == "national"


# --- Edit --------------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["participant", "facilitator", "evaluator", *OUTSIDERS])
def test_it_refuses_the_edit_form_to_who_may_not_edit(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(edit_url(world.community)).status_code == 403
    response = client.post(edit_url(world.community), details(name="Overgenomen"))
    assert response.status_code == 403
    world.community.refresh_from_db()
    assert world.community.name == "CoP Achterhoek"


def test_it_sends_an_anonymous_visitor_of_the_edit_form_to_sign_in(client, world):
    response = client.get(edit_url(world.community))
    assert response.status_code == 302


@pytest.mark.parametrize("visitor", ["lead", "coordinator"])
def test_lead_and_coordinator_edit_the_community_including_its_scenario(client, world, visitor):
    client.force_login(getattr(world, visitor))
    response = client.post(
        edit_url(world.community),
        details(name="CoP Achterhoek-Oost", scenario="C", region="Achterhoek", phase="develop"),
    )
    assert response.status_code == 302
    world.community.refresh_from_db()
    assert (world.community.name, world.community.scenario, world.community.phase) == (
        "CoP Achterhoek-Oost",
        "C",
        "develop",
    )
    event = AuditEvent.objects.get(verb="community.updated", object_id=world.community.pk)
    assert event.data["scenario"] == "C"


def test_the_edit_form_refuses_a_sibling_communitys_name(client, world):
    client.force_login(world.coordinator)
    response = client.post(edit_url(world.community), details(name="CoP Zeeland"))
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Dit programma heeft al een gemeenschap met deze naam."
    ]
    world.community.refresh_from_db()
    assert world.community.name == "CoP Achterhoek"


def test_the_edit_form_keeps_its_own_name_and_needs_a_region(client, world):
    client.force_login(world.lead)
    response = client.post(edit_url(world.community), details(name="CoP Achterhoek", region=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "region": ["Een regionale gemeenschap heeft een regio."]
    }
    assert "CoP Achterhoek bewerken" in response.content.decode()


# --- Task first: the next meeting and the latest outcomes on top, the rest in sections ------


def test_the_community_page_opens_with_the_next_meeting_and_its_rsvp(client, world):
    from leerkring.meetings.models import Lesson

    meeting = factories.MeetingFactory(community=world.community, title="Casus Doetinchem")
    Lesson.objects.create(meeting=meeting, community=world.community, text="Bel eerst de COA.")
    client.force_login(world.participant)
    body = client.get(reverse("communities:community", args=[world.community.pk])).content.decode()
    next_at = body.index('id="panel-next-heading"')
    assert next_at < body.index('id="panel-outcomes-heading"') < body.index('id="sectie-meetings"')
    assert reverse("meetings:meeting_rsvp", args=[meeting.pk]) in body
    assert 'name="from" value="community"' in body
    assert "Bel eerst de COA." in body
    for title in ("Bijeenkomsten", "Afspraken", "Gesprekken", "Signalen", "Leden"):
        assert f'<span class="utrecht-heading-2 lk-fold__title">{title}</span>' in body
    assert "Over deze gemeenschap" in body


def test_an_answer_from_the_community_page_returns_there(client, world):
    meeting = factories.MeetingFactory(community=world.community)
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:meeting_rsvp", args=[meeting.pk]),
        {"answer": "attend", "from": "community"},
    )
    assert response["Location"] == reverse("communities:community", args=[world.community.pk])


def test_a_coordinator_sees_the_next_meeting_date_but_no_rsvp_and_no_outcomes(client, world):
    from leerkring.meetings.models import Lesson

    meeting = factories.MeetingFactory(community=world.community, title="Casus Doetinchem")
    Lesson.objects.create(meeting=meeting, community=world.community, text="Bel eerst de COA.")
    client.force_login(world.coordinator)
    body = client.get(reverse("communities:community", args=[world.community.pk])).content.decode()
    assert 'id="panel-next-heading"' in body
    assert reverse("meetings:meeting_rsvp", args=[meeting.pk]) not in body
    assert "Casus Doetinchem" not in body
    assert "Bel eerst de COA." not in body
    assert 'id="sectie-threads"' not in body
