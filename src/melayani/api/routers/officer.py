"""Officials' work on applications, with a bearer token; reach decided by the access layer.

Applications are named by their tracking code. One that the official may not see answers
``404 not_found`` exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from melayani.api import schemas
from melayani.api.errors import ApiError, ErrorCode, pydantic_fields
from melayani.api.routers.applications import public_view
from melayani.applications import services
from melayani.applications.models import Application
from melayani.applications.selectors import (
    application_answers,
    application_for_officer,
    application_queue,
)
from melayani.applications.tracking import tracking_code_normalize
from melayani.catalog.models import FieldType
from melayani.core import access
from melayani.core.masking import mask_email, mask_nik, mask_phone
from melayani.core.models import User

router = Router(tags=["officials"])

ERRORS: dict[int, type[schemas.ErrorOut]] = {
    401: schemas.ErrorOut,
    403: schemas.ErrorOut,
    404: schemas.ErrorOut,
    409: schemas.ErrorOut,
    422: schemas.ErrorOut,
}
# ValidationError codes of the lifecycle services that mean "the state is in the way".
CONFLICT_CODES = {"already_assigned"}


class QueueFilters(Schema):
    status: (
        Literal["submitted", "verified", "in_process", "returned", "completed", "rejected"] | None
    ) = None
    due: Literal["", "soon", "overdue"] = ""
    service: str = Field("", max_length=60, description="A service code.")
    q: str = Field("", max_length=100, description="A tracking code or the applicant's name.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class QueuePage(Schema):
    count: int
    items: list[schemas.ApplicationQueueItemOut]


def _official(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _application(user: User, code: str) -> Application:
    """The application with this tracking code, if the official may see it; else 404."""
    normalized = tracking_code_normalize(code)
    if not normalized:
        raise Http404
    pk = (
        application_queue(user=user, query=normalized)
        .filter(tracking_code=normalized)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise Http404
    return application_for_officer(user=user, pk=pk)


def _masked_answer(value: Any, field_type: str, *, handles: bool) -> Any:
    if field_type == FieldType.NIK:
        return mask_nik(str(value)) if value else ""
    if handles:
        return value
    if field_type == FieldType.PHONE:
        return mask_phone(str(value)) if value else ""
    if field_type == FieldType.EMAIL:
        return mask_email(str(value)) if value else ""
    return ""  # an address: only for those who handle the application


def officer_view(user: User, application: Application) -> dict[str, Any]:
    """The application as this official may see it: NIK always masked; phone, e-mail and
    address in full only for those who handle it (they must reach the applicant)."""
    handles = access.can(user, "services.handle", opd=application.opd)
    phone, email = application.applicant_phone, application.applicant_email
    if handles:
        from melayani.privacy.services import unmasked_read_record

        shown = {
            "applicant_phone": bool(phone),
            "applicant_email": bool(email),
            "answers_private": bool(application.answers_private),
        }
        unmasked_read_record(
            actor=user,
            pemda=application.pemda,
            target=application,
            fields=[name for name, whole in shown.items() if whole],
            surface="api.application",
            context={"tracking_code": application.tracking_code},
        )
    answers = {
        a.key: _masked_answer(a.value, a.field_type, handles=handles) if a.is_personal else a.value
        for a in application_answers(application)
    }
    return {
        **public_view(application, for_citizen=False),
        "applicant": {
            "name": application.applicant_name,
            "phone": phone if handles else mask_phone(phone) if phone else "",
            "email": email if handles else mask_email(email) if email else "",
            "nik_masked": mask_nik(application.applicant_nik) if application.applicant_nik else "",
        },
        "answers": answers,
        "assigned_to": application.assigned_to.display_name if application.assigned_to else None,
        "rejection_reason": application.rejection_reason,
        "documents": [d.original_name for d in application.documents.all()],
    }


@router.get("/applications", response={200: QueuePage, **ERRORS}, summary="The work queue")
def queue(request: HttpRequest, filters: Query[QueueFilters]) -> Any:
    """Applications the official may see, soonest due first; filters as in the workbench."""
    user = _official(request)
    applications = application_queue(
        user=user, status=filters.status, due=filters.due, query=filters.q
    )
    if filters.service:
        applications = applications.filter(service__code=filters.service)
    page = applications[filters.offset : filters.offset + filters.limit]
    items = [
        {
            "tracking_code": a.tracking_code,
            "status": a.status,
            "service_code": a.service.code,
            "service_name": a.service.name,
            "unit_name": a.opd.name,
            "applicant_name": a.applicant_name,
            "submitted_at": a.submitted_at,
            "due_at": a.due_at,
            "assigned_to": a.assigned_to.display_name if a.assigned_to else None,
        }
        for a in page
    ]
    return {"count": applications.count(), "items": items}


@router.get(
    "/applications/{tracking_code}",
    response={200: schemas.OfficerApplicationOut, **ERRORS},
    summary="One application",
)
def application_detail(request: HttpRequest, tracking_code: str) -> Any:
    user = _official(request)
    return officer_view(user, _application(user, tracking_code))


def _transition(request: HttpRequest, tracking_code: str, call: Any, **kwargs: Any) -> Any:
    user = _official(request)
    application = _application(user, tracking_code)
    try:
        call(actor=user, application=application, **kwargs)
    except services.TransitionError:
        raise
    except ValidationError as exc:
        if getattr(exc, "code", None) in CONFLICT_CODES:
            raise ApiError(ErrorCode.CONFLICT, " ".join(exc.messages)) from None
        raise
    return officer_view(user, application_for_officer(user=user, pk=application.pk))


def _doc(summary: str) -> dict[str, Any]:
    return {"response": {200: schemas.OfficerApplicationOut, **ERRORS}, "summary": summary}


@router.post("/applications/{tracking_code}/claim", **_doc("Claim (assign to me)"))
def claim(request: HttpRequest, tracking_code: str) -> Any:
    return _transition(request, tracking_code, services.application_claim)


@router.post("/applications/{tracking_code}/verify", **_doc("Verify as complete"))
def verify(request: HttpRequest, tracking_code: str) -> Any:
    """Berkas lengkap: the clock starts and the due moment is set."""
    return _transition(request, tracking_code, services.application_verify)


@router.post("/applications/{tracking_code}/start", **_doc("Start processing"))
def start(request: HttpRequest, tracking_code: str) -> Any:
    return _transition(request, tracking_code, services.application_start)


@router.post("/applications/{tracking_code}/return", **_doc("Return for correction"))
def return_(request: HttpRequest, tracking_code: str, payload: schemas.ReasonIn) -> Any:
    """The reason is shown to the applicant; the clock stops until they resubmit."""
    return _transition(request, tracking_code, services.application_return, reason=payload.reason)


@router.post(
    "/applications/{tracking_code}/complete",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/OptionalMessageIn"}}
            },
        }
    },
    **_doc("Complete"),
)
def complete(request: HttpRequest, tracking_code: str) -> Any:
    """An optional ``message`` (shown to the applicant); the body may be left out."""
    message = ""
    if request.content_type == "application/json" and request.body.strip():
        try:
            message = schemas.OptionalMessageIn.model_validate_json(request.body).message
        except PydanticValidationError as exc:
            raise ApiError(ErrorCode.VALIDATION_ERROR, fields=pydantic_fields(exc)) from None
    return _transition(request, tracking_code, services.application_complete, message=message)


@router.post("/applications/{tracking_code}/reject", **_doc("Reject"))
def reject(request: HttpRequest, tracking_code: str, payload: schemas.ReasonIn) -> Any:
    """The reason is required and shown to the applicant."""
    return _transition(request, tracking_code, services.application_reject, reason=payload.reason)
