"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at ``/open311/v2/``.

``jurisdiction_id`` is the Pemda's region code (``93.01``). Services are the Pemda's services
that take online applications and need no document upload; a service request is an
application, its ``service_request_id`` the tracking code. Creating one needs an ``api_key`` of
a client application of that Pemda (``melayani create_api_key NAME --pemda CODE``); an
``Idempotency-Key`` header makes a retried POST store the request once.

Nothing personal ever leaves here: listings and single requests carry the status, the service,
the unit and dates only — no names, contacts, NIK, address, answers or free text. A request's
``description``, ``lat`` and ``long`` are stored with the application for the officers who
handle it (they may point at someone's home), and never published.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from melayani.api.open311_format import FORMATS, render, render_error, w3c_datetime
from melayani.api.selectors import CLOSED_STATUSES, open311_requests, open311_requests_by_id
from melayani.api.services import api_client_authenticate
from melayani.api.throttles import SUBMIT_LIMIT
from melayani.applications.selectors import service_for_application
from melayani.applications.services import application_submit
from melayani.applications.tracking import tracking_code_normalize
from melayani.catalog.models import FieldType, FormField, ServiceStandard, ServiceType
from melayani.catalog.selectors import catalog_search, public_pemda
from melayani.core.models import Pemda

logger = logging.getLogger("melayani.api.open311")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00Z"  # when this endpoint's behaviour last changed
IDEMPOTENCY_HEADER = "Idempotency-Key"
REGION_SUFFIX = "_region"

# form field type → (Open311 datatype, datatype_description)
DATATYPES: dict[str, tuple[str, str]] = {
    FieldType.TEXT: ("string", ""),
    FieldType.LONG_TEXT: ("text", ""),
    FieldType.NUMBER: ("number", ""),
    FieldType.DATE: ("datetime", "A date: YYYY-MM-DD."),
    FieldType.CHOICE: ("singlevaluelist", ""),
    FieldType.NIK: ("string", "NIK: 16 digits."),
    FieldType.PHONE: ("string", "A phone number, e.g. 0812-3456-7890."),
    FieldType.EMAIL: ("string", "An e-mail address."),
    FieldType.ADDRESS: ("text", "Street, house number, RT/RW."),
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str | list[str]) -> None:
        self.status = status
        self.description = description
        super().__init__(description)


View = Callable[..., HttpResponse]


def open311_view(*methods: str) -> Callable[[View], View]:
    """Public, CSRF-exempt (clients are not browsers), errors in the specification's format."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return render_error("xml", 404, "Unknown format: use .xml or .json.")
            if request.method not in methods:
                response = render_error(fmt, 405, f"Use {' or '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return render_error(fmt, exc.status, exc.description)
            except Exception:
                logger.exception("Open311 error on %s %s", request.method, request.path)
                return render_error(fmt, 500, "Something went wrong on our side.")

        return login_not_required(csrf_exempt(wrapper))

    return decorate


# --- helpers ----------------------------------------------------------------------------------


def _jurisdiction(request: HttpRequest) -> Pemda:
    """The Pemda named by ``jurisdiction_id`` (required: this endpoint serves every Pemda)."""
    params = request.POST if request.method == "POST" else request.GET
    code = params.get("jurisdiction_id", "").strip()
    if not code:
        raise Open311Error(400, "jurisdiction_id is required (the region code, e.g. 93.01).")
    try:
        return public_pemda(code)
    except Pemda.DoesNotExist:
        raise Open311Error(404, f"jurisdiction_id {code} is not served here.") from None


def _open311_fields(standard: ServiceStandard) -> list[FormField]:
    return [ff for ff in standard.form_fields.all() if ff.field_type != FieldType.FILE]


def _usable(standard: ServiceStandard | None) -> bool:
    """Open311 clients cannot upload documents: services that need one are left out."""
    if standard is None:
        return False
    return not any(
        ff.field_type == FieldType.FILE and ff.required for ff in standard.form_fields.all()
    )


def form_field_kinds(standard_ids: list[int]) -> dict[int, list[tuple[str, bool]]]:
    """(field type, required) of the form fields of each standard, in one query."""
    kinds: dict[int, list[tuple[str, bool]]] = {}
    rows = FormField.objects.filter(standard_id__in=standard_ids).values_list(
        "standard_id", "field_type", "required"
    )
    for standard_id, field_type, required in rows:
        kinds.setdefault(standard_id, []).append((field_type, required))
    return kinds


def _service(pemda: Pemda, code: str) -> tuple[ServiceType, ServiceStandard]:
    try:
        service, standard = service_for_application(pemda_code=pemda.code, service_code=code)
    except ServiceType.DoesNotExist:
        raise Open311Error(404, f"service_code {code} not found.") from None
    if not _usable(standard):
        raise Open311Error(404, f"service_code {code} not found.")
    return service, standard


def _zone(pemda: Pemda) -> ZoneInfo:
    return ZoneInfo(pemda.time_zone)


def _parse_moment(name: str, raw: str, zone: ZoneInfo) -> datetime.datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))
        if moment is None:
            day = parse_date(raw)
            if day is None:
                raise ValueError(raw)
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C date/time, e.g. 2026-01-31T08:00:00+09:00."
        ) from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=zone)


# --- discovery and services -------------------------------------------------------------------


@open311_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": getattr(
                settings, "OPEN311_CONTACT", "The service unit (OPD) of the Pemda concerned."
            ),
            "key_service": getattr(
                settings,
                "OPEN311_KEY_SERVICE",
                "Ask the Pemda's Melayani administrators for an API key.",
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@open311_view("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    pemda = _jurisdiction(request)
    listed = list(catalog_search(pemda=pemda).filter(accepts_online=True))
    standards = {
        service.pk: (getattr(service, "published_standards", None) or [None])[0]
        for service in listed
    }
    fields = form_field_kinds([s.pk for s in standards.values() if s is not None])
    items = []
    for service in listed:
        standard = standards[service.pk]
        kinds = fields.get(standard.pk, []) if standard is not None else []
        if standard is None or (FieldType.FILE, True) in kinds:
            continue  # needs a document upload, which Open311 clients cannot send
        items.append(
            {
                "service_code": service.code,
                "service_name": service.name,
                "description": service.description,
                "metadata": any(kind != FieldType.FILE for kind, _required in kinds),
                "type": "realtime",
                "keywords": ", ".join(w for w in service.keywords.replace(",", " ").split()),
                "group": service.category or service.opd.name,
            }
        )
    return render(fmt, "services", items)


def _attributes(standard: ServiceStandard) -> list[dict[str, Any]]:
    attributes: list[dict[str, Any]] = []
    for ff in _open311_fields(standard):
        datatype, datatype_description = DATATYPES.get(ff.field_type, ("string", ""))
        attribute: dict[str, Any] = {
            "variable": True,
            "code": ff.key,
            "datatype": datatype,
            "required": ff.required,
            "datatype_description": datatype_description,
            "order": len(attributes) + 1,
            "description": f"{ff.label}. {ff.help_text}".strip() if ff.help_text else ff.label,
        }
        if datatype == "singlevaluelist":
            attribute["values"] = [{"key": c, "name": c} for c in ff.choice_list]
        attributes.append(attribute)
        if ff.field_type == FieldType.ADDRESS:
            attributes.append(
                {
                    "variable": True,
                    "code": ff.key + REGION_SUFFIX,
                    "datatype": "string",
                    "required": ff.required,
                    "datatype_description": "Kemendagri code, e.g. 93.01.01.2001.",
                    "order": len(attributes) + 1,
                    "description": f"{ff.label}: desa/kelurahan",
                }
            )
    return attributes


@open311_view("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    pemda = _jurisdiction(request)
    _service_type, standard = _service(pemda, code)
    return render(
        fmt,
        "service_definition",
        {"service_code": code, "attributes": _attributes(standard)},
    )


# --- service requests -------------------------------------------------------------------------


def _request_out(row: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    milestones = [
        row[name]
        for name in ("submitted_at", "verified_at", "completed_at", "rejected_at")
        if row[name]
    ]
    return {
        "service_request_id": row["tracking_code"],
        "status": "closed" if row["status"] in CLOSED_STATUSES else "open",
        "status_notes": "",
        "service_name": row["service__name"],
        "service_code": row["service__code"],
        "description": "",
        "agency_responsible": row["opd__name"],
        "service_notice": "",
        "requested_datetime": w3c_datetime(row["submitted_at"], zone),
        "updated_datetime": w3c_datetime(max(milestones), zone),
        "expected_datetime": w3c_datetime(row["due_at"], zone),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _csv(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


@open311_view("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """``GET``: the Pemda's requests; ``POST``: create one."""
    if request.method == "POST":
        return _requests_create(request, fmt)
    return _requests_list(request, fmt)


def _requests_list(request: HttpRequest, fmt: str) -> HttpResponse:
    pemda = _jurisdiction(request)
    zone = _zone(pemda)
    params = request.GET
    if params.get("service_request_id", "").strip():
        codes = [tracking_code_normalize(c) for c in _csv(params["service_request_id"])]
        rows = open311_requests_by_id(pemda=pemda, codes=[c for c in codes if c])
    else:
        statuses = _csv(params.get("status", ""))
        if set(statuses) - {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both (comma-separated).")
        start = _parse_moment("start_date", params.get("start_date", ""), zone)
        end = _parse_moment("end_date", params.get("end_date", ""), zone)
        if start and end and start > end:
            raise Open311Error(400, "start_date must not be after end_date.")
        rows = open311_requests(
            pemda=pemda,
            service_codes=_csv(params.get("service_code", "")),
            start=start,
            end=end,
            statuses=statuses,
            now=timezone.now(),
        )
    return render(fmt, "service_requests", [_request_out(row, zone) for row in rows])


def _one(request: HttpRequest, raw_id: str) -> tuple[Pemda, dict[str, Any]]:
    pemda = _jurisdiction(request)
    code = tracking_code_normalize(raw_id)
    rows = open311_requests_by_id(pemda=pemda, codes=[code]) if code else []
    if not rows:
        raise Open311Error(404, f"{raw_id} not found.")
    return pemda, rows[0]


@open311_view("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    pemda, row = _one(request, request_id)
    return render(fmt, "service_requests", [_request_out(row, _zone(pemda))])


@open311_view("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Requests are created at once, so a token is the service_request_id itself."""
    _pemda, row = _one(request, token)
    code = row["tracking_code"]
    return render(fmt, "service_requests", [{"service_request_id": code, "token": code}])


# --- creating a request -----------------------------------------------------------------------

IDENTITY_NAMES = {
    "applicant_name": "first_name/last_name",
    "applicant_phone": "phone",
    "applicant_email": "email",
    "description": "description",
    "lat": "lat",
    "long": "long",
}


def _form_data(request: HttpRequest, standard: ServiceStandard) -> dict[str, str]:
    params = request.POST
    name = " ".join(
        part for part in (params.get("first_name", ""), params.get("last_name", "")) if part
    )
    data = {
        "applicant_name": name.strip(),
        "applicant_phone": params.get("phone", "").strip(),
        "applicant_email": params.get("email", "").strip(),
    }
    fields = _open311_fields(standard)
    nik_key = next((ff.key for ff in fields if ff.field_type == FieldType.NIK), "")
    first_address = next((ff.key for ff in fields if ff.field_type == FieldType.ADDRESS), "")
    for ff in fields:
        value = params.get(f"attribute[{ff.key}]", "").strip()
        if ff.field_type == FieldType.DATE and "T" in value:
            value = value.split("T", 1)[0]
        if ff.key == first_address and not value:
            value = params.get("address_string", "").strip()
        data["applicant_nik" if ff.key == nik_key else ff.key] = value
        if ff.field_type == FieldType.ADDRESS:
            region_key = ff.key + REGION_SUFFIX
            data[region_key] = params.get(f"attribute[{region_key}]", "").strip()
    return data


def _describe(exc: ValidationError, standard: ServiceStandard) -> list[str]:
    """Field errors in Open311 terms (``attribute[key]``, ``email`` …), one per field."""
    nik_key = next(
        (ff.key for ff in _open311_fields(standard) if ff.field_type == FieldType.NIK), ""
    )
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {"": exc.error_list}
    parts = []
    for key, errors in by_field.items():
        if key in IDENTITY_NAMES:
            name = IDENTITY_NAMES[key]
        elif key == "applicant_nik":
            name = f"attribute[{nik_key}]"
        elif key in ("", "__all__"):
            name = ""
        else:
            name = f"attribute[{key}]"
        text = " ".join(str(m) for e in errors for m in e.messages)
        parts.append(f"{name}: {text}" if name else text)
    return parts or ["The request is not valid."]


@open311_view("POST")
def _requests_create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = api_client_authenticate(request.POST.get("api_key", "").strip())
    if client is None:
        raise Open311Error(403, "api_key is missing or not valid.")
    if request.POST.get("jurisdiction_id", "").strip() and (
        _jurisdiction(request).pk != client.pemda_id
    ):
        raise Open311Error(403, "This api_key is not valid for this jurisdiction_id.")
    if not SUBMIT_LIMIT.allow_request(request):
        raise Open311Error(429, "Too many requests; wait a moment and try again.")
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required.")
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > 200 or not key.isascii() or not key.isprintable():
        raise Open311Error(400, "The Idempotency-Key header must be at most 200 ASCII characters.")
    service, standard = _service(client.pemda, code)
    if request.FILES:
        raise Open311Error(400, "Send media as media_url; uploads are not accepted here.")
    lat, long = request.POST.get("lat", "").strip(), request.POST.get("long", "").strip()
    if bool(lat) != bool(long):
        raise Open311Error(400, "lat and long go together: send both or neither.")
    try:
        application = application_submit(
            service=service,
            data=_form_data(request, standard),
            files={},
            idempotency_key=key,
            channel="open311",
            # Stored for the officers; never published in any Open311 response.
            description=request.POST.get("description", ""),
            location=(lat, long) if lat else None,
        )
    except ValidationError as exc:
        error_dict = getattr(exc, "error_dict", {})
        if "idempotency_key" in error_dict:
            raise Open311Error(
                409, "This Idempotency-Key was used for a different request."
            ) from None
        raise Open311Error(400, _describe(exc, standard)) from None
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": application.tracking_code,
                "token": application.tracking_code,
                "service_notice": "Keep the service_request_id: with the phone or e-mail given, "
                "it is all that tracking needs.",
                "account_id": None,
            }
        ],
    )
