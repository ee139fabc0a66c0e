"""A limit on how often one client address may do something (public forms against robots).

The count lives in the cache every process shares, under a hash of the address, and only for
the period; the address itself is not stored anywhere.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address; behind a trusted proxy (django-axes' setting says which header
    to trust) the first address of X-Forwarded-For."""
    if "HTTP_X_FORWARDED_FOR" in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ()):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def allow(request: HttpRequest, *, scope: str, limit: int, seconds: int = 3600) -> bool:
    """Count one more attempt for this address in `scope`; False once over `limit`."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"throttle:{scope}:{address}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
