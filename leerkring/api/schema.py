"""The OpenAPI description: every operation also names the problems it may answer with."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

PROBLEM_MEDIA = "application/problem+json"


class ProblemErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="The message, in Dutch (or English).")
    pointer = serializers.CharField(help_text="JSON pointer to the field at fault, or `#`.")
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="urn:leerkring:problem:<soort>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(allow_blank=True)
    errors = ProblemErrorSerializer(many=True, required=False)


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "429"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes += ["409", "415"]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_MEDIA]
                )
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "leerkring.api.authentication.BearerTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (lk_…), made on the page ‘API-sleutels’.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "leerkring.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
