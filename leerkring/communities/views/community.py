"""Placeholder: being implemented."""
from django.http import Http404


def community_create(request, *args, **kwargs):
    raise Http404


def community_detail(request, *args, **kwargs):
    raise Http404


def community_edit(request, *args, **kwargs):
    raise Http404

