"""NIKs and phone numbers never reach the logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from hypothesis import given
from hypothesis import strategies as st

from melayani.core.logging import MaskPersonalDataFilter, mask_personal_data

NIK = "3201011708900001"
PHONE = "081234567789"


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose handler carries the filter, as ``settings.LOGGING`` configures it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.core.masking")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_settings_use_this_filter() -> None:
    config: dict[str, Any] = settings.LOGGING
    assert import_string(config["filters"]["personal_data"]["()"]) is MaskPersonalDataFilter
    assert "personal_data" in config["handlers"]["console"]["filters"]


def test_nik_in_arguments_is_masked(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("nik %s", NIK)
    assert stream.getvalue() == "INFO nik 3201********0001\n"


@pytest.mark.parametrize(
    "written",
    ["3201 0117 0890 0001", "32.01.01.170890.0001", "3201-0117-0890-0001", "NIK3201011708900001"],
)
def test_nik_with_separators_is_masked(
    log: tuple[logging.Logger, io.StringIO], written: str
) -> None:
    logger, stream = log
    logger.warning("lookup failed: %s", written)
    assert "170890" not in stream.getvalue()
    assert "3201********0001" in stream.getvalue()


def test_mapping_arguments_are_masked(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("citizen %(nik)s phone %(phone)s", {"nik": NIK, "phone": PHONE})
    assert stream.getvalue() == "INFO citizen 3201********0001 phone +62********789\n"


@pytest.mark.parametrize(
    "phone",
    ["081234567789", "0812-3456-7789", "0812 3456 7789", "+62 812-3456-7789", "6281234567789"],
)
def test_phone_numbers_are_masked(log: tuple[logging.Logger, io.StringIO], phone: str) -> None:
    logger, stream = log
    logger.info("SMS to %s sent", phone)
    assert stream.getvalue() == "INFO SMS to +62********789 sent\n"


def test_landline_is_masked() -> None:
    assert mask_personal_data("call (021) 555-1234 today") == "call +62******234 today"


def test_exception_text_is_masked(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    try:
        raise ValueError(f"no citizen with NIK {NIK} or phone {PHONE}")
    except ValueError:
        logger.exception("lookup for %s failed", NIK)
    output = stream.getvalue()
    assert "Traceback" in output
    assert "ValueError: no citizen with NIK 3201********0001 or phone +62********789" in output
    assert NIK not in output
    assert PHONE not in output


def test_stack_info_is_masked(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("checking", stack_info=True)  # this source line names 3201011708900001
    output = stream.getvalue()
    assert "Stack (most recent call last)" in output
    assert NIK not in output


def test_every_handler_sees_the_masked_record(caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="tests.core.caplog"):
        logging.getLogger("tests.core.caplog").info("nik %s", NIK)
    assert NIK not in caplog.text
    assert caplog.records[0].getMessage() == "nik 3201********0001"


@pytest.mark.parametrize(
    "message",
    [
        "order 2024-01-01 total Rp 1.500.000",
        "GET /applications/12345/ 200 in 35 ms",
        "host 192.168.100.200 port 5432",
        "job took 12:30:45",
        "id 12345678901234567890",  # 20 digits: not a NIK
    ],
)
def test_other_numbers_are_left_alone(message: str) -> None:
    assert mask_personal_data(message) == message


def test_a_broken_record_is_passed_on_unchanged() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", (NIK,), None)
    assert MaskPersonalDataFilter().filter(record) is True
    assert record.msg == "%s %s"


@given(
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.sampled_from(["", " ", ".", "-"]),
)
def test_no_nik_survives(digits: str, separator: str) -> None:
    written = separator.join(digits[i : i + 4] for i in range(0, 16, 4))
    masked = mask_personal_data(f"nik={written};")
    flat = masked.replace(separator, "") if separator else masked
    assert digits[4:12] not in flat
    assert f"{digits[:4]}********{digits[12:]}" in masked


@given(st.from_regex(r"08[1-9][0-9]{7,10}", fullmatch=True))
def test_no_mobile_number_survives(phone: str) -> None:
    masked = mask_personal_data(f"phone {phone}.")
    assert phone not in masked
    assert masked.endswith(f"{phone[-3:]}.")
