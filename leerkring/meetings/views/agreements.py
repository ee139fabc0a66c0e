"""The "my agreements" page across all of one's communities, and one agreement with its
status history.

Whoever took an agreement on marks it done or dropped; the lead and facilitator follow every
agreement of their community up and may do the same (`permissions.can_change_agreement_status`).
Each change is kept with who and when.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, selectors, services
from ..forms_outcomes import AgreementStatusForm
from ..models import Agreement


@login_required
@require_http_methods(["GET", "HEAD"])
def my_agreements(request: HttpRequest) -> HttpResponse:
    groups = selectors.agreements_of_user(user=request.user)
    return render(
        request,
        "meetings/agreements_mine.html",
        {
            "groups": groups,
            "agreement_status_choices": Agreement.Status.choices,
            "today": timezone.localdate(),
            "nav_section": "agreements",
        },
    )


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = get_object_or_404(
        selectors.agreements_with_history().select_related("community__programme", "meeting"),
        pk=pk,
    )
    if not permissions.can_view_agreement(request.user, agreement):
        raise PermissionDenied
    return agreement


@login_required
@require_http_methods(["GET", "HEAD"])
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    agreement.is_overdue = bool(
        agreement.status == Agreement.Status.OPEN
        and agreement.due_date
        and agreement.due_date < timezone.localdate()
    )
    return render(
        request,
        "meetings/agreements_detail.html",
        {
            "agreement": agreement,
            "community": agreement.community,
            "meeting": agreement.meeting,
            "can_change_status": permissions.can_change_agreement_status(request.user, agreement),
            "agreement_status_choices": Agreement.Status.choices,
            "nav_section": "agreements",
        },
    )


@login_required
@require_POST
def agreement_status(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not permissions.can_change_agreement_status(request.user, agreement):
        raise PermissionDenied
    form = AgreementStatusForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_change_status(
                agreement=agreement, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("De afspraak staat nu op ‘%(status)s’.")
                % {"status": agreement.get_status_display().lower()},
            )
    else:
        messages.error(request, _("Kies een geldige status."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("meetings:agreement", agreement.pk)
