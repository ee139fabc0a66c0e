"""Small shapes several resources share. Every field is named: nothing is serialised
wholesale, so a field added to a model never leaks into the API unseen."""

from __future__ import annotations

from rest_framework import serializers


class ProgrammeRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CommunityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ThemeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ChoiceSerializer(serializers.Serializer):
    """A coded value with its label in the language of the request."""

    value = serializers.CharField()
    label = serializers.CharField()


def choice(value: str, label) -> dict:
    return {"value": value, "label": str(label)}
