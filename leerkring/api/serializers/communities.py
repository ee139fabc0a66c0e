"""Programmes and communities: the shape for coordinators and evaluators, the members for
members (DESIGN.md §2)."""

from __future__ import annotations

from rest_framework import serializers

from leerkring.communities.models import Community, Membership

from .common import ProgrammeRefSerializer


class ProgrammeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    coordinating_organisation = serializers.CharField(allow_blank=True)
    my_roles = serializers.ListField(
        child=serializers.CharField(),
        help_text="Your programme roles here: coordinator, evaluator, system_partner.",
    )
    community_count = serializers.IntegerField()


class TypeCountSerializer(serializers.Serializer):
    type = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    members = serializers.IntegerField()
    organisations = serializers.IntegerField()


class CommunityShapeSerializer(serializers.Serializer):
    """A community as the programme overview shows it: counts, never names."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    scope = serializers.ChoiceField(choices=Community.Scope.choices)
    region = serializers.CharField(allow_blank=True)
    scenario = serializers.ChoiceField(choices=Community.Scenario.choices)
    phase = serializers.ChoiceField(choices=Community.Phase.choices)
    status = serializers.ChoiceField(choices=Community.Status.choices)
    start_date = serializers.DateField(allow_null=True)
    member_count = serializers.IntegerField()
    organisation_count = serializers.IntegerField()
    organisation_types = TypeCountSerializer(many=True, source="type_mix")


class MyCommunitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    programme = ProgrammeRefSerializer()
    my_role = serializers.ChoiceField(choices=Membership.Role.choices)


class MemberSerializer(serializers.Serializer):
    """A member, for the other members of the community only."""

    name = serializers.CharField(source="person.full_name")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    joined_on = serializers.DateField(allow_null=True)


class CommunityDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    programme = ProgrammeRefSerializer()
    scope = serializers.ChoiceField(choices=Community.Scope.choices)
    region = serializers.CharField(allow_blank=True)
    theme = serializers.CharField(allow_blank=True)
    learning_question = serializers.CharField(allow_blank=True)
    scenario = serializers.ChoiceField(choices=Community.Scenario.choices)
    phase = serializers.ChoiceField(choices=Community.Phase.choices)
    status = serializers.ChoiceField(choices=Community.Status.choices)
    start_date = serializers.DateField(allow_null=True)
    member_count = serializers.IntegerField()
    organisation_count = serializers.IntegerField()
    organisation_types = TypeCountSerializer(many=True)
    members = MemberSerializer(
        many=True,
        allow_null=True,
        help_text="Only for members of the community; null for everyone else.",
    )
