"""The organisation directory: every organisation in the network, for the coordinators who set
up communities and look for a good mix of organisations (DESIGN.md §3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import permissions, selectors, services
from ..forms_members import OrganisationFilterForm, OrganisationForm
from ..models import Organisation

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "HEAD"])
def organisation_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_organisations(request.user):
        raise PermissionDenied
    filter_form = OrganisationFilterForm(request.GET, regions=selectors.organisation_regions())
    filters = filter_form.filters()
    organisations = selectors.organisation_directory(
        programme_ids=permissions.coordinated_programme_ids(request.user), **filters
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "communities/organisation_list.html",
        {
            "filter_form": filter_form,
            "filtered": any(filters[name] for name in ("q", "type", "region")),
            "page": page,
            "organisations": page.object_list,
            "query_string": query.urlencode(),
            "can_edit": permissions.can_edit_organisations(request.user),
            "nav_section": "organisations",
        },
    )


def _organisation_form(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    if not permissions.can_edit_organisations(request.user):
        raise PermissionDenied
    original_name = organisation.name if organisation else ""
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_save(
                organisation=form.save(commit=False), by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if organisation is None:
                text = _("De organisatie %(name)s is toegevoegd.") % {"name": saved.name}
            else:
                text = _("De organisatie %(name)s is bijgewerkt.") % {"name": saved.name}
            messages.success(request, text)
            return redirect("communities:organisation_list")
    return render(
        request,
        "communities/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "original_name": original_name,
            "nav_section": "organisations",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    return _organisation_form(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_edit_organisations(request.user):
        raise PermissionDenied
    return _organisation_form(request, get_object_or_404(Organisation, pk=pk))
