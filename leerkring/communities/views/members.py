"""Managing a community's members: roles, ending a membership, handing a seat over to a
colleague and sharing a seat (report §5.1.2). For the community's lead and the programme's
coordinator (`permissions.can_manage_members`); inviting people is done in `accounts`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.accounts import selectors as account_selectors
from leerkring.core import access_log

from .. import permissions, selectors, services
from ..forms_members import (
    MemberSearchForm,
    MembershipEndForm,
    MembershipHandoverForm,
    MembershipRoleForm,
    MembershipSeatForm,
)
from ..models import Community, Membership


def community_to_manage(request: HttpRequest, pk: int) -> Community:
    """The community whose members the signed-in user may manage, else 403. Shared with the
    invitation views in `accounts`, so both ask `can_manage_members` the same way."""
    community = get_object_or_404(
        Community.objects.select_related("programme__rule_profile"), pk=pk
    )
    if not permissions.can_manage_members(request.user, community):
        raise PermissionDenied
    return community


def _membership_in(community: Community, membership_pk: int) -> Membership:
    """A membership of *this* community only: an id from another community is a 404, so the
    URL cannot be used to reach into a community one does not manage."""
    membership = get_object_or_404(
        Membership.objects.select_related("person", "organisation", "shares_seat_with__person"),
        pk=membership_pk,
        community=community,
    )
    membership.community = community
    return membership


def _is_ended(membership: Membership) -> bool:
    return membership.left_on is not None and membership.left_on <= timezone.localdate()


LIST_KEYS = ("q", "role", "page")


def _list_query(request: HttpRequest) -> QueryDict:
    """The members page's search, filter and page: from the address, or after a role change
    from the form that carried them along (`list_query`), so the lead returns to the same
    page of the list."""
    if request.method == "POST":
        source = QueryDict(request.POST.get("list_query", ""))
    else:
        source = request.GET
    kept = QueryDict(mutable=True)
    for key in LIST_KEYS:
        if source.get(key):
            kept[key] = source[key]
    return kept


def _back_to_members(request: HttpRequest, community: Community, anchor: str = "") -> HttpResponse:
    """After a change the acting user may no longer manage the community (a lead who ended
    their own membership); send them where they are still welcome."""
    permissions.forget_access(request.user)
    if permissions.can_manage_members(request.user, community):
        query = _list_query(request).urlencode()
        return redirect(
            reverse("communities:members", args=[community.pk])
            + (f"?{query}" if query else "")
            + anchor
        )
    if permissions.can_view_community(request.user, community):
        return redirect("communities:community", community.pk)
    return redirect("core:home")


def _invitations(community: Community) -> list:
    labels = dict(Membership.Role.choices)
    invitations = account_selectors.open_membership_invitations(community)
    for invitation in invitations:
        invitation.role_label = labels.get(invitation.role, invitation.role)
    return invitations


def _render_members(
    request: HttpRequest,
    community: Community,
    *,
    role_errors: dict[int, list[str]] | None = None,
) -> HttpResponse:
    list_query = _list_query(request)
    search_form = MemberSearchForm(list_query)
    overview = selectors.members_for_management(
        community=community, page_number=list_query.get("page"), **search_form.filters()
    )
    role_errors = role_errors or {}
    for group in overview["groups"]:
        for row in group.rows:
            row.role_errors = role_errors.get(row.membership.pk, [])
    return render(
        request,
        "communities/member_list.html",
        {
            "community": community,
            "role_choices": Membership.Role.choices,
            "role_errors": role_errors,
            "today": timezone.localdate(),
            "invitations": _invitations(community),
            "search_form": search_form,
            "list_query": list_query.urlencode(),
            "nav_section": "community",
            **overview,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def member_list(request: HttpRequest, pk: int) -> HttpResponse:
    community = community_to_manage(request, pk)
    access_log.record(
        user=request.user,
        kind=access_log.Kind.MEMBER_LIST,
        obj=community,
        programme_id=community.programme_id,
        community_id=community.pk,
        subject=community.name,
    )
    return _render_members(request, community)


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    community = community_to_manage(request, pk)
    membership = _membership_in(community, membership_pk)
    form = MembershipRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(name)s is nu %(role)s.")
                % {
                    "name": membership.person.full_name,
                    "role": Membership.Role(form.cleaned_data["role"]).label.lower(),
                },
            )
            return _back_to_members(request, community, f"#member-{membership.pk}")
    errors = [error for errors in form.errors.values() for error in errors]
    return _render_members(request, community, role_errors={membership.pk: errors})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    community = community_to_manage(request, pk)
    membership = _membership_in(community, membership_pk)
    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                membership=membership, left_on=form.cleaned_data["left_on"], by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Het lidmaatschap van %(name)s is beëindigd.")
                % {"name": membership.person.full_name},
            )
            return _back_to_members(request, community, "#former-heading")
    return render(
        request,
        "communities/membership_end.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "is_ended": _is_ended(membership),
            "sharers": membership.seat_sharers.filter(left_on__isnull=True).select_related(
                "person"
            ),
            "nav_section": "community",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_handover(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    community = community_to_manage(request, pk)
    membership = _membership_in(community, membership_pk)
    form = MembershipHandoverForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a new person is not left behind when the handover is refused.
            with transaction.atomic():
                successor = services.person_for_email(
                    email=data["email"],
                    full_name=data["full_name"],
                    organisation=data["organisation"],
                    job_title=data["job_title"],
                )
                services.membership_handover(
                    membership=membership,
                    successor=successor,
                    by=request.user,
                    on=data["left_on"],
                    organisation=data["organisation"],
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(successor)s neemt het stokje over van %(name)s.")
                % {"successor": successor.full_name, "name": membership.person.full_name},
            )
            if successor.user_id is None:
                messages.info(
                    request,
                    _(
                        "%(successor)s heeft nog geen account. Nodig deze persoon uit met de "
                        "knop ‘Uitnodigen’ in de ledenlijst."
                    )
                    % {"successor": successor.full_name},
                )
            return _back_to_members(request, community)
    return render(
        request,
        "communities/membership_handover.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "is_ended": _is_ended(membership),
            "nav_section": "community",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_seat(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    community = community_to_manage(request, pk)
    membership = _membership_in(community, membership_pk)
    colleagues = selectors.seat_colleagues(membership=membership)
    form = MembershipSeatForm(request.POST or None, colleagues=colleagues, current=membership)
    if request.method == "POST" and form.is_valid():
        shares_with = form.cleaned_data["shares_seat_with"]
        try:
            services.membership_share_seat(
                membership=membership, with_membership=shares_with, by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if shares_with is None:
                text = _("%(name)s heeft een eigen plek.") % {"name": membership.person.full_name}
            else:
                text = _("%(name)s deelt de plek met %(other)s.") % {
                    "name": membership.person.full_name,
                    "other": shares_with.person.full_name,
                }
            messages.success(request, text)
            return _back_to_members(request, community, f"#member-{membership.pk}")
    return render(
        request,
        "communities/membership_seat.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "colleagues": colleagues,
            "is_ended": _is_ended(membership),
            "nav_section": "community",
        },
    )
