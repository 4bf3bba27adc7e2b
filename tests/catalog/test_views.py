"""Public catalogue pages and the officials' editor, through HTTP."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from melayani.catalog import selectors, services
from melayani.catalog.models import PublicationStatus, ServiceStandard, ServiceType
from tests.catalog.factories import ServiceTypeFactory, draft_standard, published_service
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(persona: str, world: World) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    user = world[persona]
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="catalog", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def page(client: Client, name: str, **kwargs) -> str:
    response = client.get(reverse(f"catalog:{name}", kwargs=kwargs))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def akta(world: World) -> ServiceType:
    return published_service(
        world.dukcapil_service_desk,
        code="akta-kelahiran",
        name="Akta Kelahiran",
        keywords="lahir bayi",
        requirements=[("Surat keterangan lahir dari bidan", True), ("Kartu Keluarga", False)],
        steps=["Isi formulir permohonan", "Petugas memverifikasi berkas"],
        product="Kutipan Akta Kelahiran",
        complaint_handling="SP4N-LAPOR! dan WhatsApp 0811-4800-000",
    )


# ----------------------------------------------------------------------------- public


def test_service_page_shows_the_delivery_components(world: World, akta: ServiceType) -> None:
    services.pledge_publish(
        actor=None,
        pledge=services.pledge_draft_create(
            actor=None, opd=world.dukcapil, text="Kami sanggup melayani sesuai standar."
        ),
        decree_number="800/7/2026",
        decree_date=akta.created_at.date(),
    )
    html = page(Client(), "service", pemda_code="93.01", service_code="akta-kelahiran")
    for text in (
        "Akta Kelahiran",
        "Surat keterangan lahir dari bidan",
        "Isi formulir permohonan",
        "5 working days",
        "Free",
        "Kutipan Akta Kelahiran",
        "SP4N-LAPOR!",
        "UU 24/2013",  # a management component, further down
        "188.4/12/2026",
        "version 1",
        "Kami sanggup melayani sesuai standar.",
        "/layanan/93.01/akta-kelahiran/ajukan/",
    ):
        assert text in html, text
    assert html.index("Surat keterangan lahir") < html.index("UU 24/2013")


def test_fee_in_rupiah_and_no_online_link_when_offline(world: World) -> None:
    published_service(
        world.dinkes, code="sks", fee=150000, accepts_online=False, completion=(3, "working_days")
    )
    html = page(Client(), "service", pemda_code="93.01", service_code="sks")
    assert "Rp 150.000" in html and "3 working days" in html
    assert "/ajukan/" not in html


def test_indonesian_wording(world: World, akta: ServiceType, indonesian_default) -> None:
    html = page(Client(), "service", pemda_code="93.01", service_code="akta-kelahiran")
    assert "5 hari kerja" in html or "5 working days" in html  # until translations land


@pytest.mark.parametrize("state", ["unknown", "inactive", "draft_only", "other_pemda"])
def test_service_page_is_404_unless_listed(world: World, akta: ServiceType, state: str) -> None:
    code, pemda = "akta-kelahiran", "93.01"
    if state == "unknown":
        code = "tidak-ada"
    elif state == "inactive":
        services.service_update(actor=None, service=akta, name=akta.name, is_active=False)
    elif state == "draft_only":
        code = ServiceTypeFactory(opd=world.dukcapil, code="kk").code
        draft_standard(ServiceType.objects.get(code="kk"))
    else:
        pemda = "34.71"
    response = Client().get(
        reverse("catalog:service", kwargs={"pemda_code": pemda, "service_code": code})
    )
    assert response.status_code == 404


def test_catalogue_lists_only_published_and_never_drafts(world: World, akta: ServiceType) -> None:
    standard = selectors.standard_current(akta)
    assert standard is not None
    draft = services.standard_new_version(actor=None, standard=standard)
    services.standard_draft_update(actor=None, standard=draft, product="RAHASIA-DRAF")
    hidden = ServiceTypeFactory(opd=world.dukcapil, name="Layanan Tersembunyi")
    draft_standard(hidden)
    published_service(world.jogja_dukcapil, name="Layanan Jogja")
    html = page(Client(), "pemda", pemda_code="93.01")
    assert "Akta Kelahiran" in html
    assert "Layanan Tersembunyi" not in html and "Layanan Jogja" not in html
    detail = page(Client(), "service", pemda_code="93.01", service_code="akta-kelahiran")
    assert "RAHASIA-DRAF" not in detail and "Kutipan Akta Kelahiran" in detail


def test_catalogue_search_and_unit_filter(world: World, akta: ServiceType) -> None:
    published_service(world.dinkes, code="sks", name="Surat Keterangan Sehat", keywords="dokter")
    client = Client()
    url = reverse("catalog:pemda", kwargs={"pemda_code": "93.01"})
    html = client.get(url, {"q": "BAYI"}).content.decode()
    assert "Akta Kelahiran" in html and "Surat Keterangan Sehat" not in html
    html = client.get(url, {"unit": world.dinkes.slug}).content.decode()
    assert "Akta Kelahiran" not in html and "Surat Keterangan Sehat" in html
    unit_html = page(client, "unit", pemda_code="93.01", opd_slug=world.dukcapil.slug)
    assert "Akta Kelahiran" in unit_html and "Surat Keterangan Sehat" not in unit_html
    assert client.get(url, {"q": "<script>alert(1)</script>"}).status_code == 200
    assert client.get(reverse("catalog:pemda", kwargs={"pemda_code": "99.99"})).status_code == 404
    assert (
        client.get(
            reverse("catalog:unit", kwargs={"pemda_code": "93.01", "opd_slug": "tidak-ada"})
        ).status_code
        == 404
    )


def test_catalogue_query_count_is_bounded(world: World, django_assert_max_num_queries) -> None:
    client = Client()
    url = reverse("catalog:pemda", kwargs={"pemda_code": "93.01"})
    published_service(world.dukcapil)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for opd in (world.dukcapil, world.dinkes, world.dukcapil_service_desk) * 3:
        published_service(opd)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    service_url = reverse(
        "catalog:service",
        kwargs={"pemda_code": "93.01", "service_code": ServiceType.objects.first().code},
    )
    with django_assert_max_num_queries(12):
        assert client.get(service_url).status_code == 200


# ----------------------------------------------------------------------------- officials


def test_official_list_is_bounded_and_scoped(world: World, django_assert_max_num_queries) -> None:
    published_service(world.dukcapil, name="Kartu Keluarga")
    published_service(world.dinkes, name="Surat Keterangan Sehat")
    client = client_for("opd_head", world)
    url = reverse("catalog:manage", kwargs={"pemda_code": "93.01"})
    with django_assert_max_num_queries(25) as few:
        html = client.get(url).content.decode()
    assert "Kartu Keluarga" in html and "Surat Keterangan Sehat" not in html
    for _ in range(4):
        services.standard_new_version(
            actor=None, standard=selectors.standard_current(published_service(world.dukcapil))
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "officer", "inspector", "other_pemda_admin", "other_pemda_officer", "citizen"],
)
def test_official_pages_are_404_for_others(world: World, persona: str) -> None:
    service = published_service(world.dukcapil, code="kk")
    standard = selectors.standard_current(service)
    assert standard is not None
    draft = services.standard_new_version(actor=None, standard=standard)
    client = client_for(persona, world)
    base = {"pemda_code": "93.01", "service_code": "kk"}
    gets = [
        reverse("catalog:manage", kwargs={"pemda_code": "93.01"}),
        reverse("catalog:manage-service", kwargs=base),
        reverse("catalog:standard", kwargs={**base, "version": 2}),
        reverse(
            "catalog:pledge-manage", kwargs={"pemda_code": "93.01", "opd_slug": world.dukcapil.slug}
        ),
    ]
    posts = [
        reverse("catalog:standard-publish", kwargs={**base, "version": 2}),
        reverse("catalog:standard-new-version", kwargs={**base, "version": 1}),
        reverse("catalog:row-add", kwargs={**base, "version": 2, "kind": "steps"}),
    ]
    for url in gets:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code == 404, (url, response.status_code)
    for url in posts:
        response = client.post(url, {"step-text": "x", "publish-decree_number": "1"})
        assert response.status_code in (302, 404) if persona == "anonymous" else (404,)
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT and draft.steps.count() == 3


def test_head_drafts_edits_and_publishes_through_the_pages(world: World) -> None:
    client = client_for("opd_head", world)
    response = client.post(
        reverse("catalog:service-create", kwargs={"pemda_code": "93.01"}),
        {"opd": world.dukcapil.pk, "name": "Kartu Keluarga", "code": "kartu-keluarga"},
    )
    assert response.status_code == 302
    service = ServiceType.objects.get(code="kartu-keluarga")
    base = {"pemda_code": "93.01", "service_code": "kartu-keluarga"}
    response = client.post(reverse("catalog:standard-draft-create", kwargs=base))
    standard_url = reverse("catalog:standard", kwargs={**base, "version": 1})
    assert response["Location"] == standard_url
    components = {
        "completion_time_value": "3",
        "completion_time_unit": "working_days",
        "fee_is_free": "on",
        "product": "Kartu Keluarga",
        "complaint_handling": "SP4N-LAPOR!",
        "legal_basis": "UU 24/2013",
        "facilities": "Loket",
        "staff_competence": "SIAK",
        "internal_supervision": "Kepala Dinas",
        "staff_count": "3 orang",
        "service_guarantee": "Sesuai standar",
        "safety_guarantee": "Data dijaga",
        "performance_evaluation": "Tiap triwulan",
    }
    assert client.post(standard_url, components).status_code == 302
    rows = {"pemda_code": "93.01", "service_code": "kartu-keluarga", "version": 1}
    client.post(
        reverse("catalog:row-add", kwargs={**rows, "kind": "requirements"}),
        {
            "requirement-text": "KTP-el",
            "requirement-needs_upload": "on",
            "requirement-accepted_types": "pdf,jpg",
            "requirement-max_size_mb": "2",
        },
    )
    client.post(reverse("catalog:row-add", kwargs={**rows, "kind": "steps"}), {"step-text": "A"})
    client.post(reverse("catalog:row-add", kwargs={**rows, "kind": "steps"}), {"step-text": "B"})
    client.post(
        reverse("catalog:row-add", kwargs={**rows, "kind": "fields"}),
        {"field-label": "Alasan", "field-field_type": "choice", "field-choices": "Baru\nHilang"},
    )
    standard = ServiceStandard.objects.get(service=service)
    step_b = standard.steps.get(text="B")
    client.post(
        reverse("catalog:row-change", kwargs={**rows, "kind": "steps", "pk": step_b.pk}),
        {"action": "up"},
    )
    assert list(standard.steps.values_list("text", flat=True)) == ["B", "A"]
    html = client.get(standard_url).content.decode()
    assert "Alasan" in html and "KTP-el" in html

    # An incomplete publish shows the errors and changes nothing.
    response = client.post(
        reverse("catalog:standard-publish", kwargs=rows), {"publish-decree_number": ""}
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    response = client.post(
        reverse("catalog:standard-publish", kwargs=rows),
        {"publish-decree_number": "188/5/2026", "publish-decree_date": "2026-03-02"},
    )
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.status == PublicationStatus.PUBLISHED
    assert "Kartu Keluarga" in page(Client(), "pemda", pemda_code="93.01")

    # Published: edits are refused, a new version is a draft copy.
    response = client.post(standard_url, {**components, "product": "Diubah"})
    assert response.status_code == 200
    standard.refresh_from_db()
    assert standard.product == "Kartu Keluarga"
    response = client.post(reverse("catalog:standard-new-version", kwargs=rows))
    assert response["Location"] == reverse("catalog:standard", kwargs={**base, "version": 2})
    assert service.standards.get(version=2).steps.count() == 2


def test_invalid_draft_input_shows_errors_at_the_fields(world: World) -> None:
    service = ServiceTypeFactory(opd=world.dukcapil, code="kk")
    draft_standard(service)
    client = client_for("opd_head", world)
    rows = {"pemda_code": "93.01", "service_code": "kk", "version": 1}
    response = client.post(
        reverse("catalog:row-add", kwargs={**rows, "kind": "fields"}),
        {"field-label": "Berkas", "field-field_type": "file"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the requirement this upload fulfils." in html
    response = client.post(
        reverse("catalog:standard", kwargs=rows),
        {"completion_time_value": "3", "completion_time_unit": "working_days"},
    )
    assert "Give the fee in rupiah" in response.content.decode()


def test_pledge_pages(world: World) -> None:
    client = client_for("opd_head", world)
    url = reverse(
        "catalog:pledge-manage", kwargs={"pemda_code": "93.01", "opd_slug": world.dukcapil.slug}
    )
    assert client.post(url, {"text": "Kami sanggup."}).status_code == 302
    assert client.post(url, {"text": "Kami sanggup melayani."}).status_code == 302
    response = client.post(
        reverse(
            "catalog:pledge-publish",
            kwargs={"pemda_code": "93.01", "opd_slug": world.dukcapil.slug},
        ),
        {"publish-decree_number": "800/1/2026", "publish-decree_date": "2026-01-10"},
    )
    assert response.status_code == 302
    pledge = selectors.pledge_current(world.dukcapil)
    assert pledge is not None and pledge.text == "Kami sanggup melayani."
    assert "Kami sanggup melayani." in page(
        Client(), "unit", pemda_code="93.01", opd_slug=world.dukcapil.slug
    )
