"""Mijn gegevens: a person's own account. Change the password, manage second factors (allauth's
pages), see and end sessions, download everything Leerkring holds about them, and leave.

Every page is about the signed-in person only; there is nothing here to ask permission for
beyond being signed in, and a session that is not theirs is a 404. Download and erasure ask for
the password (or second factor) again when the last confirmation is older than a few minutes.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Person
from leerkring.core.audit import audit

from .. import second_factor, services
from ..exports import personal_data_zip
from ..forms import EraseConfirmForm, PasswordChangeForm


def _person(request: HttpRequest) -> Person | None:
    return Person.objects.filter(user=request.user).select_related("organisation").first()


@login_required
@require_http_methods(["GET"])
def me(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/me.html",
        {
            "person": _person(request),
            "factors": Authenticator.objects.filter(
                user=user, type__in=second_factor.FACTOR_TYPES
            ).order_by("created_at"),
            "second_factor_required": second_factor.is_required(user),
            "session_count": len(UserSession.objects.purge_and_list(user)),
            "organisation_accounts": SocialAccount.objects.filter(user=user),
        },
    )


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user,
            password=form.cleaned_data["password"],
            keep_session_key=request.session.session_key,
        )
        # This session stays signed in (under a new key, which the list follows); every other
        # one ends.
        old_key = request.session.session_key
        update_session_auth_hash(request, request.user)
        UserSession.objects.filter(session_key=old_key).update(
            session_key=request.session.session_key
        )
        messages.success(request, _("Je wachtwoord is gewijzigd. Andere sessies zijn beëindigd."))
        return redirect("accounts:me")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def sessions(request: HttpRequest) -> HttpResponse:
    rows = sorted(
        UserSession.objects.purge_and_list(request.user),
        key=lambda session: session.created_at,
        reverse=True,
    )
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": rows, "current_key": request.session.session_key},
    )


@login_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    current = session.session_key == request.session.session_key
    services.session_end(session=session, by=request.user)
    if current:
        logout(request)
        messages.info(request, _("Je bent uitgelogd."))
        return redirect("accounts:login")
    messages.success(request, _("De sessie is beëindigd."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    others = UserSession.objects.filter(user=request.user).exclude(
        session_key=request.session.session_key or ""
    )
    for session in others:
        services.session_end(session=session, by=request.user)
    messages.success(request, _("Alle andere sessies zijn beëindigd."))
    return redirect("accounts:sessions")


@never_cache
@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/export.html")
    now = timezone.now()
    content = personal_data_zip(person=_person(request), user=request.user, now=now)
    audit(actor=request.user, verb="account.exported", obj=request.user)
    response = HttpResponse(content, content_type="application/zip")
    filename = f"leerkring-mijn-gegevens-{timezone.localdate(now).isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    blockers = services.erase_blockers(user=request.user)
    form = EraseConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.account_erase(user=request.user, by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Je account is verwijderd. Waar je gemeenschap de geschiedenis nodig heeft, "
                    "staat nu ‘Oud-lid’ in plaats van je naam."
                ),
            )
            return redirect("core:home")
    return render(request, "accounts/erase.html", {"form": form, "blockers": blockers})
