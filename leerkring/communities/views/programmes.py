"""Placeholder: being implemented."""
from django.http import Http404


def programme_list(request, *args, **kwargs):
    raise Http404


def programme_overview(request, *args, **kwargs):
    raise Http404


def rule_profile_edit(request, *args, **kwargs):
    raise Http404

