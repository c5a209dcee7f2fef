"""Autostart: pure builders on every OS, and how each OS's command line reads back; the Linux entry
for real in a temporary XDG dir."""

from __future__ import annotations

import plistlib
import stat
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from traybreak.cli import main
from traybreak.platform.autostart.base import AutostartState
from traybreak.platform.autostart.linux import XdgAutostart, desktop_entry
from traybreak.platform.autostart.macos import LaunchAgentAutostart, launch_agent_plist
from traybreak.platform.autostart.win32 import parse_run_value, run_value, user_disabled
from traybreak.platform.desktop_file import parse_exec, quote_exec_arg, read_entry
from traybreak.platform.launcher import launcher_argv


def _exec_of(text: str) -> str:
    return read_entry(text)["Exec"]


@pytest.mark.parametrize(
    ("argv", "expected_exec"),
    [
        (["/usr/bin/traybreak-tray"], "/usr/bin/traybreak-tray"),
        (["/home/anna maria/bin/traybreak-tray"], '"/home/anna maria/bin/traybreak-tray"'),
        (["/opt/tb/bin/python", "-m", "traybreak", "run"], "/opt/tb/bin/python -m traybreak run"),
        # GLib looks for a program before undoing %%: one with a % in its path goes via env
        (["/opt/100%/tb"], "/usr/bin/env /opt/100%%/tb"),
        (["/opt/tb/python", "-m", "x%y"], "/opt/tb/python -m x%%y"),
        (["/opt/$x/tb"], '"/opt/\\\\$x/tb"'),
    ],
)
def test_exec_line_is_quoted_per_spec(argv: list[str], expected_exec: str) -> None:
    assert _exec_of(desktop_entry(argv)) == expected_exec


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12),
                min_size=0, max_size=4))
@example(tail=["\xa0"])  # a last word of Unicode whitespace: the key-file reader strips it
@example(tail=["a\u2003b", ""])
def test_exec_round_trip(tail: list[str]) -> None:
    argv = ["/opt/a b/$HOME\\x\"y`z%%/traybreak-tray", *tail]
    assert parse_exec(_exec_of(desktop_entry(argv))) == argv


def test_entry_has_tryexec_and_no_phase_key() -> None:
    keys = read_entry(desktop_entry(["/x y/traybreak-tray"], icon="/i/tb.png"))
    assert keys["TryExec"] == "/x y/traybreak-tray"
    assert keys["Type"] == "Application" and keys["Icon"] == "/i/tb.png"
    assert not any(k.startswith("X-GNOME-Autostart-Phase") for k in keys)


def test_relative_launcher_is_refused() -> None:
    with pytest.raises(ValueError, match="absolute"):
        desktop_entry(["traybreak-tray"])
    with pytest.raises(ValueError, match="absolute"):
        launch_agent_plist(["traybreak-tray"])


def test_quote_leaves_plain_words_alone() -> None:
    assert quote_exec_arg("run") == "run"
    assert quote_exec_arg("") == '""'


@pytest.mark.parametrize(
    "argv",
    [["C:\\Program Files\\Python311\\Scripts\\traybreak-tray.exe"],
     ["C:\\Users\\Ann Lee\\venv\\Scripts\\pythonw.exe", "-m", "traybreak", "run"]],
)
def test_windows_run_value_quotes_paths_with_spaces(argv: list[str]) -> None:
    value = run_value(argv)
    assert value.startswith('"C:\\')  # never the unquoted-path trap
    assert parse_run_value(value) == tuple(argv)


# How the two command lines read back differ (launcher.CommandWords, stated in desktop_file.py and
# win32.py).
# Exec values are given as they stand in the file, before the key-file string escapes are undone.


def test_a_tab_parts_words_in_a_run_value_but_not_in_an_exec_value() -> None:
    assert parse_run_value("C:\\tb\\pythonw.exe\t-m traybreak") == (
        "C:\\tb\\pythonw.exe", "-m", "traybreak")
    assert parse_exec("/opt/tb/python\t-m traybreak") == ["/opt/tb/python\t-m", "traybreak"]


def test_a_backslash_escapes_inside_exec_quotes_but_is_ordinary_in_a_run_value() -> None:
    # Exec: \\" in the file is \" once string escapes are undone: an escaped quote, kept
    assert parse_exec('"a\\\\"b c" d') == ['a"b c', "d"]
    assert parse_exec('"\\\\$HOME\\\\x"') == ["$HOME\\x"]  # \$ stands for $, \x stays \x
    # Run value: the backslash stays and the quote after it closes the run
    assert parse_run_value('"a\\"b c" d') == ("a\\b", "c d")
    assert parse_run_value('"C:\\$x\\y"') == ("C:\\$x\\y",)


def test_an_open_quote_is_an_error_in_exec_but_ends_with_a_run_value() -> None:
    with pytest.raises(ValueError, match=r"^unterminated quote in Exec$"):
        parse_exec('"/opt/a b/traybreak-tray')
    assert parse_run_value('"C:\\a b\\traybreak-tray.exe') == ("C:\\a b\\traybreak-tray.exe",)


@pytest.mark.parametrize(("line", "words"), [
    ('x "" y', ["x", "", "y"]),             # a pair of quotes is an empty word
    ("a   b ", ["a", "b"]),                 # a run of separators is one
    ('"a"b" c"', ["ab c"]),                 # quotes group within a word, anywhere in it
    ("", []),
])
def test_what_both_command_lines_read_alike(line: str, words: list[str]) -> None:
    assert parse_exec(line) == words
    assert parse_run_value(line) == tuple(words)


def test_windows_task_manager_disable_is_read() -> None:
    assert user_disabled(bytes([3, 0, 0, 0]))
    assert not user_disabled(bytes([2, 0, 0, 0]))
    assert not user_disabled(None)


def test_macos_plist_content(tmp_path: Path) -> None:
    launcher = tmp_path / "bin" / "traybreak-tray"
    agent = plistlib.loads(launch_agent_plist([str(launcher)]))
    assert agent["ProgramArguments"] == [str(launcher)]
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] is False
    assert agent["ProcessType"] == "Interactive"


def test_macos_adapter_against_a_temporary_home(tmp_path: Path) -> None:
    launcher = _fake_launcher(tmp_path)
    adapter = LaunchAgentAutostart(tmp_path / "home")
    assert adapter.status().state is AutostartState.DISABLED
    assert adapter.enable([str(launcher)]).state is AutostartState.ENABLED
    launcher.unlink()
    assert adapter.status().state is AutostartState.BROKEN
    assert adapter.disable().state is AutostartState.DISABLED


def _fake_launcher(tmp_path: Path, name: str = "bin dir/traybreak-tray") -> Path:
    launcher = tmp_path / name
    launcher.parent.mkdir(parents=True, exist_ok=True)
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    return launcher


def test_linux_enable_status_disable_for_real(tmp_path: Path) -> None:
    launcher = _fake_launcher(tmp_path)
    adapter = XdgAutostart(tmp_path / "config", tmp_path / "data")
    assert adapter.status().state is AutostartState.DISABLED
    status = adapter.enable([str(launcher)])
    assert status.state is AutostartState.ENABLED
    assert status.command == (str(launcher),)
    assert adapter.path.is_file() and not adapter.path.is_symlink()
    assert adapter.disable().state is AutostartState.DISABLED
    assert not adapter.path.exists()


def test_linux_broken_entry_is_reported_and_enable_repairs_it(tmp_path: Path) -> None:
    old = _fake_launcher(tmp_path, "old venv/bin/traybreak-tray")
    adapter = XdgAutostart(tmp_path / "config", tmp_path / "data")
    adapter.enable([str(old)])
    old.unlink()
    broken = adapter.status()
    assert broken.state is AutostartState.BROKEN
    assert "no longer exists" in broken.detail
    new = _fake_launcher(tmp_path, "new/bin/traybreak-tray")
    assert adapter.enable([str(new)]).state is AutostartState.ENABLED


@pytest.mark.skipif(sys.platform != "linux", reason="the CLI writes the real Linux entry")
def test_cli_under_temporary_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where a login script would go
    assert main(["autostart", "status"]) == 0
    assert "disabled" in capsys.readouterr().out
    assert main(["autostart", "enable"]) == 0
    entry = tmp_path / "autostart" / "io.github.traybreak.TrayBreak.desktop"
    keys = read_entry(entry.read_text())
    argv = parse_exec(keys["Exec"])
    assert argv == launcher_argv()
    assert Path(argv[0]).is_absolute() and Path(argv[0]).exists()
    assert "enabled" in capsys.readouterr().out
    assert main(["autostart", "disable"]) == 0
    assert not entry.exists()
