"""The public service catalogue of a Pemda."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router

from melayani.api import schemas
from melayani.catalog.models import ServiceStandard, ServiceType
from melayani.catalog.selectors import (
    catalog_search,
    public_pemda,
    public_unit,
    service_get_public,
    standard_current,
)
from melayani.core.models import OPD, Pemda

router = Router(tags=["catalogue"])
ERRORS: dict[int, type[schemas.ErrorOut]] = {404: schemas.ErrorOut, 422: schemas.ErrorOut}


def _fee(standard: ServiceStandard) -> dict[str, Any]:
    return {
        "is_free": standard.fee_is_free,
        "amount": None if standard.fee_is_free else standard.fee_amount,
        "legal_basis": standard.fee_legal_basis,
    }


def _completion(standard: ServiceStandard) -> dict[str, Any]:
    return {"value": standard.completion_time_value, "unit": standard.completion_time_unit}


def service_summary(service: ServiceType, standard: ServiceStandard | None) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.name,
        "description": service.description,
        "category": service.category,
        "unit": {"slug": service.opd.slug, "name": service.opd.name},
        "accepts_online": service.accepts_online,
        "completion_time": _completion(standard) if standard else None,
        "fee": _fee(standard) if standard else None,
    }


def _pemda(code: str) -> Pemda:
    try:
        return public_pemda(code)
    except Pemda.DoesNotExist:
        raise Http404 from None


@router.get(
    "/pemda/{pemda_code}/services",
    response={200: schemas.ServicePage, **ERRORS},
    summary="Services of a Pemda",
)
def service_list(
    request: HttpRequest,
    pemda_code: str,
    page: Query[schemas.PageIn],
    q: Query[str] = "",
    unit: Query[str] = "",
) -> Any:
    """The Pemda's active services with a published standard; ``q`` searches, ``unit`` narrows
    to a unit (by its short name) and its sub-units."""
    pemda = _pemda(pemda_code)
    opd = None
    if unit:
        try:
            opd = public_unit(pemda=pemda, slug=unit)
        except OPD.DoesNotExist:
            raise Http404 from None
    services: QuerySet[ServiceType] = catalog_search(pemda=pemda, opd=opd, query=q[:200])
    items = [
        service_summary(s, (getattr(s, "published_standards", None) or [None])[0])
        for s in services[page.offset : page.offset + page.limit]
    ]
    return {"count": services.count(), "items": items}


@router.get(
    "/pemda/{pemda_code}/services/{code}",
    response={200: schemas.ServiceDetailOut, **ERRORS},
    summary="A service and its current standard",
)
def service_detail(request: HttpRequest, pemda_code: str, code: str) -> Any:
    try:
        service = service_get_public(pemda_code=pemda_code, code=code)
    except ServiceType.DoesNotExist:
        raise Http404 from None
    standard = standard_current(service)
    if standard is None:
        raise Http404
    return {
        **service_summary(service, standard),
        "pemda_code": service.pemda.code,
        "standard": {
            "version": standard.version,
            "decree_number": standard.decree_number,
            "decree_date": standard.decree_date,
            "published_at": standard.published_at,
            "completion_time": _completion(standard),
            "fee": _fee(standard),
            **{
                name: getattr(standard, name)
                for name in (
                    "product",
                    "complaint_handling",
                    "legal_basis",
                    "facilities",
                    "staff_competence",
                    "internal_supervision",
                    "staff_count",
                    "service_guarantee",
                    "safety_guarantee",
                    "performance_evaluation",
                )
            },
            "requirements": [
                {
                    "text": r.text,
                    "needs_upload": r.needs_upload,
                    "accepted_types": r.accepted_types,
                    "max_size_mb": r.max_size_mb,
                }
                for r in standard.requirements.all()
            ],
            "steps": [s.text for s in standard.steps.all()],
            "form_fields": [
                {
                    "key": f.key,
                    "label": f.label,
                    "help_text": f.help_text,
                    "field_type": f.field_type,
                    "required": f.required,
                    "choices": f.choice_list,
                }
                for f in standard.form_fields.all()
            ],
        },
    }
