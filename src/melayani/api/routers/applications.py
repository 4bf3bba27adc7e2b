"""Public application endpoints: submit (idempotent) and track. No personal data in answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Status
from pydantic import ValidationError as PydanticValidationError

from melayani.api import schemas
from melayani.api.errors import ApiError, ErrorCode, pydantic_fields
from melayani.api.throttles import SUBMIT_LIMIT, TRACK_LIMIT
from melayani.applications.forms import application_form_class
from melayani.applications.models import Application
from melayani.applications.selectors import (
    PublicStatus,
    application_public_status,
    application_timeline,
    service_for_submission,
)
from melayani.applications.services import application_submit
from melayani.applications.tracking import tracking_code_normalize
from melayani.catalog.models import FieldType, ServiceStandard, ServiceType

router = Router(tags=["applications"])

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX = 200
IDENTITY_FIELDS = ("applicant_name", "applicant_phone", "applicant_email", "applicant_nik")

SUBMIT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ApplicationSubmitIn"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["data"],
                "properties": {
                    "data": {
                        "type": "string",
                        "description": "The ApplicationSubmitIn body as JSON text.",
                    }
                },
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "One part per file field, named by the field's key.",
                },
            }
        },
    },
}


def idempotency_key(request: HttpRequest) -> str:
    """The ``Idempotency-Key`` header ("" when absent); refused when unusable."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable() or not key.isascii():
        raise ApiError(
            ErrorCode.VALIDATION_ERROR,
            fields={IDEMPOTENCY_HEADER: [f"Use at most {IDEMPOTENCY_KEY_MAX} ASCII characters."]},
        )
    return key


def _body(request: HttpRequest) -> tuple[schemas.ApplicationSubmitIn, dict[str, Any]]:
    """The submission from a JSON body, or from the ``data`` part of a multipart body."""
    content_type = request.content_type or ""
    files: dict[str, Any] = {}
    if content_type == "multipart/form-data":
        raw: str | bytes = request.POST.get("data", "")
        files = {key: request.FILES[key] for key in request.FILES}
    elif content_type == "application/json":
        raw = request.body
    else:
        raise ApiError(
            ErrorCode.VALIDATION_ERROR,
            "Send application/json, or multipart/form-data with a 'data' part.",
        )
    try:
        return schemas.ApplicationSubmitIn.model_validate_json(raw or b"{}"), files
    except PydanticValidationError as exc:
        raise ApiError(ErrorCode.VALIDATION_ERROR, fields=pydantic_fields(exc)) from None


def _form_data(
    body: schemas.ApplicationSubmitIn, standard: ServiceStandard, files: dict[str, Any]
) -> dict[str, str]:
    """The keys :func:`application_submit` expects; unknown answers and files are refused."""
    known = {ff.key: ff for ff in application_form_class(standard).form_fields}
    address_parts = {f"{k}_region" for k, ff in known.items() if ff.field_type == "address"}
    errors: dict[str, list[str]] = {}
    for key in body.answers:
        if key in IDENTITY_FIELDS:
            errors[f"answers.{key}"] = ["Send this at the top level of the body."]
        elif key not in known and key not in address_parts:
            errors[f"answers.{key}"] = ["This service's form has no such field."]
        elif key in known and known[key].field_type == FieldType.FILE:
            errors[f"answers.{key}"] = ["Send files as multipart parts, not in answers."]
    for key in files:
        if key not in known or known[key].field_type != FieldType.FILE:
            errors[key] = ["This service's form has no such file field."]
    if errors:
        raise ApiError(ErrorCode.VALIDATION_ERROR, fields=errors)
    data = {name: getattr(body, name) for name in IDENTITY_FIELDS}
    for key, value in body.answers.items():
        if value is None:
            continue
        data[key] = ("on" if value else "") if isinstance(value, bool) else str(value)
    return data


def _receipt(application: Application) -> dict[str, Any]:
    return {
        "tracking_code": application.tracking_code,
        "service_code": application.service.code,
        "submitted_at": application.submitted_at,
        "track_with": "the tracking code and the phone number or e-mail address given",
    }


def reused_key(exc: ValidationError) -> bool:
    error_dict = getattr(exc, "error_dict", {})
    return any(e.code == "idempotency_key_reused" for e in error_dict.get("idempotency_key", []))


@router.post(
    "/pemda/{pemda_code}/services/{code}/applications",
    response={
        201: schemas.ApplicationReceiptOut,
        404: schemas.ErrorOut,
        409: schemas.ErrorOut,
        422: schemas.ErrorOut,
        429: schemas.ErrorOut,
    },
    throttle=[SUBMIT_LIMIT],
    summary="Submit an application",
    openapi_extra={
        "requestBody": SUBMIT_BODY,
        "parameters": [
            {
                "in": "header",
                "name": IDEMPOTENCY_HEADER,
                "required": False,
                "schema": {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
                "description": "Same key and body: the first answer again, stored once.",
            }
        ],
    },
)
def application_create(request: HttpRequest, pemda_code: str, code: str) -> Any:
    """A citizen's application for a service that takes online applications. Answers name the
    standard's form fields by key (see the service detail); the receipt carries the tracking
    code, which together with the phone or e-mail given is all that tracking needs."""
    key = idempotency_key(request)
    try:
        service, standard = service_for_submission(pemda_code=pemda_code, service_code=code)
    except ServiceType.DoesNotExist:
        raise Http404 from None
    body, files = _body(request)
    data = _form_data(body, standard, files)
    try:
        application = application_submit(
            service=service,
            standard=standard,
            data=data,
            files=files,
            idempotency_key=key,
            channel="api",
        )
    except ValidationError as exc:
        if reused_key(exc):
            raise ApiError(ErrorCode.IDEMPOTENCY_KEY_REUSED) from None
        raise
    return Status(201, _receipt(application))


@router.post(
    "/applications/track",
    response={200: schemas.ApplicationPublicOut, 404: schemas.ErrorOut, 429: schemas.ErrorOut},
    throttle=[TRACK_LIMIT],
    summary="Track an application",
)
def application_status(request: HttpRequest, payload: schemas.TrackIn) -> Any:
    """The status and public timeline of an application, for its tracking code plus the phone
    number or e-mail address given. A wrong code and a wrong contact both answer ``not_found``.
    (A POST, so that the contact never appears in URLs or access logs.)"""
    if not tracking_code_normalize(payload.tracking_code):
        raise ApiError(
            ErrorCode.VALIDATION_ERROR,
            fields={"tracking_code": ["A tracking code has 10 letters and digits."]},
        )
    try:
        status = application_public_status(
            tracking_code=payload.tracking_code, contact=payload.contact
        )
    except Application.DoesNotExist:
        raise Http404 from None
    return public_status_view(status)


def public_view(application: Application, *, for_citizen: bool = True) -> dict[str, Any]:
    """What tracking shows; officials (``for_citizen=False``) also see internal events."""
    return public_status_view(PublicStatus.of(application), for_citizen=for_citizen)


def public_status_view(status: PublicStatus, *, for_citizen: bool = True) -> dict[str, Any]:
    return {
        "tracking_code": status.tracking_code,
        "status": status.status,
        "status_label": status.status_label,
        "service_code": status.service_code,
        "service_name": status.service_name,
        "unit_name": status.unit_name,
        "submitted_at": status.submitted_at,
        "verified_at": status.verified_at,
        "due_at": status.due_at,
        "completed_at": status.completed_at,
        "product_ready_at": status.product_ready_at,
        "timeline": [
            {"at": e.when, "action": e.action, "status": e.status, "message": e.body}
            for e in application_timeline(status, for_citizen=for_citizen)
        ],
    }
