from django.urls import path

from . import views

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
