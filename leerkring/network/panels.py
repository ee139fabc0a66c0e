"""The network on the home page: where its members find it (see `leerkring.core.panels`)."""

from __future__ import annotations

from typing import Any

from . import selectors


def home_panel(user: Any, _user: Any) -> dict[str, Any] | None:
    networks = selectors.networks_for(user)
    if not networks:
        return None
    return {"networks": networks}
