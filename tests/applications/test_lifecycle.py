"""The state machine: every transition allowed and refused, permissions, timeline and audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from melayani.applications import selectors, services
from melayani.applications.models import Application, ApplicationEvent, ApplicationStatus
from melayani.applications.services import TransitionError
from melayani.audit.models import AuditEvent
from tests.applications.factories import service_make, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def service(world):
    # The officer works in the service desk (a unit below Dukcapil); its head supervises both.
    return service_make(world.dukcapil_service_desk)


def in_status(world, service, status: str) -> Application:
    officer = world["officer"]
    app = submit(service)
    path = {
        S.SUBMITTED: [],
        S.VERIFIED: ["verify"],
        S.IN_PROCESS: ["verify", "start"],
        S.RETURNED: ["verify", "return"],
        S.COMPLETED: ["verify", "start", "complete"],
        S.REJECTED: ["reject"],
    }[status]
    for step in path:
        ACTIONS[step](officer, app)
    assert app.status == status
    return app


ACTIONS: dict[str, Callable[[Any, Application], Any]] = {
    "verify": lambda a, app: services.application_verify(actor=a, application=app),
    "start": lambda a, app: services.application_start(actor=a, application=app),
    "return": lambda a, app: services.application_return(
        actor=a, application=app, reason="KTP buram"
    ),
    "complete": lambda a, app: services.application_complete(actor=a, application=app),
    "reject": lambda a, app: services.application_reject(
        actor=a, application=app, reason="Bukan warga"
    ),
    "resubmit": lambda a, app: services.application_resubmit(
        application=app, data={"message": "Sudah saya perbaiki"}, files={}
    ),
}

ALLOWED = {
    S.SUBMITTED: {"verify", "return", "reject"},
    S.VERIFIED: {"start", "return", "reject"},
    S.IN_PROCESS: {"complete", "return", "reject"},
    S.RETURNED: {"resubmit", "reject"},
    S.COMPLETED: set(),
    S.REJECTED: set(),
}
TARGET = {
    "verify": S.VERIFIED,
    "start": S.IN_PROCESS,
    "return": S.RETURNED,
    "complete": S.COMPLETED,
    "reject": S.REJECTED,
}


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_allowed_or_refused(world, service, status, action):
    app = in_status(world, service, status)
    events_before = app.events.count()
    if action in ALLOWED[status]:
        ACTIONS[action](world["officer"], app)
        app.refresh_from_db()
        expected = TARGET.get(action) or S.VERIFIED  # resubmit goes back to where it was
        assert app.status == expected
        assert app.events.count() == events_before + 1
        assert AuditEvent.objects.filter(
            action=f"application.{action}", target_id=str(app.pk)
        ).exists()
    else:
        with pytest.raises(TransitionError):
            ACTIONS[action](world["officer"], app)
        app.refresh_from_db()
        assert app.status == status
        assert app.events.count() == events_before


def test_resubmit_returns_to_the_status_it_was_returned_from(world, service):
    app = in_status(world, service, S.IN_PROCESS)
    ACTIONS["return"](world["officer"], app)
    ACTIONS["resubmit"](None, app)
    assert app.status == S.IN_PROCESS
    early = submit(service)
    ACTIONS["return"](world["officer"], early)
    ACTIONS["resubmit"](None, early)
    assert early.status == S.SUBMITTED and early.verified_at is None


@pytest.mark.parametrize("persona", ["citizen", "other_pemda_officer", "inspector", "liaison"])
def test_outsiders_cannot_process(world, service, persona):
    app = submit(service)
    with pytest.raises(PermissionError):
        services.application_verify(actor=world[persona], application=app)
    with pytest.raises(PermissionError):
        services.application_note_add(
            actor=world[persona], application=app, text="x", visible_to_citizen=False
        )
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED


def test_officer_handles_only_own_subtree(world):
    parent_service = service_make(world.dukcapil)
    app = submit(parent_service)
    with pytest.raises(PermissionError):
        services.application_verify(actor=world["officer"], application=app)
    services.application_verify(actor=world["opd_head"], application=app)  # head: whole Dukcapil


def test_extend_and_assign_need_supervision(world, service):
    app = in_status(world, service, S.VERIFIED)
    with pytest.raises(PermissionError):
        services.application_extend(
            actor=world["officer"], application=app, amount=2, unit="working_days", reason="x"
        )
    with pytest.raises(PermissionError):
        services.application_assign(
            actor=world["officer"], application=app, officer=world["officer"]
        )
    services.application_assign(actor=world["opd_head"], application=app, officer=world["officer"])
    assert app.assigned_to == world["officer"]
    with pytest.raises(ValidationError) as refused:
        services.application_assign(
            actor=world["opd_head"], application=app, officer=world["other_pemda_officer"]
        )
    assert "officer" in refused.value.error_dict


def test_reasons_are_required(world, service):
    app = submit(service)
    for call in (
        lambda: services.application_reject(actor=world["officer"], application=app, reason="  "),
        lambda: services.application_return(actor=world["officer"], application=app, reason=""),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert "reason" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.application_extend(
            actor=world["opd_head"], application=app, amount=0, unit="weeks", reason=""
        )
    assert set(refused.value.error_dict) == {"amount", "unit", "reason"}


def test_extension_needs_a_running_clock(world, service):
    app = submit(service)
    with pytest.raises(TransitionError):
        services.application_extend(
            actor=world["opd_head"], application=app, amount=1, unit="working_days", reason="x"
        )


def test_claim(world, service):
    app = submit(service)
    services.application_claim(actor=world["officer"], application=app)
    assert app.assigned_to == world["officer"]
    services.application_claim(actor=world["officer"], application=app)  # again: no change
    assert app.events.filter(action="claim").count() == 1
    with pytest.raises(ValidationError):
        services.application_claim(actor=world["opd_head"], application=app)


def test_notes_internal_and_visible(world, service):
    app = submit(service)
    services.application_note_add(
        actor=world["officer"], application=app, text="Cek ke SIAK", visible_to_citizen=False
    )
    services.application_note_add(
        actor=world["officer"], application=app, text="Mohon bawa KK asli", visible_to_citizen=True
    )
    citizen = [e.body for e in selectors.application_timeline(app, for_citizen=True)]
    officer = [e.body for e in selectors.application_timeline(app, for_citizen=False)]
    assert "Mohon bawa KK asli" in citizen and "Cek ke SIAK" not in citizen
    assert "Cek ke SIAK" in officer


def test_complete_publishes_after_commit(world, service, django_capture_on_commit_callbacks):
    from melayani.core import events

    seen: list[dict[str, Any]] = []
    handler = lambda event: seen.append(event.payload)  # noqa: E731
    events.subscribe("applications.completed", handler)
    try:
        app = in_status(world, service, S.IN_PROCESS)
        with django_capture_on_commit_callbacks(execute=True):
            services.application_complete(
                actor=world["officer"], application=app, message="Ambil di loket 2"
            )
    finally:
        events._subscribers["applications.completed"].remove(handler)
    assert seen == [
        {
            "application_id": app.pk,
            "service_id": service.pk,
            "pemda_id": world.merauke.pk,
            "opd_id": world.dukcapil_service_desk.pk,
        }
    ]
    assert app.product_ready_at is not None
    assert ApplicationEvent.objects.filter(
        application=app, action="complete", message="Ambil di loket 2"
    ).exists()
