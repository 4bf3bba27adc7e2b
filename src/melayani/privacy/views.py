"""Pages of personal-data protection; included by the project under ``data-pribadi/``.

Citizens (no sign-in needed): ``<pemda>/`` the privacy notice (the register in plain words),
``<pemda>/permintaan/`` a request, ``<pemda>/permintaan/status/`` its status and export,
``<pemda>/persetujuan/`` consent to optional features. Verification answers the same way for an
unknown code and a wrong contact, and every form is rate limited.

Officials under ``kelola/<pemda>/``: the register (HTML, XLSX, JSON), requests, breaches and
retention need ``privacy.manage`` (the data protection officer); the access log needs
``audit.view_events`` (DPO and Inspektorat). Anything else answers 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from melayani.core import access
from melayani.core.models import Pemda, User
from melayani.core.ratelimit import rate_limited
from melayani.privacy import selectors, services
from melayani.privacy.codes import code_display
from melayani.privacy.exports import (
    ACCESS_LOG_MAX_ROWS,
    access_log_workbook,
    register_json,
    register_workbook,
)
from melayani.privacy.forms import (
    AssessmentForm,
    BreachForm,
    ConsentForm,
    OutcomeForm,
    RequestForm,
    RequestStatusForm,
    RetentionForm,
)
from melayani.privacy.inventory import RetentionAction, SubjectIdentity, verifiers
from melayani.privacy.models import (
    Breach,
    BreachStatus,
    ConsentPurpose,
    NoticeAudience,
    RequestStatus,
    SubjectRequest,
)

RATE = "API_TRACK_RATE"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _public_pemda(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code).first()
    if pemda is None:
        raise Http404
    return pemda


def _managed(request: HttpRequest, code: str, action: str = selectors.MANAGE) -> Pemda:
    pemda = selectors.pemda_for(request.user, code, action)
    if pemda is None:
        raise Http404
    return pemda


def _official(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def verify(pemda: Pemda, code: str, contact: str) -> SubjectIdentity | None:
    """Ask every registered verifier; ``None`` alike for an unknown code and a wrong contact."""
    for verifier in verifiers().values():
        identity = verifier(pemda, code, contact)
        if identity is not None:
            return identity
    return None


# ----------------------------------------------------------------------------- citizens


@login_not_required
@require_GET
def notice(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _public_pemda(pemda_code)
    return render(
        request,
        "privacy/notice.html",
        {"pemda": pemda, "rows": selectors.processing_register(pemda)},
    )


_UNVERIFIED = _(
    "We could not verify this tracking code with this phone number or e-mail address. "
    "Check both and try again."
)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("privacy-request", RATE)
def request_new(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _public_pemda(pemda_code)
    user = request.user if request.user.is_authenticated else None
    account = user is not None and getattr(user, "kind", "") == User.Kind.CITIZEN
    form = RequestForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity, verified_by, contact = None, "", data.get("contact", "")
        if data.get("code") and contact:
            identity, verified_by = verify(pemda, data["code"], contact), "tracking_code"
        elif account and user is not None:
            identity = SubjectIdentity(pemda_id=pemda.pk, user_id=user.pk)
            verified_by, contact = "account", (user.email or user.phone or "")
        if identity is None:
            form.add_error(None, _UNVERIFIED)
        else:
            try:
                created = services.subject_request_submit(
                    pemda=pemda,
                    kind=data["kind"],
                    identity=identity,
                    verified_by=verified_by,
                    contact=contact,
                    details=data.get("details", ""),
                    requester=user if account else None,
                )
            except services.PrivacyError as error:
                form.add_error(None, error.messages[0])
            else:
                return render(
                    request,
                    "privacy/request_received.html",
                    {
                        "pemda": pemda,
                        "req": created,
                        "reference": code_display(created.reference),
                        "clock": selectors.legal_clock(created.due_at),
                    },
                )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "privacy/request_new.html",
        {"pemda": pemda, "form": form, "account": account},
        status=status,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("privacy-request", RATE)
def request_status(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _public_pemda(pemda_code)
    form = RequestStatusForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = selectors.subject_request_public(
            pemda=pemda,
            reference=form.cleaned_data["reference"],
            contact=form.cleaned_data["contact"],
        )
        if found is None:
            form.add_error(None, _("We found no request with this reference and this contact."))
        elif request.POST.get("download") and found.export:
            response = HttpResponse(found.export, content_type="application/json")
            response["Content-Disposition"] = (
                f'attachment; filename="data-pribadi-{found.reference}.json"'
            )
            return response
    context: dict[str, Any] = {"pemda": pemda, "form": form, "req": found}
    if found is not None:
        context["reference"] = code_display(found.reference)
        context["clock"] = selectors.legal_clock(found.due_at, stopped_at=found.completed_at)
    status = 400 if request.method == "POST" and found is None else 200
    return render(request, "privacy/request_status.html", context, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("privacy-request", RATE)
def consent(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _public_pemda(pemda_code)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity = verify(pemda, data["code"], data["contact"])
        if identity is None:
            form.add_error(None, _UNVERIFIED)
        else:
            user = request.user if request.user.is_authenticated else None
            if data["decision"] == "give":
                services.consent_give(
                    pemda=pemda,
                    purpose=data["purpose"],
                    contact=data["contact"],
                    user=user if isinstance(user, User) else None,
                )
                messages.success(request, _("Thank you: your consent is recorded."))
            else:
                services.consent_withdraw(
                    pemda=pemda,
                    purpose=data["purpose"],
                    contact=data["contact"],
                    actor=user if isinstance(user, User) else None,
                )
                messages.success(
                    request,
                    _(
                        "Your consent is withdrawn. We stop at once, and within 3 × 24 hours "
                        "at the latest."
                    ),
                )
            return HttpResponseRedirect(reverse("privacy:consent", args=[pemda.code]))
    texts = [
        {"purpose": ConsentPurpose(p).label, "version": v, "text": t}
        for p, (v, t) in services.CONSENT_TEXTS.items()
    ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "privacy/consent.html",
        {"pemda": pemda, "form": form, "texts": texts},
        status=status,
    )


# ----------------------------------------------------------------------------- officials


@require_GET
def manage_index(request: HttpRequest) -> HttpResponse:
    manage = access.visible_pemda_ids(request.user, selectors.MANAGE)
    review = access.visible_pemda_ids(request.user, selectors.REVIEW_ACCESS_LOG)
    if manage is None or review is None:
        pemdas = Pemda.objects.filter(is_active=True)
    else:
        pemdas = Pemda.objects.filter(pk__in=manage | review)
    rows = [
        {
            "pemda": p,
            "manage": access.can(request.user, selectors.MANAGE, pemda=p),
            "review": access.can(request.user, selectors.REVIEW_ACCESS_LOG, pemda=p),
        }
        for p in pemdas.order_by("code")[:100]
    ]
    if not rows:
        raise Http404
    return render(request, "privacy/manage_index.html", {"rows": rows})


@require_GET
def dashboard(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    open_requests = selectors.subject_requests(user=request.user, pemda=pemda).filter(
        status__in=(RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)
    )
    requests_rows = [
        {"req": r, "reference": code_display(r.reference), "clock": selectors.legal_clock(r.due_at)}
        for r in open_requests
    ]
    breach_rows = [
        {
            "breach": b,
            "reference": code_display(b.reference),
            "clock": selectors.legal_clock(b.due_at, stopped_at=b.notified_at),
        }
        for b in selectors.breaches(user=request.user, pemda=pemda).exclude(
            status=BreachStatus.CLOSED
        )
    ]
    closed = selectors.subject_requests(user=request.user, pemda=pemda).exclude(
        status__in=(RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)
    )[:20]
    return render(
        request,
        "privacy/dashboard.html",
        {
            "pemda": pemda,
            "requests": requests_rows,
            "closed": [{"req": r, "reference": code_display(r.reference)} for r in closed],
            "breaches": breach_rows,
            "breach_form": BreachForm(),
        },
    )


@require_GET
def register(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    return render(
        request,
        "privacy/register.html",
        {"pemda": pemda, "rows": selectors.processing_register(pemda)},
    )


@require_GET
def register_xlsx(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    response = HttpResponse(
        register_workbook(pemda, selectors.processing_register(pemda)), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="register-{pemda.code}.xlsx"'
    return response


@require_GET
def register_download_json(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    response = JsonResponse(register_json(pemda, selectors.processing_register(pemda)))
    response["Content-Disposition"] = f'attachment; filename="register-{pemda.code}.json"'
    return response


@require_GET
def access_log(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code, selectors.REVIEW_ACCESS_LOG)
    actor = request.GET.get("actor", "")[:100]
    events = selectors.access_log(user=request.user, pemda=pemda, actor=actor)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "privacy/access_log.html", {"pemda": pemda, "page": page, "actor": actor}
    )


@require_GET
def access_log_xlsx(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code, selectors.REVIEW_ACCESS_LOG)
    actor = request.GET.get("actor", "")[:100]
    events = selectors.access_log(user=request.user, pemda=pemda, actor=actor)
    body = access_log_workbook(pemda, events[:ACCESS_LOG_MAX_ROWS].iterator())
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="access-log-{pemda.code}.xlsx"'
    return response


def _request_context(req: SubjectRequest, form: OutcomeForm | None = None) -> dict[str, Any]:
    return {
        "pemda": req.pemda,
        "req": req,
        "reference": code_display(req.reference),
        "clock": selectors.legal_clock(req.due_at, stopped_at=req.completed_at),
        "form": form or OutcomeForm(),
        "has_export": bool(req.export),
    }


@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pemda_code: str, reference: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    req = selectors.subject_request_for(user=request.user, pemda=pemda, reference=reference)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        actor = _official(request)
        step = request.POST.get("step", "")
        try:
            if step == "start":
                services.subject_request_start(actor=actor, request=req)
            elif step == "export":
                services.subject_request_export(actor=actor, request=req)
            elif step in ("complete", "refuse") and form.is_valid():
                outcome = form.cleaned_data["outcome"]
                if step == "complete":
                    services.subject_request_complete(actor=actor, request=req, outcome=outcome)
                else:
                    services.subject_request_refuse(actor=actor, request=req, reason=outcome)
            else:
                raise services.PrivacyError(_("Choose an action."), code="step")
        except services.PrivacyError as error:
            context = {**_request_context(req, form), "error": error.messages[0]}
            return render(request, "privacy/request_detail.html", context, status=400)
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(reverse("privacy:request", args=[pemda.code, req.reference]))
    if req.details:
        # What the requester wrote may hold personal data (a correction says what is right).
        services.unmasked_read_record(
            actor=request.user,
            pemda=pemda,
            target=req,
            fields=["details"],
            surface="privacy.request",
            context={"reference": req.reference},
        )
    return render(request, "privacy/request_detail.html", _request_context(req))


@require_GET
def request_export(request: HttpRequest, pemda_code: str, reference: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    req = selectors.subject_request_for(user=request.user, pemda=pemda, reference=reference)
    if not req.export:
        raise Http404
    data = json.loads(req.export)
    for item in data.get("records", []):
        for row in item.get("rows", []):
            services.unmasked_read_record(
                actor=request.user,
                pemda=pemda,
                target_type=item["record_type"],
                target_id=str(row["id"]),
                fields=[k for k in row if k not in ("id", "record")],
                surface="privacy.request_download",
                context={"reference": req.reference},
            )
    response = HttpResponse(req.export, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="data-pribadi-{req.reference}.json"'
    return response


@require_http_methods(["POST"])
def breach_new(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    form = BreachForm(request.POST)
    if form.is_valid():
        try:
            breach = services.breach_record(
                actor=_official(request),
                pemda=pemda,
                title=form.cleaned_data["title"],
                discovered_at=form.cleaned_data["discovered_at"],
                description=form.cleaned_data["description"],
            )
        except services.PrivacyError as error:
            form.add_error(None, error.messages[0])
        else:
            return HttpResponseRedirect(
                reverse("privacy:breach", args=[pemda.code, breach.reference])
            )
    return render(request, "privacy/breach_new.html", {"pemda": pemda, "form": form}, status=400)


def notice_text(breach: Breach, audience: str) -> str:
    """The written notice to ``audience`` with what UU PDP Pasal 46 asks it to say."""
    return render_to_string(
        "privacy/notice.txt",
        {"breach": breach, "audience": audience, "pemda": breach.pemda},
    ).strip()


def _breach_context(breach: Breach, form: AssessmentForm | None = None) -> dict[str, Any]:
    issued = {n.audience: n for n in breach.notices.all()}
    audiences = services.breach_audiences(breach)
    notices = [
        {
            "audience": a,
            "label": NoticeAudience(a).label,
            "issued": issued.get(a),
            "text": issued[a].body if a in issued else notice_text(breach, a),
        }
        for a in audiences
    ]
    initial = {
        "data_disclosed": breach.data_disclosed,
        "how": breach.how,
        "handling": breach.handling,
        "subjects_affected": breach.subjects_affected,
        "notify_subjects": breach.notify_subjects,
        "notify_public": breach.notify_public,
    }
    return {
        "pemda": breach.pemda,
        "breach": breach,
        "reference": code_display(breach.reference),
        "clock": selectors.legal_clock(breach.due_at, stopped_at=breach.notified_at),
        "form": form or AssessmentForm(initial=initial),
        "notices": notices,
        "can_assess": breach.status in (BreachStatus.SUSPECTED, BreachStatus.ASSESSED),
    }


@require_http_methods(["GET", "POST"])
def breach_detail(request: HttpRequest, pemda_code: str, reference: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    breach = selectors.breach_for(user=request.user, pemda=pemda, reference=reference)
    if request.method == "POST":
        actor = _official(request)
        step = request.POST.get("step", "")
        form = AssessmentForm(request.POST) if step == "assess" else None
        try:
            if step == "assess" and form is not None:
                if not form.is_valid():
                    return render(
                        request,
                        "privacy/breach_detail.html",
                        _breach_context(breach, form),
                        status=400,
                    )
                services.breach_assess(actor=actor, breach=breach, **form.cleaned_data)
            elif step == "issue":
                bodies = {a: notice_text(breach, a) for a in services.breach_audiences(breach)}
                services.breach_notices_issue(actor=actor, breach=breach, bodies=bodies)
            elif step == "close":
                services.breach_close(actor=actor, breach=breach)
            else:
                raise services.PrivacyError(_("Choose an action."), code="step")
        except services.PrivacyError as error:
            context = {**_breach_context(breach, form), "error": error.messages[0]}
            return render(request, "privacy/breach_detail.html", context, status=400)
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(reverse("privacy:breach", args=[pemda.code, breach.reference]))
    return render(request, "privacy/breach_detail.html", _breach_context(breach))


@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _managed(request, pemda_code)
    error = ""
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                services.retention_policy_set(
                    actor=_official(request),
                    pemda=pemda,
                    record_type=form.cleaned_data["record_type"],
                    days=form.cleaned_data["days"],
                )
            except services.PrivacyError as exc:
                error = exc.messages[0]
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("privacy:retention", args=[pemda.code]))
        else:
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    rows = [
        {
            "record": r,
            "days": days,
            "own": own,
            "action": RetentionAction(r.retention.action).label if r.retention else "",
        }
        for r, days, own in selectors.retention_rows(pemda)
    ]
    return render(
        request,
        "privacy/retention.html",
        {"pemda": pemda, "rows": rows, "error": error, "now": timezone.now()},
        status=400 if error else 200,
    )
