"""Evaluation pages: instruments, opening a cycle, the cycle overview, assignments, the worksheet
(LKE) with evidence, verification, action plans, the report and the XLSX exports.

Cycles are fetched only through :func:`melayani.evaluation.selectors.cycle_for` (404 for anything
outside the user's reach); each action is checked again by its service. Views parse forms, call
one service or selector, and render.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from melayani.core import access, metrics
from melayani.core.models import OPD, Pemda, User
from melayani.core.selectors import action_holders
from melayani.evaluation import charts, selectors, services
from melayani.evaluation.exports import filled_worksheet, report_workbook
from melayani.evaluation.forms import (
    ActionItemForm,
    AnswerForm,
    AssignmentForm,
    CloneForm,
    CycleOpenForm,
    EvidenceForm,
    ImportForm,
    ProgressForm,
    VerifyForm,
    WindowsForm,
)
from melayani.evaluation.instruments import (
    instrument_clone,
    instrument_import,
    instrument_is_used,
    instrument_workbook,
    preset_weights_set,
    weight_problems,
)
from melayani.evaluation.models import (
    ActionItem,
    Answer,
    AssessmentCycle,
    Evidence,
    Instrument,
    NodeKind,
    PresetWeight,
    ScoreTier,
    WeightPreset,
)
from melayani.evaluation.scoring import display

MANAGE, ANSWER, VERIFY = services.MANAGE, services.ANSWER, services.VERIFY
INSTRUMENTS = "reform.instruments"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _cycle(
    request: HttpRequest, ref: str, actions: Sequence[str] = selectors.CYCLE_ACTIONS
) -> AssessmentCycle:
    cycle = selectors.cycle_for(request.user, ref, actions)
    if cycle is None:
        raise Http404
    return cycle


def _require(request: HttpRequest, action: str, cycle: AssessmentCycle) -> None:
    if not selectors.user_can(request.user, action, cycle):
        raise PermissionDenied


def _xlsx(book: Any, filename: str) -> HttpResponse:
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _cycle_url(cycle: AssessmentCycle, name: str = "cycle") -> str:
    return reverse(f"evaluation:{name}", args=[cycle.ref])


# ----------------------------------------------------------------------------- index, instruments


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    cycles = selectors.cycles_visible(request.user, (*selectors.CYCLE_ACTIONS, ANSWER)).order_by(
        "pemda__code", "-year"
    )[:200]
    manageable = Pemda.objects.filter(
        pk__in=access.scoped(request.user, Pemda.objects.all(), MANAGE).values("pk")
    ).order_by("code")[:50]
    return render(
        request,
        "evaluation/index.html",
        {
            "cycles": cycles,
            "manageable": manageable,
            "can_instruments": access.can(request.user, INSTRUMENTS),
        },
    )


@require_GET
def instruments(request: HttpRequest) -> HttpResponse:
    rows = [
        {"instrument": i, "used": instrument_is_used(i)}
        for i in Instrument.objects.order_by("code", "version").prefetch_related("presets")
    ]
    return render(request, "evaluation/instruments.html", {"rows": rows})


def _instrument_tree(instrument: Instrument) -> list[dict[str, Any]]:
    presets = list(instrument.presets.all())
    weights = {
        (w.preset_id, w.node_id): w.weight
        for w in PresetWeight.objects.filter(preset__instrument=instrument)
    }
    return [
        {
            "node": node,
            "weights": [(p, weights.get((p.pk, node.pk), "")) for p in presets],
            "options": "; ".join(f"{o['code']} = {o['value']}" for o in node.options),
        }
        for node in instrument.nodes.order_by("order")
    ]


@require_http_methods(["GET", "POST"])
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = Instrument.objects.filter(pk=pk).first()
    if instrument is None:
        raise Http404
    can_edit = access.can(request.user, INSTRUMENTS)
    used = instrument_is_used(instrument)
    clone_form = CloneForm(initial={"year_from": instrument.year_from + 1})
    import_form = ImportForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "clone":
                clone_form = CloneForm(request.POST)
                if clone_form.is_valid():
                    clone = instrument_clone(
                        actor=_actor(request),
                        instrument=instrument,
                        year_from=clone_form.cleaned_data["year_from"],
                    )
                    messages.success(
                        request, _("Version %(version)s was created.") % {"version": clone.version}
                    )
                    return HttpResponseRedirect(reverse("evaluation:instrument", args=[clone.pk]))
            elif action == "weights":
                with transaction.atomic():
                    for preset in instrument.presets.all():
                        prefix = f"w-{preset.code}-"
                        values = {
                            key.removeprefix(prefix): str(request.POST[key])
                            for key in request.POST
                            if key.startswith(prefix)
                        }
                        preset_weights_set(actor=_actor(request), preset=preset, weights=values)
                messages.success(request, _("The weights were saved."))
                return HttpResponseRedirect(reverse("evaluation:instrument", args=[instrument.pk]))
            elif action == "import":
                import_form = ImportForm(request.POST, request.FILES)
                if import_form.is_valid():
                    rows = instrument_import(
                        actor=_actor(request),
                        instrument=instrument,
                        file=import_form.cleaned_data["file"],
                    )
                    messages.success(
                        request, _("%(rows)s rows were read from the worksheet.") % {"rows": rows}
                    )
                    return HttpResponseRedirect(
                        reverse("evaluation:instrument", args=[instrument.pk])
                    )
        except ValidationError as error:
            _errors(request, error)
    problems = {p.code: weight_problems(p) for p in instrument.presets.all()}
    return render(
        request,
        "evaluation/instrument.html",
        {
            "instrument": instrument,
            "rows": _instrument_tree(instrument),
            "presets": list(instrument.presets.all()),
            "problems": problems,
            "used": used,
            "can_edit": can_edit,
            "clone_form": clone_form,
            "import_form": import_form,
        },
    )


@require_GET
def instrument_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = Instrument.objects.filter(pk=pk).first()
    if instrument is None:
        raise Http404
    return _xlsx(
        instrument_workbook(instrument), f"lke-{instrument.code}-v{instrument.version}.xlsx"
    )


# ----------------------------------------------------------------------------- opening a cycle


def _usable_presets(year: int | None = None) -> Any:
    presets = WeightPreset.objects.select_related("instrument").order_by(
        "instrument__code", "-instrument__version"
    )
    usable = [p.pk for p in presets if not weight_problems(p)]
    return WeightPreset.objects.filter(pk__in=usable).select_related("instrument")


@require_http_methods(["GET", "POST"])
def cycle_open(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = access.scoped(request.user, Pemda.objects.filter(code=pemda_code), MANAGE).first()
    if pemda is None:
        raise Http404
    windows = services.default_windows(pemda)
    # The lead is one of the Pemda's own RB team (a Pemda-wide role that runs the cycle).
    people = User.objects.filter(
        pk__in=[u.pk for u in action_holders(pemda_id=pemda.pk, action=MANAGE)]
    )
    form = CycleOpenForm(
        request.POST or None,
        initial={
            "year": windows.fill_starts.year,
            "fill_starts": windows.fill_starts,
            "fill_ends": windows.fill_ends,
            "verify_ends": windows.verify_ends,
            "finalise_ends": windows.finalise_ends,
            "lead": request.user.pk,
        },
        presets=_usable_presets(),
        people=people,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_open(
                actor=_actor(request),
                pemda=pemda,
                year=data["year"],
                preset=data["preset"],
                windows=form.windows(),
                lead=data["lead"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, _("The evaluation for %(year)s is open.") % {"year": cycle.year}
            )
            return HttpResponseRedirect(_cycle_url(cycle))
    return render(request, "evaluation/open.html", {"pemda": pemda, "form": form})


# ----------------------------------------------------------------------------- the cycle


def _sees_units(request: HttpRequest, cycle: AssessmentCycle) -> bool:
    """OPD names are shown to those who see the Pemda's OPD tree (not to its province)."""
    return access.can(request.user, "opd.view", pemda=cycle.pemda_id)


def _late(cycle: AssessmentCycle) -> bool:
    from melayani.workcalendar.selectors import pemda_today

    today = pemda_today(cycle.pemda)
    if cycle.status == "filling":
        return today > cycle.fill_ends
    if cycle.status == "verifying":
        return today > cycle.verify_ends
    return bool(cycle.finalised_at and cycle.finalised_at.date() > cycle.finalise_ends)


@require_GET
def cycle_detail(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref, (*selectors.CYCLE_ACTIONS, ANSWER))
    scores = selectors.scores_of(cycle)
    areas = selectors.area_results(cycle, scores)
    show_verified = selectors.verified_is_shown(cycle)
    chart = charts.bar_chart(
        [charts.Bar(a.title, a.self_percent, a.verified_percent) for a in areas if a.maximum],
        title=_("Score per area, as a percentage of its weight"),
        first=_("Self-assessment"),
        second=_("Verified") if show_verified else "",
    )
    can_manage = selectors.user_can(request.user, MANAGE, cycle)
    sees_people = access.can(request.user, "people.view", pemda=cycle.pemda_id)
    sees_units = _sees_units(request, cycle)
    return render(
        request,
        "evaluation/cycle.html",
        {
            "cycle": cycle,
            "self_score": scores.get(ScoreTier.SELF),
            "verified_score": scores.get(ScoreTier.VERIFIED) if show_verified else None,
            "areas": areas,
            "chart": chart,
            "units": selectors.unit_rows(cycle) if sees_units else [],
            "verifiers": selectors.verifier_rows(cycle) if sees_people else [],
            "sees_people": sees_people,
            "counts": selectors.cycle_counts(cycle),
            "late": _late(cycle),
            "can_manage": can_manage,
            "can_verify": selectors.user_can(request.user, VERIFY, cycle)
            or cycle.lead_id == request.user.pk,
            "windows_form": WindowsForm(
                initial={
                    "fill_starts": cycle.fill_starts,
                    "fill_ends": cycle.fill_ends,
                    "verify_ends": cycle.verify_ends,
                    "finalise_ends": cycle.finalise_ends,
                }
            ),
        },
    )


@require_POST
def cycle_advance(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref)
    _require(request, MANAGE, cycle)
    try:
        cycle = services.cycle_advance(actor=_actor(request), cycle=cycle)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("The evaluation is now “%(status)s”.") % {"status": cycle.get_status_display()},
        )
    return HttpResponseRedirect(_cycle_url(cycle))


@require_POST
def cycle_windows(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref)
    _require(request, MANAGE, cycle)
    form = WindowsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter every date of the phases."))
    else:
        try:
            services.cycle_windows_set(actor=_actor(request), cycle=cycle, windows=form.windows())
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The phase windows were saved."))
    return HttpResponseRedirect(_cycle_url(cycle))


def _assignable_nodes(cycle: AssessmentCycle) -> list[tuple[int, str]]:
    nodes = selectors.outline(cycle)
    return [
        (n.id, f"{'— ' * n.depth}{n.code} {n.title}"[:160])
        for n in nodes.values()
        if n.kind in (NodeKind.ASPECT, NodeKind.AREA, NodeKind.SUB_INDICATOR)
    ]


@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE,))
    opds, people = selectors.pemda_options(cycle)
    form = AssignmentForm(
        request.POST or None,
        nodes=_assignable_nodes(cycle),
        opds=OPD.objects.filter(pk__in=[o.pk for o in opds]),
        people=User.objects.filter(pk__in=[p.pk for p in people]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        node = cycle.instrument.nodes.filter(pk=data["node"]).first()
        try:
            if node is None:
                raise ValidationError(_("Choose an area or a sub-indicator of this instrument."))
            count = services.assignment_set(
                actor=_actor(request),
                cycle=cycle,
                node=node,
                opd=data["opd"],
                person=data["person"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, _("%(count)s sub-indicators were assigned.") % {"count": count}
            )
            return HttpResponseRedirect(reverse("evaluation:assignments", args=[cycle.ref]))
    nodes = selectors.outline(cycle)
    rows = [
        {"node": nodes[a.node_id], "opd": a.opd, "person": a.person}
        for a in cycle.assignments.select_related("opd", "person")
    ]
    order = {node_id: number for number, node_id in enumerate(nodes)}
    rows.sort(key=lambda r: order[r["node"].id])  # type: ignore[union-attr]
    return render(
        request, "evaluation/assignments.html", {"cycle": cycle, "form": form, "rows": rows}
    )


# ----------------------------------------------------------------------------- worksheet


def _sheet_context(
    request: HttpRequest, cycle: AssessmentCycle, row: selectors.SheetRow
) -> dict[str, Any]:
    return {
        "cycle": cycle,
        "row": row,
        "metrics": [(name, metrics.get(name).label) for name in metrics.names()],
    }


@require_GET
def worksheet(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE, VERIFY, ANSWER))
    opd = None
    if request.GET.get("opd"):
        opd = OPD.objects.filter(pemda_id=cycle.pemda_id, slug=request.GET["opd"]).first()
    rows = selectors.worksheet_rows(cycle, request.user, opd)
    if not rows and not selectors.user_can(request.user, MANAGE, cycle):
        raise Http404
    metric_names = [(name, metrics.get(name).label) for name in metrics.names()]
    return render(
        request,
        "evaluation/worksheet.html",
        {"cycle": cycle, "rows": rows, "opd": opd, "metrics": metric_names},
    )


def _answer_or_404(request: HttpRequest, cycle: AssessmentCycle, pk: int) -> Answer:
    answers = Answer.objects.filter(cycle=cycle, pk=pk)
    visible = (
        answers
        if selectors.user_can(request.user, MANAGE, cycle)
        or selectors.user_can(request.user, VERIFY, cycle)
        else access.scoped(request.user, answers, ANSWER)
    )
    answer = visible.select_related("cycle", "cycle__pemda", "opd").first()
    if answer is None:
        raise Http404
    return answer


def _row_response(
    request: HttpRequest,
    cycle: AssessmentCycle,
    answer: Answer,
    *,
    saved: bool = False,
    errors: Sequence[str] = (),
) -> HttpResponse:
    rows = selectors.worksheet_rows(cycle, request.user, answer_id=answer.pk)
    if not rows:
        raise Http404
    context = {**_sheet_context(request, cycle, rows[0]), "saved": saved, "errors": errors}
    return render(request, "evaluation/partials/answer_row.html", context)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    """One answer of the worksheet; with htmx the row comes back in place, showing "saved" or
    the reason it was refused (without htmx: back to the worksheet with a message)."""
    cycle = _cycle(request, ref, (MANAGE, VERIFY, ANSWER))
    found = _answer_or_404(request, cycle, pk)
    saved, errors = False, []
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if not form.is_valid():
            errors = [_("The answer or the justification is too long.")]
        else:
            try:
                services.answer_save(
                    actor=_actor(request),
                    answer=found,
                    raw=form.cleaned_data["raw"],
                    justification=form.cleaned_data["justification"],
                )
            except PermissionError:
                raise PermissionDenied from None
            except ValidationError as error:
                errors = list(error.messages)
            else:
                saved = True
        if not request.htmx:  # type: ignore[attr-defined]
            for message in errors:
                messages.error(request, message)
            if saved:
                messages.success(request, _("Saved."))
            return HttpResponseRedirect(f"{_cycle_url(cycle, 'worksheet')}#answer-{found.pk}")
    return _row_response(request, cycle, found, saved=saved, errors=errors)


@require_POST
def evidence_add(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE, VERIFY, ANSWER))
    found = _answer_or_404(request, cycle, pk)
    form = EvidenceForm(request.POST, request.FILES)
    actor = _actor(request)
    try:
        if not form.is_valid():
            raise ValidationError(_("Check the evidence form."))
        data = form.cleaned_data
        kind = data["kind"]
        validity = {"valid_from": data["valid_from"], "valid_until": data["valid_until"]}
        if kind == "file":
            if not data["file"]:
                raise ValidationError(_("Choose a file."))
            services.evidence_add_file(
                actor=actor,
                answer=found,
                upload=data["file"],
                title=data["title"] or data["file"].name,
                **validity,
            )
        elif kind == "link":
            services.evidence_add_link(
                actor=actor,
                answer=found,
                url=data["url"],
                title=data["title"] or data["url"],
                **validity,
            )
        elif kind == "metric":
            services.evidence_add_metric(actor=actor, answer=found, metric_name=data["metric"])
        else:
            source = selectors.reusable_evidence(cycle=cycle, source_id=data["source"])
            if source is None:
                raise ValidationError(_("Choose evidence of an earlier year."))
            services.evidence_reuse(actor=actor, answer=found, source=source)
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The evidence was added."))
    return HttpResponseRedirect(f"{_cycle_url(cycle, 'worksheet')}#answer-{found.pk}")


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    found = None
    for action in (MANAGE, VERIFY, ANSWER):
        found = access.scoped(
            request.user, Evidence.objects.filter(pk=pk, kind="file"), action
        ).first()
        if found is not None:
            break
    if found is None or not found.file:
        raise Http404
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name or "evidence",
        content_type=found.content_type,
    )


# ----------------------------------------------------------------------------- verification


@require_GET
def verification(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE, VERIFY))
    if not (selectors.user_can(request.user, VERIFY, cycle) or cycle.lead_id == request.user.pk):
        raise Http404
    rows = selectors.verification_rows(cycle, _actor(request))
    return render(
        request,
        "evaluation/verification.html",
        {"cycle": cycle, "rows": rows, "form": VerifyForm()},
    )


@require_POST
def verify(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE, VERIFY))
    found = _answer_or_404(request, cycle, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept, adjust or send back."))
    else:
        try:
            services.answer_verify(
                actor=_actor(request),
                answer=found,
                decision=form.cleaned_data["decision"],
                raw=form.cleaned_data["raw"],
                note=form.cleaned_data["note"],
            )
        except PermissionError as refusal:
            messages.error(request, str(refusal))
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The verification was saved."))
    return HttpResponseRedirect(f"{_cycle_url(cycle, 'verification')}#answer-{found.pk}")


# ----------------------------------------------------------------------------- action plans


@require_http_methods(["GET", "POST"])
def actions(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE, VERIFY, ANSWER))
    can_manage = selectors.user_can(request.user, MANAGE, cycle)
    gaps = selectors.cycle_gaps(cycle)
    opds, people = selectors.pemda_options(cycle) if can_manage else ([], [])
    form = ActionItemForm(
        request.POST or None,
        initial={"node": request.GET.get("node", "")},
        nodes=[
            (str(g.node_id), f"{g.code} {g.title}"[:160])
            for g in selectors.cycle_gaps(cycle, limit=100)
        ],
        opds=OPD.objects.filter(pk__in=[o.pk for o in opds]),
        people=User.objects.filter(pk__in=[p.pk for p in people]),
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            node = cycle.instrument.nodes.filter(pk=data["node"]).first() if data["node"] else None
            try:
                services.action_item_create(
                    actor=_actor(request),
                    cycle=cycle,
                    title=data["title"],
                    opd=data["opd"],
                    due_on=data["due_on"],
                    node=node,
                    person=data["person"],
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("The action was added to the plan."))
                return HttpResponseRedirect(_cycle_url(cycle, "actions"))
    items = selectors.cycle_actions(cycle)
    if not can_manage:
        items = items.filter(
            Q(
                pk__in=access.scoped(
                    request.user, ActionItem.objects.filter(cycle=cycle), ANSWER
                ).values("pk")
            )
        )
    from melayani.workcalendar.selectors import pemda_today

    return render(
        request,
        "evaluation/actions.html",
        {
            "cycle": cycle,
            "gaps": gaps,
            "items": items,
            "form": form if can_manage else None,
            "today": pemda_today(cycle.pemda),
            "progress_form": ProgressForm(),
        },
    )


@require_POST
def action_progress(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE, VERIFY, ANSWER))
    item = (
        ActionItem.objects.filter(cycle=cycle, pk=pk)
        .select_related("opd", "pemda", "cycle")
        .first()
    )
    if item is None:
        raise Http404
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a percentage from 0 to 100."))
    else:
        try:
            services.action_item_progress(actor=_actor(request), item=item, **form.cleaned_data)
        except PermissionError:
            raise Http404 from None
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The progress was saved."))
    return HttpResponseRedirect(_cycle_url(cycle, "actions"))


# ----------------------------------------------------------------------------- reports


@require_GET
def report(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref)
    scores = selectors.scores_of(cycle)
    areas = selectors.area_results(cycle, scores)
    show_verified = selectors.verified_is_shown(cycle)
    gaps = selectors.cycle_gaps(cycle)
    chart = charts.bar_chart(
        [charts.Bar(a.title, a.self_percent, a.verified_percent) for a in areas if a.maximum],
        title=_("Score per area, as a percentage of its weight"),
        first=_("Self-assessment"),
        second=_("Verified") if show_verified else "",
    )
    reviewers = selectors.user_can(request.user, MANAGE, cycle) or selectors.user_can(
        request.user, VERIFY, cycle
    )
    # Verification notes are free text officials type: only for the RB team and the Inspektorat.
    notes = (
        Answer.objects.filter(cycle=cycle)
        .exclude(verification_note="")
        .values_list("question__code", "verification_note")[:20]
    )
    return render(
        request,
        "evaluation/report.html",
        {
            "cycle": cycle,
            "self_score": scores.get(ScoreTier.SELF),
            "verified_score": scores.get(ScoreTier.VERIFIED) if show_verified else None,
            "areas": areas,
            "chart": chart,
            "strengths": selectors.cycle_strengths(cycle),
            "gaps": gaps,
            "recommendations": [
                _("Raise “%(title)s” (%(area)s): %(lost)s of %(weight)s points are lost.")
                % {
                    "title": g.title,
                    "area": g.area,
                    "lost": display(g.lost),
                    "weight": display(g.weight),
                }
                for g in gaps[:5]
            ],
            "notes": notes if reviewers else [],
            "sees_units": _sees_units(request, cycle),
            "items": selectors.cycle_actions(cycle),
        },
    )


@require_GET
def report_xlsx(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref)
    book = report_workbook(cycle, units=_sees_units(request, cycle))
    return _xlsx(book, f"laporan-evaluasi-{cycle.pemda.code}-{cycle.year}.xlsx")


@require_GET
def worksheet_xlsx(request: HttpRequest, ref: str) -> HttpResponse:
    cycle = _cycle(request, ref, (MANAGE, VERIFY, ANSWER))
    return _xlsx(filled_worksheet(cycle, request.user), f"lke-{cycle.pemda.code}-{cycle.year}.xlsx")
