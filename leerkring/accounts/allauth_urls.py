"""The parts of django-allauth Leerkring uses, under their own (unnamespaced) URL names, which
allauth's code and templates reverse.

Sign-in and sign-out are our views (accounts.urls); `account_login` and `account_logout` are the
same paths under the names allauth expects. Its sign-up, e-mail management and password reset
are not mounted: accounts come by invitation, the address is the login, and password reset is
ours.
"""

from allauth.account.views import account_inactive, reauthenticate
from allauth.socialaccount.views import login_cancelled, login_error, signup
from django.urls import include, path

from . import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="account_login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="account_logout"),
    path("accounts/inactive/", account_inactive, name="account_inactive"),
    path("accounts/reauthenticate/", reauthenticate, name="account_reauthenticate"),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    # Sign-in with an organisation's account: accounts/oidc/<provider>/login/ and its callback.
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("accounts/oidc/cancelled/", login_cancelled, name="socialaccount_login_cancelled"),
    path("accounts/oidc/error/", login_error, name="socialaccount_login_error"),
    path("accounts/oidc/signup/", signup, name="socialaccount_signup"),
]
