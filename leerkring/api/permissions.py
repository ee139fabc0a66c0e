"""What an API credential may do, on top of what its holder may do.

Who may see or change a community, a signal or a wave is decided by each app's
`permissions.py`, which the API views call exactly as the pages do. This module decides only
what belongs to the API itself: read-only tokens, managing one's own tokens, and webhooks.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from leerkring.accounts import second_factor
from leerkring.communities.models import Programme
from leerkring.communities.permissions import COORDINATOR, access_for

from .models import ApiToken, WebhookSubscription


class TokenScope(BasePermission):
    """Signed in, and a read-only token only reads."""

    message = _("Deze API-sleutel mag alleen lezen.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.access == ApiToken.Access.READ:
            return request.method in SAFE_METHODS
        return True


def can_use_api_tokens(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def second_factor_satisfied(request) -> bool:
    """Tokens of people who need a second factor (programme roles, staff) reach many
    communities at once: they are created only in a session that passed it. The second-factor
    middleware already keeps such people off every page until then; this holds on its own."""
    return not second_factor.is_required(request.user) or second_factor.session_passed(request)


def can_manage_webhooks(user, programme: Programme) -> bool:
    """Coordinators subscribe their programme's signal events; administrators may too."""
    return user.is_authenticated and (
        user.is_staff or access_for(user).has_programme_role(programme.pk, COORDINATOR)
    )


def can_manage_webhook(user, subscription: WebhookSubscription) -> bool:
    return can_manage_webhooks(user, subscription.programme)
