"""SKM collection pages: the invitation link, the kiosk, paper entry and file import."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from melayani.surveys import services
from melayani.surveys.models import Channel, SurveyImport, SurveyInvitation, SurveyResponse
from tests.applications.workbench_factories import application_make
from tests.conftest import World
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db

UNUSABLE = "This survey link cannot be used"


def _answers(score: int = 4, **overrides: int) -> dict[str, str]:
    data = {f"U{i}": str(score) for i in range(1, 10)}
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def _main(response: Any) -> str:
    """The page's main content (the header carries a per-request CSRF token and the path)."""
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def _invitation(service: Any) -> SurveyInvitation:
    application = application_make(service)
    return services.invitation_create(
        application_id=application.pk,
        service_id=service.pk,
        pemda_id=service.pemda_id,
        opd_id=service.opd_id,
    )


# --- the invitation link -------------------------------------------------------------------------


def test_invitation_page_shows_the_nine_unsur_and_works_without_script(
    world: World, service: Any
) -> None:
    invitation = _invitation(service)
    response = Client().get(reverse("surveys:invitation", args=[invitation.token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('type="radio"') == 9 * 4
    assert "Requirements (Persyaratan)" in body and "Very appropriate" in body
    assert service.name in body
    assert len(response.content) < 100_000
    # A plain form post: nothing on the page depends on a script or another site.
    assert re.search(r'<form method="post"', body)
    assert not re.search(r'(src|href)="https?://', body)


def test_invitation_page_in_bahasa_indonesia_uses_the_regulation_labels(
    world: World, service: Any, indonesian_default: None
) -> None:
    invitation = _invitation(service)
    body = Client().get(reverse("surveys:invitation", args=[invitation.token])).content.decode()
    assert "Persyaratan" in body and "Sangat sesuai" in body
    assert "Dikelola dengan baik" in body and "Requirements" not in body


def test_a_token_takes_one_answer_and_then_refuses_without_revealing(
    world: World, service: Any
) -> None:
    invitation = _invitation(service)
    url = reverse("surveys:invitation", args=[invitation.token])
    client = Client()
    data = {**_answers(4, U3=2), "sex": "female", "suggestion": "Antrean lebih cepat"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("surveys:thanks"))
    stored = SurveyResponse.objects.get()
    assert stored.channel == Channel.INVITATION
    assert stored.application_id == invitation.application_id
    assert (stored.u1, stored.u3, stored.sex) == (4, 2, "female")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and b"Thank you" in thanks.content

    # Used, unknown and mistyped links all get the same page and status.
    used_get = client.get(url)
    used_post = client.post(url, _answers(1))
    unknown = client.get(reverse("surveys:invitation", args=["x" * 22]))
    for refused in (used_get, used_post, unknown):
        assert refused.status_code == 404
        assert UNUSABLE in refused.content.decode()
    assert _main(used_get) == _main(unknown)
    assert SurveyResponse.objects.count() == 1


def test_a_missing_answer_is_shown_at_the_field_and_nothing_is_stored(
    world: World, service: Any
) -> None:
    invitation = _invitation(service)
    url = reverse("surveys:invitation", args=[invitation.token])
    data = _answers(3)
    del data["U5"]
    response = Client().post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Choose one answer for this question." in body
    assert re.search(r'value="3"[^>]*checked', body)  # what was typed is kept
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_is_refused_like_an_unknown_one(world: World, service: Any) -> None:
    invitation = _invitation(service)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=invitation.created_at - dt.timedelta(seconds=1)
    )
    response = Client().get(reverse("surveys:invitation", args=[invitation.token]))
    assert response.status_code == 404 and UNUSABLE in response.content.decode()


# --- the kiosk -----------------------------------------------------------------------------------


def test_kiosk_picks_the_service_stores_the_answer_and_resets(world: World, service: Any) -> None:
    url = reverse("surveys:kiosk", args=[world.merauke.code, world.dukcapil.slug])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert service.name in page.content.decode()
    assert len(page.content) < 100_000

    response = client.post(url, {"service": str(service.pk), **_answers(3)})
    assert response.status_code == 302
    thanks_url = reverse("surveys:kiosk-thanks", args=[world.merauke.code, world.dukcapil.slug])
    assert response["Location"] == thanks_url
    thanks = client.get(thanks_url)
    assert f'http-equiv="refresh" content="8;url={url}"' in thanks.content.decode()
    stored = SurveyResponse.objects.get()
    assert (stored.channel, stored.service_id, stored.u9) == (Channel.KIOSK, service.pk, 3)
    # The next visitor sees an empty form.
    assert " checked" not in _main(client.get(url))


def test_kiosk_refuses_a_service_of_another_unit_and_unknown_units(
    world: World, service: Any
) -> None:
    from tests.catalog.factories import published_service

    elsewhere = published_service(world.dinkes, code="skm-vaksin")
    url = reverse("surveys:kiosk", args=[world.merauke.code, world.dukcapil.slug])
    response = Client().post(url, {"service": str(elsewhere.pk), **_answers(4)})
    assert response.status_code == 200 and not SurveyResponse.objects.exists()
    assert Client().get(
        reverse("surveys:kiosk", args=[world.merauke.code, "nope"])
    ).status_code == (404)
    assert (
        Client()
        .get(reverse("surveys:kiosk", args=[world.yogyakarta.code, world.dukcapil.slug]))
        .status_code
        == 404
    )


# --- paper forms ---------------------------------------------------------------------------------


def _paper_url(world: World, opd: Any = None) -> str:
    unit = opd or world.dukcapil
    return reverse("surveys:paper", args=[unit.pemda.code, unit.slug])


def test_paper_entry_by_the_unit_head_keeps_service_and_date_for_the_next_form(
    survey_actions: World, service: Any
) -> None:
    w = survey_actions
    client = client_for("opd_head", w)
    url = _paper_url(w)
    assert client.get(url).status_code == 200
    day = dt.date.today() - dt.timedelta(days=3)
    data = {
        "service": str(service.pk),
        "filled_on": day.isoformat(),
        "U1": "2",
        "U4": "4",
        "age_band": "30_39",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert f"service={service.pk}" in response["Location"]
    stored = SurveyResponse.objects.get()
    assert stored.channel == Channel.PAPER
    assert stored.entered_by == w["opd_head"]
    assert (stored.u1, stored.u2, stored.u4) == (2, None, 4)  # blanks stay blank
    next_form = client.get(response["Location"]).content.decode()
    assert "The form was saved" in next_form
    assert f'value="{service.pk}" selected' in next_form


def test_paper_entry_needs_the_right_role_and_hides_other_pemda(
    survey_actions: World, service: Any
) -> None:
    w = survey_actions
    url = _paper_url(w)
    assert Client().get(url).status_code == 302  # sign in first
    assert client_for("other_pemda_admin", w).get(url).status_code == 404
    assert client_for("other_pemda_officer", w).get(url).status_code == 404
    assert client_for("leader", w).get(url).status_code == 404  # reads, never enters
    assert client_for("officer", w).get(url).status_code == 404  # a desk below, not the OPD
    # Manages the catalogue of the whole Pemda, but does not enter survey forms.
    assert client_for("pemda_admin", w).get(url).status_code == 403
    response = client_for("pemda_admin", w).post(url, {"service": service.pk, **_answers(4)})
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_no_answer_at_all_is_refused_with_the_service_message(
    survey_actions: World, service: Any
) -> None:
    response = client_for("opd_head", survey_actions).post(
        _paper_url(survey_actions), {"service": str(service.pk)}
    )
    assert response.status_code == 200
    assert "Answer at least one question." in response.content.decode()
    assert not SurveyResponse.objects.exists()


# --- import --------------------------------------------------------------------------------------


def _csv(text: str, name: str = "skm.csv") -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


CSV_WITH_ERRORS = (
    "U1,U2,U3,U4,U5,U6,U7,U8,U9,sex\n"
    "4,4,4,4,4,4,4,4,4,female\n"
    "4,5,4,4,4,4,4,4,4,male\n"  # row 3: 5 is not an answer
    "3,3,3,3,3,3,3,3,3,robot\n"  # row 4: unknown sex
    "2,2,2,2,2,2,2,2,2,\n"
)


def test_import_with_errors_imports_nothing_and_lists_each_row(
    survey_actions: World, service: Any
) -> None:
    w = survey_actions
    url = reverse("surveys:import", args=[w.merauke.code, w.dukcapil.slug])
    client = client_for("opd_head", w)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"service": service.pk, "on_errors": "nothing", "file": _csv(CSV_WITH_ERRORS)}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert not SurveyResponse.objects.exists()
    assert "Nothing imported" in body
    rows = re.findall(r'<tr><th scope="row" class="number">(\d+)</th><td>([^<]*)</td>', body)
    assert rows == [("3", "U2"), ("4", "sex")]
    # The next upload is offered with the other choice.
    assert re.search(r'value="valid"[^>]*checked', body)

    response = client.post(
        url, {"service": service.pk, "on_errors": "valid", "file": _csv(CSV_WITH_ERRORS)}
    )
    body = response.content.decode()
    assert SurveyResponse.objects.filter(channel=Channel.IMPORT).count() == 2
    assert "2 responses were imported." in body
    assert "Valid rows imported" in body
    batch = SurveyImport.objects.get()
    assert (batch.rows_imported, batch.rows_rejected) == (2, 2)


def test_import_of_a_clean_xlsx_and_a_refused_file(survey_actions: World, service: Any) -> None:
    w = survey_actions
    url = reverse("surveys:import", args=[w.merauke.code, w.dukcapil.slug])
    client = client_for("opd_head", w)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([f"U{i}" for i in range(1, 10)])
    sheet.append([4] * 9)
    sheet.append([3] * 8 + [None])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "skm.xlsx"
    response = client.post(url, {"service": service.pk, "on_errors": "nothing", "file": buffer})
    assert "All rows imported" in response.content.decode()
    assert SurveyResponse.objects.count() == 2

    refused = client.post(
        url, {"service": service.pk, "on_errors": "valid", "file": _csv("A,B\n1,2\n")}
    )
    body = refused.content.decode()
    assert "File refused" in body and "Missing column(s) U1" in body
    assert SurveyResponse.objects.count() == 2


def test_import_page_is_hidden_from_other_pemda(survey_actions: World, service: Any) -> None:
    w = survey_actions
    url = reverse("surveys:import", args=[w.merauke.code, w.dukcapil.slug])
    assert client_for("other_pemda_admin", w).get(url).status_code == 404
    response = client_for("other_pemda_admin", w).post(
        url, {"service": service.pk, "on_errors": "valid", "file": _csv(CSV_WITH_ERRORS)}
    )
    assert response.status_code == 404
    assert not SurveyResponse.objects.exists()
