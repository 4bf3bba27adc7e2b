"""The data inventory: every field that looks personal, in every installed model, is declared."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from melayani.privacy import inventory
from melayani.privacy.inventory import Mask, PersonalField, PersonalRecord, mask_value


def test_every_installed_model_declares_its_personal_fields() -> None:
    missing = inventory.undeclared_fields()
    assert missing == [], (
        "Declare these in <app>/personal_data.py (see src/melayani/privacy/README.md): "
        + ", ".join(missing)
    )


def test_declarations_name_real_models_fields_and_lookups() -> None:
    assert inventory.declaration_errors() == []


def test_the_check_walks_every_installed_model() -> None:
    # Third-party and contrib models are inspected too (axes keeps user names and addresses).
    labels = {r.label for r in inventory.records()}
    assert {"axes.accessattempt", "core.user", "applications.application"} <= labels


def test_the_check_catches_an_undeclared_personal_field() -> None:
    class Unlisted(models.Model):
        citizen_name = models.CharField(max_length=10)
        phone_number = models.CharField(max_length=10)
        birth_date = models.DateField()
        home_address = models.TextField()
        ktp_scan = models.FileField()
        reply_to = models.EmailField()
        nik = models.CharField(max_length=16)
        status = models.CharField(max_length=10)
        is_named = models.BooleanField()

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return "unlisted"

    try:
        found = inventory.undeclared_fields([Unlisted])
        assert found == [
            "privacy.unlisted.citizen_name",
            "privacy.unlisted.phone_number",
            "privacy.unlisted.birth_date",
            "privacy.unlisted.home_address",
            "privacy.unlisted.ktp_scan",
            "privacy.unlisted.reply_to",
            "privacy.unlisted.nik",
        ]
        inventory.declare(
            PersonalRecord(
                model="privacy.Unlisted",
                description="x",
                purpose="x",
                basis="public_service",
                subjects="x",
                fields=tuple(PersonalField(n) for n in ("citizen_name", "phone_number", "nik")),
                not_personal=("birth_date", "home_address", "ktp_scan", "reply_to"),
            )
        )
        assert inventory.undeclared_fields([Unlisted]) == []
    finally:
        inventory._registry.records.pop("privacy.unlisted", None)
        apps.all_models["privacy"].pop("unlisted", None)
        apps.clear_cache()


def test_a_record_cannot_be_declared_twice_differently() -> None:
    record = inventory.record_for("core.user")
    assert record is not None
    with pytest.raises(ValueError):
        inventory.declare(PersonalRecord(**{**record.__dict__, "purpose": "something else"}))


def test_masking_follows_the_declaration() -> None:
    from tests.privacy.factories import NIK

    user_record = inventory.record_for("core.user")
    assert user_record is not None
    assert user_record.field("nik") is not None and user_record.field("nik").mask == Mask.NIK
    assert mask_value(NIK, Mask.NIK) == "9301********0003"
    assert mask_value("+6281234567890", Mask.PHONE) == "+62********890"
    assert mask_value("Jl. Raya 1", Mask.HIDDEN) == "***"
    assert mask_value("", Mask.NIK) == ""


def test_core_processing_rests_on_public_service_or_law_and_consent_only_for_options() -> None:
    for record in inventory.records():
        if record.label.startswith(("axes.",)):
            continue
        if record.label == "privacy.consent":
            assert record.basis == "consent"
        else:
            assert record.basis in ("public_service", "legal_obligation"), record.label


def test_the_check_command_names_what_is_missing(monkeypatch) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    monkeypatch.setattr(
        "melayani.privacy.management.commands.privacy_check.undeclared_fields",
        lambda: ["x.model.phone"],
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("privacy_check", stdout=out)
    assert "undeclared: x.model.phone" in out.getvalue()
    monkeypatch.setattr(
        "melayani.privacy.management.commands.privacy_check.undeclared_fields", lambda: []
    )
    call_command("privacy_check", stdout=out)
    assert "covers every installed model" in out.getvalue()
