"""The evaluation pages through HTTP: who reaches what (404 outside one's reach), answering,
evidence, verification, action plans, reports and exports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from melayani.evaluation.models import AnswerStatus, AssessmentCycle, Evidence, Instrument
from melayani.evaluation.services import answer_save, assignment_set
from tests.conftest import World
from tests.core.test_tenancy_matrix import client_for
from tests.evaluation.conftest import answer_of, worked_example_data

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _url(name: str, cycle: AssessmentCycle, *args: object) -> str:
    return reverse(f"evaluation:{name}", args=[cycle.ref, *args])


def _fill(cycle: AssessmentCycle, world: World) -> None:
    for code, raw in {
        "mp.team.q1": "Ya",
        "mp.team.q2": "A",
        "mp.plan.q1": "Ya",
        "mp.plan.q2": "Tidak",
        "mp.plan.q3": "Ya",
        "mp.rest.q1": "B",
        "mp.rest.q2": "4",
    }.items():
        answer_save(actor=world["reform_team"], answer=answer_of(cycle, code), raw=raw)


def test_cycle_pages_reach(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    allowed = {
        "reform_team",
        "inspector",
        "pemda_admin",
        "leader",
        "province_leader",
        "national_analyst",
        "kemenpanrb_evaluator",
        "platform_admin",
    }
    for persona in (
        *allowed,
        "other_pemda_admin",
        "other_pemda_inspector",
        "citizen",
        "former_inspector",
    ):
        response = client_for(persona, world).get(_url("cycle", cycle))
        assert response.status_code == (200 if persona in allowed else 404), persona
        report = client_for(persona, world).get(_url("report", cycle))
        assert report.status_code == (200 if persona in allowed else 404), persona
    assert client_for("anonymous", world).get(_url("cycle", cycle)).status_code == 302
    for persona in ("province_leader", "national_analyst", "other_pemda_admin"):
        assert client_for(persona, world).get(_url("worksheet", cycle)).status_code == 404
        assert client_for(persona, world).get(_url("assignments", cycle)).status_code == 404


def test_answering_through_the_worksheet(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    assignment_set(
        actor=world["reform_team"],
        cycle=cycle,
        node=cycle.instrument.nodes.get(code="mp.team"),
        opd=world.dukcapil,
    )
    head = client_for("opd_head", world)
    page = head.get(_url("worksheet", cycle))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tim dibentuk" in body and "Dokumen" not in body  # only Dukcapil's questions
    answer = answer_of(cycle, "mp.team.q1")
    response = head.post(
        _url("answer", cycle, answer.pk),
        {"raw": "Ya", "justification": "SK 1/2026"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        'id="answer-' in response.content.decode() and 'role="status"' in response.content.decode()
    )
    refused = head.post(
        _url("answer", cycle, answer.pk), {"raw": "Mungkin"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'role="alert"' in refused and "Choose one of the options: Ya, Tidak." in refused
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.ANSWERED and answer.justification == "SK 1/2026"
    bad = head.post(_url("answer", cycle, answer.pk), {"raw": "Maybe"})
    assert bad.status_code == 302
    answer.refresh_from_db()
    assert answer.self_raw == "Ya"
    # Another OPD's question is not found, not just refused.
    other = answer_of(cycle, "mp.plan.q1")
    assert head.post(_url("answer", cycle, other.pk), {"raw": "Ya"}).status_code == 404
    assert (
        client_for("other_pemda_officer", world)
        .post(_url("answer", cycle, answer.pk), {"raw": "Tidak"})
        .status_code
        == 404
    )


def test_evidence_upload_and_download(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    answer = answer_of(cycle, "mp.team.q1")
    team = client_for("reform_team", world)
    upload = SimpleUploadedFile("sk.pdf", b"%PDF-1.4 sk", content_type="application/pdf")
    response = team.post(
        _url("evidence-add", cycle, answer.pk), {"kind": "file", "title": "SK", "file": upload}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    url = reverse("evaluation:evidence-file", args=[evidence.pk])
    download = team.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 sk"
    for persona in ("other_pemda_admin", "national_analyst", "province_leader", "citizen"):
        assert client_for(persona, world).get(url).status_code == 404, persona
    fake = SimpleUploadedFile("sk.pdf", b"MZ\x90", content_type="application/pdf")
    team.post(_url("evidence-add", cycle, answer.pk), {"kind": "file", "title": "x", "file": fake})
    assert Evidence.objects.count() == 1


def test_verification_and_finalisation_pages(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    _fill(cycle, world)
    team = client_for("reform_team", world)
    assert team.post(_url("advance", cycle)).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "verifying"
    inspector = client_for("inspector", world)
    page = inspector.get(_url("verification", cycle))
    assert page.status_code == 200 and "Tim dibentuk" in page.content.decode()
    answer = answer_of(cycle, "mp.team.q1")
    inspector.post(
        _url("verify", cycle, answer.pk),
        {"decision": "adjust", "raw": "Tidak", "note": "Belum ada SK"},
    )
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.ADJUSTED
    assert client_for("opd_head", world).get(_url("verification", cycle)).status_code == 404
    # The cycle page shows both tiers side by side.
    body = team.get(_url("cycle", cycle)).content.decode()
    assert 'data-testid="verified-index"' in body


def test_action_plan_page(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    _fill(cycle, world)
    team = client_for("reform_team", world)
    page = team.get(_url("actions", cycle))
    assert page.status_code == 200 and "mp.plan" in page.content.decode()
    node = cycle.instrument.nodes.get(code="mp.plan")
    response = team.post(
        _url("actions", cycle),
        {
            "title": "Sosialisasi",
            "node": str(node.pk),
            "opd": world.dukcapil.pk,
            "due_on": "2026-09-30",
        },
    )
    assert response.status_code == 302
    item = cycle.actions.get()
    assert item.node == node
    assert (
        client_for("inspector", world)
        .post(
            _url("actions", cycle), {"title": "x", "opd": world.dukcapil.pk, "due_on": "2026-09-30"}
        )
        .status_code
        == 403
    )
    team.post(
        _url("action-progress", cycle, item.pk), {"progress": "100", "completion_note": "Selesai"}
    )
    item.refresh_from_db()
    assert item.status == "done"


def test_exports(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    _fill(cycle, world)
    team = client_for("reform_team", world)
    for name in ("worksheet-xlsx", "report-xlsx"):
        response = team.get(_url(name, cycle))
        assert response.status_code == 200 and response["Content-Type"] == XLSX
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(team.get(_url("worksheet-xlsx", cycle)).content))
    values = [row for row in book["LKE"].iter_rows(values_only=True) if row and row[0] == "mp.plan"]
    assert values and abs(values[0][10] - 0.6667) < 1e-9
    report = client_for("province_leader", world).get(_url("report", cycle)).content.decode()
    assert "Manajemen Perubahan" in report and "<svg" in report


def test_opening_a_cycle_through_the_page(world: World, load_data) -> None:  # type: ignore[no-untyped-def]
    load_data(worked_example_data())
    team = client_for("reform_team", world)
    url = reverse("evaluation:open", args=[world.merauke.code])
    page = team.get(url)
    assert page.status_code == 200
    preset = Instrument.objects.get(code="zi_test").presets.get()
    response = team.post(
        url,
        {
            "year": 2026,
            "preset": preset.pk,
            "lead": world["reform_team"].pk,
            "fill_starts": "2026-03-02",
            "fill_ends": "2026-03-31",
            "verify_ends": "2026-04-30",
            "finalise_ends": "2026-05-15",
        },
    )
    assert response.status_code == 302
    cycle = AssessmentCycle.objects.get()
    assert cycle.fill_ends == dt.date(2026, 3, 31)
    for persona in ("inspector", "other_pemda_admin", "national_analyst"):
        assert client_for(persona, world).get(url).status_code == 404


def test_instrument_pages(world: World, load_data) -> None:  # type: ignore[no-untyped-def]
    instrument = load_data(worked_example_data())
    url = reverse("evaluation:instrument", args=[instrument.pk])
    assert client_for("reform_team", world).get(url).status_code == 200
    xlsx = client_for("reform_team", world).get(
        reverse("evaluation:instrument-xlsx", args=[instrument.pk])
    )
    assert xlsx["Content-Type"] == XLSX
    assert (
        client_for("reform_team", world)
        .post(url, {"action": "clone", "year_from": 2027})
        .status_code
        == 403
    )
    response = client_for("platform_admin", world).post(url, {"action": "clone", "year_from": 2027})
    assert response.status_code == 302
    assert Instrument.objects.filter(code="zi_test", version=2, year_from=2027).exists()


def test_phase_advance_refused_shows_the_reason(
    example_cycle: AssessmentCycle, world: World
) -> None:
    team = client_for("reform_team", world)
    response = team.post(_url("advance", example_cycle), follow=True)
    assert "7 questions are not answered yet" in response.content.decode()
    assert client_for("inspector", world).post(_url("advance", example_cycle)).status_code == 403


def test_unit_staff_reach_only_their_part_of_a_cycle(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    assignment_set(
        actor=world["reform_team"],
        cycle=cycle,
        node=cycle.instrument.nodes.get(code="mp.team"),
        opd=world.dukcapil,
    )
    head = client_for("opd_head", world)
    assert head.get(_url("cycle", cycle)).status_code == 200
    assert head.get(_url("worksheet", cycle)).status_code == 200
    for name in ("assignments", "verification"):
        assert head.get(_url(name, cycle)).status_code == 404, name
    assert cycle.ref in head.get(reverse("evaluation:index")).content.decode()


def test_reuse_is_offered_in_the_worksheet(example_cycle: AssessmentCycle, world: World) -> None:
    from melayani.evaluation.services import Windows, cycle_open, evidence_add_link

    last = cycle_open(
        actor=world["reform_team"],
        pemda=world.merauke,
        year=2025,
        preset=example_cycle.preset,
        windows=Windows(
            dt.date(2025, 3, 3), dt.date(2025, 3, 31), dt.date(2025, 4, 30), dt.date(2025, 5, 15)
        ),
    )
    old = evidence_add_link(
        actor=world["reform_team"],
        answer=answer_of(last, "mp.team.q1"),
        url="https://x.go.id/sk",
        title="SK 2025",
    )
    team = client_for("reform_team", world)
    body = team.get(_url("worksheet", example_cycle)).content.decode()
    assert f'<option value="{old.pk}">2025: SK 2025</option>' in body
    answer = answer_of(example_cycle, "mp.team.q1")
    team.post(_url("evidence-add", example_cycle, answer.pk), {"kind": "reuse", "source": old.pk})
    assert Evidence.objects.get(answer=answer).reused_from == old


def test_page_queries_do_not_grow_with_answers(
    example_cycle: AssessmentCycle, world: World, django_assert_max_num_queries: object
) -> None:
    _fill(example_cycle, world)
    team = client_for("reform_team", world)
    for name in ("cycle", "worksheet", "report", "actions"):
        team.get(_url(name, example_cycle))
        with django_assert_max_num_queries(40):  # type: ignore[operator]
            assert team.get(_url(name, example_cycle)).status_code == 200


def test_weights_are_edited_on_the_page_and_must_add_up(world: World, load_data) -> None:  # type: ignore[no-untyped-def]
    from melayani.evaluation.models import PresetWeight

    instrument = load_data(worked_example_data())
    url = reverse("evaluation:instrument", args=[instrument.pk])
    admin = client_for("platform_admin", world)
    assert 'name="w-x-mp.plan"' in admin.get(url).content.decode()
    refused = admin.post(
        url, {"action": "weights", "w-x-mp.plan": "2"}, follow=True
    ).content.decode()
    assert "add up to 5" in refused
    assert PresetWeight.objects.get(node__code="mp.plan").weight == "1.00"
    admin.post(url, {"action": "weights", "w-x-mp.plan": "1.5", "w-x-mp.rest": "2"})
    assert PresetWeight.objects.get(node__code="mp.plan").weight == "1.5"
    assert 'name="w-x-mp.plan"' not in client_for("reform_team", world).get(url).content.decode()


def test_units_are_named_only_to_those_who_see_the_opd_tree(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    assignment_set(
        actor=world["reform_team"],
        cycle=cycle,
        node=cycle.instrument.nodes.get(code="mp.team"),
        opd=world.dinkes,
    )
    for persona, sees in (
        ("reform_team", True),
        ("national_analyst", True),
        ("leader", True),
        ("province_leader", False),
    ):
        body = client_for(persona, world).get(_url("cycle", cycle)).content.decode()
        assert (world.dinkes.name in body) == sees, persona
    report = client_for("province_leader", world).get(_url("report-xlsx", cycle))
    from io import BytesIO

    from openpyxl import load_workbook

    assert "OPD" not in load_workbook(BytesIO(report.content)).sheetnames
    own = client_for("reform_team", world).get(_url("report-xlsx", cycle))
    assert "OPD" in load_workbook(BytesIO(own.content)).sheetnames


def test_national_and_provincial_readers_cannot_write(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    answer = answer_of(cycle, "mp.team.q1")
    for persona in ("national_analyst", "kemenpanrb_evaluator", "province_leader", "leader"):
        client = client_for(persona, world)
        assert client.get(_url("report", cycle)).status_code == 200
        assert client.post(_url("advance", cycle)).status_code == 403
        assert client.post(_url("answer", cycle, answer.pk), {"raw": "Ya"}).status_code == 404
        assert (
            client.post(_url("verify", cycle, answer.pk), {"decision": "accept"}).status_code == 404
        )
        assert client.post(_url("actions", cycle), {"title": "x"}).status_code == 404
    cycle.refresh_from_db()
    assert cycle.status == "filling" and answer_of(cycle, "mp.team.q1").status == AnswerStatus.OPEN
