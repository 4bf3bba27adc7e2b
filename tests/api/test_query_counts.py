"""Query-count bounds of the public endpoints (tracking, submission)."""

from __future__ import annotations

import pytest
from django.test import Client

from melayani.applications import services as application_services
from melayani.applications.models import Application
from melayani.catalog.models import ServiceType
from tests.api.conftest import PERSONAL, submission, submit

pytestmark = pytest.mark.django_db


def track(client: Client, code: str, contact: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/applications/track",
        {"tracking_code": code, "contact": contact},
        content_type="application/json",
    )


def test_track_is_one_narrow_query(
    client: Client, service: ServiceType, django_assert_num_queries
) -> None:
    code = submit(client, service, submission()).json()["tracking_code"]
    with django_assert_num_queries(1) as captured:  # the application with its public timeline
        response = track(client, code, PERSONAL["applicant_phone"])
    assert response.status_code == 200
    [lookup] = (q["sql"] for q in captured.captured_queries)
    # Encrypted columns are neither read nor decrypted; the timeline needs no working clock;
    # internal events are left out in the join itself.
    for column in ("applicant_nik", "applicant_address", "answers_private", "answers"):
        assert f'"{column}"' not in lookup
    assert "calendar" not in lookup and "visible_to_citizen" in lookup
    assert [e["action"] for e in response.json()["timeline"]] == ["submit"]


def test_a_submission_is_one_read_and_three_inserts(
    client: Client, service: ServiceType, django_assert_max_num_queries
) -> None:
    assert submit(client, service, submission()).status_code == 201  # builds the form once
    # The service with its published standard; then, in one transaction (a savepoint here),
    # the application, its first timeline event and the audit event. No tracking-code look-up.
    with django_assert_max_num_queries(6) as captured:
        assert submit(client, service, submission()).status_code == 201
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1


def test_a_tracking_code_clash_is_retried_with_a_new_code(
    client: Client, service: ServiceType, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = submit(client, service, submission()).json()["tracking_code"]
    codes = iter([taken, "K7PMQ4XD2R"])
    monkeypatch.setattr(application_services, "tracking_code_new", lambda: next(codes))
    response = submit(client, service, submission())
    assert response.status_code == 201, response.content
    assert response.json()["tracking_code"] == "K7PMQ4XD2R"
    assert Application.objects.count() == 2


def test_a_prepared_query_refuses_a_lookup_that_rewrites_its_value() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from melayani.core.prepared import PreparedValuesQuery

    # icontains wraps the value in %…% (and escapes it): running the SQL with a raw value
    # would skip that, so such a query is refused when it is compiled.
    query = PreparedValuesQuery(
        lambda email: Application.objects.filter(applicant_email__icontains=email).values_list(
            "pk"
        ),
        email=str,
    )
    with pytest.raises(ImproperlyConfigured):
        query.rows(email="a_b@example.com")


@pytest.mark.postgres
def test_a_prepared_query_is_planned_once_per_connection_on_postgresql(
    client: Client, service: ServiceType, settings
) -> None:
    from django.db import connection

    from melayani.applications.selectors import application_public_status

    code = submit(client, service, submission()).json()["tracking_code"]
    application = Application.objects.get(tracking_code=code)
    seen = {
        application_public_status(tracking_code=code, contact=PERSONAL["applicant_phone"])
        for _ in range(8)
    }
    # The same answer each time, with aware times equal to the stored ones.
    [status] = seen
    assert status.submitted_at == application.submitted_at and status.submitted_at.tzinfo
    assert [e[1] for e in status.events] == ["submit"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("applications_application" in s and "visible_events" in s for s in statements)
    # Turned off (for a pooler that cannot keep them), the same query runs unprepared.
    settings.DATABASE_PREPARED_STATEMENTS = False
    assert (
        application_public_status(tracking_code=code, contact=PERSONAL["applicant_phone"]) == status
    )
