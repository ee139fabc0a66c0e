"""Placeholder: being implemented."""
from django.contrib.auth import views as auth_views
from django.http import Http404

LoginView = auth_views.LoginView
LogoutView = auth_views.LogoutView
PasswordResetView = auth_views.PasswordResetView
PasswordResetDoneView = auth_views.PasswordResetDoneView
PasswordResetConfirmView = auth_views.PasswordResetConfirmView
PasswordResetCompleteView = auth_views.PasswordResetCompleteView


def invitation_accept(request, *args, **kwargs):
    raise Http404


def member_invite(request, *args, **kwargs):
    raise Http404


def member_reinvite(request, *args, **kwargs):
    raise Http404


def programme_roles(request, *args, **kwargs):
    raise Http404


def programme_role_revoke(request, *args, **kwargs):
    raise Http404
