"""What every API view shares: finding objects the way the pages do, binding input to the
pages' forms, and idempotent creates."""

from __future__ import annotations

import functools

from django import forms
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


def query_filters(form) -> dict:
    """The page's filter form, bound to the query string: its valid filters, or problem
    details naming each filter at fault (a page ignores a stale value in a shared link; a
    program is told)."""
    if form.is_bound and not form.is_valid():
        raise problems.form_problem(form)
    return form.filters() if form.is_bound else {}


_PARAMETER_TYPES = [
    (forms.DateField, OpenApiTypes.DATE),
    (forms.BooleanField, OpenApiTypes.BOOL),
    (forms.IntegerField, OpenApiTypes.INT),
    (forms.ModelChoiceField, OpenApiTypes.INT),
    (forms.TypedChoiceField, OpenApiTypes.STR),
]


def form_parameters(form_class, *, exclude=(), descriptions=None) -> list[OpenApiParameter]:
    """The query parameters of an endpoint, read from the page's filter form, so the schema
    lists exactly the filters the form accepts."""
    descriptions = descriptions or {}
    parameters = []
    for name, field in form_class.base_fields.items():
        if name in exclude:
            continue
        kind = next((t for cls, t in _PARAMETER_TYPES if isinstance(field, cls)), OpenApiTypes.STR)
        choices = getattr(field, "choices", None)
        enum = None
        if isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.ModelChoiceField | forms.TypedChoiceField
        ):
            enum = [str(value) for value, _label in choices if value != ""] or None
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                location=OpenApiParameter.QUERY,
                required=False,
                enum=enum,
                description=descriptions.get(name, ""),
            )
        )
    return parameters


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
    _check_shapes(form, values)
    # A field left out takes the value the page's form starts with (today's date, "local").
    for name, field in form.fields.items():
        if name not in values and field.initial is not None:
            initial = field.initial() if callable(field.initial) else field.initial
            values[name] = initial.isoformat() if hasattr(initial, "isoformat") else initial
    if not form.is_valid():
        raise problems.form_problem(form, fields=fields)
    return form.cleaned_data


def _check_shapes(form, values: dict) -> None:
    """A list where one value belongs (or the other way round) is refused before the form
    sees it: form fields expect what an HTML form sends."""
    errors = []
    for name, field in form.fields.items():
        if name not in values:
            continue
        multiple = isinstance(field, forms.MultipleChoiceField)
        value = values[name]
        if multiple and not isinstance(value, list):
            values[name] = [value]
        elif (not multiple and isinstance(value, list | dict)) or (
            multiple and any(isinstance(item, list | dict) for item in value)
        ):
            errors.append(
                {
                    "detail": _("Geef hier één waarde, geen lijst of object."),
                    "pointer": f"#/{name}",
                    "code": "invalid",
                }
            )
    if errors:
        raise problems.InvalidInput(errors)


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
