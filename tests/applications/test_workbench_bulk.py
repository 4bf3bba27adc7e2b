"""Bulk actions on the queue: each row through the service functions, failures told per row."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from melayani.applications.models import Application, ApplicationEvent, ApplicationStatus
from melayani.applications.tracking import tracking_code_display
from tests.applications.workbench_factories import (  # noqa: F401 — fixture
    Desk,
    application_make,
    desk_fixture,
)
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db

BULK = "/kerja/massal/"


def post(client: Client, **data):
    data.setdefault("next", "/kerja/?status=submitted")
    return client.post(BULK, data)


def told(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def test_claim_selected(desk: Desk) -> None:
    second = application_make(desk.desk_service)
    officer = desk.world["officer"]
    response = post(
        client_for("officer", desk.world),
        action="claim",
        selected=[desk.submitted.pk, second.pk],
    )
    assert response.status_code == 302
    assert response["Location"] == "/kerja/?status=submitted"
    assert fresh(desk.submitted).assigned_to == officer
    assert fresh(second).assigned_to == officer
    # Through the service: the timeline and the audit trail have the claim.
    assert ApplicationEvent.objects.filter(application=second, action="claim").exists()
    [(level, text)] = told(response)
    assert level == "success"
    assert tracking_code_display(second.tracking_code) in text


def test_verify_selected_reports_each_row(desk: Desk) -> None:
    response = post(
        client_for("officer", desk.world),
        action="verify",
        selected=[desk.submitted.pk, desk.overdue.pk],
    )
    assert fresh(desk.submitted).status == ApplicationStatus.VERIFIED
    assert fresh(desk.submitted).due_at is not None
    assert fresh(desk.overdue).status == ApplicationStatus.IN_PROCESS  # untouched
    messages = told(response)
    assert (
        "error",
        f"{tracking_code_display(desk.overdue.tracking_code)}: Not verified: "
        "it is “In process”, not “submitted”.",
    ) in messages
    assert any(
        level == "success" and tracking_code_display(desk.submitted.tracking_code) in text
        for level, text in messages
    )


def test_partial_failure_other_units_and_other_pemda_rows_are_not_touched(desk: Desk) -> None:
    taken = application_make(desk.desk_service, assigned_to=desk.world["opd_head"])
    response = post(
        client_for("officer", desk.world),
        action="claim",
        selected=[desk.submitted.pk, desk.parent.pk, desk.jogja.pk, taken.pk, 999999],
    )
    assert response.status_code == 302
    assert fresh(desk.submitted).assigned_to == desk.world["officer"]
    assert fresh(desk.parent).assigned_to is None
    assert fresh(desk.jogja).assigned_to is None
    assert fresh(taken).assigned_to == desk.world["opd_head"]
    messages = told(response)
    errors = [text for level, text in messages if level == "error"]
    # Rows out of reach look exactly like rows that do not exist.
    assert f"Application {desk.parent.pk}: not found or not yours to see." in errors
    assert f"Application {desk.jogja.pk}: not found or not yours to see." in errors
    assert "Application 999999: not found or not yours to see." in errors
    assert (
        f"{tracking_code_display(taken.tracking_code)}: "
        "Another officer already handles this application." in errors
    )
    assert sum(level == "success" for level, _ in messages) == 1


def test_head_assigns_selected_to_an_officer_of_the_unit(desk: Desk) -> None:
    officer = desk.world["officer"]
    client = client_for("opd_head", desk.world)
    page = client.get("/kerja/")
    assert officer in page.context["bulk_form"].fields["officer"].queryset
    response = post(
        client, action="assign", officer=officer.pk, selected=[desk.submitted.pk, desk.parent.pk]
    )
    assert response.status_code == 302
    # The desk officer can handle the desk's work, not Dukcapil's own: one done, one refused.
    assert fresh(desk.submitted).assigned_to == officer
    assert fresh(desk.parent).assigned_to is None
    errors = [text for level, text in told(response) if level == "error"]
    assert errors == [
        f"{tracking_code_display(desk.parent.tracking_code)}: "
        "This person cannot handle this unit's applications."
    ]


def test_officers_cannot_assign(desk: Desk) -> None:
    client = client_for("officer", desk.world)
    # The officer is offered neither the action nor anybody to assign to …
    bulk_form = client.get("/kerja/").context["bulk_form"]
    assert "assign" not in dict(bulk_form.fields["action"].choices)
    assert not bulk_form.fields["officer"].queryset.exists()
    # … and a forged request is refused by the form: nothing is assigned.
    response = post(
        client, action="assign", officer=desk.world["officer"].pk, selected=[desk.submitted.pk]
    )
    assert fresh(desk.submitted).assigned_to is None
    assert [level for level, _ in told(response)] == ["error", "error"]
    assert ("error", "Select a valid choice. assign is not one of the available choices.") in told(
        response
    )


def test_assign_needs_an_officer_and_a_selection(desk: Desk) -> None:
    def head() -> Client:
        return client_for("opd_head", desk.world)

    response = post(head(), action="assign", selected=[desk.submitted.pk])
    assert told(response) == [("error", "Choose the officer to assign the applications to.")]
    response = post(head(), action="claim")
    assert told(response) == [("error", "Select at least one application.")]
    response = post(head(), action="claim", selected=["abc"])
    assert told(response) == [("error", "Select applications from the list.")]
    assert fresh(desk.submitted).assigned_to is None


def test_bulk_is_post_only_with_csrf_and_a_safe_return(desk: Desk) -> None:
    client = client_for("officer", desk.world)
    assert client.get(BULK).status_code == 405
    response = post(
        client, action="claim", selected=[desk.submitted.pk], next="https://evil.example/"
    )
    assert response["Location"] == "/kerja/"
    strict = client_for("officer", desk.world)
    strict.handler.enforce_csrf_checks = True
    response = strict.post(BULK, {"action": "claim", "selected": [desk.overdue.pk]})
    assert response.status_code == 403
    assert fresh(desk.overdue).assigned_to is None


def test_citizens_and_visitors_cannot_use_bulk_actions(desk: Desk) -> None:
    response = post(client_for("citizen", desk.world), action="claim", selected=[desk.submitted.pk])
    assert response.status_code == 403
    response = post(
        client_for("anonymous", desk.world), action="claim", selected=[desk.submitted.pk]
    )
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert fresh(desk.submitted).assigned_to is None
