"""``melayani serve``: refuses the development environment, passes its options to gunicorn."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from melayani.core.management.commands import serve


@pytest.fixture
def started() -> Any:
    with mock.patch.object(serve, "run_gunicorn") as run:
        yield run


def test_refuses_the_development_environment(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "development"
    with pytest.raises(CommandError, match="runserver"):
        call_command("serve")
    started.assert_not_called()


def test_development_needs_the_explicit_flag(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "development"
    call_command("serve", "--allow-development", stdout=mock.MagicMock())
    started.assert_called_once()


def test_defaults_are_2_cores_plus_1_sync_workers(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "production"
    call_command("serve", stdout=mock.MagicMock())
    options = started.call_args.args[0]
    assert options["workers"] == serve.default_workers()
    assert options["worker_class"] == "sync"
    assert options["bind"] == ["127.0.0.1:8000"]
    assert options["preload_app"] is True


def test_threads_switch_to_the_threaded_worker(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "production"
    call_command(
        "serve",
        "--bind",
        "0.0.0.0:9000",
        "--workers",
        "3",
        "--threads",
        "4",
        stdout=mock.MagicMock(),
    )
    options = started.call_args.args[0]
    assert options["bind"] == ["0.0.0.0:9000"]
    assert (options["workers"], options["threads"], options["worker_class"]) == (3, 4, "gthread")


def test_rejects_nonsense_counts(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "production"
    with pytest.raises(CommandError, match="--workers"):
        call_command("serve", "--workers", "0")
