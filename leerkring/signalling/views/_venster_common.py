"""Shared bits of the venster pages (programme lookup, safe return address)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from leerkring.communities.models import Programme


def programme_or_404(slug: str) -> Programme:
    return get_object_or_404(Programme.objects.select_related("rule_profile"), slug=slug)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after a bulk action; only this site's own pages."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
