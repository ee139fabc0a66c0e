"""Programme pages: the list of one's programmes, the overview of a programme's communities
(their shape, never their members' names — DESIGN.md §2) and the rule profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions, selectors, services
from ..forms import CommunityFilterForm, PresetForm, RuleProfileForm
from ..models import Programme, RuleProfile
from ..presets import RULE_PROFILE_PRESETS, preset_values

COMMUNITIES_PER_PAGE = 50


def _programme(slug: str) -> Programme:
    return get_object_or_404(selectors.programme_with_rule_profile(slug=slug))


def _rule_profile(programme: Programme) -> RuleProfile:
    try:
        return programme.rule_profile
    except RuleProfile.DoesNotExist:
        return RuleProfile(programme=programme)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    entries = selectors.programmes_for_overview(request.user)
    if not entries:
        raise PermissionDenied
    return render(
        request,
        "communities/programme_list.html",
        {"entries": entries, "nav_section": "programme"},
    )


@login_required
def programme_overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    if not permissions.can_view_programme(request.user, programme):
        raise PermissionDenied
    form = CommunityFilterForm(
        request.GET or None, regions=selectors.programme_regions(programme=programme)
    )
    filters = form.filters() if form.is_bound else {}
    sort = filters.pop("sort", "name")
    communities = selectors.programme_communities(programme=programme, sort=sort, **filters)
    paginator = Paginator(communities, COMMUNITIES_PER_PAGE)
    count = selectors.programme_community_count(programme=programme, **filters)
    if count is not None:
        # The kept count, not a count of every community of the programme.
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    mix = selectors.organisation_type_mix(community_ids=[c.pk for c in page.object_list])
    for community in page.object_list:
        community.type_mix = mix.get(community.pk, [])
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "columns": _sort_columns(sort),
        "filtered": bool(filters),
        "can_create_community": permissions.can_create_community(request.user, programme),
        "can_edit_rule_profile": permissions.can_edit_rule_profile(request.user, programme),
        "can_view_access_log": permissions.can_view_access_log(request.user, programme),
        "can_manage_programme_roles": permissions.can_manage_programme_roles(
            request.user, programme
        ),
        "nav_section": "programme",
        "current_programme": programme,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "communities/partials/programme_communities.html", context)
    return render(request, "communities/programme_overview.html", context)


@login_required
def rule_profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    if not permissions.can_edit_rule_profile(request.user, programme):
        raise PermissionDenied
    profile = _rule_profile(programme)
    # Its own ids: the edit form below has a (hidden) field named "preset" as well.
    preset_form = PresetForm(request.GET if "preset" in request.GET else None, auto_id="example_%s")
    if request.method == "POST":
        # The form validates a copy, so the service still sees what changed and audits it.
        form = RuleProfileForm(request.POST, instance=_rule_profile(_programme(slug)))
        if form.is_valid():
            try:
                services.rule_profile_update(
                    rule_profile=profile, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("De spelregels zijn opgeslagen."))
                return redirect("communities:programme", slug=programme.slug)
    elif preset_form.is_bound and preset_form.is_valid():
        key = preset_form.cleaned_data["preset"]
        form = RuleProfileForm(instance=profile, initial=_preset_initial(key))
        messages.info(
            request,
            _(
                "De waarden van “%(preset)s” staan ingevuld. Controleer ze en sla op; tot dan "
                "verandert er niets."
            )
            % {"preset": RULE_PROFILE_PRESETS[key]["label"]},
        )
    else:
        form = RuleProfileForm(instance=profile)
    return render(
        request,
        "communities/rule_profile_edit.html",
        {
            "programme": programme,
            "form": form,
            "preset_form": preset_form,
            "nav_section": "programme",
            "current_programme": programme,
        },
    )


# Sortable columns of the overview table; counts and dates start with the largest or newest.
_COLUMNS = [
    ("name", gettext_lazy("Naam"), ""),
    ("region", gettext_lazy("Regio"), ""),
    ("members", gettext_lazy("Leden"), "-"),
    ("organisations", gettext_lazy("Organisaties"), "-"),
    ("start", gettext_lazy("Start"), "-"),
]


def _sort_columns(sort: str) -> dict[str, dict]:
    """Per sortable column: its heading, its aria-sort state and the sort its link asks for."""
    columns = {}
    for key, label, first in _COLUMNS:
        if sort == key:
            state, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "", f"{first}{key}"
        columns[key] = {"label": label, "aria_sort": state, "sort": next_sort}
    return columns


def _preset_initial(key: str) -> dict:
    """Every field of the form, so fields a preset leaves out are emptied or reset to their
    default rather than keeping the old profile's value."""
    initial = {}
    for name in RuleProfileForm.base_fields:
        model_field = RuleProfile._meta.get_field(name)
        initial[name] = model_field.get_default() if model_field.has_default() else None
    initial.update(preset_values(key))
    initial["preset"] = key
    return initial
