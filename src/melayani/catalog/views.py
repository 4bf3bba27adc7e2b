"""Catalogue pages: the public catalogue and service pages, and the officials' editor.

Public pages need no sign-in and show only what is published. Officials' pages fetch every object
through the access layer with ``catalog.manage`` (404 for anyone else); the services check again.
Views parse forms, call one service or selector, and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from melayani.catalog import selectors, services
from melayani.catalog.forms import (
    CatalogSearchForm,
    FormFieldAddForm,
    PledgeForm,
    PublishForm,
    RequirementAddForm,
    RowChangeForm,
    ServiceCreateForm,
    StandardForm,
    StepAddForm,
)
from melayani.catalog.models import (
    FormField,
    ProcedureStep,
    PublicationStatus,
    Requirement,
    ServiceStandard,
    ServiceType,
)
from melayani.core import access
from melayani.core.models import OPD, Pemda, User

MANAGE = services.MANAGE
PAGE_SIZE = 20


# ----------------------------------------------------------------------------- public


def _public_pemda(code: str) -> Pemda:
    try:
        return selectors.public_pemda(code)
    except Pemda.DoesNotExist:
        raise Http404 from None


def _render_catalogue(request: HttpRequest, pemda: Pemda, unit: OPD | None) -> HttpResponse:
    units = selectors.catalog_units(pemda=pemda)
    data = request.GET.copy()
    if unit is not None:
        data["unit"] = unit.slug
    form = CatalogSearchForm(data, units=units)
    query, chosen = "", unit
    if form.is_valid():
        query = form.cleaned_data["q"]
        slug = form.cleaned_data["unit"]
        chosen = next((u for u in units if u.slug == slug), unit)
    page = Paginator(
        selectors.catalog_search(pemda=pemda, opd=chosen, query=query), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/catalogue.html",
        {
            "pemda": pemda,
            "unit": unit,
            "chosen_unit": chosen,
            "form": form,
            "query": query,
            "page": page,
            "services": list(page.object_list),
            "pledge": selectors.pledge_applicable(unit) if unit is not None else None,
        },
    )


@login_not_required
@require_GET
def catalogue(request: HttpRequest, pemda_code: str) -> HttpResponse:
    return _render_catalogue(request, _public_pemda(pemda_code), None)


@login_not_required
@require_GET
def catalogue_unit(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    pemda = _public_pemda(pemda_code)
    try:
        unit = selectors.public_unit(pemda=pemda, slug=opd_slug)
    except OPD.DoesNotExist:
        raise Http404 from None
    return _render_catalogue(request, pemda, unit)


@login_not_required
@require_GET
def service_detail(request: HttpRequest, pemda_code: str, service_code: str) -> HttpResponse:
    try:
        service = selectors.service_get_public(pemda_code=pemda_code, code=service_code)
    except ServiceType.DoesNotExist:
        raise Http404 from None
    standard = selectors.standard_current(service)
    if standard is None:  # withdrawn between the two reads
        raise Http404
    return render(
        request,
        "catalog/service_detail.html",
        {
            "service": service,
            "pemda": service.pemda,
            "standard": standard,
            "pledge": selectors.pledge_applicable(service.opd),
        },
    )


# ----------------------------------------------------------------------------- officials


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # signed-in pages only: never the case
        raise PermissionDenied
    return request.user


def _manageable_pemda(request: HttpRequest, code: str) -> Pemda:
    """The Pemda, if the user may manage the catalogue of at least one of its units (else 404)."""
    pemda = Pemda.objects.filter(code=code).first()
    if pemda is None or not selectors.units_manageable(request.user, pemda=pemda).exists():
        raise Http404
    return pemda


def _managed_service(request: HttpRequest, pemda_code: str, service_code: str) -> ServiceType:
    return access.access_object(
        request.user,
        ServiceType.objects.filter(pemda__code=pemda_code).select_related("opd", "pemda"),
        MANAGE,
        code=service_code,
    )


def _managed_standard(
    request: HttpRequest, pemda_code: str, service_code: str, version: int
) -> ServiceStandard:
    found = access.access_object(
        request.user,
        ServiceStandard.objects.filter(service__pemda__code=pemda_code, service__code=service_code),
        MANAGE,
        version=version,
    )
    return selectors.standard_with_rows(found.pk)


def _standard_url(standard: ServiceStandard) -> str:
    service = standard.service
    return reverse(
        "catalog:standard",
        kwargs={
            "pemda_code": service.pemda.code,
            "service_code": service.code,
            "version": standard.version,
        },
    )


@require_GET
def manage_index(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _manageable_pemda(request, pemda_code)
    services_list = list(selectors.services_manageable(request.user, pemda=pemda))
    units = list(selectors.units_manageable(request.user, pemda=pemda))
    return render(
        request,
        "catalog/manage_index.html",
        {"pemda": pemda, "services": services_list, "units": units},
    )


@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _manageable_pemda(request, pemda_code)
    units = selectors.units_manageable(request.user, pemda=pemda)
    form = ServiceCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.service_create(
                actor=_actor(request),
                opd=data["opd"],
                code=data["code"],
                name=data["name"],
                description=data["description"],
                category=data["category"],
                keywords=data["keywords"],
                accepts_online=data["accepts_online"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The service was created. Now draft its standard."))
            return HttpResponseRedirect(
                reverse(
                    "catalog:manage-service",
                    kwargs={"pemda_code": pemda.code, "service_code": service.code},
                )
            )
    return render(request, "catalog/service_create.html", {"pemda": pemda, "form": form})


@require_GET
def manage_service(request: HttpRequest, pemda_code: str, service_code: str) -> HttpResponse:
    service = _managed_service(request, pemda_code, service_code)
    versions = list(service.standards.order_by("-version"))
    return render(
        request,
        "catalog/manage_service.html",
        {
            "service": service,
            "pemda": service.pemda,
            "versions": versions,
            "has_draft": any(v.status == PublicationStatus.DRAFT for v in versions),
        },
    )


@require_POST
def standard_draft_create(request: HttpRequest, pemda_code: str, service_code: str) -> HttpResponse:
    service = _managed_service(request, pemda_code, service_code)
    try:
        standard = services.standard_draft_create(actor=_actor(request), service=service)
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(
            reverse(
                "catalog:manage-service",
                kwargs={"pemda_code": pemda_code, "service_code": service_code},
            )
        )
    return HttpResponseRedirect(_standard_url(standard))


def _render_standard(request: HttpRequest, standard: ServiceStandard, **forms: Any) -> HttpResponse:
    is_draft = standard.status == PublicationStatus.DRAFT
    context: dict[str, Any] = {
        "standard": standard,
        "service": standard.service,
        "pemda": standard.service.pemda,
        "is_draft": is_draft,
        "standard_url": _standard_url(standard),
    }
    if is_draft:
        context.update(
            standard_form=forms.get("standard_form") or StandardForm.for_standard(standard),
            requirement_form=forms.get("requirement_form")
            or RequirementAddForm(prefix="requirement"),
            step_form=forms.get("step_form") or StepAddForm(prefix="step"),
            field_form=forms.get("field_form")
            or FormFieldAddForm(prefix="field", standard=standard),
            publish_form=forms.get("publish_form") or PublishForm(prefix="publish"),
            problems=[p.message for p in services.standard_problems(standard)],
        )
        context["error_forms"] = [f for f in forms.values() if f is not None and f.errors]
    return render(request, "catalog/standard.html", context)


@require_http_methods(["GET", "POST"])
def standard_detail(
    request: HttpRequest, pemda_code: str, service_code: str, version: int
) -> HttpResponse:
    standard = _managed_standard(request, pemda_code, service_code, version)
    if request.method == "GET":
        return _render_standard(request, standard)
    form = StandardForm(request.POST)
    if form.is_valid():
        try:
            services.standard_draft_update(
                actor=_actor(request), standard=standard, **form.cleaned_data
            )
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft was saved."))
            return HttpResponseRedirect(_standard_url(standard))
    return _render_standard(request, standard, standard_form=form)


@require_POST
def standard_publish(
    request: HttpRequest, pemda_code: str, service_code: str, version: int
) -> HttpResponse:
    standard = _managed_standard(request, pemda_code, service_code, version)
    form = PublishForm(request.POST, prefix="publish")
    if form.is_valid():
        try:
            services.standard_publish(
                actor=_actor(request),
                standard=standard,
                decree_number=form.cleaned_data["decree_number"],
                decree_date=form.cleaned_data["decree_date"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Version %(version)s is published.") % {"version": standard.version}
            )
            return HttpResponseRedirect(_standard_url(standard))
    return _render_standard(request, standard, publish_form=form)


@require_POST
def standard_new_version(
    request: HttpRequest, pemda_code: str, service_code: str, version: int
) -> HttpResponse:
    standard = _managed_standard(request, pemda_code, service_code, version)
    try:
        draft = services.standard_new_version(actor=_actor(request), standard=standard)
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(_standard_url(standard))
    messages.success(request, _("A new draft version was made from this one."))
    return HttpResponseRedirect(_standard_url(draft))


_ROWS: dict[str, Any] = {
    "requirements": Requirement,
    "steps": ProcedureStep,
    "fields": FormField,
}


@require_POST
def row_add(
    request: HttpRequest, pemda_code: str, service_code: str, version: int, kind: str
) -> HttpResponse:
    standard = _managed_standard(request, pemda_code, service_code, version)
    actor = _actor(request)
    form: Any
    if kind == "requirements":
        form = RequirementAddForm(request.POST, prefix="requirement")
        forms_key = "requirement_form"
    elif kind == "steps":
        form = StepAddForm(request.POST, prefix="step")
        forms_key = "step_form"
    elif kind == "fields":
        form = FormFieldAddForm(request.POST, prefix="field", standard=standard)
        forms_key = "field_form"
    else:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "requirements":
                services.requirement_add(actor=actor, standard=standard, **data)
            elif kind == "steps":
                services.step_add(actor=actor, standard=standard, text=data["text"])
            else:
                services.form_field_add(actor=actor, standard=standard, **data)
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return HttpResponseRedirect(f"{_standard_url(standard)}#{kind}")
    return _render_standard(request, standard, **{forms_key: form})


@require_POST
def row_change(
    request: HttpRequest, pemda_code: str, service_code: str, version: int, kind: str, pk: int
) -> HttpResponse:
    standard = _managed_standard(request, pemda_code, service_code, version)
    model = _ROWS.get(kind)
    if model is None:
        raise Http404
    row: Any = access.access_object(
        request.user, model.objects.filter(standard=standard), MANAGE, pk=pk
    )
    form = RowChangeForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(f"{_standard_url(standard)}#{kind}")
    action = form.cleaned_data["action"]
    actor = _actor(request)
    try:
        if action == "remove":
            services.draft_row_remove(actor=actor, row=row)
        else:
            services.draft_row_move(actor=actor, row=row, direction=action)
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(f"{_standard_url(standard)}#{kind}")


# ----------------------------------------------------------------------------- pledges


def _managed_unit(request: HttpRequest, pemda_code: str, opd_slug: str) -> OPD:
    return access.access_object(
        request.user,
        OPD.objects.filter(pemda__code=pemda_code).select_related("pemda"),
        MANAGE,
        slug=opd_slug,
    )


def _pledge_url(opd: OPD) -> str:
    return reverse(
        "catalog:pledge-manage", kwargs={"pemda_code": opd.pemda.code, "opd_slug": opd.slug}
    )


def _render_pledge(
    request: HttpRequest,
    opd: OPD,
    *,
    form: PledgeForm | None = None,
    publish_form: PublishForm | None = None,
) -> HttpResponse:
    pledges = selectors.pledges_of_unit(opd)
    draft = next((p for p in pledges if p.status == PublicationStatus.DRAFT), None)
    return render(
        request,
        "catalog/pledge_manage.html",
        {
            "opd": opd,
            "pemda": opd.pemda,
            "pledges": pledges,
            "draft": draft,
            "form": form or PledgeForm(initial={"text": draft.text if draft else ""}),
            "publish_form": publish_form or PublishForm(prefix="publish"),
            "error_forms": [f for f in (form, publish_form) if f is not None and f.errors],
        },
    )


@require_http_methods(["GET", "POST"])
def pledge_manage(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    opd = _managed_unit(request, pemda_code, opd_slug)
    if request.method == "GET":
        return _render_pledge(request, opd)
    form = PledgeForm(request.POST)
    if form.is_valid():
        draft = opd.pledges.filter(status=PublicationStatus.DRAFT).first()
        try:
            if draft is None:
                services.pledge_draft_create(
                    actor=_actor(request), opd=opd, text=form.cleaned_data["text"]
                )
            else:
                services.pledge_draft_update(
                    actor=_actor(request), pledge=draft, text=form.cleaned_data["text"]
                )
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft pledge was saved."))
            return HttpResponseRedirect(_pledge_url(opd))
    return _render_pledge(request, opd, form=form)


@require_POST
def pledge_publish(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    opd = _managed_unit(request, pemda_code, opd_slug)
    draft = opd.pledges.filter(status=PublicationStatus.DRAFT).first()
    if draft is None:
        raise Http404
    form = PublishForm(request.POST, prefix="publish")
    if form.is_valid():
        try:
            services.pledge_publish(
                actor=_actor(request),
                pledge=draft,
                decree_number=form.cleaned_data["decree_number"],
                decree_date=form.cleaned_data["decree_date"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The pledge is published."))
            return HttpResponseRedirect(_pledge_url(opd))
    return _render_pledge(request, opd, publish_form=form)
