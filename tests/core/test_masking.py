"""Masking rules for display (UU PDP: show only what a role needs)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from melayani.core.masking import MaskKind, mask, mask_email, mask_name, mask_nik, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("0812-3456-7789", "+62********789"),
        ("+62 812 3456 7789", "+62********789"),
        ("6281234567789", "+62********789"),
        ("(021) 555-1234", "+62******234"),
        ("+1 650 253 0000", "+1*******000"),
    ],
)
def test_mask_phone_keeps_the_country_code_and_last_three_digits(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("12345", "*****"),  # too short to show anything
        ("+999 1234 5678", "********678"),  # no such country code: phonenumbers cannot parse it
        ("no number", ""),
    ],
)
def test_mask_phone_of_odd_input(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("budi.santoso@example.go.id", "b***@example.go.id"),
        ("  Siti@dinkes.merauke.go.id ", "S***@dinkes.merauke.go.id"),
        ("b@example.go.id", "***@example.go.id"),
        ("not an address", "***"),
        ("@example.go.id", "***"),
        ("budi@", "***"),
    ],
)
def test_mask_email(raw: str, masked: str) -> None:
    assert mask_email(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("Budi Santoso", "B*** S***"),
        ("  Ni  Luh Putu ", "N*** L*** P***"),
        ("Sukarno", "S***"),
        ("", ""),
    ],
)
def test_mask_name(raw: str, masked: str) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("kind", "raw", "masked"),
    [
        ("nik", "9301011708900003", "9301********0003"),
        (MaskKind.NIK, "9301 0117 0890 0003", "9301********0003"),
        ("phone", "081234567789", "+62********789"),
        ("email", "budi@example.go.id", "b***@example.go.id"),
        ("name", "Budi Santoso", "B*** S***"),
    ],
)
def test_mask_dispatches_by_kind(kind: str, raw: str, masked: str) -> None:
    assert mask(raw, kind) == masked


@pytest.mark.parametrize("kind", list(MaskKind))
def test_mask_of_nothing_is_empty(kind: MaskKind) -> None:
    assert mask(None, kind) == ""
    assert mask("", kind) == ""


def test_mask_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="address"):
        mask("Jl. Merdeka 17", "address")


@given(st.text(alphabet="0123456789 -+()", max_size=25))
def test_mask_phone_shows_at_most_three_digits_after_the_country_code(raw: str) -> None:
    masked = mask_phone(raw)
    body = masked.split("*")[-1] if "*" in masked else masked
    assert len(body) <= 3
    assert "*" in masked or masked == ""


@given(st.emails())
def test_mask_email_never_shows_more_than_one_letter_of_the_local_part(email: str) -> None:
    local, _, domain = email.rpartition("@")
    masked = mask_email(email)
    assert masked.endswith(f"@{domain}")
    assert masked.removesuffix(f"@{domain}").replace("*", "") in {"", local[0]}


@given(st.text(max_size=40))
def test_masks_never_raise(raw: str) -> None:
    for kind in MaskKind:
        assert isinstance(mask(raw, kind), str)
    assert set(mask_nik(raw)) - set("*") <= set(raw)
