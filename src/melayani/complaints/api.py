"""The complaints' JSON API: public intake and tracking, and officials' work with a token.

Mounted by :mod:`melayani.api.api`: :data:`public_router` at ``/api/v1/`` and
:data:`officer_router` at ``/api/v1/officer/`` (bearer token). Errors leave in the one shape of
:mod:`melayani.api.errors`. Officials reach complaints only through
:mod:`melayani.complaints.access` (a complaint they may not see answers ``404 not_found`` exactly
like one that does not exist) and every complaint leaves through ``complaint_row``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from melayani.api.errors import ApiError, ErrorCode
from melayani.api.routers.applications import idempotency_key, reused_key
from melayani.api.schemas import ErrorOut
from melayani.api.throttles import SUBMIT_LIMIT, TRACK_LIMIT
from melayani.catalog.selectors import public_pemda
from melayani.complaints import access as complaint_access
from melayani.complaints import selectors, services
from melayani.complaints.models import ArchiveReason, Channel, Complaint, ResponseStatus
from melayani.complaints.tracking import tracking_code_normalize
from melayani.core.models import OPD, Pemda, User

public_router = Router(tags=["complaints"])
officer_router = Router(tags=["complaints (officials)"])

ERRORS: dict[int, type[ErrorOut]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}

ClassificationIn = Literal[
    "aspiration", "complaint", "information_request", "whistleblowing", "procurement"
]


class ComplaintSubmitIn(Schema):
    classification: ClassificationIn = "complaint"
    title: str = Field(max_length=200)
    text: str = Field(max_length=5000)
    reporter_name: str = Field("", max_length=150)
    reporter_phone: str = Field("", max_length=30)
    reporter_email: str = Field("", max_length=254)
    reporter_nik: str = Field("", max_length=30)
    is_anonymous: bool = False
    is_confidential: bool = False
    unit: str = Field("", max_length=60, description="Short name (slug) of the unit concerned.")
    service_code: str = Field("", max_length=60)
    application_code: str = Field("", max_length=24, description="Your application's code.")
    region_code: str = Field("", max_length=20, description="Kecamatan or desa/kelurahan code.")
    location_text: str = Field("", max_length=200)
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class ComplaintReceiptOut(Schema):
    tracking_code: str
    status: str
    submitted_at: datetime.datetime
    track_with: str


class ComplaintTrackIn(Schema):
    tracking_code: str = Field(max_length=24)
    contact: str = Field(max_length=254, description="The phone number or e-mail given.")


class ComplaintReplyIn(ComplaintTrackIn):
    decision: Literal["accept", "dispute", "comment"]
    message: str = Field("", max_length=5000)


class TimelineOut(Schema):
    at: datetime.datetime
    title: str
    body: str


class AnswerOut(Schema):
    text: str
    at: datetime.datetime | None


class ComplaintPublicOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    classification: str
    submitted_at: datetime.datetime
    due_at: datetime.datetime | None
    timeline: list[TimelineOut]
    answers: list[AnswerOut]


class ComplaintOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    classification: str
    category: str
    tags: list[str]
    channel: str
    title: str
    original_title: str
    text: str
    is_anonymous: bool
    is_confidential: bool
    reporter: str = Field(description="The reporter's name, or 'Anonymous reporter'.")
    reporter_phone: str = Field(description="Masked.")
    reporter_email: str = Field(description="Masked.")
    unit_concerned: str
    stage: str
    due_at: datetime.datetime | None
    submitted_at: datetime.datetime
    escalation_level: int
    dispute_count: int


class ComplaintPage(Schema):
    count: int
    items: list[ComplaintOut]


class QueueFilters(Schema):
    status: str = Field("", max_length=20, description="'' (open), 'all' or a status.")
    classification: str = Field("", max_length=20)
    due: Literal["", "soon", "overdue"] = ""
    q: str = Field("", max_length=100)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ClassifyIn(Schema):
    classification: ClassificationIn
    category: str = Field("", max_length=80)
    tags: list[str] = Field(default_factory=list, max_length=10)
    tier: Literal["standard", "field_check"] = "standard"
    edited_title: str = Field("", max_length=200)
    is_anonymous: bool | None = None
    is_confidential: bool | None = None


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class ArchiveIn(Schema):
    archive_reason: Literal["spam", "wrong_format", "too_general", "unrelated", "other"]
    reason: str = Field(max_length=2000)


class DisposeIn(Schema):
    units: list[str] = Field(min_length=1, max_length=20, description="Units' short names.")
    note: str = Field("", max_length=2000)
    replace: bool = False


class AnswerIn(Schema):
    text: str = Field(max_length=5000)


class ReviewIn(Schema):
    decision: Literal["approve", "return"]
    note: str = Field("", max_length=2000)


# --- public -------------------------------------------------------------------------------------


def _pemda(code: str) -> Pemda:
    try:
        pemda = public_pemda(code)
    except Pemda.DoesNotExist:
        raise Http404 from None
    if not pemda.is_active:
        raise Http404
    return pemda


def _form_data(pemda: Pemda, body: ComplaintSubmitIn) -> dict[str, Any]:
    data: dict[str, Any] = body.model_dump(
        exclude={"unit", "region_code", "is_anonymous", "is_confidential", "latitude", "longitude"}
    )
    if body.is_anonymous:
        data["is_anonymous"] = "on"
    if body.is_confidential:
        data["is_confidential"] = "on"
    if body.latitude is not None:
        data["latitude"] = str(body.latitude)
    if body.longitude is not None:
        data["longitude"] = str(body.longitude)
    data["region"] = body.region_code
    if body.unit:
        opd = OPD.objects.filter(pemda=pemda, slug=body.unit, is_active=True).first()
        if opd is None:
            raise ApiError(ErrorCode.VALIDATION_ERROR, fields={"unit": ["No such unit."]})
        data["concerned_opd"] = str(opd.pk)
    return data


@public_router.post(
    "/pemda/{pemda_code}/complaints",
    response={201: ComplaintReceiptOut, **ERRORS},
    throttle=[SUBMIT_LIMIT],
    url_name="complaint_submit",
    summary="Submit a complaint, aspiration, information request or whistleblowing report",
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "Same key and body: the first answer again, stored once.",
            }
        ]
    },
)
def complaint_submit(request: HttpRequest, pemda_code: str, payload: ComplaintSubmitIn) -> Any:
    """No account needed; give a phone number or e-mail address to follow the report with its
    tracking code. Anonymous hides the name from the unit concerned and the public; confidential
    keeps the report from publication (whistleblowing reports are always confidential)."""
    key = idempotency_key(request)
    pemda = _pemda(pemda_code)
    try:
        complaint = services.complaint_submit(
            pemda=pemda, data=_form_data(pemda, payload), idempotency_key=key, channel=Channel.API
        )
    except ValidationError as exc:
        if reused_key(exc):
            raise ApiError(ErrorCode.IDEMPOTENCY_KEY_REUSED) from None
        raise
    return Status(
        201,
        {
            "tracking_code": complaint.tracking_code,
            "status": complaint.status,
            "submitted_at": complaint.submitted_at,
            "track_with": "the tracking code and the phone number or e-mail address given",
        },
    )


def _tracked(code: str, contact: str) -> Complaint:
    if not tracking_code_normalize(code):
        raise ApiError(
            ErrorCode.VALIDATION_ERROR,
            fields={"tracking_code": ["A tracking code has 10 letters and digits."]},
        )
    try:
        return selectors.complaint_track(tracking_code=code, contact=contact)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _public_status(complaint: Complaint) -> dict[str, Any]:
    return {
        "tracking_code": complaint.tracking_code,
        "status": complaint.status,
        "status_label": str(complaint.get_status_display()),
        "classification": complaint.classification,
        "submitted_at": complaint.submitted_at,
        "due_at": complaint.due_at,
        "timeline": [
            {"at": i.when, "title": i.title, "body": i.body}
            for i in selectors.reporter_timeline(complaint)
        ],
        "answers": [
            {"text": a.text, "at": a.reviewed_at} for a in selectors.approved_answers(complaint)
        ],
    }


@public_router.post(
    "/complaints/track",
    response={200: ComplaintPublicOut, **ERRORS},
    throttle=[TRACK_LIMIT],
    summary="Follow a report",
)
def complaint_track(request: HttpRequest, payload: ComplaintTrackIn) -> Any:
    """The status, timeline and answers of a report, for its code plus the phone or e-mail
    given; a wrong code and a wrong contact both answer ``not_found``."""
    return _public_status(_tracked(payload.tracking_code, payload.contact))


@public_router.post(
    "/complaints/reply",
    response={200: ComplaintPublicOut, **ERRORS},
    throttle=[TRACK_LIMIT],
    summary="Answer the reply: accept, dispute, or add a message",
)
def complaint_reply(request: HttpRequest, payload: ComplaintReplyIn) -> Any:
    complaint = _tracked(payload.tracking_code, payload.contact)
    services.complaint_reporter_reply(
        complaint=complaint, decision=payload.decision, message=payload.message
    )
    return _public_status(complaint)


# --- officials ----------------------------------------------------------------------------------


def _official(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _complaint(user: User, code: str) -> Complaint:
    normalized = tracking_code_normalize(code)
    if not normalized:
        raise Http404
    found = (
        complaint_access.complaints_visible(user)
        .filter(tracking_code=normalized)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise Http404
    return complaint_access.complaint_for(user, found)


@officer_router.get("/complaints", response={200: ComplaintPage, **ERRORS}, summary="Queue")
def complaint_queue(request: HttpRequest, filters: Query[QueueFilters]) -> Any:
    """Reports the official may see, soonest due first."""
    user = _official(request)
    qs = selectors.complaint_queue(
        user=user,
        status=filters.status,
        classification=filters.classification,
        due=filters.due,
        query=filters.q,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "items": [complaint_access.complaint_row(user, c) for c in page],
    }


@officer_router.get(
    "/complaints/{tracking_code}",
    response={200: ComplaintOut, **ERRORS},
    url_name="complaint_officer_detail",
    summary="One report",
)
def complaint_officer_detail(request: HttpRequest, tracking_code: str) -> Any:
    user = _official(request)
    return complaint_access.complaint_row(user, _complaint(user, tracking_code))


def _act(request: HttpRequest, tracking_code: str, run: Any) -> Any:
    user = _official(request)
    complaint = _complaint(user, tracking_code)
    run(user, complaint)
    if not complaint_access.complaints_visible(user).filter(pk=complaint.pk).exists():
        raise Http404  # e.g. reclassified out of the official's sight
    return complaint_access.complaint_row(user, complaint_access.complaint_for(user, complaint.pk))


def _op(name: str, summary: str) -> dict[str, Any]:
    return {"response": {200: ComplaintOut, **ERRORS}, "url_name": name, "summary": summary}


@officer_router.post("/complaints/{tracking_code}/verify", **_op("complaint_verify", "Verify"))
def complaint_verify(request: HttpRequest, tracking_code: str) -> Any:
    return _act(
        request, tracking_code, lambda u, c: services.complaint_verify(actor=u, complaint=c)
    )


@officer_router.post(
    "/complaints/{tracking_code}/classify",
    **_op("complaint_classify", "Classify, tag, rewrite the title, set the flags"),
)
def complaint_classify(request: HttpRequest, tracking_code: str, payload: ClassifyIn) -> Any:
    """Reclassifying as whistleblowing hands the report to the Inspektorat: the coordinator then
    no longer sees it (the answer is ``404 not_found``)."""
    return _act(
        request,
        tracking_code,
        lambda u, c: services.complaint_classify(
            actor=u,
            complaint=c,
            classification=payload.classification,
            category=payload.category,
            tags=[t.strip()[:40] for t in payload.tags if t.strip()],
            tier=payload.tier,
            edited_title=payload.edited_title,
            is_anonymous=payload.is_anonymous,
            is_confidential=payload.is_confidential,
        ),
    )


@officer_router.post("/complaints/{tracking_code}/hold", **_op("complaint_hold", "Hold"))
def complaint_hold(request: HttpRequest, tracking_code: str, payload: ReasonIn) -> Any:
    return _act(
        request,
        tracking_code,
        lambda u, c: services.complaint_hold(actor=u, complaint=c, reason=payload.reason),
    )


@officer_router.post(
    "/complaints/{tracking_code}/archive", **_op("complaint_archive", "Archive with a reason")
)
def complaint_archive(request: HttpRequest, tracking_code: str, payload: ArchiveIn) -> Any:
    assert payload.archive_reason in ArchiveReason.values
    return _act(
        request,
        tracking_code,
        lambda u, c: services.complaint_archive(
            actor=u, complaint=c, archive_reason=payload.archive_reason, reason=payload.reason
        ),
    )


@officer_router.post(
    "/complaints/{tracking_code}/dispose", **_op("complaint_dispose", "Dispose to units")
)
def complaint_dispose(request: HttpRequest, tracking_code: str, payload: DisposeIn) -> Any:
    def run(user: User, complaint: Complaint) -> None:
        opds = list(OPD.objects.filter(pemda_id=complaint.pemda_id, slug__in=payload.units))
        if len(opds) != len(set(payload.units)):
            raise ApiError(ErrorCode.VALIDATION_ERROR, fields={"units": ["No such unit."]})
        services.complaint_dispose(
            actor=user, complaint=complaint, opds=opds, note=payload.note, replace=payload.replace
        )

    return _act(request, tracking_code, run)


@officer_router.post(
    "/complaints/{tracking_code}/answer", **_op("complaint_answer", "Post the answer")
)
def complaint_answer(request: HttpRequest, tracking_code: str, payload: AnswerIn) -> Any:
    return _act(
        request,
        tracking_code,
        lambda u, c: services.complaint_answer(actor=u, complaint=c, text=payload.text),
    )


@officer_router.post(
    "/complaints/{tracking_code}/review", **_op("complaint_review", "Review the pending answer")
)
def complaint_review(request: HttpRequest, tracking_code: str, payload: ReviewIn) -> Any:
    def run(user: User, complaint: Complaint) -> None:
        pending = complaint.responses.filter(status=ResponseStatus.PENDING).order_by("pk").first()
        if pending is None:
            raise ApiError(ErrorCode.TRANSITION_NOT_ALLOWED, "No answer is waiting for review.")
        services.complaint_review(
            actor=user,
            complaint=complaint,
            response=pending,
            approve=payload.decision == "approve",
            note=payload.note,
        )

    return _act(request, tracking_code, run)
