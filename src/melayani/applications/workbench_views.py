"""The officer workbench: the queue, bulk actions, one application with its documents and actions.

Views read through :mod:`melayani.applications.selectors` (scoped by the access layer) and write
only through :mod:`melayani.applications.services`; a refusal or an invalid transition from a
service is shown to the official as a form error, never as a stack trace. Pages work without
JavaScript; with htmx the filter form refreshes only the results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, OrderBy, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from melayani.applications import selectors, services
from melayani.applications.models import OPEN_STATUSES, Application, ApplicationStatus
from melayani.applications.tracking import tracking_code_display
from melayani.applications.workbench_exports import queue_workbook
from melayani.applications.workbench_forms import (
    HANDLE,
    SUPERVISE,
    VIEW,
    AssignForm,
    BulkAction,
    CompleteForm,
    EmptyForm,
    ExtendForm,
    NoteForm,
    QueueFilterForm,
    ReasonForm,
)
from melayani.catalog.models import FieldType
from melayani.core import access
from melayani.core.masking import mask_email, mask_nik, mask_phone
from melayani.core.models import User

PAGE_SIZE = 50
EXCEL_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "due": (F("due_at").asc(nulls_last=True), "-submitted_at"),
    "-due": (F("due_at").desc(nulls_last=True), "-submitted_at"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
}


# --- Deadlines at a glance -------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """An application's deadline as the official reads it: the local moment and a badge."""

    at: dt.datetime | None  # in the Pemda's zone
    zone: str  # WIB, WITA or WIT
    tone: str  # a status_badge tone
    label: str
    state: str  # "", "overdue", "today", "soon", "later", "stopped", "closed"


def due_status(application: Application, *, now: dt.datetime | None = None) -> Due:
    """Overdue / due today / due in N days (calendar days in the Pemda's zone); "soon" (warning
    colour) within the services' ``DUE_SOON`` window, as the queue's "due soon" filter counts."""
    pemda = application.pemda
    zone = ZoneInfo(pemda.time_zone)
    abbreviation = pemda.zone_abbreviation
    local = timezone.localtime(application.due_at, zone) if application.due_at else None
    if application.status in (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED):
        return Due(local, abbreviation, "neutral", _("Closed"), "closed")
    if application.status == ApplicationStatus.RETURNED:
        return Due(local, abbreviation, "info", _("Clock stopped: returned"), "stopped")
    if local is None:
        return Due(None, abbreviation, "neutral", _("Clock not started"), "")
    now = timezone.localtime(now or timezone.now(), zone)
    if local < now:
        return Due(local, abbreviation, "danger", _("Overdue"), "overdue")
    days = (local.date() - now.date()).days
    if days == 0:
        return Due(local, abbreviation, "warn", _("Due today"), "today")
    label = ngettext("Due in %(days)d day", "Due in %(days)d days", days) % {"days": days}
    if local - now <= services.DUE_SOON:
        return Due(local, abbreviation, "warn", label, "soon")
    return Due(local, abbreviation, "ok", label, "later")


def status_tone(status: str) -> str:
    return selectors.STATUS_TONES.get(ApplicationStatus(status), "neutral")


@dataclass(frozen=True)
class QueueRow:
    application: Application
    code: str  # as read over the phone: K7PM-Q4XD-2R
    due: Due
    status_tone: str


def _rows(applications: Iterable[Application], now: dt.datetime) -> list[QueueRow]:
    return [
        QueueRow(
            a, tracking_code_display(a.tracking_code), due_status(a, now=now), status_tone(a.status)
        )
        for a in applications
    ]


# --- The queue ---------------------------------------------------------------------------------


def _require_workbench(request: HttpRequest) -> None:
    if not access.can(request.user, VIEW):
        raise PermissionDenied


def _queue(request: HttpRequest) -> tuple[QueueFilterForm, QuerySet[Application]]:
    _require_workbench(request)
    form = QueueFilterForm(request.GET or None, user=request.user)
    applications = selectors.application_queue(user=request.user, **form.filters())
    applications = applications.select_related("pemda", "opd", "service", "assigned_to").order_by(
        *SORTS[form.sort_key()]
    )
    return form, applications


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form, applications = _queue(request)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": _rows(page.object_list, timezone.now()),
        "bulk_form": BulkAction(user=request.user, initial={"next": request.get_full_path()}),
        "can_supervise": access.can(request.user, SUPERVISE),
        "can_handle": access.can(request.user, HANDLE),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and htmx.target == "queue-results":
        return render(request, "applications/workbench/partials/queue_results.html", context)
    return render(request, "applications/workbench/queue.html", context)


@require_GET
def queue_export(request: HttpRequest) -> HttpResponse:
    _form, applications = _queue(request)
    now = timezone.now()
    rows = ((a, due_status(a, now=now)) for a in applications.iterator(chunk_size=2000))
    response = HttpResponse(content_type=EXCEL_TYPE)
    filename = f"{_('applications')}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    queue_workbook(rows).save(response)
    return response


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("workbench:queue")


def _refusal(error: Exception) -> str:
    """What a service said, in words for the official (never a stack trace)."""
    if isinstance(error, PermissionError):
        return _("You may not do this for this application.")
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error)


@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Claim, assign or verify each selected application through the services, one by one.

    Each row succeeds or fails on its own; the official is told what happened to every row.
    """
    _require_workbench(request)
    form = BulkAction(request.POST, user=request.user)
    back = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return HttpResponseRedirect(back)
    actor = cast(User, request.user)
    action = form.cleaned_data["action"]
    officer = form.cleaned_data.get("officer")
    done: list[str] = []
    for pk in form.cleaned_data["selected"]:
        try:
            application = selectors.application_for_officer(user=actor, pk=pk)
        except Http404:
            messages.error(
                request, _("Application %(id)s: not found or not yours to see.") % {"id": pk}
            )
            continue
        code = tracking_code_display(application.tracking_code)
        try:
            if action == BulkAction.CLAIM:
                services.application_claim(actor=actor, application=application)
            elif action == BulkAction.ASSIGN:
                services.application_assign(actor=actor, application=application, officer=officer)
            elif action == BulkAction.VERIFY:
                if application.status != ApplicationStatus.SUBMITTED:
                    raise ValidationError(
                        _("Not verified: it is “%(status)s”, not “submitted”.")
                        % {"status": application.get_status_display()}
                    )
                services.application_verify(actor=actor, application=application)
        except (PermissionError, ValidationError) as error:
            messages.error(request, f"{code}: {_refusal(error)}")
        else:
            done.append(code)
    if done:
        summary = {
            BulkAction.CLAIM: _("Claimed: %(codes)s."),
            BulkAction.ASSIGN: _("Assigned to %(officer)s: %(codes)s."),
            BulkAction.VERIFY: _("Verified as complete: %(codes)s."),
        }[action]
        messages.success(
            request,
            summary
            % {
                "codes": ", ".join(done),
                "officer": officer.display_name if officer else "",
            },
        )
    return HttpResponseRedirect(back)


# --- One application ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One action an official can take on an application, with its form."""

    name: str
    label: str
    form_class: type[Form]
    call: Callable[..., Any]
    statuses: tuple[str, ...]
    needs: str = HANDLE
    variant: str = ""
    success: str = ""


def _transitions() -> dict[str, Transition]:
    open_ = tuple(str(s) for s in OPEN_STATUSES)
    return {
        t.name: t
        for t in (
            Transition(
                "claim",
                _("Claim (assign to me)"),
                EmptyForm,
                services.application_claim,
                open_,
                variant="secondary",
                success=_("You now handle this application."),
            ),
            Transition(
                "assign",
                _("Assign"),
                AssignForm,
                services.application_assign,
                open_,
                needs=SUPERVISE,
                variant="secondary",
                success=_("The application is assigned."),
            ),
            Transition(
                "verify",
                _("Verify as complete"),
                EmptyForm,
                services.application_verify,
                ("submitted",),
                success=_("Verified as complete: the clock has started."),
            ),
            Transition(
                "start",
                _("Start processing"),
                EmptyForm,
                services.application_start,
                ("verified",),
                success=_("The application is in process."),
            ),
            Transition(
                "complete",
                _("Complete"),
                CompleteForm,
                services.application_complete,
                ("in_process",),
                success=_("The application is completed; the applicant is told."),
            ),
            Transition(
                "extend",
                _("Extend the deadline"),
                ExtendForm,
                services.application_extend,
                tuple(str(s) for s in services.CLOCK_STATUSES),
                needs=SUPERVISE,
                variant="secondary",
                success=_("The deadline is extended; the applicant is told why."),
            ),
            Transition(
                "return",
                _("Return for correction"),
                ReasonForm,
                services.application_return,
                ("submitted", "verified", "in_process"),
                variant="secondary",
                success=_("Returned to the applicant for correction; the clock is stopped."),
            ),
            Transition(
                "reject",
                _("Reject"),
                ReasonForm,
                services.application_reject,
                ("submitted", "verified", "in_process", "returned"),
                variant="danger",
                success=_("The application is rejected; the applicant is told why."),
            ),
        )
    }


def _form_for(transition: Transition, request: HttpRequest, data: Any = None) -> Form:
    if transition.form_class is AssignForm:
        return AssignForm(data, user=request.user, prefix=transition.name)
    return transition.form_class(data, prefix=transition.name)


def _available(request: HttpRequest, application: Application) -> list[Transition]:
    user = request.user
    allowed = {
        HANDLE: access.can(user, HANDLE, opd=application.opd),
        SUPERVISE: access.can(user, SUPERVISE, opd=application.opd),
    }
    return [
        t
        for t in _transitions().values()
        if application.status in t.statuses
        and allowed[t.needs]
        and not (t.name == "claim" and application.assigned_to_id is not None)
        and not (t.name == "extend" and application.verified_at is None)
    ]


@dataclass(frozen=True)
class Applicant:
    name: str
    nik: str
    phone: str
    email: str
    address: str
    unmasked: bool
    contacts_whole: bool = False
    description: str = ""  # what an Open311 client sent besides the answers
    location: str = ""  # "lat, long" in degrees


def _may_unmask(request: HttpRequest, application: Application) -> bool:
    return access.can(request.user, "personal_data.view_unmasked", pemda=application.pemda_id)


def _log_unmasked(request: HttpRequest, application: Application, applicant: Applicant) -> None:
    """Every view of unmasked personal data goes to the access log (the NIK when the role may
    see it whole; contacts and address for those who handle the application)."""
    from melayani.privacy.services import unmasked_read_record

    shown = {
        "applicant_nik": applicant.unmasked,
        "applicant_phone": bool(application.applicant_phone) and applicant.contacts_whole,
        "applicant_email": bool(application.applicant_email) and applicant.contacts_whole,
        "applicant_address": bool(applicant.address),
        "description": bool(applicant.description),
        "location_lat": bool(applicant.location),
        "location_long": bool(applicant.location),
        # Personal answers (NIK, phone, e-mail, address fields) are shown by the same rules.
        "answers_private": bool(application.answers_private)
        and (applicant.contacts_whole or applicant.unmasked),
    }
    unmasked_read_record(
        actor=cast(User, request.user),
        pemda=application.pemda,
        target=application,
        fields=[name for name, whole in shown.items() if whole],
        surface="workbench.detail",
        context={"tracking_code": application.tracking_code},
    )


def _masked(value: str, masker: Callable[[str], str], *, show: bool) -> str:
    if not value:
        return ""
    return value if show else masker(value)


def _declared(application: Application, field: str, *, show: bool) -> str:
    from melayani.privacy.inventory import masked_value

    value = getattr(application, field) or ""
    return value if show or not value else masked_value(application, field)


def _address_text(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(v) for v in (value.get("address"), value.get("region")) if v)
    return str(value or "")


def _applicant(request: HttpRequest, application: Application, *, handles: bool) -> Applicant:
    """The applicant as this official may see them: the NIK masked unless their role needs it
    in full; phone, e-mail and address for those who handle the application (they must reach
    the applicant), masked or left out for everyone else."""
    unmasked = bool(application.applicant_nik) and _may_unmask(request, application)
    return Applicant(
        name=application.applicant_name,
        # Masked as the personal-data inventory declares (applications/personal_data.py).
        nik=_declared(application, "applicant_nik", show=unmasked),
        phone=_declared(application, "applicant_phone", show=handles),
        email=_declared(application, "applicant_email", show=handles),
        address=application.applicant_address if handles else "",
        unmasked=unmasked,
        contacts_whole=handles,
        description=application.description if handles else "",
        location=(
            f"{application.location_lat}, {application.location_long}"
            if handles and application.location_lat is not None
            else ""
        ),
    )


def _answers(
    request: HttpRequest, application: Application, *, handles: bool
) -> list[tuple[str, str]]:
    """The form's answers with their labels; personal answers masked like the applicant's."""
    unmask = _may_unmask(request, application)
    rows = []
    for answer in selectors.application_answers(application):
        value = answer.value
        if answer.field_type == FieldType.NIK:
            text = _masked(str(value or ""), mask_nik, show=unmask)
        elif answer.field_type == FieldType.PHONE:
            text = _masked(str(value or ""), mask_phone, show=handles)
        elif answer.field_type == FieldType.EMAIL:
            text = _masked(str(value or ""), mask_email, show=handles)
        elif answer.field_type == FieldType.ADDRESS:
            text = _address_text(value) if handles else ("***" if value else "")
        else:
            text = "" if value is None else str(value)
        rows.append((answer.label, text or "—"))
    return rows


def _timeline(application: Application) -> list[dict[str, Any]]:
    """Every event, each marked as seen by the applicant or internal to the officials."""
    items = []
    for entry in selectors.application_timeline(application, for_citizen=False):
        body = entry.body
        if entry.actor_name:
            body = f"{body} — {entry.actor_name}" if body else entry.actor_name
        title = entry.title
        if entry.action == "note" and not entry.visible_to_citizen:
            title = _("Internal note")
        items.append(
            {
                "when": entry.when,
                "title": title,
                "body": body,
                "show_time": True,
                "badge": {"tone": "info", "label": _("Visible to the applicant")}
                if entry.visible_to_citizen
                else {"tone": "neutral", "label": _("Internal")},
            }
        )
    return items


def _detail_context(
    request: HttpRequest,
    application: Application,
    *,
    bound: dict[str, Form] | None = None,
) -> dict[str, Any]:
    handles = access.can(request.user, HANDLE, opd=application.opd)
    forms = dict(bound or {})
    actions = []
    for transition in _available(request, application):
        form = forms.get(transition.name) or _form_for(transition, request)
        actions.append(
            {"transition": transition, "form": form, "quick": isinstance(form, EmptyForm)}
        )
    applicant = _applicant(request, application, handles=handles)
    _log_unmasked(request, application, applicant)
    return {
        "application": application,
        "code": tracking_code_display(application.tracking_code),
        "applicant": applicant,
        "answers": _answers(request, application, handles=handles),
        "documents": list(selectors.application_documents(application)),
        "timeline": _timeline(application),
        "due": due_status(application),
        "status_tone": status_tone(application.status),
        "actions": actions,
        "can_handle": handles,
        "note_form": forms.get("note") or NoteForm(prefix="note"),
    }


def _application(request: HttpRequest, pk: int) -> Application:
    return selectors.application_for_officer(user=request.user, pk=pk)


@require_GET
@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return render(
        request, "applications/workbench/detail.html", _detail_context(request, application)
    )


@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition on one application (through its service function)."""
    application = _application(request, pk)
    transition = _transitions().get(action)
    if transition is None:
        raise Http404
    form = _form_for(transition, request, request.POST)
    if form.is_valid():
        try:
            transition.call(
                actor=cast(User, request.user), application=application, **form.cleaned_data
            )
        except (PermissionError, ValidationError) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, transition.success)
            return HttpResponseRedirect(reverse("workbench:detail", args=[application.pk]))
    application = _application(request, pk)  # as stored, after a refused change
    context = _detail_context(request, application, bound={transition.name: form})
    context["failed"] = transition.name
    shown_in_card = any(
        item["transition"].name == transition.name and not item["quick"]
        for item in context["actions"]
    )
    if not shown_in_card:  # a one-button action, or one not offered now: say why at the top
        context["failed_form"] = form
    return render(request, "applications/workbench/detail.html", context, status=400)


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        try:
            services.application_note_add(
                actor=cast(User, request.user),
                application=application,
                text=form.cleaned_data["text"],
                visible_to_citizen=form.cleaned_data["visible_to_citizen"],
            )
        except (PermissionError, ValidationError) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(
                request,
                _("The note is added; the applicant can read it.")
                if form.cleaned_data["visible_to_citizen"]
                else _("The internal note is added."),
            )
            return HttpResponseRedirect(reverse("workbench:detail", args=[application.pk]))
    context = _detail_context(request, application, bound={"note": form})
    context["failed"] = "note"
    return render(request, "applications/workbench/detail.html", context, status=400)


@require_GET
@never_cache
def document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    """A document of an application the official may see, streamed as a download."""
    application = _application(request, pk)
    doc = access.access_object(request.user, application.documents.all(), VIEW, pk=doc_pk)
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    from melayani.privacy.services import unmasked_read_record

    unmasked_read_record(
        actor=request.user,
        pemda=application.pemda,
        target=doc,
        fields=["file"],
        surface="workbench.document",
        context={"tracking_code": application.tracking_code},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=doc.original_name,
        content_type=doc.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
