"""The schema, the docs page and the one error shape with its stable codes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from melayani.api.errors import ErrorCode
from melayani.applications.models import Application
from melayani.catalog.models import ServiceType
from melayani.core.models import Action, Role, RoleAssignment
from tests.api.conftest import submission, submit
from tests.conftest import World

pytestmark = pytest.mark.django_db


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "Traceback" not in response.content.decode()
    return body["error"]


def test_openapi_schema_lists_every_endpoint(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    paths = set(schema["paths"])
    assert {
        "/api/v1/pemda/{pemda_code}/services",
        "/api/v1/pemda/{pemda_code}/services/{code}",
        "/api/v1/pemda/{pemda_code}/services/{code}/applications",
        "/api/v1/applications/track",
        "/api/v1/officer/applications",
        "/api/v1/officer/applications/{tracking_code}",
        "/api/v1/officer/applications/{tracking_code}/verify",
    } <= paths
    codes = schema["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"]
    assert set(codes) == {str(c) for c in ErrorCode}
    officer = schema["paths"]["/api/v1/officer/applications"]["get"]
    assert officer["security"] == [{"OfficerToken": []}]


def test_docs_page_uses_bundled_files_not_a_cdn(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html and "http://" not in html


def test_not_found_for_unknown_paths_pemda_and_service(
    client: Client, service: ServiceType
) -> None:
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.get("/api/v1/"), 404, "not_found")
    assert_error(client.get("/api/v1/pemda/99.99/services"), 404, "not_found")
    assert_error(client.get("/api/v1/pemda/93.01/services/no-such-service"), 404, "not_found")


def test_validation_error_names_the_fields(client: Client, service: ServiceType) -> None:
    body = submission(applicant_name="")
    body["answers"].pop("nama-anak")
    error = assert_error(submit(client, service, body), 422, "validation_error")
    assert "applicant_name" in error["fields"]
    assert "nama-anak" in error["fields"]
    assert Application.objects.count() == 0


def test_validation_error_for_a_malformed_body(client: Client, service: ServiceType) -> None:
    url = f"/api/v1/pemda/93.01/services/{service.code}/applications"
    error = assert_error(
        client.post(url, "{not json", content_type="application/json"), 422, "validation_error"
    )
    assert error["fields"]
    error = assert_error(
        client.post(url, {"answers": "x"}, content_type="application/json"),
        422,
        "validation_error",
    )
    assert "applicant_name" in error["fields"]
    assert_error(client.post(url, "a=b", content_type="text/plain"), 422, "validation_error")


def test_authentication_required_without_a_valid_token(client: Client, api_world: World) -> None:
    response = client.get("/api/v1/officer/applications")
    assert_error(response, 401, "authentication_required")
    assert response["WWW-Authenticate"] == "Bearer"
    for header in ("Bearer nonsense", "Bearer mlyt_nonsense", "Token abc"):
        response = client.get("/api/v1/officer/applications", headers={"Authorization": header})
        assert_error(response, 401, "authentication_required")


def test_a_web_session_is_no_api_credential(client: Client, api_world: World) -> None:
    client.force_login(api_world["officer"])
    assert_error(client.get("/api/v1/officer/applications"), 401, "authentication_required")


def test_permission_denied_for_a_viewer_who_may_not_handle(
    client: Client, service: ServiceType, api_world: World, token_for: Any
) -> None:
    code = submit(client, service, submission()).json()["tracking_code"]
    viewer = Role.objects.create(
        code="service-viewer", name="Viewer", pemda=api_world.merauke, scope="pemda"
    )
    viewer.actions.add(Action.objects.get(code="services.view"))
    RoleAssignment.objects.create(
        user=api_world["leader"],
        role=viewer,
        pemda=api_world.merauke,
        starts_on=datetime.date(2020, 1, 1),
    )
    headers = token_for("leader")
    assert client.get(f"/api/v1/officer/applications/{code}", headers=headers).status_code == 200
    response = client.post(f"/api/v1/officer/applications/{code}/verify", headers=headers)
    assert_error(response, 403, "permission_denied")


def test_transition_not_allowed(client: Client, service: ServiceType, token_for: Any) -> None:
    code = submit(client, service, submission()).json()["tracking_code"]
    response = client.post(
        f"/api/v1/officer/applications/{code}/start", headers=token_for("officer")
    )
    error = assert_error(response, 409, "transition_not_allowed")
    assert "Submitted" in error["message"]


def test_conflict_when_another_officer_holds_it(
    client: Client, service: ServiceType, token_for: Any
) -> None:
    code = submit(client, service, submission()).json()["tracking_code"]
    url = f"/api/v1/officer/applications/{code}/claim"
    assert client.post(url, headers=token_for("opd_head")).status_code == 200
    assert_error(client.post(url, headers=token_for("officer")), 409, "conflict")


def test_method_not_allowed(client: Client, service: ServiceType) -> None:
    response = client.delete("/api/v1/pemda/93.01/services")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_rate_limited_tracking(client: Client, service: ServiceType) -> None:
    body = {"tracking_code": "K7PM-Q4XD-2R", "contact": "081200000000"}
    statuses = [
        client.post("/api/v1/applications/track", body, content_type="application/json").status_code
        for _ in range(21)
    ]
    assert statuses[:20] == [404] * 20
    response = client.post("/api/v1/applications/track", body, content_type="application/json")
    assert_error(response, 429, "rate_limited")


def test_internal_error_without_a_stack_trace(
    client: Client, service: ServiceType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from melayani.api.routers import catalog

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("database exploded at /secret/path.py line 3")

    monkeypatch.setattr(catalog, "service_get_public", broken)
    response = client.get(f"/api/v1/pemda/93.01/services/{service.code}")
    assert_error(response, 500, "internal_error")
    assert b"exploded" not in response.content
