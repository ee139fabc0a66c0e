"""The organisation directory and its create/edit pages, for coordinators."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.communities import services
from leerkring.communities.models import Organisation
from leerkring.core.models import AuditEvent
from tests import factories

LIST = reverse("communities:organisation_list")
CREATE = reverse("communities:organisation_create")
FORBIDDEN = [
    "participant",
    "lead",
    "facilitator",
    "sibling_member",
    "foreign_member",
    "evaluator",
    "system_partner",
    "nobody",
]


def edit_url(organisation):
    return reverse("communities:organisation_edit", args=[organisation.pk])


# --- Who may come in --------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["coordinator", "other_coordinator"])
def test_coordinators_of_any_programme_use_the_directory(client, world, visitor):
    """Organisations are shared by all programmes, so every coordinator keeps the directory."""
    client.force_login(getattr(world, visitor))
    organisation = world.participant_m.organisation
    assert client.get(LIST).status_code == 200
    assert client.get(CREATE).status_code == 200
    assert client.get(edit_url(organisation)).status_code == 200


@pytest.mark.parametrize("visitor", FORBIDDEN)
def test_it_refuses_the_directory_to_everyone_else(client, world, visitor):
    client.force_login(getattr(world, visitor))
    organisation = world.participant_m.organisation
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"name": "Inbreker", "type": "other"}).status_code == 403
    assert client.post(edit_url(organisation), {"name": "X", "type": "other"}).status_code == 403
    assert not Organisation.objects.filter(name__in=["Inbreker", "X"]).exists()


@pytest.mark.parametrize("url", [LIST, CREATE, "edit"])
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, world, url):
    if url == "edit":
        url = edit_url(world.participant_m.organisation)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_editing_an_unknown_organisation_is_not_found(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("communities:organisation_edit", args=[999999])).status_code == 404


# --- The directory ----------------------------------------------------------------------


@pytest.fixture
def directory(world):
    utrecht = factories.OrganisationFactory(
        name="Gemeente Utrecht", type="municipality", region="Midden-Nederland", city="Utrecht"
    )
    taal = factories.OrganisationFactory(
        name="Taalschool Amersfoort",
        type="language_provider",
        region="Midden-Nederland",
        city="Amersfoort",
    )
    coa = factories.OrganisationFactory(
        name="COA Zwolle", type="coa", region="IJsselland", city="Zwolle"
    )
    return {"utrecht": utrecht, "taal": taal, "coa": coa}


def names(response):
    return [organisation.name for organisation in response.context["organisations"]]


def test_it_filters_on_type(client, world, directory):
    client.force_login(world.coordinator)
    assert names(client.get(LIST, {"type": "language_provider"})) == ["Taalschool Amersfoort"]


def test_it_filters_on_region(client, world, directory):
    client.force_login(world.coordinator)
    response = client.get(LIST, {"region": "Midden-Nederland"})
    assert names(response) == ["Gemeente Utrecht", "Taalschool Amersfoort"]
    assert '<option value="IJsselland">' in response.content.decode()


@pytest.mark.parametrize(
    ("q", "expected"), [("taalschool", ["Taalschool Amersfoort"]), ("zwolle", ["COA Zwolle"])]
)
def test_it_searches_name_and_city(client, world, directory, q, expected):
    client.force_login(world.coordinator)
    assert names(client.get(LIST, {"q": q})) == expected


def test_it_ignores_an_unknown_filter_value(client, world, directory):
    client.force_login(world.coordinator)
    response = client.get(LIST, {"type": "castle", "region": "Atlantis"})
    assert response.status_code == 200
    assert "Gemeente Utrecht" in names(response)


def test_it_counts_people_and_communities_once_each(client, world, directory):
    utrecht = directory["utrecht"]
    first = factories.CommunityFactory(programme=world.programme)
    second = factories.CommunityFactory(programme=world.programme)
    for index in range(3):
        person = factories.PersonFactory(organisation=utrecht)
        factories.MembershipFactory(person=person, community=first)
        if index < 2:
            factories.MembershipFactory(person=person, community=second)
    ended = factories.MembershipFactory(
        person=factories.PersonFactory(organisation=utrecht),
        community=factories.CommunityFactory(programme=world.programme),
    )
    services.membership_end(membership=ended, by=None)
    client.force_login(world.coordinator)
    response = client.get(LIST, {"q": "Gemeente Utrecht"})
    [row] = response.context["organisations"]
    assert row.people_count == 4
    assert row.community_count == 2  # the ended membership no longer counts


def test_it_sorts_by_number_of_people(client, world, directory):
    for _ in range(2):
        factories.PersonFactory(organisation=directory["coa"])
    client.force_login(world.coordinator)
    response = client.get(LIST, {"sort": "-people", "region": "IJsselland"})
    assert names(response)[0] == "COA Zwolle"
    response = client.get(LIST, {"sort": "-name", "region": "Midden-Nederland"})
    assert names(response) == ["Taalschool Amersfoort", "Gemeente Utrecht"]


def test_it_shows_fifty_organisations_a_page_and_keeps_the_filters(client, world):
    factories.OrganisationFactory.create_batch(120, type="education", region="Twente")
    client.force_login(world.coordinator)
    response = client.get(LIST, {"type": "education", "page": 3})
    assert len(response.context["organisations"]) == 20
    body = response.content.decode()
    assert 'aria-label="Paginering"' in body
    assert 'href="?type=education&amp;page=2"' in body
    assert 'aria-current="page"><span class="lk-visually-hidden">Pagina </span>3' in body


def _directory_queries(client, world, count: int) -> int:
    community = factories.CommunityFactory()
    for organisation in factories.OrganisationFactory.create_batch(count, region="Twente"):
        person = factories.PersonFactory(organisation=organisation)
        factories.MembershipFactory(person=person, community=community)
    client.force_login(world.coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, {"sort": "-communities"}).status_code == 200
    return len(queries)


def test_the_directory_query_count_does_not_grow_with_organisations(client, world):
    small = _directory_queries(client, world, 10)
    large = _directory_queries(client, world, 90)  # 100 new organisations in all
    assert small == large


# --- Creating and editing ---------------------------------------------------------------


def test_a_coordinator_adds_an_organisation(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        CREATE,
        {
            "name": "Vluchtelingenwerk Oost",
            "type": "social_support",
            "region": "Achterhoek",
            "city": "Doetinchem",
            "website": "www.vluchtelingenwerk.nl",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Vluchtelingenwerk Oost")
    assert organisation.website == "https://www.vluchtelingenwerk.nl"
    assert AuditEvent.objects.filter(
        verb="organisation.created", object_id=organisation.pk
    ).exists()


@pytest.mark.parametrize("name", ["Gemeente Utrecht", "gemeente utrecht"])
def test_it_refuses_a_duplicate_name_in_dutch(client, world, directory, name):
    client.force_login(world.coordinator)
    response = client.post(CREATE, {"name": name, "type": "municipality"})
    body = response.content.decode()
    assert "Er is al een organisatie met deze naam." in body
    assert 'id="id_name_error"' in body
    assert Organisation.objects.filter(name__iexact="gemeente utrecht").count() == 1


def test_a_coordinator_edits_an_organisation(client, world, directory):
    client.force_login(world.coordinator)
    taal = directory["taal"]
    response = client.post(
        edit_url(taal),
        {"name": "Taalschool Amersfoort", "type": "language_provider", "city": "Leusden"},
    )
    assert response.status_code == 302
    taal.refresh_from_db()
    assert taal.city == "Leusden"


def test_renaming_onto_another_organisation_is_refused(client, world, directory):
    client.force_login(world.coordinator)
    taal = directory["taal"]
    response = client.post(edit_url(taal), {"name": "COA ZWOLLE", "type": "coa"})
    body = response.content.decode()
    assert "Er is al een organisatie met deze naam." in body
    assert "Taalschool Amersfoort wijzigen" in body
    taal.refresh_from_db()
    assert taal.name == "Taalschool Amersfoort"
