"""The API's wave results: the groups and result rows, made by `PlainRowsSerializer`, are what
DRF's own list serialiser makes of them, hidden counts left out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework import serializers

from leerkring.api.serializers.surveys import GroupCountSerializer, ResultRowSerializer
from leerkring.surveys import stored_results
from tests.api.helpers import token_for
from tests.surveys.test_results import build_known_wave

pytestmark = pytest.mark.django_db


def _as_drf_makes_them(serializer_class, rows) -> list[dict]:
    return serializers.ListSerializer(child=serializer_class(), instance=rows).data


def test_groups_and_rows_are_what_drf_makes_of_them(world):
    known = build_known_wave(world)
    outcome = stored_results.wave_results_stored(known.wave)
    client = Client(headers={"Authorization": f"Bearer {token_for(world.evaluator)}"})

    data = client.get(reverse("api:wave_results", args=[known.wave.pk])).json()

    expected_groups = _as_drf_makes_them(GroupCountSerializer, outcome.groups)
    for group in expected_groups:
        if group["hidden"]:
            group["count"] = None
    assert data["groups"] == expected_groups
    assert any(group["count"] is None for group in data["groups"])
    for question, expected in zip(data["questions"], outcome.questions, strict=True):
        assert question["rows"] == _as_drf_makes_them(ResultRowSerializer, expected.rows)
        for statement, cells in zip(question["statements"], expected.statements, strict=True):
            assert statement["cells"] == _as_drf_makes_them(ResultRowSerializer, cells.cells)
