"""Collection: invitation on completion, token/kiosk/paper answers, imports, permissions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from melayani.applications.models import ApplicationStatus
from melayani.applications.notifications import RecordingSender, using_sender
from melayani.applications.services import application_complete
from melayani.audit.models import AuditEvent
from melayani.core.events import publish
from melayani.surveys import selectors, services
from melayani.surveys.models import (
    Channel,
    SkmAggregate,
    SurveyImport,
    SurveyInvitation,
    SurveyResponse,
)
from melayani.surveys.periods import Period
from melayani.surveys.services import ExtraUnsur, SurveyError
from tests.applications.workbench_factories import application_make
from tests.conftest import World
from tests.surveys.conftest import ALL_FOUR

pytestmark = pytest.mark.django_db


def _now_period() -> Period:
    return Period.containing(timezone.localdate())


def test_completing_an_application_creates_one_invitation_and_sends_its_link(
    survey_actions: World, service: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    w = survey_actions
    application = application_make(service, status=ApplicationStatus.IN_PROCESS)
    application.assigned_to = w["officer"]
    application.save(update_fields=["assigned_to"])
    with using_sender(RecordingSender()) as sms, django_capture_on_commit_callbacks(execute=True):
        application_complete(actor=w["opd_head"], application=application)
    invitation = SurveyInvitation.objects.get(application=application)
    assert len(invitation.token) >= 22 and invitation.used_at is None
    assert invitation.service_id == service.pk
    # The applicant hears of the completion, then gets the survey link, by e-mail and message.
    link = reverse("surveys:invitation", kwargs={"token": invitation.token})
    invitations = [m for m in mailoutbox if link in m.body]
    assert len(invitations) == 1 and invitations[0].to == [application.applicant_email]
    assert [m.to for m in sms.messages if link in m.text] == [application.applicant_phone]
    # A second delivery of the event changes nothing and sends nothing.
    sent_before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            "applications.completed",
            application_id=application.pk,
            service_id=service.pk,
            pemda_id=application.pemda_id,
            opd_id=application.opd_id,
        )
    assert SurveyInvitation.objects.filter(application=application).count() == 1
    assert selectors.invitation_for_application(application.pk) == invitation
    assert len(mailoutbox) == sent_before


def _invitation(service: Any, **kwargs: Any) -> SurveyInvitation:
    application = application_make(service, status=ApplicationStatus.COMPLETED, **kwargs)
    return services.invitation_create(
        application_id=application.pk,
        service_id=service.pk,
        pemda_id=application.pemda_id,
        opd_id=application.opd_id,
    )


def test_token_answers_once(survey_actions: World, service: Any) -> None:
    invitation = _invitation(service)
    response = services.response_submit_with_token(
        token=invitation.token,
        answers={**ALL_FOUR, "U9": None},
        profile={"sex": "female", "age_band": "30_39"},
        suggestion="Terima kasih",
    )
    assert response.channel == Channel.INVITATION
    assert response.application_id == invitation.application_id
    assert response.opd_id == service.opd_id
    with pytest.raises(SurveyError) as used:
        services.response_submit_with_token(token=invitation.token, answers=ALL_FOUR)
    assert used.value.code == "token_used"
    with pytest.raises(SurveyError) as invalid:
        services.response_submit_with_token(token="guess", answers=ALL_FOUR)
    assert invalid.value.code == "token_invalid"
    assert SurveyResponse.objects.count() == 1
    agg = SkmAggregate.objects.get()
    assert (agg.n, agg.sum_u1, agg.cnt_u1, agg.cnt_u9) == (1, 4, 1, 0)
    assert AuditEvent.objects.filter(action="surveys.response_submitted").count() == 1


def test_expired_token(survey_actions: World, service: Any) -> None:
    invitation = _invitation(service)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(SurveyError) as exc:
        services.response_submit_with_token(token=invitation.token, answers=ALL_FOUR)
    assert exc.value.code == "token_expired"


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"U1": 5}, "answer_out_of_range"),
        ({"U1": 0}, "answer_out_of_range"),
        ({"U1": True}, "answer_out_of_range"),
        ({"U12": 3}, "unknown_question"),
        ({"U1": None}, "no_answers"),
    ],
)
def test_kiosk_refuses_bad_answers(
    survey_actions: World, service: Any, answers: dict, code: str
) -> None:
    with pytest.raises(SurveyError) as exc:
        services.response_submit_kiosk(service=service, answers=answers)
    assert exc.value.code == code
    assert not SurveyResponse.objects.exists() and not SkmAggregate.objects.exists()


def test_kiosk_and_paper(survey_actions: World, service: Any) -> None:
    w = survey_actions
    services.response_submit_kiosk(service=service, answers=ALL_FOUR)
    with pytest.raises(SurveyError):
        services.response_submit_kiosk(service=service, answers=ALL_FOUR, profile={"sex": "x"})
    for persona in ("citizen", "other_pemda_officer", "inspector", "national_analyst"):
        with pytest.raises(PermissionError):
            services.response_enter_paper(actor=w[persona], service=service, answers=ALL_FOUR)
    paper = services.response_enter_paper(
        actor=w["opd_head"],
        service=service,
        answers={"U1": 1, "U2": 2},
        filled_on=timezone.localdate() - dt.timedelta(days=1),
    )
    assert paper.entered_by == w["opd_head"] and paper.channel == Channel.PAPER
    result = selectors.skm_result(service=service, period=_now_period())
    if paper.quarter_start == SurveyResponse.objects.get(channel="kiosk").quarter_start:
        assert result.n == 2
        assert result.score.nrr["U1"] == Decimal("2.5")


def test_custom_design_with_an_extra_unsur(survey_actions: World, service: Any) -> None:
    w = survey_actions
    weights = {**{f"U{i}": "0.1" for i in range(1, 10)}, "U10": "0.1"}
    with pytest.raises(SurveyError) as exc:
        services.unit_design_set(
            actor=w["opd_head"], opd=w.dukcapil, weights={**weights, "U10": "0.2"},
            extra=[ExtraUnsur("U10", "Parkir", ("Buruk", "Cukup", "Baik", "Sangat baik"))],
        )  # fmt: skip
    assert exc.value.code == "weights_invalid"
    services.unit_design_set(
        actor=w["opd_head"],
        opd=w.dukcapil,
        weights=weights,
        extra=[ExtraUnsur("U10", "Parkir", ("Buruk", "Cukup", "Baik", "Sangat baik"))],
    )
    services.response_submit_kiosk(service=service, answers={**ALL_FOUR, "U10": 2})
    result = selectors.skm_result(opd=w.dukcapil, period=_now_period())
    assert result.weight_mode == "custom"
    assert result.ikm == Decimal("95.00")  # (9×4×0.1 + 2×0.1)×25
    assert services.aggregates_recompute(check_only=True).ok
    services.aggregates_recompute()
    assert services.aggregates_recompute(check_only=True).ok
    assert selectors.skm_result(opd=w.dukcapil, period=_now_period()).ikm == Decimal("95.00")
    (unit,) = selectors.skm_results_by_unit(pemda=w.merauke, period=_now_period())
    assert unit.score.ikm == Decimal("95.00")


# --- import ---------------------------------------------------------------------------------------


def _xlsx(rows: list[list[Any]], header: list[str] | None = None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header or ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "token", "sex"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_is_all_or_nothing(survey_actions: World, service: Any) -> None:
    w = survey_actions
    rows = [[4] * 9 + [None, "female"], [3] * 9 + [None, "male"], [5] + [3] * 8 + [None, None]]
    report = services.responses_import(actor=w["opd_head"], service=service, file=_xlsx(rows))
    assert not report.ok and report.imported == 0
    assert [(e.row, e.column) for e in report.errors] == [(4, "U1")]
    assert not SurveyResponse.objects.exists() and not SurveyImport.objects.exists()
    report = services.responses_import(
        actor=w["opd_head"], service=service, file=_xlsx(rows), import_valid_rows=True
    )
    assert (report.imported, report.rejected_rows) == (2, 1)
    assert SurveyResponse.objects.filter(channel=Channel.IMPORT).count() == 2
    assert SkmAggregate.objects.get().n == 2
    assert services.aggregates_recompute(check_only=True).ok


def test_import_tokens_duplicate_reused_and_foreign(survey_actions: World, service: Any) -> None:
    w = survey_actions
    a, b, used = _invitation(service), _invitation(service), _invitation(service)
    services.response_submit_with_token(token=used.token, answers=ALL_FOUR)
    rows = [
        [4] * 9 + [a.token, None],
        [4] * 9 + [a.token, None],  # duplicate in the file
        [4] * 9 + [used.token, None],  # already answered
        [4] * 9 + ["nope", None],  # unknown
        [4] * 9 + [b.token, "robot"],  # bad profile value
    ]
    report = services.responses_import(actor=w["opd_head"], service=service, file=_xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "token"), (4, "token"), (5, "token"), (6, "sex")
    ]  # fmt: skip
    assert report.imported == 0
    report = services.responses_import(
        actor=w["opd_head"], service=service, file=_xlsx(rows), import_valid_rows=True
    )
    assert report.imported == 1
    a.refresh_from_db()
    assert a.used_at is not None
    assert SurveyResponse.objects.get(application_id=a.application_id).channel == "invitation"
    # Reusing that token in another import is refused too.
    again = services.responses_import(
        actor=w["opd_head"], service=service, file=_xlsx([[4] * 9 + [a.token, None]])
    )
    assert again.imported == 0 and "already been used" in again.errors[0].message


def test_import_refuses_whole_files(survey_actions: World, service: Any) -> None:
    w = survey_actions
    big = io.BytesIO(b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n" + b"4,4,4,4,4,4,4,4,4\n" * 1000)
    report = services.responses_import(
        actor=w["opd_head"], service=service, file=big, filename="big.csv", max_bytes=1024
    )
    assert "larger than" in report.file_error and report.imported == 0
    wrong = io.BytesIO(b"nama,nilai\nBudi,4\n")
    report = services.responses_import(actor=w["opd_head"], service=service, file=wrong)
    assert "Missing column(s)" in report.file_error
    with pytest.raises(PermissionError):
        services.responses_import(actor=w["other_pemda_officer"], service=service, file=wrong)
    assert not SurveyResponse.objects.exists()


def test_settings_and_population(survey_actions: World, service: Any) -> None:
    w = survey_actions
    for _ in range(3):
        services.response_submit_kiosk(service=service, answers=ALL_FOUR)
    period = _now_period()
    assert selectors.skm_result(pemda=w.merauke, period=period).ikm == Decimal("100.00")
    with pytest.raises(PermissionError):
        services.skm_settings_set(actor=w["opd_head"], pemda=w.merauke, weight_mode="legacy_0_11")
    services.skm_settings_set(
        actor=w["pemda_admin"],
        pemda=w.merauke,
        weight_mode="legacy_0_11",
        population_source="entered",
    )
    services.population_set(actor=w["opd_head"], opd=w.dukcapil, period=period, population=10)
    result = selectors.skm_result(pemda=w.merauke, period=period)
    assert (result.ikm, result.weight_mode) == (Decimal("99.00"), "legacy_0_11")
    assert (result.sample.target, result.sample.met) == (10, False)
    assert selectors.skm_result(opd=w.dinkes, period=period).n == 0
