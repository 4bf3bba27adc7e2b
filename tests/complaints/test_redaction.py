"""The public view's redaction: whatever surrounds them, NIK, phone numbers and e-mail addresses
never survive."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from melayani.complaints.access import redact

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.", min_size=0, max_size=40)
niks = st.from_regex(r"\A[1-9]\d{15}\Z", fullmatch=True)
phones = st.sampled_from(["0812-3456-7890", "+62 812 3456 7890", "081234567890", "0813 1111 2222"])
emails = st.from_regex(r"\A[a-z]{1,8}\.[a-z]{1,8}@[a-z]{2,8}\.go\.id\Z", fullmatch=True)


@given(before=words, after=words, nik=niks, phone=phones, email=emails)
def test_personal_data_never_survives(before, after, nik, phone, email):
    text = f"{before} NIK {nik} telp {phone} surel {email} {after}"
    out = redact(text)
    assert nik not in out
    assert phone not in out and phone.replace(" ", "") not in out.replace(" ", "")
    assert email not in out and "@" not in out


def test_ordinary_words_and_small_numbers_stay():
    text = "Jalan Raya Mandala no 12 rusak sejak 3 hari"
    assert redact(text) == text
