"""The catalogue's community filter is a list while a programme has few communities and a
search on the name above that, still filtering on the server; the products' community names
and the knowledge view's products and count are the same as worked out before (a join per
page, the paginator's count)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.models import Community
from leerkring.communities.selectors import COMMUNITY_CHOICES_MAX, choices
from leerkring.dissemination import selectors
from leerkring.dissemination.models import Product
from tests import factories
from tests.api.helpers import ApiClient, token_for
from tests.refused_links import comparable, field_error, unknown_community_pk

_ProductCommunity = Product.communities.through


def _catalogue(client, world, **params):
    client.force_login(world.coordinator)
    url = reverse("dissemination:catalogue", args=[world.programme.slug])
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_a_few_communities_are_a_list_to_choose_from(client, world):
    factories.ProductFactory(programme=world.programme, communities=[world.sibling], shareable=True)
    response = _catalogue(client, world)
    assert not response.context["form"].community_search
    assert b'<select name="community"' in response.content
    assert world.sibling.name.encode() in response.content
    chosen = _catalogue(client, world, community=world.sibling.pk)
    assert [p.pk for p in chosen.context["products"]] == list(
        Product.objects.filter(communities=world.sibling).values_list("pk", flat=True)
    )


def test_many_communities_are_a_search_on_the_name(client, world):
    for n in range(COMMUNITY_CHOICES_MAX):
        factories.CommunityFactory(programme=world.programme, name=f"CoP Zeeland {n:02}")
    zeeland = Community.objects.get(programme=world.programme, name="CoP Zeeland 07")
    in_zeeland = factories.ProductFactory(
        programme=world.programme, communities=[zeeland], shareable=True
    )
    elsewhere = factories.ProductFactory(
        programme=world.programme, communities=[world.sibling], shareable=True
    )
    response = _catalogue(client, world)
    assert response.context["form"].community_search
    assert b'<select name="community"' not in response.content
    assert b'name="community_q"' in response.content
    assert b"CoP Zeeland 07" not in response.content.split(b"<table")[0]
    searched = _catalogue(client, world, community_q="zeeland 0")
    assert [p.pk for p in searched.context["products"]] == [in_zeeland.pk]
    assert searched.context["page"].paginator.count == 1
    # A link to one community's products (the community page) still filters, and says which.
    chosen = _catalogue(client, world, community=world.sibling.pk)
    assert [p.pk for p in chosen.context["products"]] == [elsewhere.pk]
    assert (
        f'<option value="{world.sibling.pk}" selected>{world.sibling.name}</option>'.encode()
        in (chosen.content)
    )


def test_the_community_names_are_those_of_each_product(client, world):
    factories.ProductFactory(
        programme=world.programme, communities=[world.sibling, world.community], shareable=True
    )
    factories.ProductFactory(programme=world.programme, communities=[world.sibling], shareable=True)
    factories.ProductFactory(programme=world.programme, shareable=True)
    response = _catalogue(client, world)
    shown = {p.pk: [c.name for c in p.communities.all()] for p in response.context["products"]}
    assert shown == {
        p.pk: list(p.communities.order_by("name").values_list("name", flat=True))
        for p in Product.objects.filter(programme=world.programme)
    }
    client.force_login(world.coordinator)
    api = client.get(reverse("api:products", args=[world.programme.slug]))
    assert api.status_code == 200
    assert {
        row["id"]: [c["name"] for c in row["communities"]] for row in api.json()["results"]
    } == (shown)
    assert api.json()["count"] == 3


def _products_joined(community_ids: list[int]) -> dict[int, list[int]]:
    """The knowledge view's products per community as the window over the join chose them."""
    rows = (
        _ProductCommunity.objects.filter(community_id__in=community_ids, product__shareable=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("community_id")],
                order_by=[F("product__updated_at").desc(), F("product_id").desc()],
            )
        )
        .filter(rank__lte=selectors.KNOWLEDGE_ITEMS_PER_COMMUNITY)
        .order_by("-product__updated_at", "-product_id")
        .values_list("community_id", "product_id")
    )
    chosen: dict[int, list[int]] = {}
    for community_id, product_id in rows:
        chosen.setdefault(community_id, []).append(product_id)
    return chosen


def test_the_knowledge_view_shows_the_products_and_count_as_before(client, world):
    now = timezone.now()
    for n in range(9):
        product = factories.ProductFactory(
            programme=world.programme,
            communities=[world.community] + ([world.sibling] if n % 3 else []),
            shareable=n != 4,
        )
        # Two products changed at the same moment: the newer key comes first.
        Product.objects.filter(pk=product.pk).update(
            updated_at=now - datetime.timedelta(days=min(n, 6))
        )
    factories.CommunityFactory(programme=world.programme, status=Community.Status.ENDED)
    listed = list(selectors.knowledge_communities(programme=world.programme))
    entries = selectors.knowledge_entries(programme=world.programme, communities=listed)
    shown = {e["community"].pk: [p["pk"] for p in e["products"]] for e in entries}
    expected = _products_joined([c.pk for c in listed])
    assert shown == {c.pk: expected.get(c.pk, []) for c in listed}
    assert any(
        len(products) == selectors.KNOWLEDGE_ITEMS_PER_COMMUNITY for products in shown.values()
    )
    client.force_login(world.coordinator)
    response = client.get(reverse("dissemination:knowledge", args=[world.programme.slug]))
    assert response.context["page"].paginator.count == len(listed)
    api = client.get(reverse("api:knowledge", args=[world.programme.slug]))
    assert api.json()["count"] == len(listed)


@pytest.mark.parametrize("large", [False, True])
def test_a_link_to_another_programmes_community_is_named_next_to_the_field(
    client, world, monkeypatch, large
):
    if large:
        monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 1)
    mine = factories.ProductFactory(
        programme=world.programme, communities=[world.sibling], shareable=True
    )
    theirs = factories.ProductFactory(
        programme=world.other_programme, communities=[world.foreign], shareable=True
    )
    pages = []
    for asked in (world.foreign.pk, unknown_community_pk(), "abc"):
        response = _catalogue(client, world, community=asked)
        text = response.content.decode()
        assert response.context["form"].community_search is large
        assert field_error(text, "id_community") == (
            "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer. Je ziet nu de "
            "producten van alle gemeenschappen."
        )
        assert [p.pk for p in response.context["products"]] == [mine.pk]
        assert world.foreign.name not in text
        assert theirs.title not in text
        pages.append(comparable(text, asked))
    assert pages[0] == pages[1] == pages[2]


def test_the_api_refuses_another_programmes_community_with_the_reason(world):
    api = ApiClient(token_for(world.coordinator, access="read"))
    url = reverse("api:products", args=[world.programme.slug])
    refused = api.get(url, {"community": world.foreign.pk})
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["pointer"] == "#/community"
    assert error["detail"] == "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer."


def test_a_link_with_a_digit_that_is_not_ascii_is_refused_not_an_error(client, world, monkeypatch):
    # "²" passes `str.isdigit`, and `int` refuses it.
    monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 1)
    response = _catalogue(client, world, community="²")
    assert field_error(response.content.decode(), "id_community") == (
        "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer. Je ziet nu de "
        "producten van alle gemeenschappen."
    )
