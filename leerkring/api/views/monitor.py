"""The CoP monitor's traffic lights (`evaluation.permissions`, `evaluation.selectors`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from leerkring.evaluation import permissions as evaluation_permissions
from leerkring.evaluation import selectors as evaluation_selectors
from leerkring.evaluation.forms_monitor import MonitorFilterForm

from ..serializers.monitor import CheckSerializer, MonitorRowSerializer
from .base import community_or_404, form_parameters, programme_or_404, query_filters, require


class ProgrammeMonitorView(GenericAPIView):
    serializer_class = MonitorRowSerializer

    @extend_schema(
        operation_id="programme_monitor_list",
        responses=MonitorRowSerializer(many=True),
        parameters=form_parameters(MonitorFilterForm),
        tags=["monitor"],
    )
    def get(self, request, slug: str):
        """Every community that has not ended, with each check's traffic light, the measured
        value, the norm, the reason and the source paragraph — as the monitor matrix."""
        programme = programme_or_404(slug)
        require(evaluation_permissions.can_view_programme_monitor(request.user, programme))
        filters = query_filters(MonitorFilterForm(request.query_params or None))
        filters.setdefault("sort", "reds")
        # Paged on the stored statuses, like the matrix page: a page computes its own rows.
        rows = evaluation_selectors.programme_monitor_rows(programme=programme, **filters)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CommunityMonitorView(GenericAPIView):
    serializer_class = CheckSerializer
    pagination_class = None

    @extend_schema(
        operation_id="community_monitor_list",
        responses={200: CheckSerializer(many=True)},
        tags=["monitor"],
    )
    def get(self, request, pk: int):
        """One community's checks."""
        community = community_or_404(pk)
        require(evaluation_permissions.can_view_community_monitor(request.user, community))
        checks = evaluation_selectors.community_monitor(community=community)
        return Response(self.get_serializer(checks, many=True).data)
