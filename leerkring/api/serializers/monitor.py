"""The CoP monitor: each community's traffic lights with the reason and the source."""

from __future__ import annotations

from rest_framework import serializers

from .common import CommunityRefSerializer


class CheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="green, orange, red, unknown or none (no norm).")
    label = serializers.CharField()
    value = serializers.CharField()
    norm = serializers.CharField()
    reason = serializers.CharField()
    source = serializers.CharField()


class MonitorRowSerializer(serializers.Serializer):
    community = CommunityRefSerializer()
    counts = serializers.DictField(child=serializers.IntegerField())
    checks = CheckSerializer(many=True)
