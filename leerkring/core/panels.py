"""Panels that other apps add to a page they do not own.

`communities` is the core the other apps point to; nothing in it may point back (STYLE.md
"Layout"). Yet the community page must show meetings, signals and products. So the page asks
this registry instead: each app registers its panels in its `AppConfig.ready()`, and each
panel's context function decides, with that app's own permission rules, whether the visitor
sees it at all (it returns None if not) and what it shows.

Three pages are built this way:

- the community page (`community_panels`, context `(community, user)`); orders leave room
  between apps: meetings use 100–199, signals 200–299, products 300–399, what other
  communities work on and joint sessions 400–499, the public knowledge base 500–599;
- the home page (`home_panels`, context `(user, user)`): what is next for the signed-in person;
- a programme's public page (`public_panels`, context `(programme, user)`), open to anyone:
  a panel there shows only what was made public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PanelContext = Callable[[Any, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: PanelContext


@dataclass(frozen=True)
class VisiblePanel:
    """A panel with the context it computed for one visitor. The page includes `template` with
    this context as the variable `panel`, beside the page's own context (`community`, `user`,
    `request`)."""

    key: str
    template: str
    context: dict[str, Any]


class PanelRegistry:
    """The panels of one kind of page. Registering a key again replaces the panel, so an app
    whose `ready()` runs twice (as in some test set-ups) does not show its panel twice."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, *, key: str, order: int, template: str, context: PanelContext) -> None:
        self._panels[key] = Panel(key=key, order=order, template=template, context=context)

    def unregister(self, key: str) -> None:
        self._panels.pop(key, None)

    def panels(self) -> list[Panel]:
        """In page order; equal orders by key, so the page never shuffles."""
        return sorted(self._panels.values(), key=lambda panel: (panel.order, panel.key))

    def visible_for(self, obj: Any, user: Any) -> list[VisiblePanel]:
        """The panels this visitor may see, each with its context, in page order. The caller
        has already decided that the visitor may open the page itself."""
        visible = []
        for panel in self.panels():
            context = panel.context(obj, user)
            if context is not None:
                visible.append(
                    VisiblePanel(key=panel.key, template=panel.template, context=context)
                )
        return visible


community_panels = PanelRegistry()


def register_community_panel(
    *,
    key: str,
    order: int,
    template: str,
    context: Callable[[Any, Any], dict[str, Any] | None],
) -> None:
    """Add a panel to the community page. `context(community, user)` returns what the template
    needs (there as `panel`), or None when this visitor must not see the panel."""
    community_panels.register(key=key, order=order, template=template, context=context)


home_panels = PanelRegistry()


def register_home_panel(
    *,
    key: str,
    order: int,
    template: str,
    context: Callable[[Any, Any], dict[str, Any] | None],
) -> None:
    """Add a panel to the signed-in home page. `context(user, user)` returns what the template
    needs (there as `panel`), or None when there is nothing for this person."""
    home_panels.register(key=key, order=order, template=template, context=context)


public_panels = PanelRegistry()


def register_public_panel(
    *,
    key: str,
    order: int,
    template: str,
    context: Callable[[Any, Any], dict[str, Any] | None],
) -> None:
    """Add a panel to a programme's public page (no sign-in). `context(programme, user)` must
    return only what was made public, whoever the visitor is."""
    public_panels.register(key=key, order=order, template=template, context=context)
