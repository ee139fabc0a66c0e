"""Main issues, the top five and the coordination meeting (LCC): for the programme's
coordinators; the top five also for the leads and facilitators who consult the venster."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from leerkring.signalling import permissions as signal_permissions
from leerkring.signalling import ranking
from leerkring.signalling import selectors as signal_selectors
from leerkring.signalling.models import CoordinationMeeting

from ..serializers.themes import (
    CoordinationMeetingDetailSerializer,
    CoordinationMeetingSerializer,
    RankedThemeSerializer,
    ThemeSerializer,
)
from .base import programme_or_404, require


class ThemeListView(GenericAPIView):
    serializer_class = ThemeSerializer

    @extend_schema(
        operation_id="themes_list", responses=ThemeSerializer(many=True), tags=["hoofdvraagstukken"]
    )
    def get(self, request, slug: str):
        """The programme's current main issues with their signals and communities."""
        programme = programme_or_404(slug)
        require(signal_permissions.can_manage_venster(request.user, programme))
        page = self.paginate_queryset(signal_selectors.programme_themes(programme=programme))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TopFiveView(GenericAPIView):
    serializer_class = RankedThemeSerializer
    pagination_class = None

    @extend_schema(
        operation_id="top_five_list",
        responses={200: RankedThemeSerializer(many=True)},
        tags=["hoofdvraagstukken"],
    )
    def get(self, request, slug: str):
        """Every current main issue in ranking order with the parts of its score; those in the
        top five are marked `in_top_five` (pinned ones first), as on the page."""
        programme = programme_or_404(slug)
        require(signal_permissions.can_view_venster(request.user, programme))
        ranked = ranking.theme_ranking(programme=programme)
        top = sorted([e for e in ranked if e.in_top_five], key=lambda e: not e.theme.pinned)
        rest = [e for e in ranked if not e.in_top_five]
        return Response(self.get_serializer(top + rest, many=True).data)


class CoordinationMeetingListView(GenericAPIView):
    serializer_class = CoordinationMeetingSerializer

    @extend_schema(
        operation_id="lcc_list", responses=CoordinationMeetingSerializer(many=True), tags=["LCC"]
    )
    def get(self, request, slug: str):
        """The programme's national coordination meetings, newest first."""
        programme = programme_or_404(slug)
        require(signal_permissions.can_manage_venster(request.user, programme))
        meetings = signal_selectors.coordination_meetings(programme=programme).order_by(
            "-held_on", "-pk"
        )
        page = self.paginate_queryset(meetings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CoordinationMeetingDetailView(GenericAPIView):
    serializer_class = CoordinationMeetingDetailSerializer

    @extend_schema(operation_id="lcc_retrieve", tags=["LCC"])
    def get(self, request, pk: int):
        """One coordination meeting: its agenda (as on its page, at most 200 signals; for a
        meeting recorded as held, as it stood then) and the decisions taken at it."""
        meeting = get_object_or_404(
            CoordinationMeeting.objects.select_related("programme", "programme__rule_profile"),
            pk=pk,
        )
        require(signal_permissions.can_manage_venster(request.user, meeting.programme))
        previous = signal_selectors.previous_coordination_meeting(coordination_meeting=meeting)
        limit = signal_selectors.LCC_AGENDA_LIMIT
        if meeting.is_recorded:
            # A record: the signals as they stood when it was held (issue 12 §9).
            agenda = [
                {
                    "id": item.signal_id,
                    "title": item.signal.title,
                    "state": item.state,
                    "community": item.signal.community,
                    "theme": {"title": item.theme_title} if item.theme_title else None,
                    "escalated": item.escalated,
                    "passed_on_at": item.signal.passed_on_at,
                }
                for item in signal_selectors.lcc_agenda_kept(coordination_meeting=meeting)[
                    : limit + 1
                ]
            ]
        else:
            agenda = list(
                signal_selectors.lcc_agenda_signals(
                    coordination_meeting=meeting, since=previous.held_on if previous else None
                )[: limit + 1]
            )
        meeting.agenda = agenda[:limit]
        meeting.agenda_more = len(agenda) > limit
        meeting.decision_rows = list(signal_selectors.lcc_decisions(coordination_meeting=meeting))
        return Response(self.get_serializer(meeting).data)
