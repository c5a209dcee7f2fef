"""A first run (issue 17 point 2): with no config file, no log and no record of it, the tray
opens the welcome window once, without waiting for it, and records that it did before opening
it; any of the three stops it."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from app.test_tray_app_reload import CONFIG, Running, start  # noqa: F401 - a fixture
from fakes import UNEXPECTED_WINDOW, ScriptLauncher

from traybreak import paths
from traybreak.app.first_run import is_first_run, record_welcome


@pytest.mark.parametrize("existing", ["", "config", "log", "marker"])
def test_the_welcome_is_due_only_when_nothing_is_there(tmp_path: Path, existing: str) -> None:
    files = {name: tmp_path / name for name in ("config", "log", "marker")}
    if existing:
        files[existing].write_text("")
    assert is_first_run(files["config"], files["log"], files["marker"]) is (existing == "")


def test_a_dangling_link_counts_as_there(tmp_path: Path) -> None:
    (tmp_path / "config").symlink_to(tmp_path / "gone")
    assert not is_first_run(tmp_path / "config", tmp_path / "log", tmp_path / "marker")


def test_the_record_is_private_and_its_folder_made(tmp_path: Path) -> None:
    marker = tmp_path / "state" / "traybreak" / "welcome-shown"
    assert record_welcome(marker)
    assert stat.S_IMODE(marker.stat().st_mode) == 0o600
    assert marker.read_text().startswith("welcome window shown ")
    assert not is_first_run(tmp_path / "config", tmp_path / "log", marker)


def test_a_record_that_cannot_be_written_is_logged_not_raised(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "state").write_text("a file where the folder goes")
    assert record_welcome(tmp_path / "state" / "welcome-shown") is False
    assert "cannot record that the welcome window was shown" in caplog.text


def test_the_tray_opens_the_welcome_once_and_records_it_first(
        start: Callable[..., Running]) -> None:  # noqa: F811 - the fixture
    launcher = ScriptLauncher(UNEXPECTED_WINDOW)
    running = start(CONFIG.format(every="20m"), launcher=launcher)
    running.app.welcome = True        # as startup decides on a first run
    seen: list[bool] = []
    window = launcher.window

    def opening(command: str, args: list[str] = []) -> None:  # noqa: B006 - read only
        seen.append(paths.welcome_marker().exists())
        window(command, args)

    launcher.window = opening  # type: ignore[method-assign]
    running.play(lambda: None)        # the tray starts and runs on: it does not wait
    assert launcher.opened == [f"welcome --first-run --config {running.config}"]
    assert seen == [True]
    assert running.app.welcome is False


def test_no_welcome_unless_it_is_a_first_run(start: Callable[..., Running]) -> None:  # noqa: F811
    launcher = ScriptLauncher(UNEXPECTED_WINDOW)
    running = start(CONFIG.format(every="20m"), launcher=launcher)
    running.play(lambda: None)
    assert launcher.opened == [] and not paths.welcome_marker().exists()
