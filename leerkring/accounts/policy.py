"""Who is held to the stricter rules: a second factor and a short idle limit.

Coordinators, evaluators and system partners see signals, survey results and the shape of
hundreds of communities, and staff can open everything in the admin; one password must not be
all that guards that (ASVS V6.3.3, BIO). Everyone else may add a second factor by choice.
"""

from __future__ import annotations

from leerkring.communities.permissions import access_for


def is_privileged(user) -> bool:
    """A programme role in any programme, or staff rights. Uses the per-request access cache,
    so a page that checks permissions anyway pays nothing extra."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(access_for(user).programme_roles)
