"""Products (the catalogue) and the knowledge view: only what communities chose to share,
plus their own for members (`dissemination.selectors`)."""

from __future__ import annotations

from rest_framework import serializers

from leerkring.dissemination.models import Product

from .common import CommunityRefSerializer


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Product.Kind.choices)
    summary = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Product.Status.choices)
    scope = serializers.ChoiceField(choices=Product.Scope.choices)
    topic_category = serializers.CharField(allow_blank=True)
    shareable = serializers.BooleanField()
    communities = CommunityRefSerializer(many=True)
    updated_at = serializers.DateTimeField()


class KnowledgeTopicSerializer(serializers.Serializer):
    category = serializers.CharField()
    count = serializers.IntegerField()
    subtopics = serializers.ListField(child=serializers.CharField())


class KnowledgeLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class KnowledgeProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()


class KnowledgeSignalSerializer(serializers.Serializer):
    title = serializers.CharField()
    state = serializers.CharField()


class RelatedCommunitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    subtopics = serializers.ListField(child=serializers.CharField())


class KnowledgeEntrySerializer(serializers.Serializer):
    community = CommunityRefSerializer()
    topics = KnowledgeTopicSerializer(many=True)
    lessons = KnowledgeLessonSerializer(many=True)
    products = KnowledgeProductSerializer(many=True)
    signals = KnowledgeSignalSerializer(many=True)
    related = RelatedCommunitySerializer(many=True)
    related_more = serializers.IntegerField()
