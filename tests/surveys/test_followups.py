"""Follow-up plans (rencana tindak lanjut) on the weak unsur: services, pages, report, public."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from melayani.audit.models import AuditEvent
from melayani.core import metrics
from melayani.surveys import followup_selectors, followup_services, services
from melayani.surveys.models import FollowUpPlan, FollowUpStatus
from melayani.surveys.periods import QUARTER, Period
from melayani.surveys.web_selectors import local_today
from melayani.workcalendar.selectors import clock_for_pemda
from tests.catalog.factories import published_service
from tests.conftest import World
from tests.core.factories import OPDFactory
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db

# U3 is the weakest (1.6667, mutu D); U2 is 3.3333 (B); U1 3.6667 (A).
RESPONDENTS = [
    {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 3, "U9": 3},
    {"U1": 3, "U2": 3, "U3": 2, "U4": 4, "U5": 4, "U6": 3, "U7": 4, "U8": 3, "U9": 4},
    {"U1": 4, "U2": 4, "U3": 1, "U4": 4, "U5": 3, "U6": 4, "U7": 3, "U8": 4, "U9": None},
]


def _answer(service: Any) -> None:
    for answers in RESPONDENTS:
        services.response_submit_kiosk(service=service, answers=answers)


def _period(world: World) -> Period:
    return Period.containing(local_today(world.merauke), QUARTER)


def _due(world: World) -> dt.date:
    return followup_services.followup_default_due(world.merauke)


def _plan(world: World, **overrides: Any) -> FollowUpPlan:
    values: dict[str, Any] = {
        "actor": world["opd_head"],
        "opd": world.dukcapil,
        "period": _period(world),
        "unsur": "U3",
        "action": "Tambah petugas loket pada jam sibuk",
        "owner": "Kepala Bidang Pelayanan",
        "due_on": _due(world),
    }
    values.update(overrides)
    return followup_services.followup_create(**values)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- services ------------------------------------------------------------------------------------


def test_a_plan_for_the_weakest_unsur_is_recorded_with_history_and_audit(
    world: World, service: Any
) -> None:
    _answer(service)
    plan = _plan(world)
    assert (plan.status, plan.unsur, plan.period) == ("planned", "U3", str(_period(world)))
    assert str(plan.nrr) == "1.6667"
    assert (plan.period_start, plan.period_end) == (_period(world).start, _period(world).end)
    assert len(plan.code) >= 12 and not plan.code.isdigit()
    history = followup_selectors.followup_history(plan)
    assert [(h.from_status, h.to_status) for h in history] == [("", "planned")]
    event = AuditEvent.objects.get(action="surveys.followup_created")
    assert event.target_id == str(plan.pk) and event.pemda_id == world.merauke.pk
    assert event.actor_id == world["opd_head"].pk


def test_candidates_are_the_weakest_and_the_unsur_in_mutu_c_or_d(
    world: World, service: Any
) -> None:
    _answer(service)
    candidates = followup_selectors.followup_candidates(world.dukcapil, _period(world))
    assert [(c.code, c.weakest, c.mutu) for c in candidates] == [("U3", True, "D")]
    # A period without answers has no candidates, so no plan can be made for it.
    assert followup_selectors.followup_candidates(world.dukcapil, Period(2020)) == []
    with pytest.raises(services.SurveyError) as refused:
        _plan(world, period=Period(2020))
    assert refused.value.code == "unsur_not_weak"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"unsur": "U1"}, "unsur_not_weak"),
        ({"unsur": "U99"}, "unsur_not_weak"),
        ({"action": "   "}, "action_required"),
        ({"action": "x" * 2001}, "action_too_long"),
        ({"owner": ""}, "owner_required"),
        ({"due_on": dt.date(2020, 1, 6)}, "due_in_past"),
        ({"due_on": dt.date(2090, 1, 6)}, "due_too_far"),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_saved(
    world: World, service: Any, overrides: dict[str, Any], code: str
) -> None:
    _answer(service)
    with pytest.raises(services.SurveyError) as refused:
        _plan(world, **overrides)
    assert refused.value.code == code
    assert not FollowUpPlan.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="surveys.followup").exists()


def test_the_due_date_must_be_a_working_day_of_the_pemda(world: World, service: Any) -> None:
    _answer(service)
    clock = clock_for_pemda(world.merauke)
    day = local_today(world.merauke) + dt.timedelta(days=10)
    while clock.is_working_day(day):
        day += dt.timedelta(days=1)
    with pytest.raises(services.SurveyError) as refused:
        _plan(world, due_on=day)
    assert refused.value.code == "due_not_working_day"
    following = clock.next_working_day(day)
    assert f"{following.day} {following.strftime('%B')} {following.year}" in str(refused.value)
    assert _plan(world, due_on=following).due_on == following
    # The offered due date is a working day, sixty working days on.
    assert clock.is_working_day(_due(world))


def test_only_unit_managers_plan(world: World, service: Any) -> None:
    _answer(service)
    for persona in ("officer", "leader", "inspector", "other_pemda_admin", "citizen"):
        with pytest.raises(PermissionError):
            _plan(world, actor=world[persona])
    assert _plan(world, actor=world["pemda_admin"]).created_by == world["pemda_admin"]
    with pytest.raises(PermissionError):
        _plan(world, actor=None)


def test_status_moves_along_the_state_machine(world: World, service: Any) -> None:
    _answer(service)
    plan = _plan(world)
    head = world["opd_head"]
    followup_services.followup_transition(actor=head, plan=plan, to_status="in_progress")
    assert plan.status == "in_progress"
    with pytest.raises(services.SurveyError) as refused:
        followup_services.followup_transition(actor=head, plan=plan, to_status="planned")
    assert refused.value.code == "transition_not_allowed"
    with pytest.raises(services.SurveyError) as refused:
        followup_services.followup_transition(actor=head, plan=plan, to_status="done")
    assert refused.value.code == "evidence_required"
    today = local_today(world.merauke)
    with pytest.raises(services.SurveyError) as refused:
        followup_services.followup_transition(
            actor=head,
            plan=plan,
            to_status="done",
            note="x",
            completed_on=today + dt.timedelta(days=1),
        )
    assert refused.value.code == "completed_in_future"
    with pytest.raises(services.SurveyError) as refused:
        followup_services.followup_transition(
            actor=head, plan=plan, to_status="done", note="x", completed_on=dt.date(2020, 1, 1)
        )
    assert refused.value.code == "completed_before_plan"
    with pytest.raises(PermissionError):
        followup_services.followup_transition(
            actor=world["other_pemda_admin"], plan=plan, to_status="done", note="x"
        )
    followup_services.followup_transition(
        actor=head, plan=plan, to_status="done", note="Loket kedua dibuka sejak 1 Juni."
    )
    plan.refresh_from_db()
    assert (plan.status, plan.completed_on, plan.evidence) == (
        "done",
        today,
        "Loket kedua dibuka sejak 1 Juni.",
    )
    history = [(h.from_status, h.to_status) for h in followup_selectors.followup_history(plan)]
    assert history == [("", "planned"), ("planned", "in_progress"), ("in_progress", "done")]
    assert AuditEvent.objects.filter(action="surveys.followup_status_changed").count() == 2
    # Done is final: no other status, no more edits.
    with pytest.raises(services.SurveyError) as refused:
        followup_services.followup_transition(
            actor=head, plan=plan, to_status="cancelled", note="x"
        )
    assert refused.value.code == "transition_not_allowed"
    with pytest.raises(services.SurveyError) as refused:
        followup_services.followup_update(
            actor=head, plan=plan, action="y", owner="z", due_on=plan.due_on
        )
    assert refused.value.code == "followup_closed"


def test_cancelling_needs_a_reason_and_edits_are_audited(world: World, service: Any) -> None:
    _answer(service)
    plan = _plan(world)
    head = world["opd_head"]
    with pytest.raises(services.SurveyError) as refused:
        followup_services.followup_transition(actor=head, plan=plan, to_status="cancelled")
    assert refused.value.code == "reason_required"
    followup_services.followup_update(
        actor=head, plan=plan, action="Buka loket sore", owner="Sekretaris", due_on=plan.due_on
    )
    assert (plan.action, plan.owner) == ("Buka loket sore", "Sekretaris")
    changed = AuditEvent.objects.get(action="surveys.followup_changed")
    assert set(changed.changed_fields) == {"action", "owner"}
    # An unchanged save records nothing.
    followup_services.followup_update(
        actor=head, plan=plan, action="Buka loket sore", owner="Sekretaris", due_on=plan.due_on
    )
    assert AuditEvent.objects.filter(action="surveys.followup_changed").count() == 1
    followup_services.followup_transition(
        actor=head, plan=plan, to_status="cancelled", note="Digabung dengan rencana lain"
    )
    assert plan.status == "cancelled" and plan.completed_on is None


def test_overdue_and_on_time(world: World, service: Any) -> None:
    _answer(service)
    late = _plan(world)
    FollowUpPlan.objects.filter(pk=late.pk).update(due_on=dt.date(2025, 1, 2))
    row = followup_selectors.unit_followups(world.dukcapil)[0]
    assert row.overdue and row.tone == "danger" and row.on_time is None
    done = _plan(world, action="Perbaiki papan informasi")
    followup_services.followup_transition(
        actor=world["opd_head"], plan=done, to_status="done", note="Papan baru terpasang."
    )
    rows = {r.plan.pk: r for r in followup_selectors.unit_followups(world.dukcapil)}
    assert rows[done.pk].on_time is True and not rows[done.pk].overdue
    assert rows[done.pk].tone == "ok"


def test_the_on_time_metric_is_registered_and_counts_plans_due_in_the_period(
    world: World, service: Any
) -> None:
    _answer(service)
    head = world["opd_head"]
    plans = [_plan(world, action=f"Aksi {i}") for i in range(4)]
    for plan in plans[:2]:
        followup_services.followup_transition(actor=head, plan=plan, to_status="done", note="ok")
    followup_services.followup_transition(
        actor=head, plan=plans[3], to_status="cancelled", note="batal"
    )
    # The second was done after its (back-dated) due date: not on time.
    today = local_today(world.merauke)
    FollowUpPlan.objects.filter(pk=plans[1].pk).update(due_on=today - dt.timedelta(days=1))
    metric = metrics.get("surveys.followup_on_time")
    start, end = today - dt.timedelta(days=400), today + dt.timedelta(days=400)
    value = metric.compute(world.merauke.pk, start, end)
    assert (value.numerator, value.denominator) == (1, 3)  # the cancelled one is not counted
    assert str(value.value) == "33.33"
    assert value.details == {"done": 2}
    empty = metric.compute(world.yogyakarta.pk, start, end)
    assert (empty.value, empty.denominator) == (None, 0)


# --- pages ---------------------------------------------------------------------------------------


def _followups_url(world: World, period: Period | None = None) -> str:
    url = reverse("surveys:followups", args=[world.merauke.code, world.dukcapil.slug])
    return f"{url}?period={period}" if period else url


def _plan_url(world: World, plan: FollowUpPlan) -> str:
    return reverse("surveys:followup", args=[world.merauke.code, world.dukcapil.slug, plan.code])


def test_the_unit_head_plans_from_the_page(world: World, service: Any) -> None:
    _answer(service)
    period = _period(world)
    client = client_for("opd_head", world)
    page = client.get(_followups_url(world, period))
    assert page.status_code == 200
    text = _text(page.content.decode())
    assert "U3 Completion time (Waktu penyelesaian): NRR 1.6667" in text
    due = _due(world)
    assert f'value="{due.isoformat()}"' in page.content.decode()
    posted = client.post(
        _followups_url(world, period),
        {"unsur": "U3", "action": "Tambah loket", "owner": "Kabid Pelayanan", "due_on": due},
    )
    plan = FollowUpPlan.objects.get()
    assert posted.status_code == 302 and posted["Location"] == _plan_url(world, plan)
    # Bad input: errors at the fields, nothing saved.
    again = client.post(
        _followups_url(world, period),
        {"unsur": "U1", "action": "", "owner": "Kabid", "due_on": "2020-01-06"},
    )
    assert again.status_code == 200
    assert FollowUpPlan.objects.count() == 1
    assert 'class="field-error"' in again.content.decode()


def test_a_service_refusal_is_shown_at_its_field(world: World, service: Any) -> None:
    _answer(service)
    response = client_for("opd_head", world).post(
        _followups_url(world, _period(world)),
        {"unsur": "U3", "action": "Tambah loket", "owner": "Kabid", "due_on": "2020-01-06"},
    )
    assert response.status_code == 200
    assert "The due date is in the past." in response.content.decode()
    assert not FollowUpPlan.objects.exists()


def test_readers_see_plans_but_only_managers_change_them(world: World, service: Any) -> None:
    _answer(service)
    plan = _plan(world)
    period = _period(world)
    for persona in ("leader", "inspector", "national_analyst"):
        client = client_for(persona, world)
        listing = client.get(_followups_url(world, period))
        assert listing.status_code == 200, persona
        assert "Tambah petugas loket" in listing.content.decode()
        assert 'name="unsur"' not in listing.content.decode()
        assert client.post(_followups_url(world, period), {"unsur": "U3"}).status_code == 403
        detail = client.get(_plan_url(world, plan))
        assert (
            detail.status_code == 200 and 'name="status-to_status"' not in detail.content.decode()
        )
        assert client.post(_plan_url(world, plan), {"form": "status"}).status_code == 403
    for persona in ("other_pemda_admin", "other_pemda_officer", "citizen"):
        client = client_for(persona, world)
        assert client.get(_followups_url(world)).status_code == 404, persona
        assert client.get(_plan_url(world, plan)).status_code == 404, persona
    assert Client().get(_followups_url(world)).status_code == 302
    # A plan of another unit is not found under this unit's address.
    other_unit = OPDFactory(pemda=world.merauke, name="Dinas Lain")
    other_service = published_service(other_unit, code="skm-other-unit")
    _answer(other_service)
    other_plan = _plan(world, actor=world["pemda_admin"], opd=other_unit)
    url = reverse(
        "surveys:followup", args=[world.merauke.code, world.dukcapil.slug, other_plan.code]
    )
    assert client_for("pemda_admin", world).get(url).status_code == 404


def test_status_and_details_change_from_the_plan_page(world: World, service: Any) -> None:
    _answer(service)
    plan = _plan(world)
    client = client_for("opd_head", world)
    url = _plan_url(world, plan)
    page = client.get(url).content.decode()
    assert 'value="in_progress"' in page and 'value="planned"' not in page
    refused = client.post(url, {"form": "status", "status-to_status": "done", "status-note": ""})
    assert refused.status_code == 200
    assert "Describe what was done" in refused.content.decode()
    moved = client.post(
        url,
        {"form": "status", "status-to_status": "done", "status-note": "Loket kedua dibuka."},
    )
    assert moved.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "done" and plan.evidence == "Loket kedua dibuka."
    closed = client.get(url).content.decode()
    assert 'name="status-to_status"' not in closed and 'name="details-action"' not in closed
    assert "Loket kedua dibuka." in closed
    second = _plan(world, action="Perbaiki antrean")
    edited = client.post(
        _plan_url(world, second),
        {
            "form": "details",
            "details-action": "Perbaiki antrean daring",
            "details-owner": "Kasi Layanan",
            "details-due_on": second.due_on.isoformat(),
        },
    )
    assert edited.status_code == 302
    second.refresh_from_db()
    assert (second.action, second.owner) == ("Perbaiki antrean daring", "Kasi Layanan")


def test_the_report_and_its_workbook_carry_the_follow_up_plan(world: World, service: Any) -> None:
    _answer(service)
    plan = _plan(world)
    done = _plan(world, action="Papan informasi")
    followup_services.followup_transition(
        actor=world["opd_head"], plan=done, to_status="done", note="Terpasang."
    )
    period = _period(world)
    report_url = reverse("surveys:report", args=[world.merauke.code, world.dukcapil.slug])
    body = client_for("leader", world).get(f"{report_url}?period={period}").content.decode()
    assert "Follow-up plan (rencana tindak lanjut)" in body
    assert f'data-testid="followup-{plan.code}"' in body
    assert "Kepala Bidang Pelayanan" in body  # officials see who is responsible
    xlsx_url = reverse("surveys:report-xlsx", args=[world.merauke.code, world.dukcapil.slug])
    xlsx = client_for("leader", world).get(f"{xlsx_url}?period={period}")
    rows = list(load_workbook(io.BytesIO(xlsx.content))["Summary"].iter_rows(values_only=True))
    start = rows.index(("Follow-up plan (rencana tindak lanjut)",) + (None,) * 7)
    header = rows[start + 1]
    assert header[:6] == ("Code", "Unsur", "Action", "Responsible", "Due date", "Status")
    plans = {row[2]: row for row in rows[start + 2 :] if row[0]}
    assert plans["Tambah petugas loket pada jam sibuk"][5] == "Planned"
    assert plans["Tambah petugas loket pada jam sibuk"][4].date() == plan.due_on
    assert plans["Papan informasi"][5] == "Done"
    assert plans["Papan informasi"][6].date() == local_today(world.merauke)
    assert plans["Papan informasi"][7] == "Terpasang."


def test_the_public_page_shows_status_due_date_overdue_and_evidence(
    world: World, service: Any
) -> None:
    _answer(service)
    late = _plan(world, action="Tambah loket sore")
    FollowUpPlan.objects.filter(pk=late.pk).update(due_on=dt.date(2025, 2, 3))
    done = _plan(world, action="Papan alur layanan")
    followup_services.followup_transition(
        actor=world["opd_head"], plan=done, to_status="done", note="Papan terpasang di lobi."
    )
    url = reverse("surveys:pemda", args=[world.merauke.code])
    response = Client().get(url)
    assert response.status_code == 200
    body = response.content.decode()
    late_row = _text(body.split(f'data-testid="followup-{late.code}"', 1)[1].split("</tr>")[0])
    assert "Tambah loket sore" in late_row and " · Quarter " in late_row
    assert "3 February 2025" in late_row and "Planned" in late_row and "Overdue" in late_row
    done_row = _text(body.split(f'data-testid="followup-{done.code}"', 1)[1].split("</tr>")[0])
    today = local_today(world.merauke)
    assert "Done" in done_row and "Overdue" not in done_row
    assert f"{today.day} {today.strftime('%B')} {today.year}: Papan terpasang di lobi." in done_row
    # Who is responsible stays with the officials.
    assert "Kepala Bidang Pelayanan" not in body
    # A chosen period long before lists none of them.
    older = Client().get(f"{url}?period=2020").content.decode()
    assert late.code not in older and "No follow-up plans." in older


def test_public_page_queries_do_not_grow_with_plans(world: World, service: Any) -> None:
    _answer(service)
    url = reverse("surveys:pemda", args=[world.merauke.code])
    _plan(world)
    with CaptureQueriesContext(connection) as few:
        Client().get(url)
    for index in range(5):
        _plan(world, action=f"Aksi {index}")
    with CaptureQueriesContext(connection) as many:
        body = Client().get(url).content.decode()
    assert body.count('data-testid="followup-') == 6
    assert len(many) == len(few)


def test_followup_statuses_are_translatable_labels() -> None:
    assert {str(label) for _value, label in FollowUpStatus.choices} == {
        "Planned",
        "In progress",
        "Done",
        "Cancelled",
    }


def test_a_period_without_answers_offers_no_plan(world: World, service: Any) -> None:
    client = client_for("opd_head", world)
    url = _followups_url(world, Period(2020))
    page = client.get(url).content.decode()
    assert "This period has no answers yet" in page and 'name="unsur"' not in page
    posted = client.post(
        url, {"unsur": "U3", "action": "x", "owner": "y", "due_on": _due(world).isoformat()}
    )
    assert posted.status_code == 200
    assert not FollowUpPlan.objects.exists()


def test_the_coverage_metric_counts_surveyed_units_with_a_plan(world: World, service: Any) -> None:
    _answer(service)
    other_unit = OPDFactory(pemda=world.merauke, name="Dinas Tanpa Rencana")
    _answer(published_service(other_unit, code="skm-no-plan"))
    metric = metrics.get("surveys.followup_coverage")
    period = _period(world)
    before = metric.compute(world.merauke.pk, period.start, period.end)
    assert (before.numerator, before.denominator, str(before.value)) == (0, 2, "0.00")
    plan = _plan(world)
    half = metric.compute(world.merauke.pk, period.start, period.end)
    assert (half.numerator, half.denominator, str(half.value)) == (1, 2, "50.00")
    followup_services.followup_transition(
        actor=world["opd_head"], plan=plan, to_status="cancelled", note="batal"
    )
    assert metric.compute(world.merauke.pk, period.start, period.end).numerator == 0
    old = metric.compute(world.merauke.pk, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert (old.value, old.denominator) == (None, 0)
