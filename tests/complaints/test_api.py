"""The JSON API: idempotent submission, tracking, officials' actions, one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from melayani.api.services import officer_token_issue
from melayani.complaints.models import Complaint, ComplaintStatus
from tests.complaints.factories import REPORTER

pytestmark = pytest.mark.django_db
URL = "/api/v1/pemda/93.01/complaints"


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Air PDAM mati tiga hari",
        "text": "Air di kelurahan kami mati sejak tiga hari tanpa pemberitahuan apa pun.",
        **REPORTER,
        **overrides,
    }


def post(client: Client, url: str, payload: dict[str, Any], **headers: str) -> Any:
    return client.post(url, payload, content_type="application/json", **headers)


def _token(user) -> str:
    return officer_token_issue(actor=None, user=user, name="test")[1]


def test_submit_is_idempotent_and_tracked(cw):
    client = Client()
    first = post(client, URL, body(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    again = post(client, URL, body(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json() == first.json()
    reused = post(client, URL, body(title="Lain lagi judulnya"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1
    code = first.json()["tracking_code"]
    assert Complaint.objects.get().channel == "api"
    tracked = post(
        client, "/api/v1/complaints/track", {"tracking_code": code, "contact": "0812 4455 6677"}
    )
    assert tracked.status_code == 200 and tracked.json()["status"] == "received"
    assert "Maria" not in tracked.content.decode()
    wrong = post(
        client, "/api/v1/complaints/track", {"tracking_code": code, "contact": "0811 1111 1111"}
    )
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "not_found"


def test_bad_input_in_the_error_shape(cw):
    client = Client()
    for payload, field in (
        (body(text=""), "text"),
        (body(text="x" * 6000), "text"),
        (body(reporter_phone="", reporter_email=""), "reporter_phone"),
        (body(classification="gossip"), "classification"),
        (body(unit="no-such-unit"), "unit"),
    ):
        response = post(client, URL, payload)
        assert response.status_code == 422, (payload, response.content)
        error = response.json()["error"]
        assert error["code"] == "validation_error" and field in error["fields"], error
    assert post(client, "/api/v1/pemda/99.99/complaints", body()).status_code == 404
    assert Complaint.objects.count() == 0


def test_officer_actions_are_tenant_scoped(cw):
    created = post(Client(), URL, body()).json()["tracking_code"]
    coordinator = {"HTTP_AUTHORIZATION": f"Bearer {_token(cw['complaint_coordinator'])}"}
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {_token(cw['other_pemda_admin'])}"}
    liaison = {"HTTP_AUTHORIZATION": f"Bearer {_token(cw['liaison'])}"}
    client = Client()
    base = f"/api/v1/officer/complaints/{created}"
    assert client.get(base, **outsider).status_code == 404
    assert client.get(base, **liaison).status_code == 404
    assert post(client, base + "/verify", {}, **outsider).status_code == 404
    assert client.get(base).status_code == 401
    disposed = post(client, base + "/dispose", {"units": [cw.dukcapil.slug]}, **coordinator)
    assert disposed.status_code == 200, disposed.content
    assert disposed.json()["status"] == "assigned"
    again = post(client, base + "/verify", {}, **coordinator)
    assert again.status_code == 409 and again.json()["error"]["code"] == "transition_not_allowed"
    answered = post(
        client,
        base + "/answer",
        {"text": "Perbaikan pipa selesai hari ini, air sudah mengalir."},
        **liaison,
    )
    assert answered.status_code == 200 and answered.json()["status"] == "followed_up"
    refused = post(client, base + "/review", {"decision": "approve"}, **liaison)
    assert refused.status_code == 403
    reviewed = post(client, base + "/review", {"decision": "approve"}, **coordinator)
    assert reviewed.json()["status"] == ComplaintStatus.AWAITING_REPORTER
    listing = client.get("/api/v1/officer/complaints?status=all", **coordinator).json()
    assert listing["count"] == 1 and listing["items"][0]["tracking_code"] == created
    replied = post(
        client,
        "/api/v1/complaints/reply",
        {"tracking_code": created, "contact": REPORTER["reporter_email"], "decision": "accept"},
    )
    assert replied.status_code == 200 and replied.json()["status"] == "closed"


def test_officer_list_query_count_is_bounded(cw, django_assert_max_num_queries):
    for i in range(5):
        post(Client(), URL, body(title=f"Laporan nomor {i} tentang air"))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(cw['complaint_coordinator'])}"}
    with django_assert_max_num_queries(12):
        response = Client().get("/api/v1/officer/complaints", **headers)
    assert response.json()["count"] == 5


def test_classify_to_whistleblowing_hands_over_to_the_inspectorate(cw):
    created = post(Client(), URL, body()).json()["tracking_code"]
    coordinator = {"HTTP_AUTHORIZATION": f"Bearer {_token(cw['complaint_coordinator'])}"}
    inspector = {"HTTP_AUTHORIZATION": f"Bearer {_token(cw['inspector'])}"}
    client = Client()
    base = f"/api/v1/officer/complaints/{created}"
    held = post(client, base + "/hold", {"reason": ""}, **coordinator)
    assert held.status_code == 422 and "reason" in held.json()["error"]["fields"]
    moved = post(client, base + "/classify", {"classification": "whistleblowing"}, **coordinator)
    assert moved.status_code == 404
    assert client.get(base, **coordinator).status_code == 404
    seen = client.get(base, **inspector)
    assert seen.status_code == 200 and seen.json()["is_confidential"] is True
