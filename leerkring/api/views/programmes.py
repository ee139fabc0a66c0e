"""Programmes and communities: a community's shape for the programme's coordinators and
evaluators, and its members for its members (`communities.permissions`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from leerkring.communities import permissions as community_permissions
from leerkring.communities import selectors as community_selectors
from leerkring.communities.forms import CommunityFilterForm

from .. import selectors as api_selectors
from ..serializers.communities import (
    CommunityDetailSerializer,
    CommunityShapeSerializer,
    MyCommunitySerializer,
    ProgrammeSerializer,
)
from .base import form_parameters, programme_or_404, query_filters, require


class ProgrammeListView(GenericAPIView):
    serializer_class = ProgrammeSerializer

    @extend_schema(
        operation_id="programmes_list",
        responses=ProgrammeSerializer(many=True),
        tags=["programma's"],
    )
    def get(self, request):
        """The programmes you take part in, with your programme roles there."""
        page = self.paginate_queryset(api_selectors.programmes_of(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ProgrammeDetailView(GenericAPIView):
    serializer_class = ProgrammeSerializer

    @extend_schema(operation_id="programme_retrieve", tags=["programma's"])
    def get(self, request, slug: str):
        """A programme, for those who take part in it."""
        programme = next(
            (p for p in api_selectors.programmes_of(request.user) if p.slug == slug), None
        )
        if programme is None:
            programme_or_404(slug)
            require(False)
        return Response(self.get_serializer(programme).data)


class ProgrammeCommunitiesView(GenericAPIView):
    serializer_class = CommunityShapeSerializer

    @extend_schema(
        operation_id="programme_communities_list",
        responses=CommunityShapeSerializer(many=True),
        parameters=form_parameters(CommunityFilterForm),
        tags=["gemeenschappen"],
    )
    def get(self, request, slug: str):
        """The programme's communities with their shape — counts per organisation type, never
        names — as on the programme overview: for its coordinators and evaluators."""
        programme = programme_or_404(slug)
        require(community_permissions.can_view_programme(request.user, programme))
        form = CommunityFilterForm(
            request.query_params or None,
            regions=community_selectors.programme_regions(programme=programme),
        )
        filters = query_filters(form)
        sort = filters.pop("sort", "name")
        communities = community_selectors.programme_communities(
            programme=programme, sort=sort, **filters
        )
        count = community_selectors.programme_community_count(programme=programme, **filters)
        if count is None:
            page = self.paginate_queryset(communities)
        else:
            # The kept count, not a count of every community of the programme.
            page = self.paginator.paginate_known(communities, request, self, count=count)
        mix = community_selectors.organisation_type_mix(community_ids=[c.pk for c in page])
        for community in page:
            community.type_mix = mix.get(community.pk, [])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MyCommunitiesView(GenericAPIView):
    serializer_class = MyCommunitySerializer

    @extend_schema(
        operation_id="communities_list",
        responses=MyCommunitySerializer(many=True),
        tags=["gemeenschappen"],
    )
    def get(self, request):
        """The communities you are a member of, with your role in each."""
        page = self.paginate_queryset(api_selectors.communities_of(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CommunityDetailView(GenericAPIView):
    serializer_class = CommunityDetailSerializer

    @extend_schema(operation_id="community_retrieve", tags=["gemeenschappen"])
    def get(self, request, pk: int):
        """A community: its composition for whoever may see it, and its members (names,
        roles, organisations) for its members only."""
        community = get_object_or_404(community_selectors.communities_with_programme(), pk=pk)
        require(community_permissions.can_view_community(request.user, community))
        composition = community_selectors.community_composition(community=community)
        members = None
        if community_permissions.can_view_members(request.user, community):
            members = [
                membership
                for group in community_selectors.community_members_by_organisation(
                    community=community
                )
                for membership in group.memberships
            ]
        community.member_count = composition.members
        community.organisation_count = composition.organisations
        community.organisation_types = composition.rows
        community.members = members
        return Response(self.get_serializer(community).data)
