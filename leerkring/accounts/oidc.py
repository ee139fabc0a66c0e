"""Signing in with an organisation's account through OpenID Connect (django-allauth's generic
`openid_connect` provider; the providers come from environment variables, see settings.py and
README "Configuration").

Leerkring's rules on top of allauth:

- A person is matched to their existing account by an e-mail address the provider says it
  verified (`email_verified`), never by an unverified one; the match is remembered (a social
  account), so a later change of address at the provider still finds the same person.
- Nobody gets an account by signing in, unless the provider is configured with a programme
  (`OIDC_<ID>_SIGNUP_PROGRAMME`): then an unknown person with a verified address gets an
  account and a person record, and the programme's history says so; the coordinators add them
  to a community as usual.
- When the provider asserts that it asked for a second factor (`amr` contains one of
  `OIDC_<ID>_MFA_AMR`, default `mfa`, or `acr` is one of `OIDC_<ID>_MFA_ACR`), Leerkring does
  not ask again: the session counts as having passed the second step.
"""

from __future__ import annotations

import logging
from typing import Any

import allauth.mfa.stages
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from leerkring.communities import services as community_services
from leerkring.communities.models import Programme
from leerkring.core.audit import audit

from .models import User
from .second_factor import mark_passed

logger = logging.getLogger(__name__)


def _app_settings(sociallogin: SocialLogin) -> dict[str, Any]:
    app = getattr(sociallogin.provider, "app", None)
    return (app.settings if app is not None else None) or {}


def verified_email(sociallogin: SocialLogin) -> str | None:
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip().lower()
    return None


def id_token_claims(sociallogin: SocialLogin) -> dict[str, Any]:
    extra = sociallogin.account.extra_data or {}
    return extra.get("id_token") or {}


def provider_asserted_second_factor(sociallogin: SocialLogin) -> bool:
    """Whether the provider's ID token says the person passed more than a password there."""
    settings = _app_settings(sociallogin)
    claims = id_token_claims(sociallogin)
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    wanted_amr = set(settings.get("mfa_amr", ["mfa"]))
    wanted_acr = set(settings.get("mfa_acr", []))
    return bool(wanted_amr & set(amr)) or (claims.get("acr") in wanted_acr)


def signup_programme(sociallogin: SocialLogin) -> Programme | None:
    slug = _app_settings(sociallogin).get("signup_programme")
    if not slug:
        return None
    return Programme.objects.filter(slug=slug).first()


class AuthenticateStage(allauth.mfa.stages.AuthenticateStage):
    """allauth's second-factor stage, skipped when the organisation's sign-in already did it."""

    def handle(self) -> tuple:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if isinstance(sociallogin, SocialLogin) and provider_asserted_second_factor(sociallogin):
            mark_passed(
                self.request,
                self.login.user,
                type="provider",
                provider=sociallogin.account.provider,
            )
            return None, True
        return super().handle()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Connect a first sign-in to the existing account with the same verified address."""
        if sociallogin.is_existing:
            return
        email = verified_email(sociallogin)
        if email is None:
            raise ImmediateHttpResponse(
                render(
                    request,
                    "socialaccount/no_verified_email.html",
                    {"provider": sociallogin.provider},
                    status=403,
                )
            )
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            return  # signup: allowed only for a provider with a programme (below)
        if not user.is_active:
            return  # allauth sends a switched-off account to the "inactive" page
        with transaction.atomic():
            sociallogin.connect(request, user)
            audit(
                actor=user,
                verb="account.provider_connected",
                obj=user,
                provider=sociallogin.account.provider,
            )

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> User:
        user = super().populate_user(request, sociallogin, data)
        user.email = verified_email(sociallogin) or (user.email or "").strip().lower()
        return user

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return verified_email(sociallogin) is not None and signup_programme(sociallogin) is not None

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return self.is_open_for_signup(request, sociallogin)

    @transaction.atomic
    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None) -> User:
        """A new account from a provider that may create them: with a person record under the
        name the provider gives, and the programme's history recording where it came from."""
        user = super().save_user(request, sociallogin, form)
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        claims = sociallogin.account.extra_data.get("userinfo") or id_token_claims(sociallogin)
        full_name = (claims.get("name") or "").strip() or user.email.split("@")[0]
        person = community_services.person_for_email(email=user.email, full_name=full_name)
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        programme = signup_programme(sociallogin)
        audit(
            actor=user,
            verb="account.created_by_provider",
            obj=user,
            provider=sociallogin.account.provider,
            programme=programme.slug if programme else None,
        )
        logger.info("Account created through provider %s", sociallogin.account.provider)
        return user
