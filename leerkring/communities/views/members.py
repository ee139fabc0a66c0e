"""Placeholder: being implemented."""
from django.http import Http404


def member_list(request, *args, **kwargs):
    raise Http404


def membership_role(request, *args, **kwargs):
    raise Http404


def membership_end(request, *args, **kwargs):
    raise Http404


def membership_handover(request, *args, **kwargs):
    raise Http404


def membership_seat(request, *args, **kwargs):
    raise Http404

