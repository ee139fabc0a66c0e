"""How an API call says who it is: a personal token (`Authorization: Bearer lk_…`) or the
browser session (with the CSRF check on every write, as on the pages).

A token limited to one programme narrows what its holder *is* for this request: the cached
`access_for(user)` that every permission function reads holds only that programme's roles and
communities, so the same permission functions as the pages answer, and nothing is decided twice.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from leerkring.accounts import second_factor
from leerkring.communities.permissions import access_for

from . import services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Geef de API-sleutel zo mee: ‘Authorization: Bearer <sleutel>’.")
            )
        try:
            raw = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Deze API-sleutel is ongeldig.")) from error
        token = services.token_authenticate(raw=raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("Deze API-sleutel is onbekend, verlopen of ingetrokken.")
            )
        user = token.user
        if not token.second_factor_passed and second_factor.is_required(user):
            # A token made as a participant, without a second step, would carry a programme
            # role or staff status given later past the step a program never sees (ASVS
            # V6.3.3): such people make a new token after signing in with the second step.
            raise exceptions.AuthenticationFailed(
                _(
                    "Deze API-sleutel is gemaakt zonder tweede stap. Log in met je tweede "
                    "stap en maak een nieuwe sleutel."
                )
            )
        if token.programme_id is not None:
            user._leerkring_access = services.access_within_programme(
                access_for(user), programme_id=token.programme_id
            )
        return user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with Django's CSRF check on writes (DRF's own behaviour)."""
