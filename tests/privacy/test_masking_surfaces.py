"""Masking in every surface that shows a citizen's data, for every persona: whole values only to
those whose role needs them, and every whole value seen leaves an access-log entry."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from melayani.api.services import officer_token_issue
from melayani.audit.models import AuditEvent
from melayani.privacy import services
from melayani.privacy.inventory import SubjectIdentity
from tests.applications.workbench_factories import document_make
from tests.conftest import PERSONA_NAMES
from tests.privacy.clients import client_for
from tests.privacy.factories import EMAIL, NIK, PHONE, citizen_application

pytestmark = pytest.mark.django_db
WHOLE = (NIK, PHONE, "0812-3456-7890", "081234567890", EMAIL, "PDPALAMATRAHASIA")
# Platform administrators hold none of the actions that show a citizen's case whole
# (core.roles.PLATFORM_EXCLUDED): only the unit's own officials see contacts whole, and that
# is logged.
HANDLERS = {"officer", "opd_head"}


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def _log_count(user) -> int:
    return AuditEvent.objects.filter(action="personal_data.viewed_unmasked", actor=user).count()


def test_every_surface_masks_for_every_persona_and_logs_every_whole_value(
    world, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    application = citizen_application(world)
    document = document_make(application, content=b"%PDF-1.4 NIK " + NIK.encode())
    request = services.subject_request_submit(
        pemda=world.merauke,
        kind="access",
        identity=SubjectIdentity(pemda_id=world.merauke.pk, phones=(PHONE,)),
        verified_by="tracking_code",
        contact=PHONE,
    )
    services.subject_request_export(actor=world["dpo"], request=request)
    code = world.merauke.code
    web = {
        "workbench.queue": "/kerja/",
        "workbench.export": "/kerja/excel/",
        "workbench.detail": f"/kerja/{application.pk}/",
        "workbench.document": f"/kerja/{application.pk}/dokumen/{document.pk}/",
        "audit.events": "/audit/",
        "privacy.dashboard": reverse("privacy:dashboard", args=[code]),
        "privacy.request": reverse("privacy:request", args=[code, request.reference]),
        "privacy.export": reverse("privacy:request-export", args=[code, request.reference]),
        "privacy.access_log": reverse("privacy:access-log", args=[code]),
        "privacy.register": reverse("privacy:register", args=[code]),
    }
    # Who may see whole values on each surface (everyone else: masked or nothing).
    expected = {
        "workbench.detail": HANDLERS,
        "workbench.document": HANDLERS | {"pemda_admin", "inspector"},
        "privacy.export": {"dpo"},
    }
    seen: dict[str, set[str]] = {name: set() for name in web}
    for persona in (*PERSONA_NAMES, "anonymous"):
        client = client_for(persona, world)
        user = world[persona] if persona != "anonymous" else None
        for name, path in web.items():
            before = _log_count(user) if user else 0
            body = _body(client.get(path))
            if any(value in body for value in WHOLE):
                seen[name].add(persona)
                assert user is not None and _log_count(user) > before, (persona, name)
    for name in web:
        assert seen[name] == expected.get(name, set()), (name, seen[name])

    # The API: the same rules (NIK always masked there; contacts for handlers, logged).
    for persona in PERSONA_NAMES:
        if world[persona].kind != "official":
            continue
        _token, secret = officer_token_issue(actor=None, user=world[persona], name="m")
        before = _log_count(world[persona])
        response = Client().get(
            f"/api/v1/officer/applications/{application.tracking_code}",
            headers={"Authorization": f"Bearer {secret}"},
        )
        body = json.dumps(response.json()) if response.status_code == 200 else ""
        assert NIK not in body
        shows = PHONE in body or EMAIL in body
        assert shows == (persona in HANDLERS), persona
        assert (_log_count(world[persona]) > before) == shows, persona
