"""Typed request and response bodies of the JSON API (pydantic, through django-ninja).

Public bodies carry no personal data; only :class:`OfficerApplicationOut` does, and only to
officials the access layer lets through (NIK always masked).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class ErrorDetail(Schema):
    code: Literal[
        "validation_error",
        "not_found",
        "permission_denied",
        "authentication_required",
        "method_not_allowed",
        "conflict",
        "idempotency_key_reused",
        "transition_not_allowed",
        "rate_limited",
        "internal_error",
    ]
    message: str
    fields: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per field; non-field messages under ''."
    )


class ErrorOut(Schema):
    error: ErrorDetail


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


# --- Catalogue --------------------------------------------------------------------------------


class UnitOut(Schema):
    slug: str
    name: str


class CompletionTimeOut(Schema):
    value: int
    unit: str = Field(description="working_days, calendar_days or hours")


class FeeOut(Schema):
    is_free: bool
    amount: Decimal | None = Field(None, description="Rupiah")
    legal_basis: str = ""


class ServiceSummaryOut(Schema):
    code: str
    name: str
    description: str
    category: str
    unit: UnitOut
    accepts_online: bool
    completion_time: CompletionTimeOut | None
    fee: FeeOut | None


class ServicePage(Schema):
    count: int
    items: list[ServiceSummaryOut]


class RequirementOut(Schema):
    text: str
    needs_upload: bool
    accepted_types: str
    max_size_mb: int


class FormFieldOut(Schema):
    key: str
    label: str
    help_text: str
    field_type: str = Field(
        description="text, long_text, number, date, choice, file, nik, phone, email, address"
    )
    required: bool
    choices: list[str]


class StandardOut(Schema):
    version: int
    decree_number: str
    decree_date: datetime.date | None
    published_at: datetime.datetime | None
    completion_time: CompletionTimeOut
    fee: FeeOut
    product: str
    complaint_handling: str
    legal_basis: str
    facilities: str
    staff_competence: str
    internal_supervision: str
    staff_count: str
    service_guarantee: str
    safety_guarantee: str
    performance_evaluation: str
    requirements: list[RequirementOut]
    steps: list[str]
    form_fields: list[FormFieldOut]


class ServiceDetailOut(ServiceSummaryOut):
    pemda_code: str
    standard: StandardOut


# --- Applications: public ---------------------------------------------------------------------


class ApplicationSubmitIn(Schema):
    """A new application. ``answers`` holds the standard's form fields by key (files excepted:
    send those as multipart parts named by their key, with this body as the ``data`` part)."""

    model_config = ConfigDict(extra="forbid")

    applicant_name: str = Field(max_length=150)
    applicant_phone: str = Field("", max_length=20)
    applicant_email: str = Field("", max_length=254)
    applicant_nik: str = Field("", max_length=32)
    answers: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class ApplicationReceiptOut(Schema):
    tracking_code: str
    service_code: str
    submitted_at: datetime.datetime
    track_with: str = Field(description="What tracking asks for besides the code.")


class TrackIn(Schema):
    tracking_code: str = Field(max_length=24)
    contact: str = Field(max_length=254, description="The phone number or e-mail given.")


class TimelineEntryOut(Schema):
    at: datetime.datetime
    action: str
    status: str
    message: str


class ApplicationPublicOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    service_code: str
    service_name: str
    unit_name: str
    submitted_at: datetime.datetime
    verified_at: datetime.datetime | None
    due_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    product_ready_at: datetime.datetime | None
    timeline: list[TimelineEntryOut]


# --- Applications: officials ------------------------------------------------------------------


class ApplicationQueueItemOut(Schema):
    tracking_code: str
    status: str
    service_code: str
    service_name: str
    unit_name: str
    applicant_name: str
    submitted_at: datetime.datetime
    due_at: datetime.datetime | None
    assigned_to: str | None


class ApplicantOut(Schema):
    name: str
    phone: str
    email: str
    nik_masked: str = Field(description="Always masked, e.g. 9301********0003.")


class OfficerApplicationOut(ApplicationPublicOut):
    applicant: ApplicantOut
    answers: dict[str, Any]
    assigned_to: str | None
    rejection_reason: str
    documents: list[str] = Field(description="Names of the uploaded documents.")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=4000)


class OptionalMessageIn(Schema):
    message: str = Field("", max_length=4000)
