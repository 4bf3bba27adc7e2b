"""Officials' API: token authentication, tenant scoping, the lifecycle, personal data rules."""

from __future__ import annotations

import datetime
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from melayani.api.models import OfficerToken
from melayani.api.services import officer_token_issue, officer_token_revoke
from melayani.applications.models import Application
from melayani.catalog.models import ServiceType
from melayani.core.models import User
from tests.api.conftest import submission, submit
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(client: Client, service: ServiceType) -> str:
    return str(submit(client, service, submission()).json()["tracking_code"])


def act(client: Client, code: str, action: str, headers: dict[str, str], **body: Any) -> Any:
    return client.post(
        f"/api/v1/officer/applications/{code}/{action}",
        body,
        content_type="application/json",
        headers=headers,
    )


def test_tokens_are_stored_as_digests_only(api_world: World) -> None:
    token, secret = officer_token_issue(actor=None, user=api_world["officer"], name="x")
    stored = OfficerToken.objects.get(pk=token.pk)
    assert secret.startswith("mlyt_") and len(secret) > 40
    assert secret not in {stored.token_digest, stored.prefix}
    assert stored.prefix == secret[:12]


def test_only_active_officials_get_tokens(api_world: World) -> None:
    with pytest.raises(ValueError):
        officer_token_issue(actor=None, user=api_world["citizen"], name="x")


def test_revoked_and_expired_tokens_are_refused(client: Client, api_world: World) -> None:
    token, secret = officer_token_issue(actor=None, user=api_world["officer"], name="x")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/officer/applications", headers=headers).status_code == 200
    officer_token_revoke(actor=None, token=token)
    assert client.get("/api/v1/officer/applications", headers=headers).status_code == 401
    _token, old = officer_token_issue(
        actor=None,
        user=api_world["officer"],
        name="old",
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    response = client.get(
        "/api/v1/officer/applications", headers={"Authorization": f"Bearer {old}"}
    )
    assert response.status_code == 401


def test_a_token_acts_with_current_roles_only(
    client: Client, api_world: World, code: str, token_for: Any
) -> None:
    headers = token_for("officer")
    assert client.get(f"/api/v1/officer/applications/{code}", headers=headers).status_code == 200
    api_world["officer"].assignments.update(ends_on=datetime.date(2021, 1, 1))
    assert client.get(f"/api/v1/officer/applications/{code}", headers=headers).status_code == 404


def test_other_pemda_officer_sees_nothing(client: Client, code: str, token_for: Any) -> None:
    headers = token_for("other_pemda_officer")
    queue = client.get("/api/v1/officer/applications", headers=headers).json()
    assert queue == {"count": 0, "items": []}
    response = client.get(f"/api/v1/officer/applications/{code}", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    for action in ("claim", "verify", "start", "complete"):
        assert act(client, code, action, headers).status_code == 404
    assert act(client, code, "reject", headers, reason="x").status_code == 404
    # …exactly as for a code that does not exist.
    assert (
        act(client, "ZZZZZZZZZZ", "verify", headers).json()
        == act(client, code, "verify", headers).json()
    )
    assert Application.objects.get(tracking_code=code).status == "submitted"


def test_unit_staff_of_another_unit_see_nothing(
    client: Client, api_world: World, code: str
) -> None:
    from tests.core.factories import UserFactory, assign

    nurse = cast(User, UserFactory(username="dinkes-officer"))
    assign(nurse, "opd_officer", opd=api_world.dinkes)
    _token, secret = officer_token_issue(actor=None, user=nurse, name="x")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/officer/applications/{code}", headers=headers).status_code == 404


def test_lifecycle_through_the_api(
    client: Client, code: str, token_for: Any, api_world: World
) -> None:
    headers = token_for("officer")
    claimed = act(client, code, "claim", headers).json()
    assert claimed["assigned_to"] == api_world["officer"].display_name
    verified = act(client, code, "verify", headers).json()
    assert verified["status"] == "verified" and verified["due_at"]
    assert act(client, code, "start", headers).json()["status"] == "in_process"
    done = act(client, code, "complete", headers, message="Silakan ambil di loket 2.").json()
    assert done["status"] == "completed" and done["completed_at"]
    assert [e["action"] for e in done["timeline"]] == [
        "submit",
        "claim",
        "verify",
        "start",
        "complete",
    ]
    assert act(client, code, "reject", headers, reason="late").status_code == 409


def test_return_and_reject_need_a_reason(client: Client, code: str, token_for: Any) -> None:
    headers = token_for("officer")
    response = act(client, code, "reject", headers)
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]
    response = act(client, code, "return", headers, reason="   ")
    assert response.status_code == 422
    returned = act(client, code, "return", headers, reason="Foto KK buram, unggah ulang.")
    assert returned.json()["status"] == "returned"
    rejected = act(client, code, "reject", headers, reason="Tidak memenuhi syarat.").json()
    assert rejected["status"] == "rejected"
    assert rejected["rejection_reason"] == "Tidak memenuhi syarat."


def test_personal_data_for_officials_with_nik_always_masked(
    client: Client, code: str, token_for: Any
) -> None:
    for persona in ("officer", "opd_head", "dpo"):
        response = client.get(f"/api/v1/officer/applications/{code}", headers=token_for(persona))
        if persona == "dpo":
            assert response.status_code == 404  # no services.view: not their business
            continue
        body = response.json()
        assert body["applicant"]["name"] == "Siti Rahmawati Kaize"
        assert body["applicant"]["phone"] == "+6281244556677"
        assert body["applicant"]["nik_masked"] == "9301********0003"
        assert body["answers"]["nik-pelapor"] == "9301********0003"
        assert "9301014506900003" not in response.content.decode()


def test_queue_filters(client: Client, service: ServiceType, token_for: Any) -> None:
    headers = token_for("officer")
    codes = [submit(client, service, submission()).json()["tracking_code"] for _ in range(3)]
    act(client, codes[0], "verify", headers)
    queue = client.get("/api/v1/officer/applications", {"status": "verified"}, headers=headers)
    assert [a["tracking_code"] for a in queue.json()["items"]] == [codes[0]]
    by_code = client.get("/api/v1/officer/applications", {"q": codes[1]}, headers=headers)
    assert [a["tracking_code"] for a in by_code.json()["items"]] == [codes[1]]
    other = client.get("/api/v1/officer/applications", {"service": "nope"}, headers=headers)
    assert other.json()["count"] == 0
    bad = client.get("/api/v1/officer/applications", {"status": "lost"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_queue_query_count_does_not_grow(
    client: Client, service: ServiceType, token_for: Any
) -> None:
    headers = token_for("officer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/officer/applications", headers=headers)
            assert response.status_code == 200
        return len(captured)

    submit(client, service, submission())
    queries()  # the first use of a token records it (once a minute)
    few = queries()
    for _ in range(5):
        submit(client, service, submission())
    assert queries() == few <= 12
