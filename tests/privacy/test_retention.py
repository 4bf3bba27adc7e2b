"""Retention: after the period, personal data is anonymised or deleted; aggregates stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from melayani.applications.demo import applications_demo_seed
from melayani.applications.models import Application, ApplicationDocument, ApplicationStatus
from melayani.audit.models import AuditEvent
from melayani.privacy import services
from melayani.privacy.retention import retention_run
from melayani.schedule import SCHEDULE
from melayani.surveys.models import SkmAggregate, SurveyResponse
from melayani.surveys.services import aggregates_recompute, response_enter_paper
from tests.applications.factories import service_make

pytestmark = pytest.mark.django_db
LONG_AGO = dt.timedelta(days=6 * 365)


def _aggregates() -> list[tuple]:
    return list(SkmAggregate.objects.order_by("pk").values_list())


@pytest.fixture
def old_demo(world, settings, tmp_path):
    """The applications demo in Merauke, with survey forms; completed files aged six years."""
    settings.MEDIA_ROOT = tmp_path
    world.merauke.is_active = True
    world.merauke.save(update_fields=["is_active"])
    service = service_make(world.dukcapil_service_desk)
    applications_demo_seed()
    for n in range(6):
        response_enter_paper(
            actor=world["officer"],
            service=service,
            answers={f"U{i}": 1 + (n + i) % 4 for i in range(1, 10)},
            profile={"sex": "female", "age_band": "30_39"} if n % 2 else None,
            suggestion=f"Petugas ramah, saya Ibu Maria {n}",
        )
    old = timezone.now() - LONG_AGO
    Application.objects.filter(status=ApplicationStatus.COMPLETED).update(completed_at=old)
    Application.objects.filter(status=ApplicationStatus.REJECTED).update(rejected_at=old)
    SurveyResponse.objects.update(submitted_at=old)
    return world


def test_old_demo_records_lose_personal_data_and_aggregates_stay(old_demo) -> None:
    before = _aggregates()
    assert before and aggregates_recompute(check_only=True).ok
    closed = list(
        Application.objects.filter(status__in=["completed", "rejected"]).values_list(
            "pk", flat=True
        )
    )
    still_open = list(
        Application.objects.exclude(pk__in=closed).values_list("pk", "applicant_name")
    )
    assert closed and still_open

    summary = retention_run()

    assert summary["applications.application"]["anonymised"] == len(closed)
    for app in Application.objects.filter(pk__in=closed):
        assert app.applicant_name == "—" and app.applicant_nik == "" and app.applicant_phone == ""
        assert app.status in ("completed", "rejected")  # the record (and its statistics) stay
    assert (
        list(Application.objects.exclude(pk__in=closed).values_list("pk", "applicant_name"))
        == still_open
    )
    assert not ApplicationDocument.objects.filter(application__in=closed).exists()
    assert set(SurveyResponse.objects.values_list("suggestion", flat=True)) == {""}
    assert set(SurveyResponse.objects.values_list("sex", flat=True)) == {""}
    # Aggregates (SKM index inputs) are untouched and still match the kept answers.
    assert _aggregates() == before
    assert aggregates_recompute(check_only=True).ok
    # What it did is in the audit trail: one event per row, one summary per Pemda.
    assert AuditEvent.objects.filter(
        action="personal_data.anonymised", target_type="applications.application"
    ).count() == len(closed)
    run = AuditEvent.objects.get(action="privacy.retention_run", pemda=old_demo.merauke)
    assert run.actor is None
    assert run.context["records"]["applications.application"]["anonymised"] == len(closed)
    # Idempotent: nothing is left to do.
    assert retention_run() == {}


def test_a_pemdas_longer_period_keeps_its_records(old_demo) -> None:
    services.retention_policy_set(
        actor=old_demo["dpo"],
        pemda=old_demo.merauke,
        record_type="applications.application",
        days=10 * 365,
    )
    summary = retention_run()
    assert "applications.application" not in summary
    assert not Application.objects.filter(applicant_name="—").exists()
    # Other record types follow their own rule.
    assert summary["surveys.surveyresponse"]["anonymised"] == SurveyResponse.objects.count()


def test_recent_records_are_kept(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    from tests.privacy.factories import citizen_application

    recent = citizen_application(world, status="completed", completed_at=timezone.now())
    assert retention_run() == {}
    recent.refresh_from_db()
    assert recent.applicant_name == "Yohana Gebze"


def test_retention_policy_bounds_and_rights(world) -> None:
    dpo = world["dpo"]
    with pytest.raises(services.PrivacyError):
        services.retention_policy_set(
            actor=dpo, pemda=world.merauke, record_type="applications.application", days=1
        )
    with pytest.raises(services.PrivacyError):
        services.retention_policy_set(
            actor=dpo, pemda=world.merauke, record_type="audit.auditevent", days=400
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.retention_policy_set(
            actor=world["pemda_admin"],
            pemda=world.merauke,
            record_type="applications.application",
            days=400,
        )


def test_the_job_is_scheduled() -> None:
    jobs = {job.name: job for job in SCHEDULE}
    assert jobs["privacy-retention"].task == "melayani.privacy.tasks.privacy_retention_task"


def test_the_dpo_sets_a_period_on_the_retention_page(world) -> None:
    from django.urls import reverse

    from melayani.privacy.models import RetentionPolicy
    from tests.privacy.clients import client_for

    url = reverse("privacy:retention", args=[world.merauke.code])
    dpo = client_for("dpo", world)
    page = dpo.get(url).content.decode()
    assert "applications.application" in page and "platform default" in page
    saved = dpo.post(url, {"record_type": "applications.application", "days": "730"})
    assert saved.status_code == 302
    assert RetentionPolicy.objects.get(pemda=world.merauke).days == 730
    refused = dpo.post(url, {"record_type": "audit.auditevent", "days": "730"})
    assert refused.status_code == 400
    too_short = dpo.post(url, {"record_type": "applications.application", "days": "3"})
    assert too_short.status_code == 400
    assert RetentionPolicy.objects.get(pemda=world.merauke).days == 730
    assert AuditEvent.objects.filter(action="privacy.retention_set").count() == 1
    assert client_for("pemda_admin", world).get(url).status_code == 404


def test_a_run_works_in_batches_until_done_or_out_of_time(old_demo, monkeypatch) -> None:
    from melayani.privacy import retention

    monkeypatch.setattr(retention, "BATCH", 1)
    closed = Application.objects.filter(status__in=["completed", "rejected"]).count()
    assert closed > 1
    assert retention_run(budget=dt.timedelta(0)) == {}  # no time: nothing done, nothing broken
    summary = retention_run()
    assert summary["applications.application"]["anonymised"] == closed
    assert retention_run() == {}
