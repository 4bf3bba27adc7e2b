"""The access log: every read of unmasked personal data by an official is logged once, with
who, what, when and why — and never the values; the DPO and the Inspektorat review it."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from melayani.api.services import officer_token_issue
from melayani.audit.models import AuditEvent
from melayani.core import selectors as core_selectors
from melayani.core.models import User
from melayani.privacy import selectors, services
from tests.conftest import PERSONA_NAMES
from tests.core.factories import UserFactory, assign
from tests.privacy.clients import client_for
from tests.privacy.factories import EMAIL, NIK, PHONE, citizen_application

pytestmark = pytest.mark.django_db
UNMASKED = "personal_data.viewed_unmasked"


def _log() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=UNMASKED).order_by("pk"))


def _no_values(event: AuditEvent) -> None:
    text = json.dumps(event.context) + event.target_id + event.target_type
    for value in (NIK, PHONE, EMAIL, "PDPALAMATRAHASIA"):
        assert value not in text


def test_workbench_detail_logs_what_the_handler_saw_whole(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    application = citizen_application(world)
    before = len(_log())
    body = client_for("officer", world).get(f"/kerja/{application.pk}/").content.decode()
    assert "081234567890" in body or "+6281234567890" in body
    assert NIK not in body
    entries = _log()[before:]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == world["officer"].pk
    assert entry.target_type == "applications.application"
    assert entry.target_id == str(application.pk)
    assert entry.context["surface"] == "workbench.detail"
    assert entry.context["tracking_code"] == application.tracking_code
    assert set(entry.context["fields"]) == {
        "applicant_phone",
        "applicant_email",
        "applicant_address",
    }
    _no_values(entry)


def test_a_viewer_who_sees_everything_masked_is_not_logged(world) -> None:
    application = citizen_application(world)
    before = len(_log())
    body = client_for("pemda_admin", world).get(f"/kerja/{application.pk}/").content.decode()
    assert PHONE not in body and NIK not in body
    assert len(_log()) == before


def test_unmasked_nik_in_the_workbench_is_logged_with_the_field(world) -> None:
    application = citizen_application(world)
    head_and_dpo = UserFactory(username="head_and_dpo")
    assign(head_and_dpo, "opd_head", opd=world.dukcapil)
    assign(head_and_dpo, "dpo", pemda=world.merauke)
    world.personas["head_and_dpo"] = head_and_dpo
    before = len(_log())
    body = client_for("head_and_dpo", world).get(f"/kerja/{application.pk}/").content.decode()
    assert NIK in body
    (entry,) = _log()[before:]
    assert "applicant_nik" in entry.context["fields"]
    _no_values(entry)


def test_api_read_by_a_handler_is_logged(world) -> None:
    application = citizen_application(world)
    _token, secret = officer_token_issue(actor=None, user=world["officer"], name="t")
    before = len(_log())
    response = Client().get(
        f"/api/v1/officer/applications/{application.tracking_code}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    assert response.json()["applicant"]["phone"] == PHONE
    (entry,) = _log()[before:]
    assert entry.context["surface"] == "api.application"
    assert entry.actor_id == world["officer"].pk
    _no_values(entry)


def test_unmasked_nik_of_an_account_goes_through_the_one_function(world) -> None:
    citizen = world["citizen"]
    citizen.nik = NIK
    citizen.save()
    before = len(_log())
    assert core_selectors.user_nik_for(viewer=world["dpo"], subject=citizen, pemda=world.merauke)
    (entry,) = _log()[before:]
    assert entry.context == {"fields": ["nik"], "surface": "core.user_nik"}


def test_reads_by_citizens_and_the_system_are_not_access_log_entries(world) -> None:
    application = citizen_application(world)
    for actor in (None, world["citizen"]):
        services.unmasked_read_record(
            actor=actor, pemda=world.merauke, target=application, fields=["x"], surface="t"
        )
    assert _log() == []


def test_dpo_and_inspektorat_review_the_log_nobody_else(world) -> None:
    application = citizen_application(world)
    officer = world["officer"]
    officer.full_name = "Petugas Loket"
    officer.save()
    client_for("officer", world).get(f"/kerja/{application.pk}/")
    url = reverse("privacy:access-log", args=[world.merauke.code])
    seen = set()
    for persona in PERSONA_NAMES:
        response = client_for(persona, world).get(url)
        if response.status_code == 200:
            body = response.content.decode()
            assert "Petugas Loket" in body and application.tracking_code in body
            assert NIK not in body and PHONE not in body
            seen.add(persona)
        else:
            assert response.status_code == 404, persona
    assert seen == {"dpo", "inspector", "platform_admin"}
    # The selector narrows to the Pemda the reviewer may see.
    assert not selectors.access_log(user=world["other_pemda_inspector"], pemda=world.merauke)
    assert User.objects.filter(pk=officer.pk).exists()


def test_the_access_log_exports_to_excel_without_values(world) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    application = citizen_application(world)
    client_for("officer", world).get(f"/kerja/{application.pk}/")
    url = reverse("privacy:access-log-xlsx", args=[world.merauke.code])
    assert client_for("officer", world).get(url).status_code == 404
    response = client_for("inspector", world).get(url)
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][2] == "applications.application" and rows[2][3] == str(application.pk)
    assert "applicant_phone" in rows[2][4] and rows[2][5] == "workbench.detail"
    flat = " ".join(str(c) for row in rows for c in row)
    assert PHONE not in flat and NIK not in flat


def test_privacy_list_pages_have_bounded_queries(world, django_assert_max_num_queries) -> None:
    applications = [citizen_application(world) for _ in range(3)]
    officer = client_for("officer", world)
    for application in applications:
        officer.get(f"/kerja/{application.pk}/")
    for n in range(4):
        services.subject_request_submit(
            pemda=world.merauke,
            kind="access",
            identity=services.SubjectIdentity(pemda_id=world.merauke.pk, phones=(f"+628120{n}",)),
            verified_by="tracking_code",
        )
        services.breach_record(actor=world["dpo"], pemda=world.merauke, title=f"b{n}")
    dpo = client_for("dpo", world)
    code = world.merauke.code
    for name in ("privacy:access-log", "privacy:dashboard", "privacy:register"):
        with django_assert_max_num_queries(12):
            assert dpo.get(reverse(name, args=[code])).status_code == 200
