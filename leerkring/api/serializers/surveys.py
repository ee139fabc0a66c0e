"""Survey waves and their results: aggregated, with small groups suppressed exactly as on the
results page (`surveys.results`), never a single response."""

from __future__ import annotations

from rest_framework import serializers


class WaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    questionnaire = serializers.CharField(source="questionnaire.title")
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()


class PlainRowsSerializer(serializers.ListSerializer):
    """Many rows of a serializer whose fields each read one attribute and give a plain value:
    every community of a wave has a group and a row of the "which community" question (2,250 of
    each at five times national scale), and DRF's general way, a lookup per field per row, made
    them most of the answer's time. The same dictionaries, made by each field's own
    `to_representation` (None stays None, as DRF does)."""

    def to_representation(self, data):
        fields = [
            (field.field_name, field.source_attrs[0], field.to_representation)
            for field in self.child._readable_fields
        ]
        return [
            {
                name: _plain(getattr(row, attribute), represent)
                for name, attribute, represent in fields
            }
            for row in data
        ]


def _plain(value, represent):
    return None if value is None else represent(value)


class GroupCountSerializer(serializers.Serializer):
    community = serializers.IntegerField(source="pk", allow_null=True)
    name = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="null when the group is hidden.")
    hidden = serializers.BooleanField()

    class Meta:
        list_serializer_class = PlainRowsSerializer


class ResultRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()
    is_other = serializers.BooleanField()

    class Meta:
        list_serializer_class = PlainRowsSerializer


class StatementResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    n = serializers.IntegerField()
    cells = ResultRowSerializer(many=True)


class QuestionResultSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    n = serializers.IntegerField()
    hidden = serializers.BooleanField()
    rows = ResultRowSerializer(many=True)
    statements = StatementResultSerializer(many=True)
    texts = serializers.ListField(child=serializers.CharField())
    texts_total = serializers.IntegerField()
    other_texts = serializers.ListField(child=serializers.CharField())
    other_total = serializers.IntegerField()


class WaveResultsSerializer(serializers.Serializer):
    wave = serializers.IntegerField(source="wave_pk")
    threshold = serializers.IntegerField(help_text="Groups smaller than this are not shown.")
    total = serializers.IntegerField(allow_null=True, help_text="null when below the threshold.")
    total_hidden = serializers.BooleanField()
    community = serializers.IntegerField(source="community_pk", allow_null=True)
    groups = GroupCountSerializer(many=True)
    questions = QuestionResultSerializer(many=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A hidden count is not shown on the page either.
        if instance.total_hidden:
            data["total"] = None
        for group in data["groups"]:
            if group["hidden"]:
                group["count"] = None
        return data
