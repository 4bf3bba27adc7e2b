"""Free text from people, cleaned once for every module; reasons officials must give."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from melayani.core.text import REASON_MAX, clean_text, reason_required


def test_control_characters_go_and_markup_stays_text() -> None:
    assert clean_text("  Berkas\x00 buram\x07 <b>KTP</b>\n ") == "Berkas buram <b>KTP</b>"
    assert clean_text(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "code"),
    [("", "required"), (" \x00\t ", "required"), ("x" * (REASON_MAX + 1), "max_length")],
)
def test_a_reason_is_present_and_bounded(given: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        reason_required(given, field_name="alasan")
    [error] = refused.value.error_dict["alasan"]
    assert error.code == code


def test_a_reason_comes_back_clean() -> None:
    assert reason_required(" KTP\x00 buram ") == "KTP buram"
