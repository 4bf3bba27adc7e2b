"""The Inspektorat's view of its Pemda's audit trail; only the access layer decides visibility."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from melayani.audit.exports import events_workbook
from melayani.audit.forms import AuditEventFilterForm
from melayani.audit.selectors import VIEW_EVENTS, audit_event_facets, audit_event_list
from melayani.core import access

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[AuditEventFilterForm, dict[str, object]]:
    if not access.can(request.user, VIEW_EVENTS):
        raise PermissionDenied
    form = AuditEventFilterForm(
        request.GET if request.GET else None, facets=audit_event_facets(user=request.user)
    )
    return form, form.filters()


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    events = audit_event_list(user=request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})


@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _filtered(request)
    events = audit_event_list(user=request.user, **filters)  # type: ignore[arg-type]
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{_('audit-events')}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    events_workbook(events).save(response)
    return response
