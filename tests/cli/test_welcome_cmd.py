"""`traybreak welcome` before and after its window: a file it cannot edit is refused in one line
before any window, no display is the one-line no-display error, and a menu entry that cannot be
installed on a first run is logged, not an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from traybreak.cli import main
from traybreak.cli.welcome_cmd import install_menu_entry
from traybreak.errors import ExitStatus, UserError


def test_a_file_it_cannot_edit_is_refused_in_one_line_and_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[prompt\n")
    assert main(["welcome", "--config", str(config)]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid TOML" in err
    assert config.read_text() == "[prompt\n"


def test_no_display_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    config = tmp_path / "config.toml"
    assert main(["welcome", "--first-run", "--config", str(config)]) == ExitStatus.NO_DISPLAY
    assert capsys.readouterr().err.count("\n") == 1 and not config.exists()


def test_the_menu_entry_failing_is_logged(monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture) -> None:
    def refuse() -> None:
        raise UserError("no menu here")

    monkeypatch.setattr("traybreak.platform.app_menu.choose.install_for_user", refuse)
    install_menu_entry()
    assert "application-menu entry not installed: no menu here" in caplog.text


def test_the_menu_entry_is_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    install_menu_entry()
    assert (tmp_path / "applications" / "io.github.traybreak.TrayBreak.desktop").is_file()
