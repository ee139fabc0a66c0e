from django.urls import path

from . import views
from .views import me

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", views.second_factor_setup, name="second_factor_setup"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("me/", me.me, name="me"),
    path("me/password/", me.password_change, name="password_change"),
    path("me/sessions/", me.sessions, name="sessions"),
    path("me/sessions/<int:pk>/end/", me.session_end, name="session_end"),
    path("me/sessions/end-others/", me.sessions_end_others, name="sessions_end_others"),
    path("me/export/", me.export, name="export"),
    path("me/erase/", me.erase, name="erase"),
    path("accounts/invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("communities/<int:pk>/members/invite/", views.member_invite, name="member_invite"),
    path(
        "communities/<int:pk>/members/<int:membership_pk>/reinvite/",
        views.member_reinvite,
        name="member_reinvite",
    ),
    path("programmes/<slug:slug>/roles/", views.programme_roles, name="programme_roles"),
    path(
        "programmes/<slug:slug>/roles/<int:role_pk>/revoke/",
        views.programme_role_revoke,
        name="programme_role_revoke",
    ),
]
