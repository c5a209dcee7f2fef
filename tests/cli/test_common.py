"""What the subcommand modules share: a duration option reads and refuses alike everywhere."""

from __future__ import annotations

import argparse
from datetime import timedelta

import pytest

from traybreak.cli import main
from traybreak.cli.common import duration_arg
from traybreak.errors import ExitStatus


def test_a_duration_option_reads_units() -> None:
    assert duration_arg("45s") == timedelta(seconds=45)
    assert duration_arg("1h30m") == timedelta(hours=1, minutes=30)


def test_a_bad_duration_is_argparse_s_error_with_the_reason() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r'^"25" has no unit \(expected .*\)$'):
        duration_arg("25")


def _refusal(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The error line argparse printed for ``argv`` (after the usage), without its prog."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == ExitStatus.BAD_INPUT  # argparse exits 2
    err = capsys.readouterr().err
    usage, line = err.rstrip("\n").rsplit("\n", 1)
    assert usage.startswith("usage: ")
    prog, _, message = line.partition(": error: ")
    assert prog == f"traybreak {argv[0]}"
    return message


@pytest.mark.parametrize("bad", ["25", "5 minutes", "1m1h", ""])
def test_a_bad_duration_gives_the_same_one_line_error_from_prompt_and_panel(
        bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    prompt = _refusal(["prompt", "chin_tuck", "--timeout", bad], capsys)
    panel = _refusal(["panel", "--menu-json", "[]", "--timeout", bad], capsys)
    assert prompt == panel
    assert prompt.startswith("argument --timeout: ") and "(expected " in prompt
