"""Meetings, lessons and agreements of a community (`meetings.permissions`): the dates and
attendance counts for whoever may see the community, the rest for its members."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from leerkring.communities import permissions as community_permissions
from leerkring.meetings import permissions as meeting_permissions
from leerkring.meetings import selectors as meeting_selectors
from leerkring.meetings.models import AgendaItem, Attendance

from .. import selectors as api_selectors
from ..serializers.meetings import (
    AgreementSerializer,
    LessonSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MeetingShapeSerializer,
)
from .base import community_or_404, require


class CommunityMeetingsView(GenericAPIView):
    serializer_class = MeetingSerializer

    @extend_schema(
        operation_id="community_meetings_list",
        responses=MeetingSerializer(many=True),
        tags=["bijeenkomsten"],
        description=(
            "The community's meetings, newest first, with the number present. Members also "
            "get the title and place; the programme's coordinators and evaluators get the "
            "shape only (title and place are left out)."
        ),
    )
    def get(self, request, pk: int):
        community = community_or_404(pk)
        require(meeting_permissions.can_view_meeting_list(request.user, community))
        meetings = meeting_selectors.meetings_of_community(community=community)
        rows = meetings["upcoming"][::-1] + meetings["past"]
        page = self.paginate_queryset(rows)
        member = community_permissions.is_member(request.user, community)
        serializer = MeetingSerializer if member else MeetingShapeSerializer
        return self.get_paginated_response(serializer(page, many=True).data)


class MeetingDetailView(GenericAPIView):
    serializer_class = MeetingDetailSerializer

    @extend_schema(operation_id="meeting_retrieve", tags=["bijeenkomsten"])
    def get(self, request, pk: int):
        """A meeting with its agenda and minutes: what is said in a community, for its
        members only."""
        meeting = get_object_or_404(
            meeting_selectors.meeting_with_context()
            .annotate(
                present_count=Count(
                    "attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)
                )
            )
            .prefetch_related(
                Prefetch(
                    "agenda_items",
                    queryset=AgendaItem.objects.select_related("work_form").order_by(
                        "position", "pk"
                    ),
                    to_attr="agenda_rows",
                )
            ),
            pk=pk,
        )
        require(meeting_permissions.can_view_meeting(request.user, meeting))
        return Response(self.get_serializer(meeting).data)


class CommunityLessonsView(GenericAPIView):
    serializer_class = LessonSerializer

    @extend_schema(
        operation_id="community_lessons_list",
        responses=LessonSerializer(many=True),
        tags=["bijeenkomsten"],
    )
    def get(self, request, pk: int):
        """Every lesson the community named, newest first — members only. Lessons it chose
        to share reach others through the knowledge view."""
        community = community_or_404(pk)
        require(community_permissions.is_member(request.user, community))
        page = self.paginate_queryset(api_selectors.lessons_of(community=community))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CommunityAgreementsView(GenericAPIView):
    serializer_class = AgreementSerializer

    @extend_schema(
        operation_id="community_agreements_list",
        responses=AgreementSerializer(many=True),
        tags=["bijeenkomsten"],
    )
    def get(self, request, pk: int):
        """The community's agreements with who picks them up — members only."""
        community = community_or_404(pk)
        require(meeting_permissions.can_view_community_agreements(request.user, community))
        page = self.paginate_queryset(api_selectors.agreements_of(community=community))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
