"""The one error shape of the JSON API, with stable codes.

Every error answer is ``{"error": {"code": "<stable code>", "message": "<text>", "fields": {}}}``.
Clients (and the UI) switch on ``code``; ``message`` is for people and may be translated;
``fields`` maps a field name to its messages for validation errors. No stack trace, and no hint
whether another Pemda's object exists: those are plain ``not_found``.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("melayani.api")


class ErrorCode(enum.StrEnum):
    VALIDATION_ERROR = "validation_error"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    AUTHENTICATION_REQUIRED = "authentication_required"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"


STATUS = {
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.AUTHENTICATION_REQUIRED: 401,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 409,
    ErrorCode.TRANSITION_NOT_ALLOWED: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
}

# For errors raised with a bare HTTP status (ninja's ``HttpError``).
BY_STATUS = {
    400: ErrorCode.VALIDATION_ERROR,
    401: ErrorCode.AUTHENTICATION_REQUIRED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.RATE_LIMITED,
}


def default_message(code: ErrorCode) -> str:
    return {
        ErrorCode.VALIDATION_ERROR: _("Some values are missing or not valid."),
        ErrorCode.NOT_FOUND: _("Not found."),
        ErrorCode.PERMISSION_DENIED: _("You may not do this."),
        ErrorCode.AUTHENTICATION_REQUIRED: _("Send a valid API token (Authorization: Bearer …)."),
        ErrorCode.METHOD_NOT_ALLOWED: _("This method is not allowed here."),
        ErrorCode.CONFLICT: _("This conflicts with the current state; try again."),
        ErrorCode.IDEMPOTENCY_KEY_REUSED: _(
            "This Idempotency-Key was already used for a different request."
        ),
        ErrorCode.TRANSITION_NOT_ALLOWED: _("This step is not possible in the current status."),
        ErrorCode.RATE_LIMITED: _("Too many requests; wait a moment and try again."),
        ErrorCode.INTERNAL_ERROR: _("Something went wrong on our side. Please try again later."),
    }[code]


class ApiError(Exception):
    """Raise in an endpoint to answer with the error shape."""

    def __init__(
        self,
        code: ErrorCode,
        message: str = "",
        *,
        fields: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.code = code
        self.message = message or default_message(code)
        self.fields = {k: list(v) for k, v in (fields or {}).items()}
        self.headers = dict(headers or {})
        super().__init__(self.message)


def error_body(
    code: ErrorCode, message: str = "", fields: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": str(code),
            "message": message or default_message(code),
            "fields": {k: list(v) for k, v in (fields or {}).items()},
        }
    }


def error_response(
    code: ErrorCode,
    message: str = "",
    *,
    fields: Mapping[str, Sequence[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    response = JsonResponse(error_body(code, message, fields), status=STATUS[code])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def django_validation_fields(exc: DjangoValidationError) -> tuple[str, dict[str, list[str]]]:
    """A Django ``ValidationError`` as (message, field errors); non-field errors under ``""``."""
    if hasattr(exc, "error_dict"):
        fields = {
            ("" if name == "__all__" else name): [str(m) for e in errors for m in e.messages]
            for name, errors in exc.error_dict.items()
        }
        message = " ".join(fields.pop("", [])) if "" in fields and len(fields) > 1 else ""
        return message, fields
    return " ".join(str(m) for m in exc.messages), {}


def ninja_validation_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Pydantic/ninja errors (``loc`` like ``["body", "payload", "service_code"]``) by field."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # Drop the parameter source ("body", "query", "path", "header") and the payload name.
        if loc and loc[0] in {"body", "query", "path", "header", "form", "file", "cookie"}:
            loc = loc[1:]
            if len(loc) > 1 and loc[0] in {"payload", "filters", "data"}:
                loc = loc[1:]
        fields.setdefault(".".join(loc) or "", []).append(str(error.get("msg", "")))
    return fields


def pydantic_fields(exc: Any) -> dict[str, list[str]]:
    """A pydantic ``ValidationError`` by field (dotted location)."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"])
        fields.setdefault(name, []).append(str(error["msg"]))
    return fields


def exception_response(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Map any exception from an endpoint to the error shape (used by the API's handlers)."""
    from ninja.errors import AuthenticationError, HttpError, Throttled
    from ninja.errors import ValidationError as NinjaValidationError

    from melayani.applications.services import TransitionError

    if isinstance(exc, ApiError):
        return error_response(exc.code, exc.message, fields=exc.fields, headers=exc.headers)
    if isinstance(exc, NinjaValidationError):
        return error_response(
            ErrorCode.VALIDATION_ERROR, fields=ninja_validation_fields(exc.errors)
        )
    if isinstance(exc, TransitionError):
        message, fields = django_validation_fields(exc)
        return error_response(ErrorCode.TRANSITION_NOT_ALLOWED, message, fields=fields)
    if isinstance(exc, DjangoValidationError):
        message, fields = django_validation_fields(exc)
        return error_response(ErrorCode.VALIDATION_ERROR, message, fields=fields)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return error_response(ErrorCode.NOT_FOUND)
    if isinstance(exc, PermissionError | PermissionDenied):
        return error_response(ErrorCode.PERMISSION_DENIED)
    if isinstance(exc, AuthenticationError):
        return error_response(
            ErrorCode.AUTHENTICATION_REQUIRED, headers={"WWW-Authenticate": "Bearer"}
        )
    if isinstance(exc, Throttled):
        headers = {"Retry-After": str(exc.wait)} if exc.wait else {}
        return error_response(ErrorCode.RATE_LIMITED, headers=headers)
    if isinstance(exc, HttpError):
        code = BY_STATUS.get(exc.status_code, ErrorCode.VALIDATION_ERROR)
        return error_response(code)
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(ErrorCode.INTERNAL_ERROR)
