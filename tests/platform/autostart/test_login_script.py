"""Linux login entry for a command an Exec line cannot carry to both GLib and systemd (#18 point
8): which characters need the login script, the script run by a real sh, the adapter writing,
reading and removing it, and the one-line refusal when the script's own folder is awkward.
test_login_tools.py starts the written entries with the real GLib and systemd tools."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from traybreak.cli import main
from traybreak.platform.autostart import login_script
from traybreak.platform.autostart.base import AutostartRefused, AutostartState
from traybreak.platform.autostart.linux import XdgAutostart
from traybreak.platform.desktop_file import parse_exec, read_entry

# Every character GLib 2.74 and systemd 252 were seen to read differently in a program path
# (test_login_tools.py), and those both read alike.
NOT_CARRIED = ["%", '"', "'", "\\", "$", "`", "\n", "\t", "\x7f", "\udcff"]
CARRIED = [" ", ";", "=", "#", "&", "*", "?", "~", "(", "!", "ä", "\xa0", "€"]


@pytest.mark.parametrize("char", NOT_CARRIED)
def test_a_path_with_a_character_the_two_readers_disagree_on_needs_the_script(char: str) -> None:
    path = f"/opt/x{char}y/bin/traybreak-tray"
    assert login_script.not_carried(path) == char
    assert login_script.needs_script([path])
    assert login_script.needs_script(["/usr/bin/python3", "-m", f"tray{char}break"])


@pytest.mark.parametrize("char", CARRIED)
def test_a_path_both_readers_take_is_written_as_it_is(char: str) -> None:
    assert not login_script.needs_script([f"/opt/x{char}y/bin/traybreak-tray", "run"])


def test_each_character_not_carried_is_named_once_in_order() -> None:
    assert login_script.not_carried("/a%b\\c%d'e") == "%\\'"


words = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
                max_size=10)


@given(st.lists(words, min_size=1, max_size=4))
def test_the_script_reads_back_as_the_command_it_runs(argv: list[str]) -> None:
    assert login_script.read_script(login_script.script_text(argv)) == argv


@settings(max_examples=25, deadline=None)
@given(st.lists(words, max_size=4))
def test_a_real_sh_runs_the_script_with_every_word_as_written(
        tmp_path_factory: pytest.TempPathFactory, tail: list[str]) -> None:
    where = tmp_path_factory.mktemp("sh")
    out = where / "argv"
    # The command: sh writing its own words, NUL-separated, where $0 says.
    argv = ["/bin/sh", "-c", 'printf "%s\\0" "$@" > "$0"', str(out), *tail]
    script = where / "login-launcher"
    script.write_text(login_script.script_text(argv), encoding="utf-8")
    script.chmod(0o755)
    subprocess.run([str(script), "extra word"], check=True, timeout=10)
    written = out.read_bytes().decode("utf-8").split("\0")[:-1]
    assert written == [*tail, "extra word"]


@pytest.mark.parametrize("text", [
    "#!/bin/sh\nexec /bin/true\n",                                    # not ours
    login_script.SCRIPT_HEAD + "exec '/opt/a' \"$@\"\nrm -rf ~\n",    # ours, with more after
    login_script.SCRIPT_HEAD + "exec '/opt/a\n",                      # a quote left open
    login_script.SCRIPT_HEAD + "exec \"$@\"\n",                       # no command
])
def test_a_script_that_is_not_exactly_ours_reads_as_none(text: str) -> None:
    assert login_script.read_script(text) is None


def _launcher(tmp_path: Path, folder: str) -> Path:
    launcher = tmp_path / folder / "bin" / "traybreak-tray"
    launcher.parent.mkdir(parents=True)
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o755)
    return launcher


def test_enable_starts_an_awkward_launcher_through_the_script(tmp_path: Path) -> None:
    launcher = _launcher(tmp_path, "100% o'brien \\ $HOME")
    adapter = XdgAutostart(tmp_path / "config", tmp_path / "data" / "traybreak")
    status = adapter.enable([str(launcher), "run"])
    assert status.state is AutostartState.ENABLED
    assert status.command == (str(launcher), "run")               # the real command is shown
    keys = read_entry(adapter.path.read_text(encoding="utf-8"))
    assert parse_exec(keys["Exec"]) == [str(adapter.script)] == [keys["TryExec"]]
    assert adapter.script.stat().st_mode & stat.S_IXUSR
    assert not login_script.needs_script([str(adapter.script)])

    launcher.unlink()                                              # the venv was deleted
    broken = adapter.status()
    assert broken.state is AutostartState.BROKEN and str(launcher) in broken.detail

    assert adapter.disable().state is AutostartState.DISABLED
    assert not adapter.path.exists() and not adapter.script.exists()


def test_a_plain_launcher_is_written_directly_and_an_old_script_goes(tmp_path: Path) -> None:
    adapter = XdgAutostart(tmp_path / "config", tmp_path / "data")
    adapter.enable([str(_launcher(tmp_path, "old 100%"))])
    assert adapter.script.exists()
    plain = _launcher(tmp_path, "new venv")
    assert adapter.enable([str(plain)]).command == (str(plain),)
    assert parse_exec(read_entry(adapter.path.read_text())["Exec"]) == [str(plain)]
    assert not adapter.script.exists()


def test_an_entry_whose_script_was_removed_or_edited_is_broken(tmp_path: Path) -> None:
    adapter = XdgAutostart(tmp_path / "config", tmp_path / "data")
    adapter.enable([str(_launcher(tmp_path, "a$b"))])
    adapter.script.write_text("#!/bin/sh\nexec something-else\n")
    edited = adapter.status()
    assert edited.state is AutostartState.BROKEN and "login script" in edited.detail
    adapter.script.unlink()
    assert adapter.status().state is AutostartState.BROKEN
    assert adapter.enable([str(_launcher(tmp_path, "c$d"))]).state is AutostartState.ENABLED


def test_an_awkward_script_folder_is_refused_in_one_line_and_nothing_is_written(
        tmp_path: Path) -> None:
    adapter = XdgAutostart(tmp_path / "config", tmp_path / "o'brien" / "traybreak")
    with pytest.raises(AutostartRefused) as refused:
        adapter.enable([str(_launcher(tmp_path, "100%"))])
    message = str(refused.value)
    assert "\n" not in message and str(adapter.script) in message
    assert "XDG_DATA_HOME" in message and "'" in message
    assert not adapter.path.exists() and not adapter.script.exists()


def _cli_with_awkward_launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               data_home: str) -> Path:
    """The CLI's environment: a launcher in a folder with a backslash, data in ``data_home``."""
    launcher = _launcher(tmp_path, "back\\slash")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / data_home))
    monkeypatch.setattr("traybreak.cli.autostart_cmd.launcher_argv", lambda: [str(launcher)])
    return launcher


@pytest.mark.skipif(sys.platform != "linux", reason="the CLI writes the real Linux entry")
def test_the_cli_says_why_it_refuses_and_exits_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_with_awkward_launcher(tmp_path, monkeypatch, "da%ta")
    assert main(["autostart", "enable"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "cannot start traybreak at login" in err and "da%ta" in err


@pytest.mark.skipif(sys.platform != "linux", reason="the CLI writes the real Linux entry")
def test_the_cli_enables_an_awkward_launcher_through_the_script(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    launcher = _cli_with_awkward_launcher(tmp_path, monkeypatch, "data")
    assert main(["autostart", "enable"]) == 0
    out = capsys.readouterr().out
    assert "enabled" in out and f"runs: {launcher}" in out
    assert (tmp_path / "data" / "traybreak" / "login-launcher").is_file()
