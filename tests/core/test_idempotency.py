"""The shared Idempotency-Key rules: what counts as the same submission, and replays."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from melayani.core.idempotency import (
    key_answer,
    key_reserve,
    stored_response,
    submission_fingerprint,
)


def test_the_same_content_gives_the_same_fingerprint_whatever_the_order_or_the_token():
    first = submission_fingerprint({"service": 1}, {"a": "1", "b": "2"}, {})
    again = submission_fingerprint(
        {"service": 1}, {"csrfmiddlewaretoken": "x", "b": "2", "a": "1"}, {}
    )
    assert first == again and len(first) == 64


@pytest.mark.parametrize(
    ("owner", "data", "uploads"),
    [
        ({"service": 2}, {"a": "1", "b": "2"}, {}),  # another service
        ({"service": 1}, {"a": "1", "b": "3"}, {}),  # another value
        ({"service": 1}, MultiValueDict({"a": ["1", "9"], "b": ["2"]}), {}),  # a second value
        ({"service": 1}, {"a": "1", "b": "2"}, {"ktp": [SimpleUploadedFile("k.pdf", b"%PDF")]}),
    ],
)
def test_anything_else_sent_changes_it(owner, data, uploads):
    assert submission_fingerprint(owner, data, uploads) != submission_fingerprint(
        {"service": 1}, {"a": "1", "b": "2"}, {}
    )


@pytest.mark.django_db
def test_a_stored_key_replays_its_answer_and_refuses_other_content():
    assert stored_response("s", "k", "f1", reused_message="used") is None
    key_answer(key_reserve("s", "k", "f1"), {"record_id": 7})
    assert stored_response("s", "k", "f1", reused_message="used") == {"record_id": 7}
    assert stored_response("other-scope", "k", "f2", reused_message="used") is None
    with pytest.raises(ValidationError) as refused:
        stored_response("s", "k", "f2", reused_message="used")
    assert refused.value.error_dict["idempotency_key"][0].code == "idempotency_key_reused"
