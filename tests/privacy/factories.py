"""Applications with a citizen's personal data, for the privacy tests."""

from __future__ import annotations

from typing import Any

from melayani.applications.models import Application
from melayani.core.fields import nik_blind_index
from tests.applications.workbench_factories import application_make, service_for
from tests.conftest import World

NIK = "9301011708900003"
PHONE = "+6281234567890"
EMAIL = "yohana@example.id"


def citizen_application(world: World, *, service: Any = None, **fields: Any) -> Application:
    """An application in Merauke's Dukcapil desk, with NIK, E.164 phone, e-mail and address."""
    if service is None:
        service = service_for(
            world.dukcapil_service_desk, code=f"pdp-{Application.objects.count()}"
        )
    values: dict[str, Any] = {
        "applicant_phone": PHONE,
        "applicant_email": EMAIL,
        "applicant_nik": NIK,
        "applicant_nik_index": nik_blind_index(NIK),
        "applicant_address": "Jl. PDPALAMATRAHASIA 12, Merauke",
    }
    values.update(fields)
    return application_make(service, **values)
