"""Conversations in a network: the meetings app's threads, kept for the network's members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.meetings.forms_outcomes import MessageForm, ThreadStartForm

from .. import permissions, selectors, services
from .pages import network_or_refuse, render_network


@login_required
@require_POST
def thread_start(request: HttpRequest, pk: int) -> HttpResponse:
    network = network_or_refuse(request, pk)
    form = ThreadStartForm(request.POST)
    if form.is_valid():
        try:
            thread = services.network_thread_start(
                network=network,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het gesprek is gestart."))
            return redirect("network:thread", network.pk, thread.pk)
    return render_network(request, network, start_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread_detail(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    found = selectors.network_of_thread(thread_pk=thread_pk)
    if found is None or found[0].pk != pk:
        raise Http404
    network, thread = found
    if not permissions.is_member(request.user, network):
        raise PermissionDenied
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.network_message_post(
                network=network, thread=thread, body=form.cleaned_data["body"], by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Je reactie is geplaatst."))
            return redirect(f"{request.path}#message-{message.pk}")
    return render(
        request,
        "network/thread_detail.html",
        {
            "network": network,
            "thread": thread,
            "thread_messages": selectors.thread_messages(thread=thread),
            "form": form,
            "nav_section": "network",
        },
        status=400 if request.method == "POST" else 200,
    )
