"""Products and the knowledge view (`dissemination.permissions`, `dissemination.selectors`):
what communities shared, and their own products for members."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from leerkring.dissemination import permissions as dissemination_permissions
from leerkring.dissemination import selectors as dissemination_selectors
from leerkring.dissemination.forms_products import CatalogueFilterForm, KnowledgeFilterForm
from leerkring.dissemination.models import Product

from ..serializers.dissemination import KnowledgeEntrySerializer, ProductSerializer
from .base import form_parameters, programme_or_404, query_filters, require


class CatalogueView(GenericAPIView):
    serializer_class = ProductSerializer

    @extend_schema(
        operation_id="products_list",
        responses=ProductSerializer(many=True),
        parameters=form_parameters(CatalogueFilterForm),
        tags=["producten"],
    )
    def get(self, request, slug: str):
        """The programme's catalogue as you may see it: shared products, and all products of
        your own communities; newest change first."""
        programme = programme_or_404(slug)
        require(dissemination_permissions.can_view_catalogue(request.user, programme))
        filters = query_filters(
            CatalogueFilterForm(request.query_params or None, programme=programme, api=True)
        )
        products = dissemination_selectors.catalogue_products(
            programme=programme, user=request.user, **filters
        )
        count = None
        if not filters:
            # The kept count, not a count of every product of the programme.
            count = dissemination_selectors.catalogue_count(programme=programme, user=request.user)
        if count is None:
            page = self.paginate_queryset(products)
        else:
            page = self.paginator.paginate_known(products, request, self, count=count)
        page = dissemination_selectors.with_community_names(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ProductDetailView(GenericAPIView):
    serializer_class = ProductSerializer

    @extend_schema(operation_id="product_retrieve", tags=["producten"])
    def get(self, request, pk: int):
        get_object_or_404(Product.objects.only("pk"), pk=pk)
        product = dissemination_selectors.product_for_page(pk=pk)
        require(dissemination_permissions.can_view_product(request.user, product))
        return Response(self.get_serializer(product).data)


class KnowledgeView(GenericAPIView):
    serializer_class = KnowledgeEntrySerializer

    @extend_schema(
        operation_id="knowledge_list",
        responses=KnowledgeEntrySerializer(many=True),
        parameters=form_parameters(KnowledgeFilterForm),
        tags=["producten"],
    )
    def get(self, request, slug: str):
        """What each community of the programme works on (topics of recent agendas) and chose
        to share: lessons, products, passed-on signals, and related communities."""
        programme = programme_or_404(slug)
        require(dissemination_permissions.can_view_knowledge(request.user, programme))
        filters = query_filters(
            KnowledgeFilterForm(request.query_params or None, programme=programme)
        )
        communities = dissemination_selectors.knowledge_communities(
            programme=programme,
            topic=filters.get("topic", ""),
            community_id=filters.get("community"),
        )
        count = dissemination_selectors.knowledge_count(
            programme=programme,
            topic=filters.get("topic", ""),
            community_id=filters.get("community"),
        )
        if count is None:
            page = self.paginate_queryset(communities)
        else:
            # The kept count, not a count of every community of the programme.
            page = self.paginator.paginate_known(communities, request, self, count=count)
        entries = dissemination_selectors.knowledge_entries(programme=programme, communities=page)
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)
