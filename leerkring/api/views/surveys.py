"""Survey waves and their results (`surveys.permissions`, `surveys.results`): for the
programme's evaluators and coordinators, aggregated, with small groups hidden."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView

from leerkring.surveys import permissions as survey_permissions
from leerkring.surveys import results, stored_results
from leerkring.surveys import selectors as survey_selectors
from leerkring.surveys.forms_results import results_filter_form

from .. import problems
from ..serializers.surveys import WaveResultsSerializer, WaveSerializer
from .base import programme_or_404, require


class WaveListView(GenericAPIView):
    serializer_class = WaveSerializer

    @extend_schema(
        operation_id="waves_list", responses=WaveSerializer(many=True), tags=["enquêtes"]
    )
    def get(self, request, slug: str):
        """The programme's survey waves with how many were invited and answered."""
        programme = programme_or_404(slug)
        require(survey_permissions.can_view_surveys(request.user, programme))
        page = self.paginate_queryset(survey_selectors.programme_waves(programme))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# Raise when the answer's serializer changes what it writes (a deploy's new answer shows at
# once rather than within the hour the rendered answers are kept).
ANSWER_CACHE_VERSION = 1


class WaveResultsView(GenericAPIView):
    serializer_class = WaveResultsSerializer

    @extend_schema(
        operation_id="wave_results_retrieve",
        parameters=[
            OpenApiParameter(
                "community",
                OpenApiTypes.INT,
                description="Only this community's responses (when its group may be shown).",
            )
        ],
        tags=["enquêtes"],
    )
    def get(self, request, pk: int):
        """The wave's results, for all responses or one community: counts and percentages,
        with every group smaller than the programme's threshold left out."""
        wave = get_object_or_404(survey_selectors.wave_for_results(), pk=pk)
        require(survey_permissions.can_view_results(request.user, wave))
        if "community" not in request.query_params:
            return self._answer(request, wave, None)
        # The filter is checked on the page's part of the stored results (the one community
        # asked for, not the list of every community); the answer holds every figure.
        form = results_filter_form(
            wave, stored_results.wave_results_page(wave), request.query_params
        )
        if not form.is_valid():
            raise problems.form_problem(form)
        try:
            return self._answer(request, wave, form.cleaned_data["community"])
        except results.GroupHidden as error:
            form.add_error("community", form.fields["community"].error_messages["invalid_choice"])
            raise problems.form_problem(form) from error

    def _answer(self, request, wave, community_id: int | None) -> HttpResponse:
        """The answer as rendered once per stored results, language and media type: it lists
        every community twice (450 KB at five times national scale), and decoding the stored
        results, building and encoding that on every call grew with the network. The key
        names the stored row itself (`stored_results.stored_results_key`), so an answer rendered
        from other results is never found under it."""
        renderer = request.accepted_renderer
        media_type = request.accepted_media_type or ""
        key = (
            f"api:wave-results:{ANSWER_CACHE_VERSION}:"
            f"{stored_results.stored_results_key(wave, community_id=community_id)}:"
            f"{translation.get_language()}:{hashlib.sha256(media_type.encode()).hexdigest()[:16]}"
        )
        body = cache.get(key)
        if body is None:
            outcome = stored_results.wave_results_stored(wave, community_id=community_id)
            body = renderer.render(
                self.get_serializer(outcome).data, media_type, self.get_renderer_context()
            )
            cache.set(key, body, stored_results.PAGE_CACHE_SECONDS)
        content_type = (
            f"{renderer.media_type}; charset={renderer.charset}"
            if renderer.charset
            else renderer.media_type
        )
        return HttpResponse(body, content_type=content_type)
