"""Waves: planning one, inviting, reminding, the open link and the response rate.

Evaluators run waves; coordinators see them and their response rates (surveys/permissions.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Programme
from leerkring.core.confirm import confirm_page, confirmation_needed
from leerkring.outbox.feedback import tell_resend

from .. import permissions, selectors, services
from ..forms_waves import AddressesForm, WaveForm
from ..models import Wave


def _wave(request: HttpRequest, pk: int, allowed) -> Wave:
    wave = get_object_or_404(Wave.objects.select_related("programme", "questionnaire"), pk=pk)
    if not allowed(request.user, wave):
        raise PermissionDenied
    return wave


def _wave_page(
    request: HttpRequest,
    wave: Wave,
    *,
    addresses_form: AddressesForm | None = None,
    open_link_url: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "wave": wave,
        "programme": wave.programme,
        "current_programme": wave.programme,
        "nav_section": "programme",
        "communities": list(wave.communities.order_by("name")),
        "rates": selectors.wave_response_rates(wave),
        "min_invitees": selectors.RATE_MIN_INVITEES,
        "can_manage": permissions.can_manage_wave(request.user, wave),
        "addresses_form": addresses_form or AddressesForm(),
        "open_link_url": open_link_url,
        "state": services.wave_answering_state(wave),
    }
    if context["can_manage"]:
        context["mail_progress"] = selectors.wave_mail_progress(wave)
    return render(request, "surveys/wave_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wave_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_manage_surveys(request.user, programme):
        raise PermissionDenied
    form = WaveForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wave = services.wave_create(
                programme=programme,
                questionnaire=data["questionnaire"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                communities=data["communities"],
                emails=data["emails"],
                reminder_every_days=data["reminder_every_days"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("De meetronde is aangemaakt. Verstuur de uitnodigingen als alles klopt."),
            )
            return redirect("surveys:wave_detail", wave.pk)
    return render(
        request,
        "surveys/wave_form.html",
        {
            "form": form,
            "programme": programme,
            "current_programme": programme,
            "nav_section": "programme",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wave_edit(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk, permissions.can_manage_wave)
    form = WaveForm(request.POST or None, programme=wave.programme, wave=wave)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.wave_update(
                wave=wave,
                questionnaire=data["questionnaire"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                communities=data["communities"],
                reminder_every_days=data["reminder_every_days"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De meetronde is opgeslagen."))
            return redirect("surveys:wave_detail", wave.pk)
    return render(
        request,
        "surveys/wave_form.html",
        {
            "form": form,
            "wave": wave,
            "programme": wave.programme,
            "current_programme": wave.programme,
            "nav_section": "programme",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _wave_page(request, _wave(request, pk, permissions.can_view_results))


def _wave_confirm(
    request: HttpRequest, wave: Wave, *, title: str, message: str, action: str
) -> HttpResponse:
    return confirm_page(
        request,
        title=title,
        message=message,
        details=[_("Iedereen krijgt een eigen link die één keer werkt.")],
        action=action,
        back_url=reverse("surveys:wave_detail", args=[wave.pk]) + "#uitnodigen",
        context={
            "programme": wave.programme,
            "current_programme": wave.programme,
            "nav_section": "programme",
        },
    )


@login_required
@require_POST
def wave_send(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk, permissions.can_manage_wave)
    if confirmation_needed(request):
        count = services.wave_invitations_count(wave=wave)
        return _wave_confirm(
            request,
            wave,
            title=_("Uitnodigingen versturen"),
            message=ngettext(
                "%(count)s persoon krijgt een uitnodiging voor ‘%(title)s’ per e-mail.",
                "%(count)s mensen krijgen een uitnodiging voor ‘%(title)s’ per e-mail.",
                count,
            )
            % {"count": count, "title": wave.title},
            action=_("Ja, uitnodigingen versturen"),
        )
    try:
        sent = services.wave_invitations_send(wave=wave, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)s uitnodiging wordt verstuurd.",
                    "%(count)s uitnodigingen worden verstuurd.",
                    sent,
                )
                % {"count": sent},
            )
        else:
            messages.info(request, _("Iedereen heeft de uitnodiging al gekregen."))
    return redirect(reverse("surveys:wave_detail", args=[wave.pk]) + "#uitnodigen")


@login_required
@require_POST
def wave_remind(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk, permissions.can_manage_wave)
    if confirmation_needed(request):
        count = services.wave_reminders_count(wave=wave)
        return _wave_confirm(
            request,
            wave,
            title=_("Herinnering sturen"),
            message=ngettext(
                "%(count)s persoon die nog niet heeft geantwoord, krijgt een herinnering per "
                "e-mail.",
                "%(count)s mensen die nog niet hebben geantwoord, krijgen een herinnering per "
                "e-mail.",
                count,
            )
            % {"count": count},
            action=_("Ja, herinnering sturen"),
        )
    try:
        sent = services.wave_reminders_send(wave=wave, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)s herinnering wordt verstuurd.",
                    "%(count)s herinneringen worden verstuurd.",
                    sent,
                )
                % {"count": sent},
            )
        else:
            messages.info(request, _("Iedereen die is uitgenodigd, heeft al geantwoord."))
    return redirect(reverse("surveys:wave_detail", args=[wave.pk]) + "#uitnodigen")


@login_required
@require_POST
def wave_mail_resend(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk, permissions.can_manage_wave)
    count = services.wave_mail_resend(wave=wave, by=request.user)
    tell_resend(request, count, with_new_link=True)
    return redirect(reverse("surveys:wave_detail", args=[wave.pk]) + "#verzending")


@login_required
@require_POST
def wave_addresses(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk, permissions.can_manage_wave)
    form = AddressesForm(request.POST)
    if not form.is_valid():
        return _wave_page(request, wave, addresses_form=form, status=200)
    added = services.wave_addresses_add(
        wave=wave, emails=form.cleaned_data["emails"], by=request.user
    )
    messages.success(
        request,
        ngettext(
            "%(count)s nieuw adres toegevoegd. Verstuur de uitnodigingen om het te bereiken.",
            "%(count)s nieuwe adressen toegevoegd. Verstuur de uitnodigingen om ze te bereiken.",
            added,
        )
        % {"count": added},
    )
    return redirect(reverse("surveys:wave_detail", args=[wave.pk]) + "#uitnodigen")


@login_required
@require_POST
def wave_open_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the open link on (a new one each time) or off. The link is shown on this response
    only: the server keeps just its hash."""
    wave = _wave(request, pk, permissions.can_manage_wave)
    if request.POST.get("action") == "disable":
        services.wave_open_link_disable(wave=wave, by=request.user)
        messages.success(request, _("De open link werkt niet meer."))
        return redirect(reverse("surveys:wave_detail", args=[wave.pk]) + "#open-link")
    token = services.wave_open_link_enable(wave=wave, by=request.user)
    url = request.build_absolute_uri(reverse("surveys:respond_open", args=[token]))
    return _wave_page(request, wave, open_link_url=url)
