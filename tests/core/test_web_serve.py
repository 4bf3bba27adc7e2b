"""``melayani serve``: refuses the development environment, passes its options to granian."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from melayani.core.management.commands import serve


@pytest.fixture
def started() -> Any:
    with mock.patch.object(serve, "run_server") as run:
        yield run


def test_refuses_the_development_environment(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "development"
    with pytest.raises(CommandError, match="runserver"):
        call_command("serve")
    started.assert_not_called()


def test_development_needs_the_explicit_flag(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "development"
    call_command("serve", "--allow-development", stdout=mock.Mock())
    started.assert_called_once()


def test_defaults_are_2_cores_plus_1_workers_of_4_threads(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "production"
    call_command("serve", stdout=mock.Mock())
    options = started.call_args.args[0]
    assert options["target"] == "melayani.wsgi:application"
    assert options["interface"] == "wsgi"
    assert options["workers"] == serve.default_workers()
    assert options["blocking_threads"] == 4
    assert (options["address"], options["port"]) == ("127.0.0.1", 8000)


def test_options_reach_the_server(settings: Any, started: Any) -> None:
    settings.MELAYANI_ENV = "production"
    call_command(
        "serve", "--bind", "10.0.0.5:9000", "--workers", "3", "--threads", "4", stdout=mock.Mock()
    )
    options = started.call_args.args[0]
    assert (options["address"], options["port"]) == ("10.0.0.5", 9000)
    assert (options["workers"], options["blocking_threads"]) == (3, 4)
    call_command("serve", "--bind", "unix:/run/melayani.sock", stdout=mock.Mock())
    assert started.call_args.args[0]["uds"] == "/run/melayani.sock"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--workers", "0"], "--workers"),
        (["--threads", "0"], "--threads"),
        (["--bind", "x"], "--bind"),
    ],
)
def test_rejects_nonsense(settings: Any, started: Any, arguments: list[str], message: str) -> None:
    settings.MELAYANI_ENV = "production"
    with pytest.raises(CommandError, match=message):
        call_command("serve", *arguments)
    started.assert_not_called()
