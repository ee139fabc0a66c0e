"""The programmes' kept numbers of shareable products (`dissemination.product_counts`) stay
equal to the products counted, after every kind of change; and the catalogue's count, read
from them, is the number of products it lists for every visitor, filtered or not."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from leerkring.dissemination import selectors
from leerkring.dissemination.models import Product, ProgrammeProductCount
from leerkring.dissemination.product_counts import product_counts_rebuild
from tests import factories


def _kept() -> dict[int, int]:
    return {
        row.programme_id: row.shared for row in ProgrammeProductCount.objects.all() if row.shared
    }


def _counted() -> dict[int, int]:
    return dict(
        Product.objects.filter(shareable=True)
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "n")
        .order_by()
    )


def test_the_kept_figures_follow_every_change(world):
    shared = factories.ProductFactory(programme=world.programme, shareable=True)
    assert _kept() == _counted() == {world.programme.pk: 1}
    unshared = factories.ProductFactory(programme=world.programme, communities=[world.community])
    factories.ProductFactory(programme=world.other_programme, shareable=True)
    assert _kept() == _counted()
    unshared.shareable = True
    unshared.save()
    assert _kept() == _counted() == {world.programme.pk: 2, world.other_programme.pk: 1}
    shared.status = Product.Status.READY
    shared.save(update_fields=["status", "updated_at"])
    assert _kept() == _counted()
    shared.delete()
    assert _kept() == _counted() == {world.programme.pk: 1, world.other_programme.pk: 1}
    # Writes past save() are counted again by the rebuild.
    Product.objects.filter(programme=world.programme).update(shareable=False)
    product_counts_rebuild()
    assert _kept() == _counted() == {world.other_programme.pk: 1}


def test_a_programme_deleted_with_its_products_leaves_no_figure_behind(db):
    programme = factories.ProgrammeFactory()
    factories.ProductFactory(programme=programme, shareable=True)
    pk = programme.pk
    programme.delete()
    assert not ProgrammeProductCount.objects.filter(programme_id=pk).exists()


def test_the_catalogue_counts_what_it_lists_for_every_visitor(client, world):
    factories.ProductFactory(programme=world.programme, communities=[world.community])
    factories.ProductFactory(
        programme=world.programme, communities=[world.community], shareable=True
    )
    factories.ProductFactory(programme=world.programme, communities=[world.sibling])
    for n in range(3):
        factories.ProductFactory(
            programme=world.programme,
            communities=[world.sibling],
            shareable=True,
            kind=Product.Kind.GUIDE if n else Product.Kind.FLYER,
        )
    factories.ProductFactory(programme=world.other_programme, shareable=True)
    url = reverse("dissemination:catalogue", args=[world.programme.slug])
    for visitor in ("participant", "lead", "sibling_member", "coordinator", "evaluator"):
        user = getattr(world, visitor)
        client.force_login(user)
        for params in ({}, {"page": 1}, {"kind": Product.Kind.GUIDE}):
            response = client.get(url, params)
            assert response.status_code == 200, visitor
            listed = selectors.catalogue_products(
                programme=world.programme,
                user=user,
                **({"kind": params["kind"]} if "kind" in params else {}),
            )
            assert response.context["page"].paginator.count == listed.count(), (visitor, params)
        assert selectors.catalogue_count(programme=world.programme, user=user) == (
            selectors.catalogue_products(programme=world.programme, user=user).count()
        )
