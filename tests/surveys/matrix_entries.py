"""Entries for the tenancy matrix (tests/core/test_tenancy_matrix.py) once the app is installed:

    from tests.surveys.matrix_entries import SURVEY_OBJECT_TYPES
    OBJECT_TYPES.update(SURVEY_OBJECT_TYPES)

Results are aggregates (``aggregates.view``: every official of the Pemda and its province,
national analysts); raw responses, invitations and imports are ``surveys.view`` (unit staff of the
unit, Pemda admin, Inspektorat). The Pemda's SKM settings are shared within the Pemda.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.utils import timezone


def _service(w: Any) -> Any:
    from melayani.catalog.models import ServiceType

    return ServiceType.objects.create(
        pemda=w.merauke, opd=w.dukcapil, code=f"skm-{secrets.token_hex(4)}", name="Akta"
    )


def _response(w: Any) -> Any:
    from melayani.surveys.models import SurveyResponse

    return SurveyResponse.objects.create(
        pemda=w.merauke,
        opd=w.dukcapil,
        service=_service(w),
        channel="kiosk",
        submitted_at=timezone.now(),
        quarter_start=dt.date(2025, 1, 1),
        u1=4,
        suggestion="MRKSECRETSUGGESTION",
    )


def _aggregate(w: Any) -> Any:
    from melayani.surveys.models import SkmAggregate

    return SkmAggregate.objects.create(
        pemda=w.merauke, opd=w.dukcapil, service=_service(w), quarter_start=dt.date(2025, 1, 1)
    )


def _design(w: Any) -> Any:
    from melayani.surveys.models import Questionnaire, UnitSurveyDesign

    return UnitSurveyDesign.objects.create(
        pemda=w.merauke, opd=w.dukcapil, questionnaire=Questionnaire.objects.get(is_default=True)
    )


def _invitation(w: Any) -> Any:
    from melayani.surveys.models import SurveyInvitation
    from tests.core.test_tenancy_matrix import _application

    application = _application(w)
    application.opd = w.dukcapil
    application.save(update_fields=["opd"])
    now = timezone.now()
    return SurveyInvitation.objects.create(
        pemda=w.merauke,
        opd=w.dukcapil,
        service=application.service,
        application=application,
        token=secrets.token_urlsafe(16),
        created_at=now,
        quarter_start=dt.date(2025, 1, 1),
        expires_at=now,
    )


def _import(w: Any) -> Any:
    from melayani.surveys.models import SurveyImport

    return SurveyImport.objects.create(
        pemda=w.merauke,
        opd=w.dukcapil,
        service=_service(w),
        filename="skm.xlsx",
        sha256="0" * 64,
        created_at=timezone.now(),
        rows_imported=1,
        rows_rejected=0,
    )


def _settings(w: Any) -> Any:
    from melayani.surveys.models import SkmSettings

    return SkmSettings.objects.create(pemda=w.merauke)


def _population(w: Any) -> Any:
    from melayani.surveys.models import SurveyPopulation

    return SurveyPopulation.objects.create(
        pemda=w.merauke, opd=w.dukcapil, period="2025", population=100
    )


def _followup(w: Any) -> Any:
    from melayani.surveys.models import FollowUpPlan

    now = timezone.now()
    return FollowUpPlan.objects.create(
        pemda=w.merauke,
        opd=w.dukcapil,
        period="2025-Q1",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        unsur="U3",
        action="Tambah loket",
        owner="Kepala Bidang Pelayanan",
        due_on=dt.date(2025, 6, 30),
        created_at=now,
        updated_at=now,
    )


AGGREGATE_VIEWERS = {
    "opd_head",
    "liaison",
    "pemda_admin",
    "reform_team",
    "inspector",
    "complaint_coordinator",
    "dpo",
    "leader",
    "province_leader",
    "national_analyst",
    "kemenpanrb_evaluator",
    "platform_admin",
}
RESPONSE_VIEWERS = {"opd_head", "pemda_admin", "inspector"}
SHARED_IN_PEMDA = {
    "officer",
    "opd_head",
    "liaison",
    "pemda_admin",
    "reform_team",
    "inspector",
    "complaint_coordinator",
    "dpo",
    "leader",
    "national_analyst",
    "kemenpanrb_evaluator",
    "platform_admin",
}

SURVEY_OBJECT_TYPES: dict[str, tuple[Callable[[Any], Any], str, set[str]]] = {
    "surveys.skmsettings": (_settings, "pemda.view", SHARED_IN_PEMDA),
    "surveys.unitsurveydesign": (_design, "aggregates.view", AGGREGATE_VIEWERS),
    "surveys.unitsurveyitem": (
        lambda w: _design(w).items.create(code="U10", order=10, name_id="Parkir", labels_id=[]),
        "aggregates.view",
        AGGREGATE_VIEWERS,
    ),
    "surveys.surveypopulation": (_population, "aggregates.view", AGGREGATE_VIEWERS),
    "surveys.skmaggregate": (_aggregate, "aggregates.view", AGGREGATE_VIEWERS),
    "surveys.skmextraaggregate": (
        lambda w: _aggregate(w).extra.create(code="U10", total=4, count=1),
        "aggregates.view",
        AGGREGATE_VIEWERS,
    ),
    "surveys.surveyresponse": (_response, "surveys.view", RESPONSE_VIEWERS),
    "surveys.surveyextraanswer": (
        lambda w: _response(w).extra.create(code="U10", score=3),
        "surveys.view",
        RESPONSE_VIEWERS,
    ),
    "surveys.surveyinvitation": (_invitation, "surveys.view", RESPONSE_VIEWERS),
    "surveys.surveyimport": (_import, "surveys.view", RESPONSE_VIEWERS),
    # Follow-up plans are published; officials read them with the results.
    "surveys.followupplan": (_followup, "aggregates.view", AGGREGATE_VIEWERS),
    "surveys.followupstatuschange": (
        lambda w: _followup(w).history.create(to_status="planned", changed_at=timezone.now()),
        "aggregates.view",
        AGGREGATE_VIEWERS,
    ),
}
