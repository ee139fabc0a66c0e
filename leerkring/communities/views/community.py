"""One community's page, and creating and editing communities.

Who sees what follows DESIGN.md §2: members see each other's names; coordinators and
evaluators who are not members see only the community's composition by organisation type.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.core.panels import VisiblePanel, community_panels

from .. import permissions, selectors, services
from ..forms import CommunityForm, ScenarioForm
from ..models import Community, Programme, RuleProfile
from ..presets import SCENARIO_RECOMMENDATIONS

# The community page opens with the panels of section "top" (the next meeting, the latest
# outcomes); everything else sits in these named sections, each folded away until opened, so
# the page is as long as what its reader chose to see (issue "Task-first interface"). Other
# apps put their panels in a section by its key (`core.panels.register_community_panel`).
SECTIONS = (
    ("meetings", gettext_lazy("Bijeenkomsten")),
    ("agreements", gettext_lazy("Afspraken")),
    ("threads", gettext_lazy("Gesprekken")),
    ("signals", gettext_lazy("Signalen")),
    ("sharing", gettext_lazy("Producten en kennisdeling")),
    ("members", gettext_lazy("Leden")),
    ("about", gettext_lazy("Over deze gemeenschap")),
)
# The sections this app fills itself besides the panels of other apps.
OWN_SECTIONS = ("members", "about")


def _sections(panels: list[VisiblePanel]) -> tuple[list[VisiblePanel], list[dict]]:
    """The top panels, and the sections in page order with their panels; a section without
    anything for this visitor is left out. A panel naming no known section goes to the end of
    "Over deze gemeenschap"."""
    known = {key for key, _title in SECTIONS}
    top = [panel for panel in panels if panel.section == "top"]
    by_section: dict[str, list[VisiblePanel]] = {key: [] for key in known}
    for panel in panels:
        if panel.section != "top":
            by_section[panel.section if panel.section in known else "about"].append(panel)
    sections = [
        {"key": key, "title": title, "panels": by_section[key]}
        for key, title in SECTIONS
        if by_section[key] or key in OWN_SECTIONS
    ]
    return top, sections


def _community(pk: int) -> Community:
    return get_object_or_404(selectors.communities_with_programme(), pk=pk)


def _rule_profile(programme: Programme) -> RuleProfile | None:
    try:
        return programme.rule_profile
    except RuleProfile.DoesNotExist:
        return None


def _scenarios() -> list[dict]:
    return [
        {"value": value, "label": label, **SCENARIO_RECOMMENDATIONS[value]}
        for value, label in Community.Scenario.choices
    ]


@login_required
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(pk)
    user = request.user
    if not permissions.can_view_community(user, community):
        raise PermissionDenied
    can_view_members = permissions.can_view_members(user, community)
    can_view_programme = permissions.can_view_programme(user, community.programme)
    rule_profile = _rule_profile(community.programme)
    # Meetings, signals and products add their panels without this app importing them.
    top_panels, sections = _sections(community_panels.visible_for(community, user))
    return render(
        request,
        "communities/community_detail.html",
        {
            "community": community,
            "programme": community.programme,
            "meeting_interval": community.meeting_interval_weeks
            or (rule_profile.meeting_interval_weeks if rule_profile else None),
            "scenario_goal": SCENARIO_RECOMMENDATIONS.get(community.scenario, {}).get("goal"),
            "composition": selectors.community_composition(community=community),
            "groups": (
                selectors.community_members_by_organisation(community=community)
                if can_view_members
                else None
            ),
            "can_view_members": can_view_members,
            "can_view_programme": can_view_programme,
            "can_manage_members": permissions.can_manage_members(user, community),
            "can_edit_community": permissions.can_edit_community(user, community),
            "top_panels": top_panels,
            "sections": sections,
            "nav_section": "programme" if can_view_programme else "home",
            "current_programme": community.programme,
        },
    )


@login_required
def community_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A two-step wizard without session state: step 1 picks the scenario (report §6.3), step 2
    carries it in a hidden field beside the details form."""
    programme = get_object_or_404(selectors.programme_with_rule_profile(slug=slug))
    if not permissions.can_create_community(request.user, programme):
        raise PermissionDenied
    context = {
        "programme": programme,
        "rule_summary": selectors.rule_profile_summary(rule_profile=_rule_profile(programme)),
        "scenarios": _scenarios(),
        "nav_section": "programme",
        "current_programme": programme,
    }
    if request.method == "POST":
        scenario_form = ScenarioForm(request.POST)
    else:
        scenario_form = ScenarioForm(request.GET if "scenario" in request.GET else None)
    if not scenario_form.is_bound or not scenario_form.is_valid():
        return render(
            request,
            "communities/community_create_scenario.html",
            {
                **context,
                "scenario_form": scenario_form,
                # "Wijzig scenario" comes back here with the current choice still ticked.
                "selected": request.GET.get("current", ""),
            },
        )
    scenario = scenario_form.cleaned_data["scenario"]
    instance = Community(programme=programme)
    if request.method == "POST":
        form = CommunityForm(request.POST, instance=instance, scenario_hidden=True)
        if form.is_valid():
            try:
                community = services.community_create(
                    programme=programme, by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Gemeenschap “%(name)s” is aangemaakt.") % {"name": community.name},
                )
                return redirect(community)
    else:
        form = CommunityForm(
            instance=instance, initial={"scenario": scenario}, scenario_hidden=True
        )
    return render(
        request,
        "communities/community_create_details.html",
        {
            **context,
            "form": form,
            "scenario": scenario,
            "scenario_label": Community.Scenario(scenario).label,
            "recommendations": SCENARIO_RECOMMENDATIONS[scenario],
        },
    )


@login_required
def community_edit(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(pk)
    if not permissions.can_edit_community(request.user, community):
        raise PermissionDenied
    if request.method == "POST":
        # Form and service each work on their own copy: the service must still see what changed
        # (for the audit), and a refused change must not show up in this page's heading.
        form = CommunityForm(request.POST, instance=_community(pk))
        if form.is_valid():
            try:
                services.community_update(
                    community=_community(pk), by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("De gegevens zijn opgeslagen."))
                return redirect(community)
    else:
        form = CommunityForm(instance=community)
    return render(
        request,
        "communities/community_edit.html",
        {
            "community": community,
            "programme": community.programme,
            "form": form,
            "scenarios": _scenarios(),
            "can_view_programme": permissions.can_view_programme(request.user, community.programme),
            "nav_section": "programme",
            "current_programme": community.programme,
        },
    )
