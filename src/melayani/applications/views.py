"""Citizen pages: thin — they check input with forms, call services and selectors, render.

A citizen sees an application after submitting it or tracking it in this browser session (its
code is then remembered in the session), or when it is theirs (signed in). Anything else — a code
that does not exist, or one they have not proved — looks the same: back to the tracking page.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from melayani.applications import selectors, services
from melayani.applications.forms import (
    ApplicationForm,
    TrackForm,
    application_form_class,
    correction_form_class,
)
from melayani.applications.models import Application, ApplicationStatus
from melayani.applications.tracking import tracking_code_display, tracking_code_normalize
from melayani.catalog.models import FieldType, ServiceType
from melayani.core.ratelimit import rate_limited
from melayani.regions.models import PICKER_LABELS
from melayani.regions.selectors import region_children

SESSION_KEY = "applications_seen"
SESSION_LIMIT = 20


def _grant(request: HttpRequest, application: Application) -> None:
    seen = [c for c in request.session.get(SESSION_KEY, []) if c != application.tracking_code]
    request.session[SESSION_KEY] = [application.tracking_code, *seen][:SESSION_LIMIT]


def _citizen_application(request: HttpRequest, code: str) -> Application | None:
    """The application if this session proved it, or it belongs to the signed-in citizen."""
    normalized = tracking_code_normalize(code)
    if not normalized:
        return None
    try:
        application = selectors.application_by_tracking_code(normalized)
    except Application.DoesNotExist:
        return None
    if normalized in request.session.get(SESSION_KEY, []):
        return application
    user = request.user
    if user.is_authenticated and application.applicant_user_id == user.pk:
        return application
    return None


def _to_tracking(code: str) -> HttpResponseRedirect:
    normalized = tracking_code_normalize(code)
    suffix = f"?kode={tracking_code_display(normalized)}" if normalized else ""
    return redirect(reverse("applications:track") + suffix)


def _errors_onto(form: Any, exc: ValidationError) -> None:
    """Put a service's errors on the form (after ``is_valid()``), unknown keys at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        for error in errors:
            if target is None or target not in form.errors:
                form.add_error(target, error)


@login_not_required
@require_http_methods(["GET", "POST"])
@rate_limited("web-submit", "API_SUBMIT_RATE")
def apply(request: HttpRequest, pemda_code: str, service_code: str) -> HttpResponse:
    try:
        service, standard = selectors.service_for_application(
            pemda_code=pemda_code, service_code=service_code
        )
    except ServiceType.DoesNotExist:
        raise Http404 from None
    form_class = application_form_class(standard)
    idempotency_key = request.POST.get("idempotency_key", "") or uuid.uuid4().hex
    if request.method == "POST":
        form: ApplicationForm = form_class(request.POST, request.FILES)
        try:
            application = services.application_submit(
                service=service,
                data=request.POST,
                files=request.FILES,
                applicant_user=request.user if request.user.is_authenticated else None,
                idempotency_key=idempotency_key[:64],
                channel="web",
            )
        except ValidationError as exc:
            form.is_valid()
            _errors_onto(form, exc)
        else:
            _grant(request, application)
            return redirect("applications:receipt", code=application.tracking_code)
        status_code = 400
    else:
        form = form_class()
        status_code = 200
    context = {
        "service": service,
        "standard": standard,
        "form": form,
        "groups": form.field_groups(),
        "idempotency_key": idempotency_key,
        "promised": selectors.completion_time_text(standard),
        "has_files": any(f.field_type == FieldType.FILE for f in form.form_fields),
    }
    if any(f.field_type == FieldType.ADDRESS for f in form.form_fields):
        context["provinces"] = list(region_children(None))
        context["region_levels"] = PICKER_LABELS
    return render(request, "applications/apply.html", context, status=status_code)


def _status_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "code": tracking_code_display(application.tracking_code),
        "badge": selectors.status_badge(application),
        "deadline": selectors.application_deadline(application),
        "timeline": selectors.application_timeline(application, for_citizen=True),
        "track_url": request.build_absolute_uri(
            reverse("applications:track")
            + f"?kode={tracking_code_display(application.tracking_code)}"
        ),
    }


@login_not_required
@require_http_methods(["GET"])
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    application = _citizen_application(request, code)
    if application is None:
        return _to_tracking(code)
    context = _status_context(request, application)
    context["steps"] = list(application.standard.steps.order_by("order"))
    return render(request, "applications/receipt.html", context)


@login_not_required
@require_http_methods(["GET"])
def status(request: HttpRequest, code: str) -> HttpResponse:
    application = _citizen_application(request, code)
    if application is None:
        return _to_tracking(code)
    context = _status_context(request, application)
    if application.status == ApplicationStatus.RETURNED:
        form_class = correction_form_class(application.standard)
        context["correction_form"] = form_class(
            initial=selectors.correction_initial(application, form_class.form_fields)
        )
    return render(request, "applications/status.html", context)


@login_not_required
@require_POST
def correct(request: HttpRequest, code: str) -> HttpResponse:
    application = _citizen_application(request, code)
    if application is None:
        return _to_tracking(code)
    form = correction_form_class(application.standard)(request.POST, request.FILES)
    try:
        services.application_resubmit(
            application=application,
            data=request.POST,
            files=request.FILES,
            actor=request.user if request.user.is_authenticated else None,
        )
    except ValidationError as exc:
        form.is_valid()
        _errors_onto(form, exc)
        context = _status_context(request, application)
        context["correction_form"] = form
        return render(request, "applications/status.html", context, status=400)
    messages.success(request, _("Thank you. We received your correction."))
    return redirect("applications:status", code=application.tracking_code)


@login_not_required
@require_http_methods(["GET", "POST"])
@rate_limited("web-track", "API_TRACK_RATE")
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                application = selectors.application_track(
                    tracking_code=form.cleaned_data["code"], contact=form.cleaned_data["contact"]
                )
            except Application.DoesNotExist:
                form.add_error(
                    None,
                    _(
                        "We found no application with this tracking code and this phone number "
                        "or e-mail address. Check both and try again."
                    ),
                )
            else:
                _grant(request, application)
                return redirect("applications:status", code=application.tracking_code)
        return render(request, "applications/track.html", {"form": form}, status=400)
    initial = {"code": request.GET.get("kode", "")[:24]}
    return render(request, "applications/track.html", {"form": TrackForm(initial=initial)})


@login_required
@require_http_methods(["GET"])
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.applications_for_citizen(request.user), 20).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "application": a,
            "code": tracking_code_display(a.tracking_code),
            "badge": selectors.status_badge(a),
        }
        for a in page
    ]
    return render(request, "applications/mine.html", {"page": page, "rows": rows})
