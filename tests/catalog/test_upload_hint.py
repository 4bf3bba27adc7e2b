"""What a requirement's upload takes, as citizens read it before choosing a file."""

from __future__ import annotations

import pytest
from django.utils import translation

from melayani.catalog.models import Requirement


@pytest.mark.parametrize(
    ("accepted", "size", "english", "indonesian"),
    [
        (
            "pdf,jpg,png",
            5,
            "PDF, JPG or PNG, at most 5 MB.",
            "PDF, JPG atau PNG, paling besar 5 MB.",
        ),
        ("pdf", 2, "PDF, at most 2 MB.", "PDF, paling besar 2 MB."),
        (" jpeg, .png,jpg", 10, "JPG or PNG, at most 10 MB.", "JPG atau PNG, paling besar 10 MB."),
    ],
)
def test_the_hint_names_the_types_and_the_limit(
    accepted: str, size: int, english: str, indonesian: str
) -> None:
    hint = Requirement(accepted_types=accepted, max_size_mb=size).upload_hint
    with translation.override("en"):
        assert str(hint) == english
    with translation.override("id"):
        assert str(hint) == indonesian
