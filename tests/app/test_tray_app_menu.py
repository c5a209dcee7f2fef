"""The tray menu's own entries in the running app, in-process with fakes (tests/fakes.py):
"Start at login" shows the real state when the menu opens and a click sets the state shown;
"Settings…" opens the settings window on the tray's own file; "Edit settings" (a request
only now) opens the file, or says where it is when it cannot, and never writes it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app.test_tray_app_reload import CONFIG
from fakes import FakeAutostart, ScriptLauncher, fake_environment

from traybreak.app.tray_app import App
from traybreak.platform.autostart.base import AutostartRefused, AutostartState, AutostartStatus
from traybreak.ui.menu import MenuEntry, MenuFacts, build_menu, find_command


def _wait(predicate: Callable[[], Any], timeout: float = 3.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


def login_entry(entries: tuple[MenuEntry, ...]) -> MenuEntry:
    return next(e for e in entries if e.label == "Start at login")


def ticked(app: App) -> bool | None:
    """Whether the tray's menu (after a refresh, as every engine wake does) ticks the box."""
    app.refresh()
    return login_entry(app.view.menu_entries()).checked


@pytest.fixture
def with_autostart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   ) -> Iterator[Callable[[FakeAutostart, ScriptLauncher], App]]:
    """``make(autostart, launcher)``: an App (not running) with that login entry and launcher."""
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(every="20m"))
    with tempfile.TemporaryDirectory(prefix="tb") as runtime:
        def make(autostart: FakeAutostart, launcher: ScriptLauncher) -> App:
            env = fake_environment(autostart=lambda: autostart, launcher=launcher)
            return App(config, Path(runtime), "fake", env)
        yield make


def test_the_menu_opens_showing_a_change_made_from_the_shell(
        with_autostart: Callable[[FakeAutostart, ScriptLauncher], App]) -> None:
    autostart, launcher = FakeAutostart(AutostartState.ENABLED), ScriptLauncher("")
    app = with_autostart(autostart, launcher)
    try:
        assert ticked(app) is True                                     # read at start
        autostart.disable()                     # `traybreak autostart disable` in a terminal
        app.open_panel()
        assert _wait(lambda: launcher.panels)
        entry = login_entry(launcher.panels[0][0])
        assert (entry.checked, entry.command) == (False, "autostart on")
    finally:
        app.store.close()


@pytest.mark.parametrize("real", [AutostartState.ENABLED, AutostartState.DISABLED])
def test_a_click_sets_the_state_the_box_promised_whatever_the_state_now(
        with_autostart: Callable[[FakeAutostart, ScriptLauncher], App],
        real: AutostartState) -> None:
    # The box showed ticked (stale: native menus are rebuilt only on a refresh); the user clicks
    # to untick it. Whatever the entry is by then, start at login ends up off; and the reverse.
    for shown, command, wanted in ((True, "autostart off", AutostartState.DISABLED),
                                   (False, "autostart on", AutostartState.ENABLED)):
        autostart = FakeAutostart(real)
        app = with_autostart(autostart, ScriptLauncher("", panel_choice=command))
        try:
            assert ticked(app) is (real is AutostartState.ENABLED)
            app.command(command)
            assert autostart.state is wanted, (shown, real)
            assert ticked(app) is (wanted is AutostartState.ENABLED)
        finally:
            app.store.close()


def test_an_autostart_request_without_on_or_off_is_refused_in_one_line(
        with_autostart: Callable[[FakeAutostart, ScriptLauncher], App]) -> None:
    autostart = FakeAutostart(AutostartState.ENABLED)
    app = with_autostart(autostart, ScriptLauncher(""))
    try:
        reply = app.handle({"cmd": "autostart"})
        assert reply == {"ok": False,
                         "error": "autostart: expected enabled true or false, got None"}
        assert autostart.state is AutostartState.ENABLED
    finally:
        app.store.close()


class RefusingAutostart(FakeAutostart):
    """A login entry that cannot be written (an awkward data folder, linux.py)."""

    def enable(self, argv: list[str]) -> AutostartStatus:
        raise AutostartRefused("cannot start traybreak at login: the path '/x%y' holds %")


def test_a_refused_login_entry_is_told_in_the_reply_and_the_box_stays_off(
        with_autostart: Callable[[FakeAutostart, ScriptLauncher], App]) -> None:
    app = with_autostart(RefusingAutostart(AutostartState.DISABLED), ScriptLauncher(""))
    try:
        reply = app.handle({"cmd": "autostart", "enabled": True})
        assert reply == {"ok": False, "error": "cannot start traybreak at login: the path "
                                               "'/x%y' holds %"}
        assert ticked(app) is False
    finally:
        app.store.close()


class Opener(list[Path]):
    """A file opener that keeps the paths it was asked to open and succeeds or not."""

    def __init__(self, works: bool) -> None:
        super().__init__()
        self.works = works

    def __call__(self, path: Path) -> bool:
        self.append(path)
        return self.works


@pytest.mark.parametrize(("exists", "works", "opens", "window"), [
    (True, True, True, False),     # the file opens in the user's editor
    (True, False, True, True),     # no opener works (no xdg-open, or it exits 3): say where
    (False, True, False, True),    # no file yet: say where, and how to start one
])
def test_edit_settings_opens_the_file_or_says_where_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exists: bool, works: bool, opens: bool,
        window: bool) -> None:
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    config = tmp_path / "config.toml"
    if exists:
        config.write_text(CONFIG.format(every="20m"))
    opener, launcher = Opener(works), ScriptLauncher("")
    with tempfile.TemporaryDirectory(prefix="tb") as runtime:
        app = App(config, Path(runtime), "fake", fake_environment(open_file=opener,
                                                                  launcher=launcher))
        try:
            app.command("edit-settings")
            expected = [f"config path --config {config}"] if window else []
            assert _wait(lambda: launcher.opened == expected and opener == ([config] * opens),
                         1.0 if window or opens else 0.3), (launcher.opened, opener)
        finally:
            app.store.close()
    assert config.exists() is exists   # the tray never writes the settings file


def test_settings_opens_the_window_on_the_trays_own_file(
        with_autostart: Callable[[FakeAutostart, ScriptLauncher], App]) -> None:
    launcher = ScriptLauncher("")
    app = with_autostart(FakeAutostart(AutostartState.DISABLED), launcher)
    try:
        app.command(str(find_command(build_menu(MenuFacts(paused=False)), ["Settings…"])))
        assert launcher.opened == [f"settings --config {app.config_path}"]
    finally:
        app.store.close()
