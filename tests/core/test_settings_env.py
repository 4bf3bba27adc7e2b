"""Settings read from the environment: defaults, values, and a clear refusal of bad ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
SHOW = "import melayani.settings as s; print(s.EMAIL_TIMEOUT, s.AUDIT_SEAL_DELAY)"


def load(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process, in a directory without a ``.env``."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(SRC),
        "MELAYANI_ENV": "development",
        **variables,
    }
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", SHOW],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variables", "shown"),
    [
        ({}, "10 0.25"),
        ({"EMAIL_TIMEOUT": "3", "AUDIT_SEAL_DELAY": "1"}, "3 1.0"),
        ({"EMAIL_TIMEOUT": "", "AUDIT_SEAL_DELAY": ""}, "10 0.25"),  # blank means not set
        ({"EMAIL_URL": "smtp://mail.example.go.id:587?timeout=7"}, "7 0.25"),
    ],
)
def test_mail_timeout_and_seal_delay(tmp_path: Path, variables: dict[str, str], shown: str) -> None:
    loaded = load(tmp_path, **variables)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == shown


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EMAIL_TIMEOUT": "0"}, "EMAIL_TIMEOUT must be between 1 and 300 seconds"),
        ({"EMAIL_TIMEOUT": "lama"}, "EMAIL_TIMEOUT must be a whole number of seconds"),
        ({"AUDIT_SEAL_DELAY": "-1"}, "AUDIT_SEAL_DELAY must be between 0 and 60 seconds"),
    ],
)
def test_a_bad_value_is_refused_by_name(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    loaded = load(tmp_path, **variables)
    assert loaded.returncode != 0
    assert f"Melayani configuration error: {message}" in loaded.stderr
