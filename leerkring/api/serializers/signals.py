"""Signals as the venster, the community and the system level see them.

Outside its community a signal names the community, never a person (DESIGN.md §2): no
serializer here carries a name, an e-mail address or the signal's history. The system level
sees the region instead of the community, as on its page.
"""

from __future__ import annotations

from rest_framework import serializers

from leerkring.meetings.topics import InfluenceLevel, SolutionLevel, TopicCategory
from leerkring.signalling.models import Escalation, Signal, SignalResponse

from .common import CommunityRefSerializer, ThemeRefSerializer


class AnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.ChoiceField(choices=SignalResponse.Source.choices)
    source_label = serializers.CharField(source="get_source_display")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    on_theme = serializers.SerializerMethodField()

    def get_on_theme(self, response) -> bool:
        return response.signal_id is None


class EscalationSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Escalation.Level.choices)
    question = serializers.CharField()
    escalated_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class SignalListSerializer(serializers.Serializer):
    """A row of the venster (the table shows no description; the detail does)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=Signal.State.choices)
    state_label = serializers.CharField(source="get_state_display")
    community = CommunityRefSerializer()
    theme = ThemeRefSerializer(allow_null=True)
    topic_category = serializers.ChoiceField(choices=TopicCategory.choices, allow_blank=True)
    subtopic = serializers.CharField(allow_blank=True)
    solution_level = serializers.ChoiceField(choices=SolutionLevel.choices)
    influence_level = serializers.ChoiceField(choices=InfluenceLevel.choices, allow_blank=True)
    raised_on = serializers.DateField()
    passed_on_at = serializers.DateTimeField(allow_null=True)
    last_feedback_at = serializers.DateTimeField(allow_null=True)
    waiting = serializers.BooleanField(
        help_text="Waiting for feedback longer than the programme's deadline."
    )


class CommunitySignalSerializer(SignalListSerializer):
    """A community's own signal, for its members: with the text, drafts included, and every
    answer it received (on the signal and on its theme)."""

    description = serializers.CharField()
    answers = AnswerSerializer(many=True)


class SignalDetailSerializer(SignalListSerializer):
    description = serializers.CharField()
    answers = AnswerSerializer(many=True)
    escalations = EscalationSerializer(many=True)
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The steps you may take now (POST /signals/{id}/actions/, or pass-on).",
    )


class SystemSignalSerializer(serializers.Serializer):
    """What the system level sees: the text, theme, region, level and dates, the question
    put to it and the answers — no community name, no people."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    state = serializers.ChoiceField(choices=Signal.State.choices)
    state_label = serializers.CharField(source="get_state_display")
    region = serializers.CharField(source="community.region", allow_blank=True)
    theme = ThemeRefSerializer(allow_null=True)
    topic_category = serializers.ChoiceField(choices=TopicCategory.choices, allow_blank=True)
    solution_level = serializers.ChoiceField(choices=SolutionLevel.choices)
    raised_on = serializers.DateField()
    passed_on_at = serializers.DateTimeField(allow_null=True)
    escalations = EscalationSerializer(many=True, source="system_escalations")
    answers = AnswerSerializer(many=True)


class SystemInboxSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=Signal.State.choices)
    state_label = serializers.CharField(source="get_state_display")
    region = serializers.CharField(source="community.region", allow_blank=True)
    theme = ThemeRefSerializer(allow_null=True)
    solution_level = serializers.ChoiceField(choices=SolutionLevel.choices)
    raised_on = serializers.DateField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    answered = serializers.BooleanField()


# --- Input (documentation of the bodies; the pages' forms validate them) --------------------


class SignalRaiseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000)
    raised_on = serializers.DateField(required=False)
    meeting = serializers.IntegerField(required=False, allow_null=True)
    topic_category = serializers.ChoiceField(choices=TopicCategory.choices, required=False)
    subtopic = serializers.CharField(required=False, allow_blank=True)
    solution_level = serializers.ChoiceField(choices=SolutionLevel.choices, required=False)
    influence_level = serializers.ChoiceField(choices=InfluenceLevel.choices, required=False)
    confirmed = serializers.BooleanField(
        required=False,
        help_text="Only for a coordinator raising a signal on a community's behalf: "
        "'I checked; there is no personal data in it'.",
    )


class SignalPassOnSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200, required=False, help_text="The text as it leaves the community."
    )
    description = serializers.CharField(max_length=10_000, required=False)
    confirmed = serializers.BooleanField(
        required=False,
        help_text="'I checked; there is no personal data in it'.",
    )


class SignalActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[
            "triage",
            "known",
            "back",
            "escalate",
            "resolve",
            "no-follow-up",
            "respond",
            "theme",
        ]
    )
    answer = serializers.CharField(required=False, help_text="back, resolve")
    reason = serializers.CharField(required=False, help_text="no-follow-up")
    text = serializers.CharField(required=False, help_text="respond")
    question = serializers.CharField(required=False, help_text="escalate")
    level = serializers.ChoiceField(
        choices=Escalation.Level.choices, required=False, help_text="escalate"
    )
    note = serializers.CharField(required=False, help_text="triage, known")
    theme = serializers.IntegerField(required=False, allow_null=True, help_text="known, theme")
    known_as = serializers.IntegerField(required=False, allow_null=True, help_text="known")
    confirmed = serializers.BooleanField(
        required=False,
        help_text="back, resolve, no-follow-up, respond, escalate: 'I checked; there is no "
        "personal data in it', after the personal-data check refused the text.",
    )


class AnswerCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10_000)
    confirmed = serializers.BooleanField(
        required=False,
        help_text="'I checked; there is no personal data in it', after the personal-data "
        "check refused the text.",
    )
