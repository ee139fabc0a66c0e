"""Placeholder: being implemented."""
from django.http import Http404


def organisation_list(request, *args, **kwargs):
    raise Http404


def organisation_create(request, *args, **kwargs):
    raise Http404


def organisation_edit(request, *args, **kwargs):
    raise Http404

