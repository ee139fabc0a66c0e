"""A programme's webhook subscriptions: for its coordinators (and administrators).

The secret is shown once, when it is made; the page of a subscription shows its latest
deliveries with status, attempts and the last error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Programme

from .. import permissions, services
from ..forms import WebhookForm
from ..models import WebhookDelivery, WebhookSubscription

DELIVERIES_SHOWN = 50


def _context(programme: Programme, **extra) -> dict:
    return {
        "programme": programme,
        "current_programme": programme,
        "nav_section": "programme",
        "venster_tab": "webhooks",
        "can_manage": True,
        **extra,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_manage_webhooks(request.user, programme):
        raise PermissionDenied
    form = WebhookForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.webhook_subscribe(
                programme=programme,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            secret = subscription.secret
            form = WebhookForm()
    subscriptions = WebhookSubscription.objects.filter(programme=programme)
    response = render(
        request,
        "api/webhook_list.html",
        _context(programme, form=form, subscriptions=subscriptions, secret=secret),
        status=400 if request.method == "POST" and secret is None else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def _subscription(request: HttpRequest, pk: int) -> WebhookSubscription:
    subscription = get_object_or_404(WebhookSubscription.objects.select_related("programme"), pk=pk)
    if not permissions.can_manage_webhook(request.user, subscription):
        raise PermissionDenied
    return subscription


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    initial = {
        "url": subscription.url,
        "events": subscription.events,
        "active": subscription.active,
    }
    form = WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(subscription=subscription, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De webhook is opgeslagen."))
            return redirect("integrations:webhook", subscription.pk)
    deliveries = WebhookDelivery.objects.filter(subscription=subscription).order_by(
        "-created_at", "-pk"
    )[:DELIVERIES_SHOWN]
    return render(
        request,
        "api/webhook_detail.html",
        _context(
            subscription.programme,
            subscription=subscription,
            form=form,
            deliveries=deliveries,
            crumb_title=_("Webhook"),
        ),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def webhook_secret(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    secret = services.webhook_new_secret(subscription=subscription, by=request.user)
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)[:DELIVERIES_SHOWN]
    response = render(
        request,
        "api/webhook_detail.html",
        _context(
            subscription.programme,
            subscription=subscription,
            form=WebhookForm(
                initial={
                    "url": subscription.url,
                    "events": subscription.events,
                    "active": subscription.active,
                }
            ),
            deliveries=deliveries,
            secret=secret,
            crumb_title=_("Webhook"),
        ),
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    programme = subscription.programme
    services.webhook_delete(subscription=subscription, by=request.user)
    messages.success(request, _("De webhook is verwijderd."))
    return redirect("integrations:webhooks", programme.slug)
