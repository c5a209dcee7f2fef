"""Config reload in the running app, in-process: a real App (engine thread, control handler, log,
config file on disk) with fakes for its side effects (tests/fakes.py: a stand-in for the tray
icon, no idle source, no file watch unless a test gives one), and the periodic file check made
fast with ``refresh_s`` so several checks pass in a fraction of a second.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeView, fake_environment

from traybreak.app.tray_app import App
from traybreak.app.tray_facts import SETTINGS_NOT_USED
from traybreak.platform.file_watch import watch_file

CHECK_S = 0.05  # the file check's period in these tests (60 s in the app)

CONFIG = """
[breaks.stretch]
every = "{every}"
duration = "5s"
[breaks.strengthen]
enabled = false
[breaks.relax]
enabled = false
"""
BAD_EDITS = {
    "bad TOML": CONFIG.format(every="25m") + "\n[oops\n",
    "bad value": CONFIG.format(every="soon"),
}


class Running:
    """An App on a real config file; ``play(scenario)`` runs it until the scenario returns."""

    def __init__(self, home: Path, runtime: Path, text: str, check_s: float = CHECK_S,
                 view: type[FakeView] = FakeView, **env: Any) -> None:
        self.config = home / "config.toml"
        self.config.write_text(text)
        self.app = App(self.config, runtime, "fake", fake_environment(tray_view=view, **env),
                       refresh_s=check_s)
        assert isinstance(self.app.view, FakeView)
        self.view: FakeView = self.app.view

    def play(self, scenario: Callable[[], None]) -> None:
        self.view.scenario = scenario
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT,
                                                           signal.SIGHUP)}
        try:
            self.app.run()
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        if self.view.error is not None:
            raise self.view.error

    def edit(self, text: str) -> None:
        """Save the file as many editors do, in one step (a rename): new content and a newer
        modification time, even where the file clock is coarse."""
        before = self.config.stat().st_mtime_ns
        saved = self.config.with_name("config.toml.new")
        saved.write_text(text)
        if saved.stat().st_mtime_ns <= before:
            os.utime(saved, ns=(before + 1_000_000, before + 1_000_000))
        os.replace(saved, self.config)

    def every(self) -> str | None:
        rules = self.app.handle({"cmd": "status"})["rules"]
        return rules[0]["every"] if rules else None

    def events(self, name: str) -> list[str]:
        return [e.detail for e in self.app.store.events() if e.event == name]


def _wait(predicate: Callable[[], Any], timeout: float = 3.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


@pytest.fixture
def start(tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Running]]:
    """``start(config_text, check_s=..., view=...)``: an App (not yet running) on that config
    file, with a FakeView (or the ``view`` class given) for its tray icon."""
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    with tempfile.TemporaryDirectory(prefix="tb") as runtime:  # short: a socket lives there
        yield lambda text, **kw: Running(tmp_path, Path(runtime), text, **kw)


@pytest.fixture
def running(start: Callable[..., Running]) -> Running:
    return start(CONFIG.format(every="20m"))


def test_reload_command_applies_an_edit(start: Callable[..., Running]) -> None:
    running = start(CONFIG.format(every="20m"), check_s=3600)  # only the command reloads

    def scenario() -> None:
        assert _wait(lambda: running.every() == "20m")
        running.config.write_text(CONFIG.format(every="45m"))
        assert running.app.handle({"cmd": "reload"})["ok"] is True
        assert _wait(lambda: running.every() == "45m"), running.every()
        assert running.events("config_reloaded") == [str(running.config)]

    running.play(scenario)


def test_reload_if_changed_reads_a_saved_file_once(start: Callable[..., Running]) -> None:
    """The settings window asks for a reload after a save; the file watch may have taken the
    file already: then nothing is read twice (one config_reloaded event per save)."""
    running = start(CONFIG.format(every="20m"), check_s=3600)  # only the requests reload

    def scenario() -> None:
        assert _wait(lambda: running.every() == "20m")
        asked = {"cmd": "reload", "if_changed": True}
        assert running.app.handle(asked)["reloaded"] is False       # nothing saved yet
        running.edit(CONFIG.format(every="45m"))
        assert running.app.handle(asked)["reloaded"] is True
        assert _wait(lambda: running.every() == "45m"), running.every()
        assert running.app.handle(asked) == {"ok": True, "pid": os.getpid(), "reloaded": False}
        assert running.events("config_reloaded") == [str(running.config)]

    running.play(scenario)


def test_a_changed_file_is_picked_up_without_a_command(running: Running) -> None:
    def scenario() -> None:
        assert _wait(lambda: running.every() == "20m")
        running.edit(CONFIG.format(every="45m"))
        assert _wait(lambda: running.every() == "45m"), running.every()
        time.sleep(10 * CHECK_S)  # more checks of an unchanged file: nothing more happens
        assert running.events("config_reloaded") == [str(running.config)]

    running.play(scenario)


def test_a_saved_file_is_picked_up_at_once_not_at_the_next_minute(
        start: Callable[..., Running]) -> None:
    """The file's watch wakes the engine, whose after-wake check reloads it: no 60 s wait (the
    periodic check is an hour away here)."""
    running = start(CONFIG.format(every="20m"), check_s=3600, file_watch=watch_file)

    def scenario() -> None:
        assert _wait(lambda: running.every() == "20m")
        running.edit(CONFIG.format(every="45m"))
        assert _wait(lambda: running.every() == "45m", 2.0), running.every()
        running.config.write_text(CONFIG.format(every="30m"))   # saved in place, too
        assert _wait(lambda: running.every() == "30m", 2.0), running.every()

    running.play(scenario)


def test_the_engine_wakes_for_the_file_check_only_where_the_file_cannot_be_watched(
        start: Callable[..., Running]) -> None:
    """With a watch (inotify) the tray adds no timer of its own to the engine's wakes; without
    one (fakes.NoWatch, as on Windows and macOS) the engine wakes every ``refresh_s`` to look
    at the file."""
    watched = start(CONFIG.format(every="20m"), file_watch=watch_file)
    unwatched = start(CONFIG.format(every="20m"))
    seen: list[float | None] = []
    for running in (watched, unwatched):
        running.play(lambda running=running: seen.append(running.app.service.wake_every))
    assert seen == [None, CHECK_S]


@pytest.mark.parametrize("bad", list(BAD_EDITS))
def test_an_invalid_edit_keeps_the_config_and_tells_once(running: Running, bad: str) -> None:
    def scenario() -> None:
        assert _wait(lambda: running.every() == "20m")
        running.edit(BAD_EDITS[bad])
        assert _wait(lambda: running.events("config_error"))
        time.sleep(10 * CHECK_S)  # several more checks of the same bad file
        reply = running.app.handle({"cmd": "reload"})  # and the user asks for a reload
        assert reply["ok"] is False and "config not reloaded" in reply["error"]
        running.edit(BAD_EDITS[bad])  # saved again, unchanged
        time.sleep(10 * CHECK_S)

        errors = running.events("config_error")
        assert len(errors) == 1, errors
        assert errors[0].startswith("settings not used: ") and str(running.config) in errors[0]
        assert running.every() == "20m"  # the running config stays
        assert running.app.config.rules[0].every is not None
        assert running.view.tooltip_now.startswith(SETTINGS_NOT_USED + " · ")
        assert running.view.notes == errors  # one notification where the tray has them

        running.edit(CONFIG.format(every="30m"))  # fixed: picked up, and the note goes
        assert _wait(lambda: running.every() == "30m"), running.every()
        assert _wait(lambda: not running.view.tooltip_now.startswith(SETTINGS_NOT_USED))
        assert running.events("config_reloaded") == [str(running.config)]

    running.play(scenario)


def test_a_bad_file_at_start_is_told_once(start: Callable[..., Running]) -> None:
    running = start(BAD_EDITS["bad value"])

    def scenario() -> None:
        assert _wait(lambda: running.every() == "25m")  # the defaults
        assert running.view.tooltip_now.startswith(SETTINGS_NOT_USED)
        time.sleep(10 * CHECK_S)
        assert len(running.events("config_error")) == 1

    running.play(scenario)
