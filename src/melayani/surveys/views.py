"""SKM pages: the citizen's questionnaire (invitation link, counter kiosk), the officials' paper
entry, file import and unit report, and the public results of a Pemda.

Public pages (``@login_not_required``): the invitation ``i/<token>/``, the thank-you page, the
kiosk and the Pemda's results. They work without JavaScript and stay small.

The kiosk (``kiosk/<pemda_code>/<opd_slug>/``) is meant for a tablet at the service counter: the
Pemda opens the address once in the tablet's browser (full screen, or the browser's kiosk /
guided-access mode), and every citizen who has just been served picks the service and answers.
After each answer a thank-you screen returns to an empty form by itself, so nothing of one
respondent is left for the next. No sign-in is needed and no personal data is asked.

Officials' pages fetch the unit through the access layer (404 for a unit outside the user's
reach): paper entry and import with :data:`ENTER_ACTIONS`, the report and the follow-up plans
with :data:`REPORT_ACTION` (planning needs ``surveys.manage``: 403 otherwise). The services check
their own permission again and raise ``PermissionError``, answered 403. Views parse forms, call
one service or selector, and render; all figures come from the selectors.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from melayani.core import access
from melayani.core.models import OPD, Pemda, User
from melayani.core.ratelimit import rate_limited
from melayani.surveys import (
    charts,
    followup_selectors,
    followup_services,
    selectors,
    services,
    web_selectors,
)
from melayani.surveys.exports import adequacy_label, report_workbook
from melayani.surveys.forms import (
    PROFILE_LABELS,
    FollowUpCreateForm,
    FollowUpDetailsForm,
    FollowUpStatusForm,
    ImportForm,
    KioskForm,
    PaperForm,
    PeriodForm,
    PopulationForm,
    SkmSettingsForm,
    SurveyForm,
    UnitDesignForm,
)
from melayani.surveys.instrument import BANDS
from melayani.surveys.models import FollowUpPlan, FollowUpStatus
from melayani.surveys.periods import QUARTER, Period
from melayani.surveys.web_selectors import period_label as _period_label

#: Who reaches a unit's paper entry and import pages (anyone else: 404). Entering itself needs
#: ``surveys.enter`` on the unit (checked here, to answer 403 before the form is typed, and again
#: by the services).
ENTER_ACTIONS = (services.ENTER, "services.handle", "catalog.manage")
#: Who may read a unit's report.
REPORT_ACTION = "aggregates.view"
#: Refusals of the invitation link, all answered with the same non-revealing page.
LINK_REFUSALS = {"token_invalid", "token_used", "token_expired"}
#: Most import errors listed on the page (the counts above the table are always complete).
IMPORT_ERRORS_SHOWN = 500
KIOSK_RESET_SECONDS = 8


# ----------------------------------------------------------------------------- helpers


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _pemda_or_404(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code).first()
    if pemda is None:
        raise Http404
    return pemda


def _unit_or_404(request: HttpRequest, pemda_code: str, opd_slug: str, *actions: str) -> OPD:
    unit = web_selectors.unit_for(
        request.user, pemda_code=pemda_code, opd_slug=opd_slug, actions=actions
    )
    if unit is None:
        raise Http404
    return unit


def _enter_unit_or_404(request: HttpRequest, pemda_code: str, opd_slug: str) -> OPD:
    unit = _unit_or_404(request, pemda_code, opd_slug, *ENTER_ACTIONS)
    if not access.can(request.user, services.ENTER, opd=unit):
        raise PermissionDenied
    return unit


def _period(request: HttpRequest, default: Period) -> Period:
    try:
        return Period.parse(request.GET.get("period", ""))
    except ValueError:
        return default


def _profile_or_none(form: SurveyForm) -> dict[str, str] | None:
    profile = form.profile()
    return profile if any(profile.values()) else None


# ----------------------------------------------------------------------------- citizens


def _link_unusable(request: HttpRequest) -> HttpResponse:
    # The same page and status whether the token is unknown, used or expired.
    return render(request, "surveys/link_unusable.html", status=404)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = web_selectors.invitation_open(token)
    if found is None:
        return _link_unusable(request)
    form = SurveyForm(
        request.POST or None, questions=web_selectors.unit_questions(found.service.opd)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit_with_token(
                token=token,
                answers=form.answers(),
                profile=_profile_or_none(form),
                suggestion=form.cleaned_data["suggestion"],
            )
        except services.SurveyError as error:
            if error.code in LINK_REFUSALS:
                return _link_unusable(request)
            form.add_service_error(error)
        else:
            url = reverse("surveys:thanks") + "?" + urlencode({"pemda": found.pemda.code})
            return HttpResponseRedirect(url)
    return render(
        request,
        "surveys/invitation.html",
        {"form": form, "service": found.service, "pemda": found.pemda},
    )


@login_not_required
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    pemda = Pemda.objects.filter(code=request.GET.get("pemda", "")).first()
    return render(request, "surveys/thanks.html", {"pemda": pemda})


def _kiosk_unit(pemda_code: str, opd_slug: str) -> OPD:
    unit = web_selectors.public_unit(pemda_code, opd_slug)
    if unit is None:
        raise Http404
    return unit


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("kiosk", "KIOSK_RATE")
def kiosk(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    unit = _kiosk_unit(pemda_code, opd_slug)
    offered = web_selectors.kiosk_services(unit)
    if not offered:
        raise Http404
    form = KioskForm(
        request.POST or None, services=offered, questions=web_selectors.unit_questions(unit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit_kiosk(
                service=form.service(),
                answers=form.answers(),
                profile=_profile_or_none(form),
                suggestion=form.cleaned_data["suggestion"],
            )
        except services.SurveyError as error:
            form.add_service_error(error)
        else:
            return HttpResponseRedirect(
                reverse("surveys:kiosk-thanks", args=[unit.pemda.code, unit.slug])
            )
    return render(request, "surveys/kiosk.html", {"form": form, "unit": unit})


@login_not_required
@require_GET
def kiosk_thanks(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    unit = _kiosk_unit(pemda_code, opd_slug)
    return render(
        request,
        "surveys/kiosk_thanks.html",
        {"unit": unit, "reset_seconds": KIOSK_RESET_SECONDS},
    )


@login_not_required
@require_GET
def pemda_results(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """Each unit's latest IKM and mutu (or every unit's in a chosen period)."""
    pemda = _pemda_or_404(pemda_code)
    today = web_selectors.local_today(pemda)
    periods = web_selectors.period_choices(today)
    chosen: Period | None = None
    if request.GET.get("period"):
        chosen = _period(request, Period.containing(today, QUARTER))
    rows = (
        web_selectors.results_for_period(pemda, chosen)
        if chosen is not None
        else web_selectors.latest_results_by_unit(pemda)
    )
    # The Pemda as a whole: the chosen period, or this year so far.
    whole = selectors.skm_result(period=chosen or Period(today.year), pemda=pemda)
    chart = None
    if rows:
        chart = charts.bar_chart(
            [charts.Datum(r.name[:70], r.score.ikm, long_label=r.name) for r in rows],
            title=_("IKM per unit"),
            minimum=Decimal(25),
            maximum=Decimal(100),
            ticks=[Decimal(25), *(b.min_ikm for b in BANDS if b.min_ikm), Decimal(100)],
            labels_above=True,
        )
    return render(
        request,
        "surveys/pemda.html",
        {
            "pemda": pemda,
            "rows": rows,
            "chart": chart,
            "chosen": chosen,
            "chosen_label": _period_label(chosen) if chosen else "",
            "whole": whole,
            "whole_label": _period_label(whole.period),
            "followups": followup_selectors.public_followups(
                pemda,
                period=chosen,
                names={q.code: q.name for q in web_selectors.unit_questions(None)},
            ),
            "period_form": PeriodForm(
                initial={"period": str(chosen) if chosen else ""},
                periods=periods,
                latest_label=_("Latest results of each unit"),
            ),
        },
    )


# ----------------------------------------------------------------------------- officials


@require_GET
def manage_index(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda_or_404(pemda_code)

    def units(action: str) -> dict[int, OPD]:
        found = web_selectors.units_with_services(request.user, pemda=pemda, action=action)
        return {u.pk: u for u in found}

    reportable = units(REPORT_ACTION)
    enterable = units(services.ENTER)
    every = {**enterable, **reportable}
    if not every:
        raise Http404
    manageable = units(services.MANAGE)
    rows = [
        {
            "unit": unit,
            "can_report": pk in reportable,
            "can_enter": pk in enterable,
            "can_manage": pk in manageable,
        }
        for pk, unit in sorted(every.items(), key=lambda item: item[1].name)
    ]
    return render(
        request,
        "surveys/manage_index.html",
        {
            "pemda": pemda,
            "rows": rows,
            "can_settings": access.can(request.user, "pemda.manage_settings", pemda=pemda),
        },
    )


@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    unit = _enter_unit_or_404(request, pemda_code, opd_slug)
    offered = web_selectors.unit_services(unit)
    initial = {
        "service": request.GET.get("service") or None,
        "filled_on": request.GET.get("filled_on") or None,
    }
    form = PaperForm(
        request.POST or None,
        initial=initial,
        services=offered,
        questions=web_selectors.unit_questions(unit),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.response_enter_paper(
                actor=_actor(request),
                service=data["service"],
                answers=form.answers(),
                profile=_profile_or_none(form),
                suggestion=data["suggestion"],
                filled_on=data["filled_on"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except services.SurveyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The form was saved. Enter the next one."))
            keep = {"service": data["service"].pk}
            if data["filled_on"]:
                keep["filled_on"] = data["filled_on"].isoformat()
            url = reverse("surveys:paper", args=[unit.pemda.code, unit.slug])
            return HttpResponseRedirect(f"{url}?{urlencode(keep)}")
    return render(request, "surveys/paper.html", {"form": form, "unit": unit})


@require_http_methods(["GET", "POST"])
def import_responses(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    unit = _enter_unit_or_404(request, pemda_code, opd_slug)
    offered = web_selectors.unit_services(unit)
    form = ImportForm(request.POST or None, request.FILES or None, services=offered)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            report = services.responses_import(
                actor=_actor(request),
                service=data["service"],
                file=upload,
                filename=upload.name or "",
                filled_on=data["filled_on"],
                import_valid_rows=data["on_errors"] == "valid",
            )
        except PermissionError:
            raise PermissionDenied from None
        if report.imported:
            messages.success(
                request,
                ngettext(
                    "%(count)s response was imported.",
                    "%(count)s responses were imported.",
                    report.imported,
                )
                % {"count": report.imported},
            )
        if report.errors and not report.imported:
            # Offer the other choice for the next upload of the same file.
            form = ImportForm(
                initial={
                    "service": data["service"].pk,
                    "filled_on": data["filled_on"],
                    "on_errors": "valid",
                },
                services=offered,
            )
    return render(
        request,
        "surveys/import.html",
        {
            "form": form,
            "unit": unit,
            "report": report,
            "errors_shown": report.errors[:IMPORT_ERRORS_SHOWN] if report else [],
            "errors_hidden": max(0, len(report.errors) - IMPORT_ERRORS_SHOWN) if report else 0,
        },
    )


def _report_period(request: HttpRequest, unit: OPD) -> tuple[Period, list[Period]]:
    today = web_selectors.local_today(unit.pemda)
    return _period(request, Period.containing(today, QUARTER)), web_selectors.period_choices(today)


def _report_charts(report: web_selectors.UnitReport) -> dict[str, Any]:
    bars = charts.bar_chart(
        [
            charts.Datum(r.code, r.nrr, long_label=f"{r.code} {r.name}", highlight=r.weakest)
            for r in report.unsur
        ],
        title=_("Average score (NRR) per unsur, scale 1 to 4"),
        places=4,
        highlight_note=_("weakest"),
        ticks=[Decimal(n) for n in (1, 2, 3, 4)],
    )
    line = charts.line_chart(
        [
            charts.Datum(str(p.period), p.ikm, long_label=_period_label(p.period))
            for p in report.trend
        ],
        title=_("IKM over the last periods"),
        bands=[(b.min_ikm, b.mutu) for b in BANDS if b.min_ikm],
    )
    return {"bars": bars, "line": line}


@require_GET
def report(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    unit = _unit_or_404(request, pemda_code, opd_slug, REPORT_ACTION)
    period, periods = _report_period(request, unit)
    data = web_selectors.unit_report(unit, period)
    return render(
        request,
        "surveys/report.html",
        {
            "unit": unit,
            "report": data,
            "result": data.result,
            "score": data.result.score,
            "period": period,
            "period_title": _period_label(period),
            "period_form": PeriodForm(initial={"period": str(period)}, periods=periods),
            "adequacy": adequacy_label(data.result.sample.met),
            "xlsx_url": reverse("surveys:report-xlsx", args=[unit.pemda.code, unit.slug])
            + "?"
            + urlencode({"period": str(period)}),
            "profile_tables": [(PROFILE_LABELS[f], counts) for f, counts in data.profile.items()],
            **_report_charts(data),
        },
    )


@require_GET
def report_xlsx(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    unit = _unit_or_404(request, pemda_code, opd_slug, REPORT_ACTION)
    period, _periods = _report_period(request, unit)
    book = report_workbook(web_selectors.unit_report(unit, period))
    buffer = BytesIO()
    book.save(buffer)
    filename = f"skm-{unit.pemda.code}-{unit.slug}-{period}.xlsx"
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ----------------------------------------------------------------------------- follow-up plans

#: Which form field a refusal of the follow-up services belongs to (else: the error summary).
FOLLOWUP_ERROR_FIELDS = {
    "action_required": "action",
    "action_too_long": "action",
    "owner_required": "owner",
    "owner_too_long": "owner",
    "due_in_past": "due_on",
    "due_too_far": "due_on",
    "due_not_working_day": "due_on",
    "unsur_not_weak": "unsur",
    "evidence_required": "note",
    "reason_required": "note",
    "note_too_long": "note",
    "completed_in_future": "completed_on",
    "completed_before_plan": "completed_on",
}


def _add_followup_error(form: Any, error: services.SurveyError) -> None:
    target = FOLLOWUP_ERROR_FIELDS.get(str(error.code))
    for message in error.messages:
        form.add_error(target if target in form.fields else None, message)


def _followup_unit(request: HttpRequest, pemda_code: str, opd_slug: str) -> tuple[OPD, bool]:
    """The unit (404 unless the user may read its report) and whether the user may plan."""
    unit = _unit_or_404(request, pemda_code, opd_slug, REPORT_ACTION, services.MANAGE)
    return unit, access.can(request.user, services.MANAGE, opd=unit)


@require_http_methods(["GET", "POST"])
def followups(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    """A unit's follow-up plans, and (``surveys.manage``) a new plan for a weak unsur."""
    unit, can_manage = _followup_unit(request, pemda_code, opd_slug)
    period, periods = _report_period(request, unit)
    names = web_selectors.unsur_names(unit)
    candidates = followup_selectors.followup_candidates(unit, period, names)
    form = None
    if can_manage and candidates:
        form = FollowUpCreateForm(
            request.POST or None,
            candidates=candidates,
            initial={"due_on": followup_services.followup_default_due(unit.pemda)},
        )
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            plan = followup_services.followup_create(
                actor=_actor(request),
                opd=unit,
                period=period,
                unsur=data["unsur"],
                action=data["action"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except services.SurveyError as error:
            _add_followup_error(form, error)
        else:
            messages.success(request, _("The follow-up plan was saved."))
            return HttpResponseRedirect(
                reverse("surveys:followup", args=[unit.pemda.code, unit.slug, plan.code])
            )
    return render(
        request,
        "surveys/followups.html",
        {
            "unit": unit,
            "period": period,
            "period_title": _period_label(period),
            "period_form": PeriodForm(initial={"period": str(period)}, periods=periods),
            "candidates": candidates,
            "form": form,
            "can_manage": can_manage,
            "plans": followup_selectors.unit_followups(unit, names=names),
        },
    )


def _status_choices(plan: FollowUpPlan) -> list[tuple[str, str]]:
    allowed = followup_services.TRANSITIONS[plan.status]
    return [(value, str(label)) for value, label in FollowUpStatus.choices if value in allowed]


@require_http_methods(["GET", "POST"])
def followup(request: HttpRequest, pemda_code: str, opd_slug: str, code: str) -> HttpResponse:
    """One plan: its details and history; (``surveys.manage``) change it or move its status."""
    unit, can_manage = _followup_unit(request, pemda_code, opd_slug)
    plan = access.access_object(
        request.user,
        FollowUpPlan.objects.filter(opd=unit).select_related("pemda", "opd"),
        REPORT_ACTION,
        code=code,
    )
    is_open = plan.status in followup_services.OPEN_STATUSES
    details_form = status_form = None
    if can_manage and is_open:
        details_form = FollowUpDetailsForm(
            request.POST if request.POST.get("form") == "details" else None,
            initial={"action": plan.action, "owner": plan.owner, "due_on": plan.due_on},
            prefix="details",
        )
        status_form = FollowUpStatusForm(
            request.POST if request.POST.get("form") == "status" else None,
            allowed=_status_choices(plan),
            prefix="status",
        )
    if request.method == "POST":
        if details_form is None or status_form is None:
            if not can_manage:
                raise PermissionDenied
            messages.error(request, _("This plan is closed."))
            return HttpResponseRedirect(request.path)
        try:
            if request.POST.get("form") == "details" and details_form.is_valid():
                data = details_form.cleaned_data
                followup_services.followup_update(
                    actor=_actor(request),
                    plan=plan,
                    action=data["action"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
                messages.success(request, _("The plan was updated."))
                return HttpResponseRedirect(request.path)
            if request.POST.get("form") == "status" and status_form.is_valid():
                data = status_form.cleaned_data
                followup_services.followup_transition(
                    actor=_actor(request),
                    plan=plan,
                    to_status=data["to_status"],
                    note=data["note"],
                    completed_on=data["completed_on"],
                )
                messages.success(request, _("The status was changed."))
                return HttpResponseRedirect(request.path)
        except PermissionError:
            raise PermissionDenied from None
        except services.SurveyError as error:
            target = details_form if request.POST.get("form") == "details" else status_form
            _add_followup_error(target, error)
    names = web_selectors.unsur_names(unit)
    row = followup_selectors.PlanRow(
        plan,
        unit.name,
        names.get(plan.unsur, plan.unsur),
        followup_selectors.local_today(unit.pemda),
    )
    return render(
        request,
        "surveys/followup.html",
        {
            "unit": unit,
            "row": row,
            "plan": plan,
            "period_title": _period_label(Period.parse(plan.period)),
            "history": followup_selectors.followup_history(plan),
            "details_form": details_form,
            "status_form": status_form,
            "can_manage": can_manage,
        },
    )


# ----------------------------------------------------------------------------- policy


@require_http_methods(["GET", "POST"])
def pemda_settings(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """The Pemda's SKM policy: weights, population source, invitation validity (its admin)."""
    pemda = _pemda_or_404(pemda_code)
    if not access.can(request.user, "pemda.manage_settings", pemda=pemda):
        raise Http404
    current = services.skm_settings_of(pemda.pk)
    form = SkmSettingsForm(
        request.POST or None,
        initial={
            "weight_mode": current.weight_mode,
            "population_source": current.population_source,
            "invitation_valid_days": current.invitation_valid_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.skm_settings_set(
                actor=_actor(request),
                pemda=pemda,
                weight_mode=data["weight_mode"],
                population_source=data["population_source"],
                invitation_valid_days=data["invitation_valid_days"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except services.SurveyError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The survey settings were saved."))
            return HttpResponseRedirect(request.path)
    return render(request, "surveys/settings.html", {"pemda": pemda, "form": form})


@require_http_methods(["GET", "POST"])
def population(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    """The unit's number of service users per period (the Krejcie & Morgan population)."""
    unit = _unit_or_404(request, pemda_code, opd_slug, services.MANAGE)
    today = web_selectors.local_today(unit.pemda)
    periods = web_selectors.period_choices(today)
    form = PopulationForm(
        request.POST or None,
        periods=periods,
        initial={"period": str(_period(request, Period.containing(today, QUARTER)))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.population_set(
                actor=_actor(request),
                opd=unit,
                period=Period.parse(data["period"]),
                population=data["population"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except services.SurveyError as error:
            form.add_error("population", error.messages[0])
        else:
            messages.success(request, _("The number of service users was saved."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "surveys/population.html",
        {
            "unit": unit,
            "form": form,
            "rows": [
                (row, _period_label(Period.parse(row.period)))
                for row in web_selectors.unit_populations(unit)
            ],
            "source": services.skm_settings_of(unit.pemda_id).get_population_source_display(),
        },
    )


@require_http_methods(["GET", "POST"])
def design(request: HttpRequest, pemda_code: str, opd_slug: str) -> HttpResponse:
    """The unit's own weights and extra unsur (``surveys.manage``); weights must sum to 1."""
    unit = _unit_or_404(request, pemda_code, opd_slug, services.MANAGE)
    questions = web_selectors.unit_questions(unit)
    current = web_selectors.unit_design(unit)
    form = UnitDesignForm(request.POST or None, questions=questions, initial=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        weights = {q.code: data[f"weight_{q.code}"] for q in form.standard}
        extra = []
        for code, name_id, name_en, labels, weight in data["extras"]:
            weights[code] = weight
            extra.append(services.ExtraUnsur(code, name_id, labels, name_en=name_en))
        try:
            services.unit_design_set(actor=_actor(request), opd=unit, weights=weights, extra=extra)
        except PermissionError:
            raise PermissionDenied from None
        except services.SurveyError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The unit's questions and weights were saved."))
            return HttpResponseRedirect(request.path)
    return render(request, "surveys/design.html", {"unit": unit, "form": form})
