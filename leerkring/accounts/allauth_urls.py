"""The parts of django-allauth Leerkring uses, under their own (unnamespaced) URL names, which
allauth's code and templates reverse.

Sign-in and sign-out are our views (accounts.urls); `account_login` and `account_logout` are the
same paths under the names allauth expects. Its sign-up, e-mail management and password reset
are not mounted: accounts come by invitation, the address is the login, and password reset is
ours.
"""

from allauth.account.views import account_inactive, reauthenticate
from django.urls import include, path

from . import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="account_login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="account_logout"),
    path("accounts/inactive/", account_inactive, name="account_inactive"),
    path("accounts/reauthenticate/", reauthenticate, name="account_reauthenticate"),
    path("accounts/2fa/", include("allauth.mfa.urls")),
]
