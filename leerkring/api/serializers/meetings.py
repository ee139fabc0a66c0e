"""Meetings, lessons and agreements: what is said in a community, for its members; the
dates and counts for the programme's coordinators and evaluators."""

from __future__ import annotations

from rest_framework import serializers

from leerkring.meetings.models import Agreement, Lesson, Meeting


class MeetingShapeSerializer(serializers.Serializer):
    """A meeting as the programme sees it: when, how, where hosted, how many came."""

    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    format = serializers.ChoiceField(choices=Meeting.Format.choices)
    status = serializers.ChoiceField(choices=Meeting.Status.choices)
    host_organisation = serializers.CharField(
        source="host_organisation.name", allow_null=True, default=None
    )
    present_count = serializers.IntegerField()


class MeetingSerializer(MeetingShapeSerializer):
    """For members: with the title and place."""

    title = serializers.CharField(allow_blank=True)
    place = serializers.CharField(allow_blank=True)


class AgendaItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    work_form = serializers.CharField(source="work_form.name", allow_null=True, default=None)
    topic_category = serializers.CharField(allow_blank=True)
    subtopic = serializers.CharField(allow_blank=True)


class MeetingDetailSerializer(MeetingSerializer):
    address = serializers.CharField(allow_blank=True)
    case_title = serializers.CharField(allow_blank=True)
    minutes = serializers.CharField(allow_blank=True)
    agenda = AgendaItemSerializer(many=True, source="agenda_rows")


class LessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    text = serializers.CharField()
    learning_order = serializers.ChoiceField(choices=Lesson.LearningOrder.choices, allow_blank=True)
    influence_level = serializers.CharField(allow_blank=True)
    shareable = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    text = serializers.CharField()
    owner = serializers.CharField(source="owner.person.full_name", allow_null=True, default=None)
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Agreement.Status.choices)
    created_at = serializers.DateTimeField()
