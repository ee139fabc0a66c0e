"""Similar signals while a signal is written or triaged (issue "Het venster" §5), and the
coordinator's "Koppel als bekend" that links a signal to the earlier one it repeats.

`GET /programmes/<slug>/signals/similar/?title=…&q=…[&community=<pk>][&exclude=<pk>]` answers
with the partial `signalling/partials/similar_signals.html` to an htmx request, with JSON when
asked (`?format=json` or `Accept: application/json`), and otherwise with a small page of its
own, so it also works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkring.communities.models import Community

from .. import lifecycle, permissions, selectors
from ..forms_transfer import MarkKnownForm, SimilarForm
from ..models import Signal
from ._venster_common import programme_or_404


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )


@login_required
def similar_signals(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(slug)
    form = SimilarForm(request.GET or None)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    community = None
    if data.get("community"):
        community = Community.objects.filter(pk=data["community"], programme=programme).first()
        if community is None:
            raise Http404
    if not permissions.can_suggest_similar(request.user, programme, community):
        raise PermissionDenied
    link_signal = None
    if data.get("exclude") and permissions.can_manage_venster(request.user, programme):
        link_signal = (
            Signal.objects.filter(pk=data["exclude"], community__programme=programme)
            .exclude(state=Signal.State.DRAFT)
            .first()
        )
    found = []
    if valid:
        found = selectors.similar_signals_for(
            user=request.user,
            programme=programme,
            title=data.get("title", ""),
            text=data.get("q", ""),
            community=community,
            exclude_pk=data.get("exclude"),
        )
    if _wants_json(request):
        return JsonResponse(
            {
                "results": [
                    {
                        "id": signal.pk,
                        "title": signal.title,
                        "community": signal.community.name,
                        "state": signal.get_state_display(),
                        "raised_on": signal.raised_on.isoformat(),
                        "similarity": signal.similarity,
                        "url": reverse("signalling:signal_detail", args=[signal.pk]),
                    }
                    for signal in found
                ]
            }
        )
    context = {
        "programme": programme,
        "similar_signals": found,
        "link_signal": link_signal,
        "asked": valid and bool((data.get("title") or "") + (data.get("q") or "")),
    }
    if request.htmx:
        return render(request, "signalling/partials/similar_signals.html", context)
    context.update(
        form=form,
        can_manage=permissions.can_manage_venster(request.user, programme),
        venster_tab="venster",
        crumb_title=_("Lijkt op"),
    )
    return render(request, "signalling/similar.html", context)


@login_required
@require_POST
def signal_mark_known(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """ "Koppel als bekend": this signal repeats an earlier one. A new signal is taken into
    handling first, as the transition table asks (new → in progress → known)."""
    programme = programme_or_404(slug)
    if not permissions.can_manage_venster(request.user, programme):
        raise PermissionDenied
    signal = get_object_or_404(
        Signal.objects.exclude(state=Signal.State.DRAFT), pk=pk, community__programme=programme
    )
    form = MarkKnownForm(request.POST)
    target = reverse("signalling:signal_detail", args=[signal.pk])
    if not form.is_valid():
        messages.error(request, _("Kies het signaal waar dit signaal hetzelfde als is."))
        return redirect(target)
    known_as = Signal.objects.filter(
        pk=form.cleaned_data["known_as"], community__programme=programme
    ).first()
    if known_as is None:
        messages.error(request, _("Kies een doorgegeven signaal uit hetzelfde programma."))
        return redirect(target)
    try:
        with transaction.atomic():
            if signal.state == Signal.State.NEW:
                lifecycle.signal_triage(signal=signal, by=request.user)
            lifecycle.signal_mark_known(
                signal=signal, by=request.user, known_as=known_as, note=form.cleaned_data["note"]
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target)
    messages.success(
        request,
        _("Het signaal is gekoppeld als bekend: hetzelfde als ‘%(title)s’.")
        % {"title": known_as.title},
    )
    return redirect(target)
