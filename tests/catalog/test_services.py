"""Publishing rules, immutability (service and model level), versioning, permissions, events."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from melayani.audit.models import AuditEvent
from melayani.catalog import selectors, services
from melayani.catalog.models import (
    FieldType,
    FormField,
    ProcedureStep,
    PublicationStatus,
    PublishedRecordImmutable,
    Requirement,
    ServicePledge,
    ServiceStandard,
)
from melayani.core import events
from tests.catalog.factories import ServiceTypeFactory, draft_standard, published_service

pytestmark = pytest.mark.django_db

SK = {"decree_number": "188.4/1/2026", "decree_date": datetime.date(2026, 2, 1)}


def codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list if e.code}


def test_publish_a_complete_draft(world, django_capture_on_commit_callbacks) -> None:
    received = []
    events.subscribe(services.EVENT_STANDARD_PUBLISHED, received.append)
    service = ServiceTypeFactory(opd=world.dukcapil)
    standard = draft_standard(service)
    with django_capture_on_commit_callbacks(execute=True):
        services.standard_publish(actor=world["opd_head"], standard=standard, **SK)
    standard.refresh_from_db()
    assert standard.status == PublicationStatus.PUBLISHED
    assert standard.decree_number == "188.4/1/2026"
    assert standard.published_at is not None
    assert [e.payload for e in received if e.payload["standard_id"] == standard.pk] == [
        {"service_id": service.pk, "standard_id": standard.pk, "pemda_id": world.merauke.pk}
    ]
    assert AuditEvent.objects.filter(
        action="catalog.standard_published", target_id=str(standard.pk), pemda=world.merauke
    ).exists()


def test_publish_refuses_an_incomplete_draft(world) -> None:
    service = ServiceTypeFactory(opd=world.dukcapil)
    standard = services.standard_draft_create(actor=None, service=service, product="Akta")
    with pytest.raises(ValidationError) as caught:
        services.standard_publish(
            actor=None,
            standard=standard,
            decree_number="",
            decree_date=None,  # type: ignore[arg-type]
        )
    found = codes(caught.value)
    assert {"requirements", "procedure", "decree_number", "decree_date"} <= found
    assert "missing_legal_basis" in found and "missing_product" not in found
    standard.refresh_from_db()
    assert standard.status == PublicationStatus.DRAFT


def test_publish_needs_a_fee_and_its_basis_unless_free(world) -> None:
    service = ServiceTypeFactory(opd=world.dukcapil)
    standard = draft_standard(service)
    with pytest.raises(ValidationError) as caught:
        services.standard_draft_update(actor=None, standard=standard, fee_is_free=False)
    assert codes(caught.value) == {"fee_amount"}
    services.standard_draft_update(
        actor=None, standard=standard, fee_is_free=False, fee_amount=150000
    )
    with pytest.raises(ValidationError) as caught:
        services.standard_publish(actor=None, standard=standard, **SK)
    assert codes(caught.value) == {"fee_legal_basis"}
    services.standard_draft_update(
        actor=None, standard=standard, fee_legal_basis="Perda 3/2023 tentang Retribusi"
    )
    services.standard_publish(actor=None, standard=standard, **SK)


def test_an_upload_requirement_comes_with_its_file_field(world) -> None:
    service = ServiceTypeFactory(opd=world.dukcapil)
    standard = draft_standard(service, requirements=[("Surat keterangan lahir", True)])
    requirement = standard.requirements.get()
    field = standard.form_fields.get(field_type=FieldType.FILE)
    assert field.requirement == requirement and field.required
    field.delete()
    with pytest.raises(ValidationError) as caught:
        services.standard_publish(actor=None, standard=standard, **SK)
    assert codes(caught.value) == {"upload_field_missing"}


def test_new_version_keeps_the_old_one_intact(world) -> None:
    service = published_service(world.dukcapil, code="akta-kelahiran")
    v1 = selectors.standard_current(service)
    assert v1 is not None
    v1_rows = (
        list(v1.requirements.values_list("text", flat=True)),
        list(v1.steps.values_list("text", flat=True)),
        list(v1.form_fields.values_list("key", "requirement_id")),
    )
    v2 = services.standard_new_version(actor=world["opd_head"], standard=v1)
    assert (v2.version, v2.status) == (2, PublicationStatus.DRAFT)
    assert v2.product == v1.product
    assert list(v2.requirements.values_list("text", flat=True)) == v1_rows[0]
    upload = v2.form_fields.get(field_type=FieldType.FILE)
    assert upload.requirement is not None and upload.requirement.standard_id == v2.pk

    services.standard_draft_update(actor=None, standard=v2, completion_time_value=3)
    services.requirement_add(actor=None, standard=v2, text="Surat nikah orang tua")
    services.draft_row_remove(actor=None, row=v2.steps.first())
    assert selectors.standard_current(service) == v1  # the draft is not public
    services.standard_publish(actor=None, standard=v2, **SK)

    v1.refresh_from_db()
    assert v1.status == PublicationStatus.SUPERSEDED
    assert v1.completion_time_value == 5
    assert (
        list(v1.requirements.values_list("text", flat=True)),
        list(v1.steps.values_list("text", flat=True)),
        list(v1.form_fields.values_list("key", "requirement_id")),
    ) == v1_rows
    current = selectors.standard_current(service)
    assert current == v2 and current.completion_time_value == 3
    assert ServiceStandard.objects.filter(service=service, status="published").count() == 1


def test_services_refuse_changes_to_published_versions(world) -> None:
    service = published_service(world.dukcapil)
    standard = selectors.standard_current(service)
    assert standard is not None
    attempts = [
        lambda: services.standard_draft_update(actor=None, standard=standard, product="X"),
        lambda: services.requirement_add(actor=None, standard=standard, text="Foto"),
        lambda: services.draft_row_remove(actor=None, row=standard.requirements.first()),
        lambda: services.step_add(actor=None, standard=standard, text="Tunggu"),
        lambda: services.draft_row_move(actor=None, row=standard.steps.last(), direction="up"),
        lambda: services.form_field_add(
            actor=None, standard=standard, key="x", label="X", field_type="text"
        ),
        lambda: services.draft_row_remove(actor=None, row=standard.form_fields.first()),
        lambda: services.standard_publish(actor=None, standard=standard, **SK),
        lambda: services.standard_draft_delete(actor=None, standard=standard),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert codes(caught.value) == {"not_draft"}


def test_models_refuse_changes_to_published_rows(world) -> None:
    service = published_service(world.dukcapil)
    standard = selectors.standard_current(service)
    assert standard is not None
    requirement = standard.requirements.first()
    step = standard.steps.first()
    field = standard.form_fields.first()
    standard.product = "Something else"
    with pytest.raises(PublishedRecordImmutable):
        standard.save()
    with pytest.raises(PublishedRecordImmutable):
        ServiceStandard.objects.get(pk=standard.pk).delete()
    with pytest.raises(PublishedRecordImmutable):
        ServiceStandard.objects.filter(pk=standard.pk).update(product="X")
    with pytest.raises(PublishedRecordImmutable):
        ServiceStandard.objects.filter(pk=standard.pk).delete()
    for row in (requirement, step, field):
        with pytest.raises(PublishedRecordImmutable):
            row.save()
        with pytest.raises(PublishedRecordImmutable):
            row.delete()
        with pytest.raises(PublishedRecordImmutable):
            type(row).objects.filter(pk=row.pk).update(order=99)
        with pytest.raises(PublishedRecordImmutable):
            type(row).objects.filter(pk=row.pk).delete()
    with pytest.raises(PublishedRecordImmutable):
        Requirement.objects.create(standard=standard, order=50, text="Sneaked in")
    with pytest.raises(PublishedRecordImmutable):
        ProcedureStep.objects.create(standard=standard, order=50, text="Sneaked in")
    with pytest.raises(PublishedRecordImmutable):
        FormField.objects.create(
            standard=standard, order=50, key="sneak", label="Sneak", field_type="text"
        )
    # Superseding is the one change allowed.
    standard.refresh_from_db()
    standard.status = PublicationStatus.SUPERSEDED
    standard.save(update_fields=["status"])
    standard.status = PublicationStatus.DRAFT
    with pytest.raises(PublishedRecordImmutable):
        standard.save(update_fields=["status"])
    assert standard.requirements.count() == 2


def test_reorder_and_remove_rows_of_a_draft(world) -> None:
    service = ServiceTypeFactory(opd=world.dukcapil)
    standard = draft_standard(service, steps=["A", "B", "C"])
    a, _b, c = standard.steps.order_by("order")
    services.draft_row_move(actor=None, row=c, direction="up")
    assert list(standard.steps.order_by("order").values_list("text", flat=True)) == ["A", "C", "B"]
    services.draft_row_move(actor=None, row=a, direction="up")  # already first: nothing moves
    services.draft_row_remove(actor=None, row=a)
    assert list(standard.steps.order_by("order").values_list("text", "order")) == [
        ("C", 1),
        ("B", 2),
    ]
    ktp = standard.requirements.get(text="KTP")
    services.draft_row_remove(actor=None, row=ktp)
    assert not standard.form_fields.filter(field_type=FieldType.FILE).exists()
    assert list(standard.requirements.values_list("order", flat=True)) == [1]


def test_form_field_rules(world) -> None:
    standard = draft_standard(ServiceTypeFactory(opd=world.dukcapil))
    with pytest.raises(ValidationError) as caught:
        services.form_field_add(
            actor=None, standard=standard, key="nama-anak", label="Nama", field_type="text"
        )
    assert codes(caught.value) == {"key_taken"}
    with pytest.raises(ValidationError) as caught:
        services.form_field_add(
            actor=None, standard=standard, key="agama", label="Agama", field_type="choice"
        )
    assert codes(caught.value) == {"choices_missing"}
    kk = standard.requirements.get(text="Kartu Keluarga")
    with pytest.raises(ValidationError) as caught:
        services.form_field_add(
            actor=None,
            standard=standard,
            key="kk",
            label="KK",
            field_type="file",
            requirement=kk,
        )
    assert codes(caught.value) == {"requirement"}
    other = draft_standard(ServiceTypeFactory(opd=world.dukcapil))
    with pytest.raises(ValidationError):
        services.form_field_add(
            actor=None,
            standard=standard,
            key="ktp2",
            label="KTP",
            field_type="file",
            requirement=other.requirements.get(text="KTP"),
        )


def test_one_draft_at_a_time_and_codes_unique_per_pemda(world) -> None:
    service = ServiceTypeFactory(opd=world.dukcapil, code="kk")
    draft_standard(service)
    with pytest.raises(ValidationError) as caught:
        services.standard_draft_create(actor=None, service=service)
    assert codes(caught.value) == {"draft_exists"}
    with pytest.raises(ValidationError) as caught:
        services.service_create(actor=None, opd=world.dinkes, code="KK", name="Kartu Keluarga")
    assert codes(caught.value) == {"code_taken"}
    other = services.service_create(
        actor=None, opd=world.jogja_dukcapil, code="kk", name="Kartu Keluarga"
    )
    assert other.pemda == world.yogyakarta


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("opd_head", True),
        ("pemda_admin", True),
        ("platform_admin", True),
        ("officer", False),
        ("inspector", False),
        ("other_pemda_admin", False),
        ("other_pemda_officer", False),
        ("citizen", False),
    ],
)
def test_who_may_manage_the_catalogue_of_a_unit(world, persona, allowed) -> None:
    actor = world[persona]
    if allowed:
        service = services.service_create(
            actor=actor, opd=world.dukcapil_service_desk, code="ktp-el", name="KTP-el"
        )
        standard = draft_standard(service)
        services.standard_publish(actor=actor, standard=standard, **SK)
        return
    with pytest.raises(PermissionError):
        services.service_create(actor=actor, opd=world.dukcapil, code="ktp-el", name="KTP-el")
    standard = draft_standard(ServiceTypeFactory(opd=world.dukcapil))
    with pytest.raises(PermissionError):
        services.standard_publish(actor=actor, standard=standard, **SK)
    with pytest.raises(PermissionError):
        services.step_add(actor=actor, standard=standard, text="x")


def test_head_of_another_unit_is_refused(world) -> None:
    from tests.core.factories import UserFactory, assign

    dinkes_head = UserFactory(username="dinkes_head")
    assign(dinkes_head, "opd_head", opd=world.dinkes)
    with pytest.raises(PermissionError):
        services.service_create(actor=dinkes_head, opd=world.dukcapil, code="kk", name="KK")
    services.service_create(actor=dinkes_head, opd=world.dinkes, code="sks", name="SKS")


def test_pledges_are_versioned_one_published_per_unit(world) -> None:
    first = services.pledge_draft_create(
        actor=world["opd_head"], opd=world.dukcapil, text="Kami sanggup melayani sesuai standar."
    )
    services.pledge_publish(actor=world["opd_head"], pledge=first, **SK)
    assert selectors.pledge_current(world.dukcapil) == first
    # A sub-unit without its own pledge is covered by its parent's.
    assert selectors.pledge_applicable(world.dukcapil_service_desk) == first
    second = services.pledge_draft_create(actor=None, opd=world.dukcapil, text="Versi baru.")
    services.pledge_draft_update(actor=None, pledge=second, text="Versi kedua.")
    services.pledge_publish(actor=None, pledge=second, **SK)
    first.refresh_from_db()
    assert first.status == PublicationStatus.SUPERSEDED
    assert first.text == "Kami sanggup melayani sesuai standar."
    assert selectors.pledge_current(world.dukcapil) == second
    with pytest.raises(ValidationError):
        services.pledge_draft_update(actor=None, pledge=second, text="Diubah")
    second.text = "Diubah diam-diam"
    with pytest.raises(PublishedRecordImmutable):
        second.save()
    with pytest.raises(PublishedRecordImmutable):
        ServicePledge.objects.filter(pk=second.pk).update(text="x")
    with pytest.raises(PermissionError):
        services.pledge_draft_create(actor=world["other_pemda_admin"], opd=world.dukcapil, text="x")
    # A standard published now records the pledge in force.
    service = published_service(world.dukcapil_service_desk)
    current = selectors.standard_current(service)
    assert current is not None and current.pledge == second
