"""`traybreak desktop-entry install | remove | status` through main(), in a temporary
$XDG_DATA_HOME: what it prints, its exit statuses, one-line errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from traybreak.cli import main
from traybreak.paths import APP_ID
from traybreak.platform.app_menu.choose import install_for_user
from traybreak.platform.app_menu.linux import MenuEntryState
from traybreak.platform.desktop_file import parse_exec, read_entry
from traybreak.platform.launcher import launcher_argv

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                reason="the XDG entry (Windows and macOS make none)")


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "data home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_install_status_remove(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = data_home / "applications" / f"{APP_ID}.desktop"
    assert main(["desktop-entry", "status"]) == 0
    assert capsys.readouterr().out == f"application menu entry: not installed ({entry})\n"

    assert main(["desktop-entry", "install"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"application menu entry: installed ({entry})"
    assert out[1] == "  runs: " + " ".join(launcher_argv())
    assert out[2].endswith(f"at 16, 22, 24, 32, 48, 64, 128, 256 px in {data_home}/icons/hicolor")
    argv = parse_exec(read_entry(entry.read_text())["Exec"])
    assert argv == launcher_argv() and Path(argv[0]).is_absolute() and Path(argv[0]).exists()

    assert main(["desktop-entry", "status"]) == 0
    assert capsys.readouterr().out.splitlines() == out

    assert main(["desktop-entry", "remove"]) == 0
    assert capsys.readouterr().out == f"application menu entry: not installed ({entry})\n"
    assert not any(data_home.rglob("*"))


def test_an_unwritable_folder_is_one_line_and_exit_1(
        data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_home.mkdir()
    (data_home / "applications").write_text("in the way")
    assert main(["desktop-entry", "install"]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"traybreak: cannot write {data_home / 'applications'}: File exists\n"
    assert "Traceback" not in captured.out


def test_a_bad_action_is_argparses_error(data_home: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["desktop-entry", "instal"])
    assert exited.value.code == 2
    assert "invalid choice: 'instal'" in capsys.readouterr().err


def test_first_run_can_install_with_one_call(data_home: Path) -> None:
    status = install_for_user()
    assert status.state is MenuEntryState.INSTALLED
    assert status.entry == data_home / "applications" / f"{APP_ID}.desktop"
