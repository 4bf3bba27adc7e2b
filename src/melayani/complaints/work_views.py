"""Staff pages: the coordinator's workbench, a unit's follow-up, the Inspektorat's view.

Complaints are fetched only through :mod:`melayani.complaints.access` (404 for anything not
visible) and changed only through :mod:`melayani.complaints.services`; a refusal or an invalid
transition is shown as a form error. Lists, the Excel export and the detail page all serialise
through :func:`~melayani.complaints.access.complaint_row` / ``reporter_for``.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from melayani.complaints import access as complaint_access
from melayani.complaints import selectors, services
from melayani.complaints.forms import (
    AnswerForm,
    ArchiveForm,
    ClassifyForm,
    DisposeForm,
    MergeForm,
    NotOurAuthorityForm,
    OfficerComplaintForm,
    ReasonForm,
    ReviewForm,
    WorkbenchFilterForm,
)
from melayani.complaints.models import Complaint, ComplaintStatus, ResponseStatus
from melayani.complaints.tracking import tracking_code_display
from melayani.complaints.views import errors_onto, intake_context
from melayani.core import access
from melayani.core.models import Pemda, User

PAGE_SIZE = 50
EXCEL_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = ComplaintStatus
Capacity = complaint_access.Capacity


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _may_work(user: User) -> bool:
    scope = access.user_scope(user)
    return any(
        scope.has_any(a)
        for a in (
            complaint_access.COORDINATE,
            complaint_access.HANDLE,
            complaint_access.INTEGRITY,
        )
    )


def _queue(request: HttpRequest) -> tuple[WorkbenchFilterForm, Any]:
    user = _user(request)
    if not _may_work(user):
        raise Http404
    form = WorkbenchFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.complaint_queue(
        user=user,
        status=filters.get("status", ""),
        classification=filters.get("classification", ""),
        due=filters.get("due", ""),
        query=filters.get("q", ""),
    )
    return form, qs


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form, qs = _queue(request)
    user = _user(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "complaint": c,
            "row": complaint_access.complaint_row(user, c),
            "code": tracking_code_display(c.tracking_code),
            "badge": selectors.status_badge(c),
            "due": selectors.due_badge(c, now),
        }
        for c in page
    ]
    coordinated = _coordinated_pemdas(user)
    context = {"form": form, "page": page, "rows": rows, "can_enter": bool(coordinated)}
    template = (
        "complaints/work/partials/queue_results.html"
        if getattr(request, "htmx", False)
        else "complaints/work/queue.html"
    )
    return render(request, template, context)


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    _form, qs = _queue(request)
    user = _user(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Complaints"))
    columns = [
        ("tracking_code", _("Tracking code")),
        ("status_label", _("Status")),
        ("classification_label", _("Classification")),
        ("category", _("Category")),
        ("title", _("Title")),
        ("reporter", _("Reporter")),
        ("unit_concerned", _("Unit concerned")),
        ("channel", _("Channel")),
        ("submitted_at", _("Submitted")),
        ("due_at", _("Due")),
    ]
    sheet.append([label for _key, label in columns])
    for complaint in qs[:100_000]:
        row = complaint_access.complaint_row(user, complaint)
        zone = timezone.get_fixed_timezone(0)
        cells = []
        for key, _label in columns:
            value = row[key]
            if hasattr(value, "tzinfo") and value is not None:
                value = timezone.localtime(value, zone).replace(tzinfo=None)
            if key == "tracking_code":
                value = tracking_code_display(value)
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=EXCEL_TYPE)
    response["Content-Disposition"] = 'attachment; filename="pengaduan.xlsx"'
    return response


def _coordinated_pemdas(user: User) -> list[Pemda]:
    scope = access.user_scope(user)
    ids = scope.pemda_ids(complaint_access.COORDINATE) | scope.pemda_ids(complaint_access.INTEGRITY)
    return list(Pemda.objects.filter(pk__in=ids).order_by("code"))


@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest) -> HttpResponse:
    """A report entered on the reporter's behalf (walk-in, phone, letter, social media …)."""
    user = _user(request)
    pemdas = _coordinated_pemdas(user)
    if not pemdas:
        raise Http404
    chosen = request.GET.get("pemda") or request.POST.get("pemda_code") or pemdas[0].code
    pemda = next((p for p in pemdas if p.code == chosen), None)
    if pemda is None:
        raise Http404
    status_code = 200
    if request.method == "POST":
        form = OfficerComplaintForm(request.POST, request.FILES, pemda=pemda)
        try:
            complaint = services.complaint_submit(
                pemda=pemda,
                data=request.POST,
                files=request.FILES,
                entered_by=user,
                idempotency_key=request.POST.get("idempotency_key", "")[:64],
            )
        except ValidationError as exc:
            form.is_valid()
            errors_onto(form, exc)
            status_code = 400
        else:
            messages.success(
                request,
                _("Report %(code)s entered. Give the reporter this tracking code.")
                % {"code": tracking_code_display(complaint.tracking_code)},
            )
            return redirect("complaints:detail", pk=complaint.pk)
    else:
        form = OfficerComplaintForm(pemda=pemda)
    context = {**intake_context(form), "pemda": pemda, "pemdas": pemdas}
    context["idempotency_key"] = request.POST.get("idempotency_key") or uuid.uuid4().hex
    return render(request, "complaints/work/enter.html", context, status=status_code)


# --- one complaint ------------------------------------------------------------------------------


def _forms(complaint: Complaint, role: str) -> dict[str, forms.Form]:
    if role == Capacity.COORDINATOR:
        return {
            "classify": ClassifyForm(
                initial={
                    "classification": complaint.classification,
                    "category": complaint.category,
                    "tags": ", ".join(complaint.tags or []),
                    "tier": complaint.tier,
                    "edited_title": complaint.edited_title,
                    "is_anonymous": complaint.is_anonymous,
                    "is_confidential": complaint.is_confidential,
                },
                prefix="classify",
            ),
            "hold": ReasonForm(prefix="hold"),
            "archive": ArchiveForm(prefix="archive"),
            "not_our_authority": NotOurAuthorityForm(prefix="not_our_authority"),
            "dispose": DisposeForm(pemda=complaint.pemda, prefix="dispose"),
            "answer": AnswerForm(prefix="answer"),
            "review": ReviewForm(prefix="review"),
            "merge": MergeForm(prefix="merge"),
        }
    if role == Capacity.UNIT:
        return {"answer": AnswerForm(prefix="answer")}
    return {}


def _detail_context(
    request: HttpRequest, complaint: Complaint, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = _user(request)
    role = complaint_access.capacity(user, complaint)
    page_forms = _forms(complaint, role)
    page_forms.update(bound or {})
    responses = selectors.complaint_responses(complaint)
    if role == Capacity.UNIT:
        mine = {d.to_opd_id for d in complaint_access.unit_grants(user, complaint)}
        responses = [
            r for r in responses if r.opd_id in mine or r.status == ResponseStatus.APPROVED
        ]
    return {
        "complaint": complaint,
        "code": tracking_code_display(complaint.tracking_code),
        "row": complaint_access.complaint_row(user, complaint),
        "reporter": complaint_access.reporter_for(user, complaint),
        "may_reveal": complaint_access.may_reveal(user, complaint),
        "role": str(role),
        "badge": selectors.status_badge(complaint),
        "due": selectors.due_badge(complaint),
        "forms": page_forms,
        "dispositions": selectors.complaint_dispositions(complaint)
        if role != Capacity.UNIT
        else [
            d
            for d in selectors.complaint_dispositions(complaint)
            if d in complaint_access.unit_grants(user, complaint)
        ],
        "responses": responses,
        "pending": [r for r in responses if r.status == ResponseStatus.PENDING],
        "events": selectors.complaint_events(complaint) if role != Capacity.UNIT else [],
        "duplicates": selectors.complaint_duplicates(user=user, complaint=complaint)
        if role == Capacity.COORDINATOR and complaint.is_open
        else [],
        "attachments": list(complaint.attachments.all())
        if complaint_access.may_see_attachments(user, complaint)
        else [],
        "transitions": services.TRANSITIONS[complaint.status],
        "S": {s.name: s.value for s in S},
    }


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_access.complaint_for(_user(request), pk)
    return render(request, "complaints/work/detail.html", _detail_context(request, complaint))


@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    user = _user(request)
    complaint = complaint_access.complaint_for(user, pk)
    if not complaint_access.may_see_attachments(user, complaint):
        raise Http404
    found = complaint.attachments.filter(pk=attachment_pk).first()
    if found is None:
        raise Http404
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )


Action = Callable[[User, Complaint, dict[str, Any]], Any]


def _classify(user: User, c: Complaint, d: dict[str, Any]) -> Any:
    return services.complaint_classify(
        actor=user,
        complaint=c,
        classification=d["classification"],
        category=d["category"],
        tags=d["tags"],
        tier=d["tier"],
        edited_title=d["edited_title"],
        is_anonymous=d["is_anonymous"],
        is_confidential=d["is_confidential"],
    )


def _not_ours(user: User, c: Complaint, d: dict[str, Any]) -> Any:
    target = None
    if d["target_pemda"]:
        target = Pemda.objects.filter(code=d["target_pemda"].strip()).first()
        if target is None:
            raise ValidationError(
                {"target_pemda": ValidationError(_("No Pemda has this code."), code="invalid")}
            )
    return services.complaint_not_our_authority(
        actor=user, complaint=c, reason=d["reason"], target_pemda=target
    )


def _review(user: User, c: Complaint, d: dict[str, Any]) -> Any:
    pending = c.responses.filter(status=ResponseStatus.PENDING).order_by("pk")
    results = None
    for response in pending:
        results = services.complaint_review(
            actor=user,
            complaint=c,
            response=response,
            approve=d["decision"] == "approve",
            note=d["note"],
        )
        c.refresh_from_db()
        if c.status != S.FOLLOWED_UP:
            break
    if results is None:
        raise ValidationError(_("There is no answer waiting for review."))
    return results


def _merge(user: User, c: Complaint, d: dict[str, Any]) -> Any:
    from melayani.complaints.tracking import tracking_code_normalize

    code = tracking_code_normalize(d["into_code"])
    into = (
        complaint_access.complaints_visible(user).filter(tracking_code=code).first()
        if code
        else None
    )
    if into is None:
        raise ValidationError(
            {"into_code": ValidationError(_("No report with this code."), code="invalid")}
        )
    return services.complaint_merge(actor=user, duplicate=c, into=into, reason=d["reason"])


ACTIONS: dict[str, tuple[type[forms.Form] | None, Action]] = {
    "classify": (ClassifyForm, _classify),
    "verify": (None, lambda u, c, d: services.complaint_verify(actor=u, complaint=c)),
    "hold": (
        ReasonForm,
        lambda u, c, d: services.complaint_hold(actor=u, complaint=c, reason=d["reason"]),
    ),
    "resume": (None, lambda u, c, d: services.complaint_resume(actor=u, complaint=c)),
    "archive": (
        ArchiveForm,
        lambda u, c, d: services.complaint_archive(
            actor=u, complaint=c, archive_reason=d["archive_reason"], reason=d["reason"]
        ),
    ),
    "not_our_authority": (NotOurAuthorityForm, _not_ours),
    "dispose": (
        DisposeForm,
        lambda u, c, d: services.complaint_dispose(
            actor=u, complaint=c, opds=list(d["opds"]), note=d["note"], replace=d["replace"]
        ),
    ),
    "answer": (
        AnswerForm,
        lambda u, c, d: services.complaint_answer(actor=u, complaint=c, text=d["text"]),
    ),
    "review": (ReviewForm, _review),
    "merge": (MergeForm, _merge),
}


@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    complaint = complaint_access.complaint_for(user, pk)
    if action == "reveal":
        try:
            view = services.complaint_reporter_reveal(actor=user, complaint=complaint)
        except PermissionError:
            raise PermissionDenied from None
        context = _detail_context(request, complaint)
        context["reporter"] = view
        return render(request, "complaints/work/detail.html", context)
    if action not in ACTIONS:
        raise Http404
    form_class, run = ACTIONS[action]
    form: forms.Form | None = None
    data: dict[str, Any] = {}
    if form_class is not None:
        kwargs: dict[str, Any] = {"prefix": action}
        if form_class is DisposeForm:
            kwargs["pemda"] = complaint.pemda
        form = form_class(request.POST, **kwargs)
        if not form.is_valid():
            context = _detail_context(request, complaint, {action: form})
            return render(request, "complaints/work/detail.html", context, status=400)
        data = form.cleaned_data
    try:
        run(user, complaint, data)
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as exc:
        bound = form or forms.Form(request.POST)
        if form is None:
            bound.is_valid()
        errors_onto(bound, exc)
        context = _detail_context(request, complaint, {action: bound})
        context["action_error"] = action
        return render(request, "complaints/work/detail.html", context, status=400)
    messages.success(request, _("Done."))
    # A report that left the actor's view (e.g. reclassified as whistleblowing) leaves the page.
    if not complaint_access.complaints_visible(user).filter(pk=complaint.pk).exists():
        return redirect("complaints:queue")
    return redirect("complaints:detail", pk=complaint.pk)
