"""Calling the API as a program would: with a personal token, JSON in and out."""

from __future__ import annotations

import json

from django.test import Client

from leerkring.api import services


def token_for(user, *, access="write", programme=None, days=30) -> str:
    """A token as its holder makes it on the token page, past the second step."""
    _token, raw = services.token_create(
        user=user,
        name="Koppeling",
        access=access,
        days=days,
        programme=programme,
        second_factor_passed=True,
    )
    return raw


class ApiClient:
    """A test client that sends `Authorization: Bearer …` and JSON."""

    def __init__(self, token: str | None = None, **headers):
        self.client = Client()
        self.headers = dict(headers)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers={**self.headers, **headers})

    def post(self, path, data=None, **headers):
        return self.client.post(
            path,
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )
