"""Errors as RFC 9457 problem details (`application/problem+json`), in Dutch by default.

Every refusal of the API has the same shape: `type` (a URN naming the kind of problem),
`title`, `status`, `detail` and, for invalid input, `errors` — one entry per message with a
JSON pointer to the field at fault (`#/title`), or `#` for the request as a whole. The
messages are the ones the pages show next to a field, because the same forms and services
check the input.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PREFIX = "urn:leerkring:problem:"

#: The kind of problem per status (or per exception code), named in `type`.
TYPES = {
    400: "invalid-input",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    415: "unsupported-media-type",
    429: "too-many-requests",
}


class InvalidInput(exceptions.APIException):
    """Input refused by a form or a service; `errors` are (pointer, message, code)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid-input"

    def __init__(self, errors: list[dict], *, kind: str = "invalid-input", extra=None):
        self.errors = errors
        self.kind = kind
        self.extra = extra or {}
        super().__init__(detail=_("De invoer is niet in orde; zie de meldingen per veld."))


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def form_problem(form, *, fields: dict[str, str] | None = None) -> InvalidInput:
    """A bound, invalid form as problem details. `fields` renames form fields to the names
    the API uses, where they differ."""
    fields = fields or {}
    errors = []
    for name, error_list in form.errors.as_data().items():
        for error in error_list:
            errors.extend(_entries(fields.get(name, name), error))
    return InvalidInput(errors)


def validation_problem(
    error: DjangoValidationError, *, fields: dict[str, str] | None = None, kind="invalid-input"
) -> InvalidInput:
    """A service's ValidationError: per field where it names one, else for the request."""
    fields = fields or {}
    errors = []
    if hasattr(error, "error_dict"):
        for name, error_list in error.error_dict.items():
            for item in error_list:
                errors.extend(_entries(fields.get(name, name), item))
    else:
        errors.extend(_entries("__all__", error))
    return InvalidInput(errors, kind=kind)


def _entries(name: str, error: DjangoValidationError) -> list[dict]:
    pointer = "#" if name in ("__all__", None) else f"#/{name}"
    result = []
    for item in error.error_list if hasattr(error, "error_list") else [error]:
        message = item.message % item.params if item.params else item.message
        result.append({"detail": str(message), "pointer": pointer, "code": item.code or "invalid"})
    return result


def _drf_entries(detail: Any, path: str = "") -> list[dict]:
    """DRF's nested error details, flattened into pointers."""
    if isinstance(detail, dict):
        result = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else f"{path}/{key}"
            result.extend(_drf_entries(value, name))
        return result
    if isinstance(detail, list):
        result = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                result.extend(_drf_entries(value, f"{path}/{index}"))
            else:
                result.extend(_drf_entries(value, path))
        return result
    code = getattr(detail, "code", None) or "invalid"
    return [{"detail": str(detail), "pointer": f"#{path}", "code": code}]


def problem_body(*, status_code: int, detail: str, kind: str | None = None, **extra) -> dict:
    kind = kind or TYPES.get(status_code, "error")
    return {
        "type": PREFIX + kind,
        "title": _TITLES().get(kind, _("Er ging iets mis")),
        "status": status_code,
        "detail": detail,
        **extra,
    }


def _TITLES() -> dict[str, str]:  # noqa: N802 - evaluated per request, in its language
    return {
        "invalid-input": _("Ongeldige invoer"),
        "personal-data": _("Mogelijk persoonsgegevens"),
        "not-authenticated": _("Niet ingelogd"),
        "forbidden": _("Geen toegang"),
        "not-found": _("Niet gevonden"),
        "method-not-allowed": _("Methode niet toegestaan"),
        "not-acceptable": _("Formaat niet beschikbaar"),
        "conflict": _("Conflict"),
        "idempotency-conflict": _("Sleutel al gebruikt"),
        "unsupported-media-type": _("Formaat niet ondersteund"),
        "too-many-requests": _("Te veel verzoeken"),
    }


def problem_response(body: dict, *, headers: dict | None = None) -> Response:
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def exception_handler(exc, context):
    """DRF's handler, with Django's own refusals translated first and every answer reshaped
    into problem details."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Dit bestaat niet, of u mag het niet zien."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("U mag dit niet bekijken of doen."))
    elif isinstance(exc, DjangoValidationError):
        exc = validation_problem(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    extra: dict[str, Any] = {}
    kind = None
    if isinstance(exc, InvalidInput):
        kind = exc.kind
        extra = {"errors": exc.errors, **exc.extra}
        detail = str(exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        extra = {"errors": _drf_entries(exc.detail)}
        detail = _("De invoer is niet in orde; zie de meldingen per veld.")
    elif isinstance(exc, exceptions.NotAuthenticated):
        detail = _("Log in, of geef een API-sleutel mee: ‘Authorization: Bearer <sleutel>’.")
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail) == str(
        exceptions.PermissionDenied.default_detail
    ):
        detail = _("U mag dit niet bekijken of doen.")
    else:
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else ""
        if isinstance(exc, Conflict) and getattr(exc, "kind", None):
            kind = exc.kind
    body = problem_body(status_code=response.status_code, detail=detail, kind=kind, **extra)
    headers = {
        name: value
        for name, value in response.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    return problem_response(body, headers=headers)
