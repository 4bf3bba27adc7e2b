"""Complaint pages: the reporter's (no account needed) and the public's.

A reporter sees a report after submitting it or proving it with its code and the phone or e-mail
given (the code is then remembered in the session). Anything else — an unknown code, a forged
one, one not proved — looks the same: back to the tracking page. The staff pages live in
:mod:`melayani.complaints.work_views`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from melayani.catalog.selectors import public_pemda
from melayani.complaints import selectors, services
from melayani.complaints.forms import ComplaintForm, ReplyForm, TrackForm
from melayani.complaints.models import Complaint, ComplaintStatus, Stage
from melayani.complaints.tracking import tracking_code_display, tracking_code_normalize
from melayani.core.models import Pemda
from melayani.core.ratelimit import rate_limited
from melayani.regions.models import PICKER_LABELS
from melayani.regions.selectors import region_children

SESSION_KEY = "complaints_seen"
STATS_CACHE_SECONDS = 300
SESSION_LIMIT = 20


def errors_onto(form: Any, exc: ValidationError) -> None:
    """A service's errors onto the (already validated) form; unknown keys at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        for error in errors:
            if target is None or target not in form.errors:
                form.add_error(target, error)


def _grant(request: HttpRequest, complaint: Complaint) -> None:
    seen = [c for c in request.session.get(SESSION_KEY, []) if c != complaint.tracking_code]
    request.session[SESSION_KEY] = [complaint.tracking_code, *seen][:SESSION_LIMIT]


def _proved(request: HttpRequest, code: str) -> Complaint | None:
    normalized = tracking_code_normalize(code)
    if not normalized or normalized not in request.session.get(SESSION_KEY, []):
        return None
    try:
        return selectors.complaint_by_code(normalized)
    except Complaint.DoesNotExist:
        return None


def _to_tracking() -> HttpResponseRedirect:
    return redirect("complaints:track")


def _pemda(code: str) -> Pemda:
    try:
        pemda = public_pemda(code)
    except Pemda.DoesNotExist:
        raise Http404 from None
    if not pemda.is_active:
        raise Http404
    return pemda


def intake_context(form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "provinces": list(region_children(None)),
        "region_levels": PICKER_LABELS,
    }


@login_not_required
@require_http_methods(["GET", "POST"])
@rate_limited("web-complaint", "API_SUBMIT_RATE")
def submit(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(pemda_code)
    idempotency_key = request.POST.get("idempotency_key", "") or uuid.uuid4().hex
    status_code = 200
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, pemda=pemda)
        try:
            complaint = services.complaint_submit(
                pemda=pemda,
                data=request.POST,
                files=request.FILES,
                idempotency_key=idempotency_key[:64],
            )
        except ValidationError as exc:
            form.is_valid()
            errors_onto(form, exc)
            status_code = 400
        else:
            _grant(request, complaint)
            return redirect("complaints:receipt", code=complaint.tracking_code)
    else:
        form = ComplaintForm(pemda=pemda)
    context = {**intake_context(form), "pemda": pemda, "idempotency_key": idempotency_key}
    return render(request, "complaints/submit.html", context, status=status_code)


def _status_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    return {
        "complaint": complaint,
        "code": tracking_code_display(complaint.tracking_code),
        "badge": selectors.status_badge(complaint),
        "timeline": selectors.reporter_timeline(complaint),
        "answers": selectors.approved_answers(complaint),
        "verify_limit": selectors.stage_limit_text(complaint, Stage.VERIFICATION),
        "quiet_limit": selectors.stage_limit_text(complaint, Stage.AUTO_CLOSE),
        "track_url": request.build_absolute_uri(reverse("complaints:track")),
    }


@login_not_required
@require_http_methods(["GET"])
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _proved(request, code)
    if complaint is None:
        return _to_tracking()
    return render(request, "complaints/receipt.html", _status_context(request, complaint))


@login_not_required
@require_http_methods(["GET"])
def status(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _proved(request, code)
    if complaint is None:
        return _to_tracking()
    context = _status_context(request, complaint)
    context["reply_form"] = ReplyForm() if complaint.is_open else None
    return render(request, "complaints/status.html", context)


@login_not_required
@require_POST
def reply(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _proved(request, code)
    if complaint is None:
        return _to_tracking()
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_reporter_reply(
                complaint=complaint,
                decision=form.cleaned_data["decision"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            done = {
                "accept": _("Thank you. Your report is closed."),
                "dispute": _("Thank you. Your report will be looked at again."),
            }.get(form.cleaned_data["decision"], _("Thank you. We received your message."))
            messages.success(request, done)
            return redirect("complaints:status", code=complaint.tracking_code)
    context = _status_context(request, complaint)
    context["reply_form"] = form
    return render(request, "complaints/status.html", context, status=400)


@login_not_required
@require_http_methods(["GET", "POST"])
@rate_limited("web-complaint-track", "API_TRACK_RATE")
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                complaint = selectors.complaint_track(
                    tracking_code=form.cleaned_data["code"], contact=form.cleaned_data["contact"]
                )
            except Complaint.DoesNotExist:
                form.add_error(
                    None,
                    _(
                        "We found no report with this tracking code and this phone number or "
                        "e-mail address. Check both and try again."
                    ),
                )
            else:
                _grant(request, complaint)
                return redirect("complaints:status", code=complaint.tracking_code)
        return render(request, "complaints/track.html", {"form": form}, status=400)
    initial = {"code": request.GET.get("kode", "")[:24]}
    return render(request, "complaints/track.html", {"form": TrackForm(initial=initial)})


@login_not_required
@require_http_methods(["GET"])
def public(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(pemda_code)
    context = {
        "pemda": pemda,
        "reports": selectors.public_reports(pemda),
        # Statistics of a large Pemda take a while: computed at most every few minutes.
        "stats": cache.get_or_set(
            f"complaints:unit-statistics:{pemda.pk}",
            lambda: selectors.unit_statistics(pemda),
            STATS_CACHE_SECONDS,
        ),
        "closed_label": ComplaintStatus.CLOSED.label,
    }
    return render(request, "complaints/public.html", context)
