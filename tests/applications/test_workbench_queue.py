"""The officer's queue: who sees what, filters, deadlines, query bounds, the Excel export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from melayani.applications.models import ApplicationStatus
from melayani.applications.tracking import tracking_code_display
from tests.applications.workbench_factories import (  # noqa: F401 — fixture
    Desk,
    application_make,
    desk_fixture,
)
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db

QUEUE = "/kerja/"


def codes_on(response) -> set[str]:
    return {a.tracking_code for a in response.context["page"].object_list}


def shown(application) -> str:
    return tracking_code_display(application.tracking_code)


def test_the_url_names() -> None:
    assert reverse("workbench:queue") == QUEUE
    assert reverse("workbench:detail", args=[7]) == "/kerja/7/"
    assert reverse("workbench:document", args=[7, 9]) == "/kerja/7/dokumen/9/"


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("officer", {"submitted", "overdue"}),
        ("opd_head", {"submitted", "overdue", "parent"}),
        ("pemda_admin", {"submitted", "overdue", "parent", "dinkes"}),
        ("inspector", {"submitted", "overdue", "parent", "dinkes"}),
        ("other_pemda_officer", {"jogja"}),
    ],
)
def test_each_official_sees_only_their_units_applications(desk: Desk, persona, sees) -> None:
    response = client_for(persona, desk.world).get(QUEUE)
    assert response.status_code == 200
    everything = {"submitted", "overdue", "parent", "dinkes", "jogja"}
    expected = {getattr(desk, name).tracking_code for name in sees}
    assert codes_on(response) == expected
    for name in everything - sees:
        assert shown(getattr(desk, name)) not in response.content.decode()


def test_citizens_are_refused_and_visitors_sent_to_sign_in(desk: Desk) -> None:
    assert client_for("citizen", desk.world).get(QUEUE).status_code == 403
    response = client_for("anonymous", desk.world).get(QUEUE)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_rows_show_names_never_nik_or_phone(desk: Desk) -> None:
    body = client_for("officer", desk.world).get(QUEUE).content.decode()
    assert "Yohana Gebze" in body
    assert "Akta Kelahiran" in body
    assert "9301011708900003" not in body
    assert "081234567890" not in body
    assert "yohana@example.id" not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_process"}, {"overdue"}),
        ({"status": "submitted"}, {"submitted", "parent"}),
        ({"due": "overdue"}, {"overdue"}),
        ({"q": "kaize"}, {"overdue"}),
        ({"service": "head_service"}, {"parent"}),
        ({"opd": "desk_unit"}, {"submitted", "overdue"}),
    ],
)
def test_filters(desk: Desk, params, expected) -> None:
    if params.get("service") == "head_service":
        params = {"service": desk.head_service.pk}
    if params.get("opd") == "desk_unit":
        params = {"opd": desk.world.dukcapil_service_desk.pk}
    response = client_for("opd_head", desk.world).get(QUEUE, params)
    assert response.status_code == 200
    assert codes_on(response) == {getattr(desk, name).tracking_code for name in expected}


def test_search_by_tracking_code(desk: Desk) -> None:
    response = client_for("opd_head", desk.world).get(QUEUE, {"q": desk.parent.tracking_code})
    assert codes_on(response) == {desk.parent.tracking_code}


def test_filters_offer_only_the_officials_own_units_and_services(desk: Desk) -> None:
    form = client_for("officer", desk.world).get(QUEUE).context["form"]
    assert list(form.fields["opd"].queryset) == [desk.world.dukcapil_service_desk]
    assert list(form.fields["service"].queryset) == [desk.desk_service]
    # Another unit's id is not a valid choice: the filter is refused, not obeyed.
    response = client_for("officer", desk.world).get(QUEUE, {"opd": desk.world.dinkes.pk})
    assert response.context["form"].errors["opd"]
    assert shown(desk.dinkes) not in response.content.decode()


def test_sorting_by_due_date_and_by_submission(desk: Desk) -> None:
    later = application_make(
        desk.desk_service,
        status=ApplicationStatus.VERIFIED,
        due_at=timezone.now() + dt.timedelta(days=9),
        submitted_at=timezone.now() - dt.timedelta(days=10),
    )
    client = client_for("officer", desk.world)
    by_due = [a.pk for a in client.get(QUEUE, {"sort": "due"}).context["page"].object_list]
    assert by_due == [desk.overdue.pk, later.pk, desk.submitted.pk]  # no deadline yet: last
    oldest = client.get(QUEUE, {"sort": "submitted"}).context["page"].object_list
    assert oldest[0].pk == later.pk


@time_machine.travel(dt.datetime(2027, 3, 10, 3, 0, tzinfo=dt.UTC), tick=False)  # 12.00 WIT
def test_deadlines_at_a_glance_in_the_pemdas_zone(desk: Desk) -> None:
    service = desk.desk_service
    today = application_make(
        service,
        status=ApplicationStatus.IN_PROCESS,
        due_at=dt.datetime(2027, 3, 10, 7, 0, tzinfo=dt.UTC),  # 16.00 WIT today
    )
    tomorrow = application_make(
        service,
        status=ApplicationStatus.VERIFIED,
        due_at=dt.datetime(2027, 3, 11, 7, 0, tzinfo=dt.UTC),
    )
    later = application_make(
        service,
        status=ApplicationStatus.VERIFIED,
        due_at=dt.datetime(2027, 3, 16, 7, 0, tzinfo=dt.UTC),
    )
    response = client_for("officer", desk.world).get(QUEUE)
    dues = {row.application.pk: row.due for row in response.context["rows"]}
    assert (dues[desk.overdue.pk].state, dues[desk.overdue.pk].tone) == ("overdue", "danger")
    assert (dues[today.pk].label, dues[today.pk].tone) == ("Due today", "warn")
    assert (dues[tomorrow.pk].label, dues[tomorrow.pk].tone) == ("Due in 1 day", "warn")
    assert (dues[later.pk].label, dues[later.pk].tone) == ("Due in 6 days", "ok")
    assert dues[desk.submitted.pk].label == "Clock not started"
    body = response.content.decode()
    # Colour and text: the badge class and its words; the moment in Merauke's zone (WIT).
    assert 'class="badge badge-danger"' in body
    assert "Overdue" in body
    assert "10 March 2027, 16.00 WIT" in body


def test_the_queue_is_paginated_with_a_bounded_number_of_queries(desk: Desk) -> None:
    client = client_for("opd_head", desk.world)
    client.get(QUEUE)  # warm the session and the per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        application_make(
            desk.desk_service if n % 2 else desk.head_service,
            status=ApplicationStatus.IN_PROCESS,
            due_at=timezone.now() + dt.timedelta(days=n),
            assigned_to=desk.world["officer"],
        )
    assert count() == few


def test_more_than_a_page_is_paginated(desk: Desk) -> None:
    from melayani.applications import workbench_views

    for _ in range(workbench_views.PAGE_SIZE):
        application_make(desk.desk_service)
    client = client_for("officer", desk.world)
    first = client.get(QUEUE)
    assert len(first.context["rows"]) == workbench_views.PAGE_SIZE
    assert 'rel="next"' in first.content.decode()
    second = client.get(QUEUE, {"page": 2})
    assert len(second.context["rows"]) == 2


def test_htmx_filtering_returns_only_the_results(desk: Desk) -> None:
    response = client_for("officer", desk.world).get(
        QUEUE,
        {"status": "in_process"},
        headers={"HX-Request": "true", "HX-Target": "queue-results"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.startswith('<div id="queue-results">')
    assert shown(desk.overdue) in body
    assert shown(desk.submitted) not in body


def test_excel_export_of_the_filtered_queue(desk: Desk) -> None:
    response = client_for("opd_head", desk.world).get(f"{QUEUE}excel/", {"status": "submitted"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Tracking code", "Service", "Unit", "Applicant", "Status")
    codes = {row[0] for row in rows[1:]}
    assert codes == {shown(desk.submitted), shown(desk.parent)}
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert "Agustina Mahuze" in text
    assert "9301011708900003" not in text
    assert "081234567890" not in text
    assert "yohana@example.id" not in text


def test_excel_export_is_scoped_like_the_queue(desk: Desk) -> None:
    response = client_for("officer", desk.world).get(f"{QUEUE}excel/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = {row[0] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert codes == {shown(desk.submitted), shown(desk.overdue)}
    assert client_for("citizen", desk.world).get(f"{QUEUE}excel/").status_code == 403
