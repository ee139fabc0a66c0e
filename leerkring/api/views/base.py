"""What every API view shares: finding objects the way the pages do, binding input to the
pages' forms, and idempotent creates."""

from __future__ import annotations

import functools

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from leerkring.communities.models import Community, Programme

from .. import problems, services

IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique key of your own (a UUID, say). The same request sent again with the same key "
        "within 24 hours gets the same answer, and nothing is created twice."
    ),
)


def require(allowed: bool) -> None:
    """The permission function's answer; a refusal is a 403, as on the pages."""
    if not allowed:
        raise PermissionDenied


def programme_or_404(slug: str) -> Programme:
    return get_object_or_404(Programme.objects.select_related("rule_profile"), slug=slug)


def community_or_404(pk: int) -> Community:
    return get_object_or_404(Community.objects.select_related("programme"), pk=pk)


def bind(form_class, data, *, fields: dict[str, str] | None = None, **kwargs):
    """Validate input with the page's own form: the same rules and the same Dutch messages.
    Returns the cleaned data, or raises problem details naming each field at fault."""
    if not isinstance(data, dict):
        raise problems.InvalidInput(
            [
                {
                    "detail": _("Stuur een JSON-object."),
                    "pointer": "#",
                    "code": "invalid",
                }
            ]
        )
    values = _form_data(data)
    form = form_class(data=values, **kwargs)
    # A field left out takes the value the page's form starts with (today's date, "local").
    for name, field in form.fields.items():
        if name not in values and field.initial is not None:
            initial = field.initial() if callable(field.initial) else field.initial
            values[name] = initial.isoformat() if hasattr(initial, "isoformat") else initial
    if not form.is_valid():
        raise problems.form_problem(form, fields=fields)
    return form.cleaned_data


def _form_data(data: dict) -> dict:
    """JSON values as a form would receive them (null is an empty field)."""
    result = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            result[key] = "on" if value else ""
        elif isinstance(value, int | float):
            result[key] = str(value)
        else:
            result[key] = value
    return result


def idempotent(method):
    """For creates a client may retry: with an `Idempotency-Key` header the first answer is
    kept for 24 hours and given again for the same request; the same key with another request
    is refused. The create and the key are one transaction, so two racing requests with one
    key create one thing."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return method(self, request, *args, **kwargs)
        if len(key) > 200:
            raise problems.InvalidInput(
                [
                    {
                        "detail": _("De Idempotency-Key is te lang (meer dan 200 tekens)."),
                        "pointer": "#",
                        "code": "max_length",
                    }
                ]
            )
        fingerprint = services.idempotency_fingerprint(
            method=request.method, path=request.path, body=request.data
        )
        earlier = services.idempotency_lookup(user=request.user, key=key)
        if earlier is not None:
            if earlier.fingerprint != fingerprint:
                raise _key_conflict(
                    _("Deze Idempotency-Key is al gebruikt voor een andere aanvraag.")
                )
            return Response(
                earlier.body, status=earlier.status, headers={"Idempotent-Replayed": "true"}
            )
        try:
            with transaction.atomic():
                response = method(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    services.idempotency_store(
                        user=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        status=response.status_code,
                        body=response.data,
                    )
        except IntegrityError:
            if services.idempotency_lookup(user=request.user, key=key) is None:
                raise
            raise _key_conflict(
                _("Een aanvraag met deze Idempotency-Key is net verwerkt; probeer het opnieuw.")
            ) from None
        return response

    return wrapper


def _key_conflict(message: str) -> problems.Conflict:
    error = problems.Conflict(message)
    error.kind = "idempotency-conflict"
    return error
