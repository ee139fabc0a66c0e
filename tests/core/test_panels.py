"""The panel registry: how apps add panels to the community page without `communities`
importing them (STYLE.md "Layout")."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from leerkring.core.panels import PanelRegistry, community_panels, register_community_panel


def _context(value):
    return lambda obj, user: {"value": value}


def test_it_lists_panels_by_order_whatever_the_registration_order():
    registry = PanelRegistry()
    registry.register(key="late", order=300, template="late.html", context=_context(3))
    registry.register(key="early", order=100, template="early.html", context=_context(1))
    registry.register(key="middle", order=200, template="middle.html", context=_context(2))

    visible = registry.visible_for(object(), None)

    assert [panel.key for panel in visible] == ["early", "middle", "late"]
    assert [panel.context["value"] for panel in visible] == [1, 2, 3]
    assert visible[0].template == "early.html"


def test_it_leaves_out_a_panel_whose_context_returns_none():
    registry = PanelRegistry()
    registry.register(key="shown", order=1, template="a.html", context=_context("yes"))
    registry.register(key="hidden", order=2, template="b.html", context=lambda obj, user: None)

    assert [panel.key for panel in registry.visible_for(object(), None)] == ["shown"]


def test_it_gives_each_context_function_the_object_and_the_visitor():
    seen = []
    registry = PanelRegistry()
    registry.register(
        key="k", order=1, template="k.html", context=lambda obj, user: seen.append((obj, user))
    )
    page, visitor = object(), object()

    registry.visible_for(page, visitor)

    assert seen == [(page, visitor)]


def test_registering_a_key_again_replaces_the_panel():
    registry = PanelRegistry()
    registry.register(key="k", order=1, template="old.html", context=_context("old"))
    registry.register(key="k", order=1, template="new.html", context=_context("new"))

    (panel,) = registry.visible_for(object(), None)
    assert (panel.template, panel.context["value"]) == ("new.html", "new")


def test_the_meetings_app_registers_its_community_panels():
    panels = {panel.key: panel for panel in community_panels.panels()}
    keys = list(panels)

    assert keys[:2] == ["meeting_next", "meeting_latest_outcomes"]
    assert {panels[key].section for key in keys[:2]} == {"top"}
    assert [key for key in keys if key.startswith("meeting")][2:] == [
        "meetings",
        "meeting_agreements",
        "meeting_member_attendance",
        "meeting_topics",
        "meeting_threads",
    ]
    assert panels["our_signals"].section == "signals"
    assert panels["products"].section == "sharing"


@pytest.fixture
def test_panel(settings, tmp_path):
    """A panel template in a temporary folder, registered for the length of one test."""
    (tmp_path / "test_panel.html").write_text(
        '<section id="test-panel">{{ panel.greeting }} {{ community.name }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]

    def register(context, section=""):
        register_community_panel(
            key="test", order=1, template="test_panel.html", context=context, section=section
        )

    yield register
    community_panels.unregister("test")


def test_the_community_page_renders_a_registered_panel(world, client, test_panel):
    seen = []

    def context(community, user):
        seen.append((community.pk, user.pk))
        return {"greeting": "Hallo van een andere app"}

    test_panel(context)
    client.force_login(world.participant)

    response = client.get(reverse("communities:community", args=[world.community.pk]))

    assert response.status_code == 200
    assert seen == [(world.community.pk, world.participant.pk)]
    assert '<section id="test-panel">Hallo van een andere app CoP Achterhoek</section>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("section", "fold"),
    [("top", None), ("signals", "sectie-signals"), ("elsewhere", "sectie-about")],
)
def test_a_panel_lands_in_the_section_it_names(world, client, test_panel, section, fold):
    """ "top" opens the page before the folded sections; a known section holds the panel in its
    fold; an unknown one falls back to "Over deze gemeenschap"."""
    test_panel(lambda community, user: {"greeting": "Hallo"}, section=section)
    client.force_login(world.participant)
    body = client.get(reverse("communities:community", args=[world.community.pk])).content.decode()
    at = body.index('id="test-panel"')
    if fold is None:
        assert at < body.index('class="lk-fold"')
    else:
        start = body.index(f'id="{fold}"')
        assert start < at < body.index("</details>", start)


def test_the_community_page_leaves_out_a_panel_not_meant_for_the_visitor(world, client, test_panel):
    test_panel(lambda community, user: {"greeting": "x"} if user == world.lead else None)
    client.force_login(world.participant)

    response = client.get(reverse("communities:community", args=[world.community.pk]))

    assert response.status_code == 200
    assert 'id="test-panel"' not in response.content.decode()


def test_the_community_page_asks_no_panel_for_a_visitor_it_refuses(world, client, test_panel):
    seen = []
    test_panel(lambda community, user: seen.append(user) or {"greeting": "x"})
    client.force_login(world.system_partner)

    response = client.get(reverse("communities:community", args=[world.community.pk]))

    assert response.status_code == 403
    assert seen == []


def test_the_community_page_does_not_import_the_apps_that_add_panels():
    views = Path(__file__).resolve().parents[2] / "leerkring" / "communities" / "views"
    source = "\n".join(path.read_text() for path in views.glob("*.py"))

    for app in ("meetings", "signalling", "dissemination"):
        assert f"leerkring.{app}" not in source
