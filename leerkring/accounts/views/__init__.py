"""Signing in and out, password reset, invitations, and programme roles.

Views stay thin: they ask `communities.permissions` first, then hand the work to a form and a
service in `accounts.services`.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.socialaccount.adapter import get_adapter
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities import permissions
from leerkring.communities.models import Membership, Programme
from leerkring.communities.views.members import community_to_manage

from .. import second_factor, selectors, services, throttle
from ..forms import (
    InvitationAcceptForm,
    MemberInviteForm,
    PasswordResetForm,
    ProgrammeRoleAssignForm,
    SetPasswordForm,
    SignInForm,
)
from ..models import Invitation, ProgrammeRole
from ..second_factor import sign_in_after_password

# The backend a freshly invited user is signed in with (the axes backend only guards sign-ins).
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- Signing in and out ------------------------------------------------------------------


def _sign_in_refused(request: HttpRequest, refusal: throttle.Refusal) -> HttpResponse:
    """The same page as django-axes' lock-out, whatever address was typed."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": refusal.limit.failures,
            "cooloff_timedelta": timedelta(minutes=refusal.retry_minutes),
        },
        status=429,
    )


class LoginView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Refused before the password is even checked, so a refused client learns nothing.
        refusal = throttle.refusal(request, request.POST.get("username"))
        if refusal is not None:
            return _sign_in_refused(request, refusal)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        """Next to the form, a button for each organisation whose account can be used
        (OIDC_PROVIDERS)."""
        context = super().get_context_data(**kwargs)
        context["organisation_sign_ins"] = [
            {"label": app.name, "url": reverse("openid_connect_login", args=[app.provider_id])}
            for app in get_adapter(self.request).list_apps(self.request, provider="openid_connect")
        ]
        return context

    def form_valid(self, form: SignInForm) -> HttpResponse:
        """The password is right: allauth's login stages take over and ask for the second
        factor when the person has one, before the session is signed in."""
        return sign_in_after_password(
            self.request, form.get_user(), redirect_url=self.get_success_url()
        )


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Je bent uitgelogd."))
        return response


# --- Second factor -----------------------------------------------------------------------

AFTER_SETUP = "lk_after_second_factor"


@login_required
@require_http_methods(["GET"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Where SecondFactorMiddleware sends someone who needs a second factor and has none: why,
    and the two ways to set one up. The page they came for is kept for afterwards."""
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[AFTER_SETUP] = next_url
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "required": second_factor.is_required(request.user),
            "has_second_factor": second_factor.has_second_factor(request.user),
        },
    )


# --- Password reset ----------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers the same, whether or not the address has an account, so the page cannot
    be used to find out who uses Leerkring."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        return {
            "site_url": settings.SITE_URL,
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // (60 * 60 * 24),
        }


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The lockout page tells people to reset their password; with a new password they
        # should not have to wait out the cool-off as well.
        axes_reset(username=form.user.email)
        throttle.forget_account(form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Invitations -------------------------------------------------------------------------


def _invitation_context(invitation: Invitation) -> dict:
    """Who invited this person, and to what: a community, or roles in a programme."""
    programme_roles = []
    if invitation.community is None:
        programme_roles = list(
            ProgrammeRole.objects.filter(person=invitation.person_id).select_related("programme")
        )
    return {
        "invitation": invitation,
        "inviter": invitation.invited_by,
        "community": invitation.community,
        "programme_roles": programme_roles,
    }


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": "unknown"}, status=404
        )
    if not invitation.is_usable:
        reason = "accepted" if invitation.accepted_at else "expired"
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"reason": reason, **_invitation_context(invitation)},
            status=410,
        )
    if invitation.role and services.has_account(invitation.person):
        return _invitation_join(request, token, invitation)
    if request.user.is_authenticated:
        if invitation.person.user_id == request.user.pk:
            messages.info(request, _("Je bent al ingelogd."))
            return redirect("core:home")
        # Someone else's link must never switch the session to that person's account.
        return render(
            request,
            "accounts/invitation_signed_in.html",
            {"next": request.path},
            status=403,
        )

    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password"])
        except ValidationError:
            return render(
                request, "accounts/invitation_invalid.html", {"reason": "expired"}, status=410
            )
        user.backend = _MODEL_BACKEND
        messages.success(
            request,
            _("Welkom bij Leerkring, %(name)s! Je wachtwoord is ingesteld en je bent ingelogd.")
            % {"name": invitation.person.full_name},
        )
        # Signed in as after a password; someone with a programme role sets up a second factor
        # next (SecondFactorMiddleware).
        return sign_in_after_password(request, user, redirect_url=reverse("core:home"))
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, **_invitation_context(invitation)},
    )


def _invitation_join(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    """An invitation to a community for someone who already has an account: one button."""
    if request.user.is_authenticated and invitation.person.user_id != request.user.pk:
        # Someone else's link must never act for that person's account.
        return render(
            request, "accounts/invitation_signed_in.html", {"next": request.path}, status=403
        )
    if request.method == "POST":
        try:
            services.invitation_join(token=token)
        except ValidationError:
            return render(
                request, "accounts/invitation_invalid.html", {"reason": "expired"}, status=410
            )
        messages.success(
            request,
            _("Je bent nu lid van %(community)s.") % {"community": invitation.community.name},
        )
        if request.user.is_authenticated:
            return redirect("communities:community", pk=invitation.community_id)
        return redirect("accounts:login")
    return render(request, "accounts/invitation_join.html", _invitation_context(invitation))


# --- Members -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    community = community_to_manage(request, pk)
    form = MemberInviteForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_invite(community=community, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            # The same words for every address: nothing here tells whether it has an
            # account, or whose; the name is the one typed in the form.
            messages.success(
                request,
                _(
                    "We hebben een uitnodiging gestuurd naar %(email)s. Zodra %(name)s die "
                    "aanneemt, is hij of zij lid van %(community)s."
                )
                % {
                    "email": form.cleaned_data["email"],
                    "name": form.cleaned_data["full_name"],
                    "community": community.name,
                },
            )
            return redirect("communities:members", pk=community.pk)
    return render(
        request,
        "accounts/member_invite.html",
        {
            "community": community,
            "form": form,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


@login_required
@require_POST
def member_reinvite(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    community = community_to_manage(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("person__user"), pk=membership_pk, community=community
    )
    if not membership.is_active:
        messages.error(request, _("Dit lidmaatschap is beëindigd; stuur geen nieuwe uitnodiging."))
        return redirect("communities:members", pk=community.pk)
    try:
        services.invitation_create(person=membership.person, by=request.user, community=community)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "We hebben een nieuwe uitnodiging gestuurd naar %(email)s. Eerdere links "
                "werken niet meer."
            )
            % {"email": membership.person.email},
        )
    return redirect("communities:members", pk=community.pk)


# --- Programme roles ---------------------------------------------------------------------


def _managed_programme(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_manage_programme_roles(request.user, programme):
        raise PermissionDenied
    return programme


@login_required
@require_http_methods(["GET", "POST"])
def programme_roles(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed_programme(request, slug)
    form = ProgrammeRoleAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme_role = services.programme_role_assign(
                programme=programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(name)s is nu %(role)s van %(programme)s.")
                % {
                    "name": programme_role.person.full_name,
                    "role": programme_role.get_role_display().lower(),
                    "programme": programme.name,
                },
            )
            return redirect("accounts:programme_roles", slug=programme.slug)
    rows = selectors.programme_roles_with_status(programme)
    sections = [(value, label, rows[value]) for value, label in ProgrammeRole.Role.choices]
    return render(
        request,
        "accounts/programme_roles.html",
        {
            "programme": programme,
            "current_programme": programme,
            "nav_section": "programme",
            "sections": sections,
            "form": form,
        },
    )


@login_required
@require_POST
def programme_role_revoke(request: HttpRequest, slug: str, role_pk: int) -> HttpResponse:
    programme = _managed_programme(request, slug)
    programme_role = get_object_or_404(
        ProgrammeRole.objects.select_related("person"), pk=role_pk, programme=programme
    )
    try:
        services.programme_role_revoke(programme_role=programme_role, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:programme_roles", slug=programme.slug)
    messages.success(
        request,
        _("%(name)s is niet langer %(role)s van %(programme)s.")
        % {
            "name": programme_role.person.full_name,
            "role": programme_role.get_role_display().lower(),
            "programme": programme.name,
        },
    )
    permissions.forget_access(request.user)
    if not permissions.can_manage_programme_roles(request.user, programme):
        return redirect("core:home")
    return redirect("accounts:programme_roles", slug=programme.slug)
