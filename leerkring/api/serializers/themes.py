"""Main issues (themes), the top five and the national coordination meeting (LCC)."""

from __future__ import annotations

from rest_framework import serializers

from leerkring.signalling.models import Signal

from .common import CommunityRefSerializer


class ThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    signal_count = serializers.IntegerField()
    open_count = serializers.IntegerField()
    community_count = serializers.IntegerField()
    latest = serializers.DateField(allow_null=True)
    pinned = serializers.BooleanField()
    excluded = serializers.BooleanField()


class RankedThemeSerializer(serializers.Serializer):
    """A theme's place in the ranking with every part of its score, so the formula shows."""

    id = serializers.IntegerField(source="theme.pk")
    title = serializers.CharField(source="theme.title")
    score = serializers.IntegerField()
    signals_recent = serializers.IntegerField()
    signals_open = serializers.IntegerField()
    communities = serializers.IntegerField()
    latest = serializers.DateField(allow_null=True)
    signal_points = serializers.IntegerField()
    community_points = serializers.IntegerField()
    recency_bonus = serializers.IntegerField()
    pinned = serializers.BooleanField(source="theme.pinned")
    excluded = serializers.BooleanField(source="theme.excluded")
    ranking_reason = serializers.CharField(source="theme.ranking_reason", allow_blank=True)
    in_top_five = serializers.BooleanField()


class CoordinationMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    held_on = serializers.DateField()
    recorded_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was recorded as held; null while it is ahead."
    )
    decision_count = serializers.IntegerField()


class AgendaSignalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=Signal.State.choices)
    community = CommunityRefSerializer()
    theme = serializers.CharField(source="theme.title", allow_null=True, default=None)
    escalated = serializers.BooleanField(help_text="Escalated to this meeting (LCC).")
    passed_on_at = serializers.DateTimeField(allow_null=True)


class DecisionSerializer(serializers.Serializer):
    signal = serializers.IntegerField(source="signal_id")
    decision = serializers.CharField()
    resulting_state = serializers.ChoiceField(choices=Signal.State.choices)
    decided_at = serializers.DateTimeField()


class CoordinationMeetingDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    held_on = serializers.DateField()
    recorded_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When it was recorded as held: from then on the agenda is kept as it stood.",
    )
    notes = serializers.CharField(allow_blank=True)
    agenda = AgendaSignalSerializer(many=True)
    agenda_more = serializers.BooleanField(help_text="The agenda holds more signals than listed.")
    decisions = DecisionSerializer(many=True, source="decision_rows")
