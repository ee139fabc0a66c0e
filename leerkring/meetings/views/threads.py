"""Conversation between meetings (issue §5; the app groups of the report): threads per
community, for its members only (`permissions.can_use_threads`), with e-mail per member's
choice: every message, a daily digest, or none."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Membership

from .. import permissions, selectors, services
from ..forms_outcomes import MessageForm, ThreadNotificationForm, ThreadStartForm
from ..models import Thread, ThreadNotificationPreference

THREADS_PER_PAGE = 25


def _community(request: HttpRequest, pk: int) -> Community:
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not permissions.can_use_threads(request.user, community):
        raise PermissionDenied
    return community


def _render_list(
    request: HttpRequest,
    community: Community,
    *,
    start_form: ThreadStartForm | None = None,
    notification_form: ThreadNotificationForm | None = None,
) -> HttpResponse:
    page = Paginator(selectors.threads_of_community(community=community), THREADS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    mode = selectors.thread_notification_mode_of(user=request.user, community=community)
    return render(
        request,
        "meetings/thread_list.html",
        {
            "community": community,
            "page": page,
            "threads": page.object_list,
            "start_form": start_form or ThreadStartForm(),
            "notification_form": notification_form
            or ThreadNotificationForm(initial={"mode": mode}),
            "notification_mode": ThreadNotificationPreference.Mode(mode).label if mode else "",
            "nav_section": "community",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def thread_list(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    return _render_list(request, community)


@login_required
@require_POST
def thread_start(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    form = ThreadStartForm(request.POST)
    if form.is_valid():
        try:
            thread = services.thread_start(
                community=community,
                author=community_permissions.access_for(request.user).person,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het gesprek is gestart."))
            return redirect("meetings:thread", thread.pk)
    return _render_list(request, community, start_form=form)


@login_required
@require_POST
def thread_notifications(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    form = ThreadNotificationForm(request.POST)
    if form.is_valid():
        membership = get_object_or_404(
            Membership.objects.active(),
            community=community,
            person=community_permissions.access_for(request.user).person,
        )
        services.thread_notification_set(
            membership=membership, mode=form.cleaned_data["mode"], by=request.user
        )
        messages.success(request, _("Je keuze voor e-mail is opgeslagen."))
        return redirect("meetings:threads", community.pk)
    return _render_list(request, community, notification_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Threads of other spaces (the network of leads) have no community and their own pages.
    thread = get_object_or_404(
        Thread.objects.select_related("community__programme"), pk=pk, community__isnull=False
    )
    community = thread.community
    if not permissions.can_use_threads(request.user, community):
        raise PermissionDenied
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_post(
                thread=thread,
                author=community_permissions.access_for(request.user).person,
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Je reactie is geplaatst."))
            return redirect(f"{request.path}#message-{message.pk}")
    return render(
        request,
        "meetings/thread_detail.html",
        {
            "thread": thread,
            "community": community,
            "thread_messages": selectors.thread_messages(thread=thread),
            "form": form,
            "nav_section": "community",
        },
    )
