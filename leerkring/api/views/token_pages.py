"""A person's own API tokens: create (shown once), list with last use, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.accounts import second_factor
from leerkring.communities.models import Community
from leerkring.communities.permissions import access_for

from .. import permissions, services
from ..forms import TokenForm
from ..models import ApiToken


def _programme_ids(user) -> set[int]:
    access = access_for(user)
    ids = set(access.programme_roles)
    ids |= set(
        Community.objects.filter(pk__in=list(access.community_roles)).values_list(
            "programme_id", flat=True
        )
    )
    return ids


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_use_api_tokens(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST or None, programme_ids=_programme_ids(request.user))
    second_factor_missing = not permissions.second_factor_satisfied(request)
    new_token = None
    if request.method == "POST":
        if second_factor_missing:
            form.add_error(
                None,
                _(
                    "Voor een API-sleutel met je rol in een programma bevestig je eerst je "
                    "tweede factor."
                ),
            )
        elif form.is_valid():
            try:
                _token, new_token = services.token_create(
                    user=request.user,
                    second_factor_passed=second_factor.session_passed(request),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                form = TokenForm(programme_ids=_programme_ids(request.user))
    tokens = ApiToken.objects.filter(user=request.user).select_related("programme")
    response = render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "second_factor_missing": second_factor_missing,
            "docs_url": reverse("api:docs"),
            "nav_section": "tokens",
        },
        status=400 if request.method == "POST" and new_token is None else 200,
    )
    # The new token is on this page only: never from a cache or the back button.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if services.token_revoke(token=token, by=request.user):
        messages.success(
            request, _("De sleutel ‘%(name)s’ werkt niet meer.") % {"name": token.name}
        )
    return redirect("integrations:tokens")
