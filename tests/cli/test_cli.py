"""The CLI front: --version, --help on every command, one-line errors, --debug tracebacks."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from traybreak import __version__
from traybreak.cli import build_parser, main


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple]:
    found: list[tuple] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*prefix, name))
                found += _commands(sub, (*prefix, name))
    return found


COMMANDS = _commands(build_parser())


def test_the_commands_the_issues_name_exist() -> None:
    names = {c[0] for c in COMMANDS}
    assert {"run", "status", "pause", "resume", "break-now", "skip-next", "reload", "quit",
            "config", "log", "export", "exercises", "prompt", "autostart", "desktop-entry"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_on_every_command(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
                               ) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: traybreak " + " ".join(command))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.strip() == f"traybreak {__version__}"


def test_errors_are_one_line_and_debug_adds_the_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text("[breaks.stretch]\nevery = 25\n")
    plain = subprocess.run([sys.executable, "-m", "traybreak", "--config", str(bad), "config",
                            "show"], capture_output=True, text=True, check=False)
    assert plain.returncode == 2
    lines = plain.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("traybreak: ")
    assert "breaks.stretch.every" in lines[0]
    debug = subprocess.run([sys.executable, "-m", "traybreak", "--debug", "--config", str(bad),
                            "config", "show"], capture_output=True, text=True, check=False)
    assert debug.returncode == 2 and "Traceback (most recent call last)" in debug.stderr


def test_status_when_nothing_runs_exits_3(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert main(["status"]) == 3
    assert "not running" in capsys.readouterr().err


def test_a_too_long_pause_is_refused_before_asking_the_tray(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # no tray runs there: not asked at all
    assert main(["pause", "3000000d"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "longest pause, 30d" in err
    assert "unexpected" not in err and "Overflow" not in err


def test_panel_without_a_menu_asks_the_running_tray_and_says_when_none_runs(  # type: ignore[no-untyped-def]
        tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert main(["panel"]) == 3   # (tests/e2e/test_tray_sni.py: the running tray shows it)
    err = capsys.readouterr().err
    assert "not running" in err and len(err.strip().splitlines()) == 1


def test_status_json_when_nothing_runs_is_still_json(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert main(["status", "--json"]) == 3
    out, err = capsys.readouterr()
    reply = json.loads(out)
    assert reply["running"] is False and "not running" in reply["error"] and err == ""


TRAY_STARTS = [[], ["run"], ["--debug"], ["run", "--debug"], ["--debug", "run"],
               ["--config", "my.toml"], ["--config=my.toml", "run"], ["run", "--config", "run"],
               ["--config", "a.toml", "--debug", "run", "--config=b.toml"]]


@pytest.mark.parametrize("words", TRAY_STARTS)
def test_a_tray_start_skips_the_parser_but_means_what_argparse_reads(words: list[str]) -> None:
    from traybreak.cli import tray_start_options

    args = build_parser().parse_args(words)
    assert getattr(args, "command", None) in (None, "run")
    expected = (getattr(args, "config", None), bool(getattr(args, "debug", False)))
    assert tray_start_options(words) == expected


@pytest.mark.parametrize("words", [["--help"], ["run", "--help"], ["--version"], ["status"],
                                   ["run", "run"], ["--config"], ["--deb"], ["--", "run"],
                                   ["run", "--json"]])
def test_anything_else_is_left_to_argparse(words: list[str]) -> None:
    from traybreak.cli import tray_start_options

    assert tray_start_options(words) is None


def test_the_tray_process_does_not_carry_the_command_line_parser() -> None:
    """Building the parser imports argparse, gettext and every command module (~0.6 MB)."""
    import subprocess
    import sys

    code = ("import sys, traybreak.app.startup\n"
            "traybreak.app.startup.run = lambda config, debug: print(config, debug, sorted(\n"
            "    m for m in sys.modules if m in ('argparse', 'gettext', 'csv', 'difflib')\n"
            "    or m.startswith('traybreak.cli.'))) or 0\n"
            "from traybreak.cli import main\n"
            "sys.exit(main(['--config', 'x.toml', 'run', '--debug']))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env={"PYSTRAY_BACKEND": "dummy"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "x.toml True []"


def test_status_shows_the_end_of_a_pause_as_a_local_clock_time() -> None:
    from datetime import datetime, timedelta

    from traybreak.cli.app_cmd import sent_time_label

    now = datetime(2026, 11, 26, 12, 0).astimezone()  # local noon: +30 min is the same day
    later = now + timedelta(minutes=30)
    assert sent_time_label(later.isoformat(), now) == later.astimezone().strftime("%H:%M")
    next_day = now + timedelta(days=1)
    assert sent_time_label(next_day.isoformat(), now) == next_day.astimezone().strftime(
        "tomorrow %H:%M")
    later_on = now + timedelta(days=2)
    assert sent_time_label(later_on.isoformat(), now) == later_on.astimezone().strftime("%a %H:%M")
    weeks_on = (now + timedelta(days=20)).astimezone()  # not this week: the date too (#18)
    assert sent_time_label(weeks_on.isoformat(), now) == (
        f"{weeks_on:%a} {weeks_on.day} {weeks_on:%b} {weeks_on:%H:%M}")
    assert sent_time_label("not a time", now) == "not a time"


def test_status_lines_say_what_each_rule_is_doing() -> None:
    from datetime import datetime, timedelta

    from traybreak.cli.app_cmd import rule_line

    now = datetime(2026, 11, 26, 12, 0).astimezone()   # a Thursday
    base = {"remaining": None, "at": None, "prompt": None, "until": None, "next_at": None}

    def line(**fields: object) -> str:
        return rule_line({**base, **fields}, now)

    assert line(remaining="24m13s") == "next in 24m13s"
    assert line(remaining="0s", prompt="waiting") == "waiting for you to come back"
    assert line(remaining="0s", prompt="shown") == "on screen now"
    assert line(remaining="0s", prompt="queued") == "next, after the prompt on screen"
    snoozed_until = (now + timedelta(minutes=5)).isoformat()
    assert line(remaining="0s", prompt="snoozed", until=snoozed_until) == "snoozed until 12:05"
    relax = {"at": "15:30"}
    assert line(**relax, next_at=now.replace(hour=15, minute=30).isoformat()) == "next at 15:30"
    assert line(**relax, next_at=(now.replace(hour=15, minute=30) + timedelta(days=1))
                .isoformat()) == "next tomorrow 15:30"
    assert line(at="12:30", next_at=(now.replace(hour=12, minute=30) + timedelta(days=4))
                .isoformat()) == "next Mon 12:30"


def test_status_says_why_prompts_wait() -> None:
    from traybreak.cli.app_cmd import _waiting_words

    assert _waiting_words("dnd") == "Waiting: do not disturb"
    assert _waiting_words("fullscreen") == "Waiting: full screen"
    assert _waiting_words(None) is None
    assert _waiting_words("sleeping") is None   # a word this CLI does not know


def _module_commands(module: str) -> set[str]:
    from traybreak.cli import _command_module

    parser = argparse.ArgumentParser()
    loaded = _command_module(module)
    assert loaded.__name__ == f"traybreak.cli.{module}"
    loaded.register(parser.add_subparsers())
    return {name for name, *_rest in _commands(parser) if not _rest}


def test_each_command_names_the_module_that_registers_it() -> None:
    from traybreak.cli import COMMAND_MODULES

    for module, commands in COMMAND_MODULES.items():
        assert _module_commands(module) == set(commands), module
    assert {c[0] for c in COMMANDS} == {c for cs in COMMAND_MODULES.values() for c in cs}


@pytest.mark.parametrize(("words", "command"), [
    (["log", "--all"], "log"), (["--debug", "export"], "export"),
    (["--config", "log", "config", "check"], "config"), (["--config=x", "history"], "history"),
    (["--version"], None), ([], None), (["--config"], None),
])
def test_the_command_word(words: list[str], command: str | None) -> None:
    from traybreak.cli import command_word

    assert command_word(words) == command


def test_a_command_builds_the_parser_of_its_own_module_only() -> None:
    """Building every module's parser imports all their dependencies (#18 point 11: ~90 ms of
    a `traybreak export`); an unknown word still gets the full parser and its error."""
    code = ("import sys\nfrom traybreak.cli import main\n"
            "status = main(['export', '--since', '1d'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('traybreak.cli.')), status)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "XDG_DATA_HOME": "/nonexistent"})
    assert done.stdout.splitlines()[-1] == "['traybreak.cli.common', 'traybreak.cli.log_cmd'] 0"
    typo = subprocess.run([sys.executable, "-m", "traybreak", "exprot"], capture_output=True,
                          text=True, check=False)
    assert typo.returncode == 2 and "invalid choice: 'exprot'" in typo.stderr
    assert "export" in typo.stderr and "status" in typo.stderr  # every command is offered
