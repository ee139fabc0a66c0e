"""Panels that other apps add to a page they do not own.

`communities` is the core the other apps point to; nothing in it may point back (STYLE.md
"Layout"). Yet the community page must show meetings, signals and products. So the page asks
this registry instead: each app registers its panels in its `AppConfig.ready()`, and each
panel's context function decides, with that app's own permission rules, whether the visitor
sees it at all (it returns None if not) and what it shows.

Three pages are built this way:

- the community page (`community_panels`, context `(community, user)`); orders leave room
  between apps: meetings use 100–199, signals 200–299, products 300–399, what other
  communities work on and joint sessions 400–499, the public knowledge base 500–599. A panel
  names the `section` of the page it belongs in: "top" opens the page (the next meeting, the
  latest outcomes), the others are the page's named, collapsible sections, which the
  community page itself lists (`communities.views.community.SECTIONS`);
- the home page (`home_panels`, context `(user, user)`): what is next for the signed-in person;
- a programme's public page (`public_panels`, context `(programme, user)`), open to anyone:
  a panel there shows only what was made public.

The home page also opens with one list, "Wat nu" (`home_tasks`): each app adds the lines it
knows about for this person — a meeting to answer, a signal past its deadline, a survey to fill
in — and the page shows them together, most urgent first (issue "Task-first interface"). An app
decides with its own permission rules what is this person's, so nothing waits on the home page
of someone it does not concern.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

PanelContext = Callable[[Any, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: PanelContext
    section: str = ""


@dataclass(frozen=True)
class VisiblePanel:
    """A panel with the context it computed for one visitor. The page includes `template` with
    this context as the variable `panel`, beside the page's own context (`community`, `user`,
    `request`)."""

    key: str
    template: str
    context: dict[str, Any]
    section: str = ""


class PanelRegistry:
    """The panels of one kind of page. Registering a key again replaces the panel, so an app
    whose `ready()` runs twice (as in some test set-ups) does not show its panel twice."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(
        self, *, key: str, order: int, template: str, context: PanelContext, section: str = ""
    ) -> None:
        self._panels[key] = Panel(
            key=key, order=order, template=template, context=context, section=section
        )

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
                    VisiblePanel(
                        key=panel.key,
                        template=panel.template,
                        context=context,
                        section=panel.section,
                    )
                )
        return visible


community_panels = PanelRegistry()


def register_community_panel(
    *,
    key: str,
    order: int,
    template: str,
    context: Callable[[Any, Any], dict[str, Any] | None],
    section: str = "",
) -> None:
    """Add a panel to the community page. `context(community, user)` returns what the template
    needs (there as `panel`), or None when this visitor must not see the panel. `section` is
    where on the page it goes ("top", "meetings", "signals", …; see the module docstring)."""
    community_panels.register(
        key=key, order=order, template=template, context=context, section=section
    )


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


class Urgency(IntEnum):
    """How soon a task on the home page asks for action; the list is sorted by it first."""

    OVERDUE = 0  # a deadline has passed: a signal without feedback, an agreement past its date
    SOON = 1  # a date is coming: the next meeting, an agreement due within two weeks
    WAITING = 2  # someone waits for this person: a draft, an answer, a review
    NEWS = 3  # new since recently: answers to our signals, messages in our threads


@dataclass(frozen=True)
class Task:
    """One line of "Wat nu": what to do, where, and the link that does it. `when` orders tasks
    of the same urgency: the earliest deadline first, but the newest news first. `action` names a small template shown beside the line
    (the RSVP buttons of a meeting), with `action_context` as its `task_action`."""

    text: str
    url: str
    urgency: Urgency
    when: datetime.datetime | None = None
    where: str = ""
    action: str = ""
    action_context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def sort_key(self) -> tuple:
        moment = self.when.timestamp() if self.when else float("inf")
        if self.urgency == Urgency.NEWS:
            moment = -moment
        return (int(self.urgency), moment, self.text)


TaskCollect = Callable[[Any], "list[Task]"]


class TaskRegistry:
    """The apps' task collectors for the home page. A collector takes the signed-in user and
    returns that person's tasks (an empty list when there are none); it must cost the same
    number of queries however much data there is (tests/test_query_counts.py)."""

    def __init__(self) -> None:
        self._collectors: dict[str, TaskCollect] = {}

    def register(self, *, key: str, collect: TaskCollect) -> None:
        self._collectors[key] = collect

    def unregister(self, key: str) -> None:
        self._collectors.pop(key, None)

    def tasks_for(self, user: Any) -> list[Task]:
        tasks = [task for key in sorted(self._collectors) for task in self._collectors[key](user)]
        return sorted(tasks, key=Task.sort_key)


home_tasks = TaskRegistry()


def register_home_tasks(*, key: str, collect: TaskCollect) -> None:
    """Add lines to the home page's "Wat nu". `collect(user)` returns only what concerns this
    person, decided with the registering app's own permission rules."""
    home_tasks.register(key=key, collect=collect)
