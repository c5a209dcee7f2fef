"""The whole tray app on Xvfb + openbox + trayer, driven like a user: it docks, prompts during
work, records Done / Esc / no answer, pauses, sees a natural break, stays single, and quits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from e2e.xdesktop import Desktop, end_process, missing_tools, skip_reason, wait_until

from traybreak.catalog.load import load_builtin
from traybreak.core.model import Kind

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# One short stretch of our own (via a user pack) so an unanswered prompt times out quickly:
# the window never closes before the exercise's own countdown has run out.
PACK = """
[[exercise]]
id = "e2e_reach"
name = "E2E overhead reach"
kind = "stretch"
targets = ["lats"]
counters = "rounded_shoulders"
setting = "standing"
steps = ["Stand tall.", "Reach both arms up.", "Lower them slowly."]
dosage = { hold_s = 5 }
duration = "10s"
cautions = ["Stop if it hurts."]
why = "A short reach that may help after sitting."
pose = "standing_side_reach"
"""


def _config(exclude: list[str]) -> str:
    return f"""
[breaks.stretch]
every = "20s"
duration = "5s"
[breaks.strengthen]
enabled = false
[breaks.relax]
enabled = false
[activity]
natural_break = "10s"
sample_every = "1s"
[prompt]
timeout = "4s"
[exercises]
exclude = {json.dumps(exclude)}
"""


class TrayApp:
    """The app under test plus the CLI next to it, in one isolated home; ``fresh``: a home
    traybreak has never run in (HOME too, and no config file or exercise pack written)."""

    def __init__(self, desk: Desktop, home: Path, env: dict[str, str] | None = None,
                 fresh: bool = False) -> None:
        self.desk, self.home = desk, home
        self.geometry = home / "prompt.json"
        self.env = {
            **desk.env,
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"), "XDG_RUNTIME_DIR": str(home / "run"),
            "TRAYBREAK_TEST_GEOMETRY_FILE": str(self.geometry), "TRAYBREAK_TRAY_WAIT": "5",
            **({"HOME": str(home)} if fresh else {}),
            **(env or {}),
        }
        (home / "run").mkdir(mode=0o700)
        if not fresh:
            config = home / "config" / "traybreak" / "config.toml"
            config.parent.mkdir(parents=True)
            stretches = [e.id for e in load_builtin() if e.kind is Kind.STRETCH]
            config.write_text(_config(stretches))
            packs = home / "data" / "traybreak" / "exercises"
            packs.mkdir(parents=True)
            (packs / "e2e.toml").write_text(PACK)
        self.proc = self.start()

    def start(self) -> subprocess.Popen[bytes]:
        """Start the tray (again, once the last one has ended)."""
        self.proc = self.desk.spawn([sys.executable, "-m", "traybreak", "run"], env=self.env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self.proc

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "traybreak", *args], env=self.env,
                              capture_output=True, text=True, timeout=30, check=False)

    def log(self) -> list[dict[str, Any]]:
        out = self.cli("log", "--json")
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    def events(self) -> str:
        return self.cli("log", "--events", "--all").stdout  # newest first

    def wait_prompt(self, timeout: float = 40.0) -> dict[str, Any]:
        assert wait_until(self.geometry.exists, timeout), "no prompt appeared"
        layout: dict[str, Any] = json.loads(self.geometry.read_text())
        time.sleep(1.7)  # past the window's input guard
        return layout

    def prompt_window(self) -> int:
        return self.desk.wait_for_window(name="· traybreak$", timeout=5)


@contextmanager
def app_on_a_desktop(home: Path, wrap: Callable[[Desktop], Any] = lambda desk: desk,
                     env: dict[str, str] | None = None, fresh: bool = False) -> Iterator[TrayApp]:
    """The app started in ``home`` on a fresh desktop (openbox + trayer), ended afterwards;
    ``wrap`` may stand in for the desktop (e.g. to start the app in its own session); ``env``
    adds to the app's environment; ``fresh``: as TrayApp's."""
    missing = missing_tools(wm=True, tray=True)
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop(wm=True, tray=True) as desk:
        tray_app = TrayApp(wrap(desk), home, env, fresh)
        try:
            yield tray_app
        finally:
            if tray_app.proc.poll() is None:
                end_process(tray_app.proc)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[TrayApp]:
    with app_on_a_desktop(tmp_path) as tray_app:
        yield tray_app


def _rows_with(app: TrayApp, outcome: str) -> list[dict[str, Any]]:
    return [r for r in app.log() if r["outcome"] == outcome]


def test_a_working_day_in_two_minutes(app: TrayApp) -> None:
    desk = app.desk
    started = time.monotonic()
    icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=5)
    assert desk.wait_docked(icon, 2.0), "the icon did not dock within 2 s"
    assert time.monotonic() - started < 5
    stop_work = desk.simulate_work(every_s=2.0)
    try:
        # 1. the first prompt appears during work; Done is clicked -> a done row with the exercise
        layout = app.wait_prompt()
        desk.screenshot("tray_app_prompt.png")
        box = layout["buttons"]["done"]
        desk.click_at(box["x"] + 7, box["y"] + 7)
        assert wait_until(lambda: _rows_with(app, "done"), 10)
        assert _rows_with(app, "done")[0]["exercise_id"] == "e2e_reach"
        app.geometry.unlink()

        # 2. the next prompt: Esc -> skipped
        app.wait_prompt()
        desk.xdotool("windowactivate", "--sync", app.prompt_window())
        desk.xdotool("key", "Escape")
        assert wait_until(lambda: _rows_with(app, "skipped"), 10)
        app.geometry.unlink()

        # 3. the next one is left alone -> ignored after its timeout
        app.wait_prompt()
        assert wait_until(lambda: _rows_with(app, "ignored"), 40)
        assert _rows_with(app, "ignored")[0]["reason"] == "timeout"
        app.geometry.unlink()

        # 4. pause: no prompt, and status says paused
        assert app.cli("pause", "1m").returncode == 0
        status = json.loads(app.cli("status", "--json").stdout)
        assert status["state"] == "paused" and status["paused"] is True
        time.sleep(25)
        assert not app.geometry.exists(), "a prompt appeared while paused"
        assert app.cli("resume").returncode == 0
    finally:
        stop_work()

    # 5. no input for 15 s: a natural break is logged once the user is back, and no prompt
    time.sleep(15)
    assert not app.geometry.exists()
    stop_work = desk.simulate_work(every_s=2.0)
    try:
        # Away, the engine sleeps (up to 10 min, for the CPU budget) until the X server's idle
        # alarm says the user is back (platform/idle/x11_return.py): the return is seen, and
        # the idle period logged, within a second or two, not at a tick up to 144 s later.
        assert wait_until(lambda: _rows_with(app, "natural"), 10, 0.25)
        assert _rows_with(app, "natural")[0]["reason"] == "idle"
    finally:
        stop_work()

    # The tray drew its looks and showed prompts without loading Pillow (XorgFix.SLOT_LOOKS):
    # 2.6 MB of its 25 MB budget. Its prompt windows are other processes.
    assert "PIL/_imaging" not in Path(f"/proc/{app.proc.pid}/maps").read_text()

    # 6. a second traybreak hands over and exits 0; still one icon
    second = app.cli("run")
    assert second.returncode == 0 and "already running" in second.stdout
    assert len(desk.find_windows(classname="^traybreakSystemTrayIcon$")) == 1
    desk.screenshot("tray_app_panel.png")

    # 7. quit: the process ends and `stop` is logged
    assert app.cli("quit").returncode == 0
    app.proc.wait(timeout=5)
    assert app.proc.returncode == 0
    assert " stop " in app.events()
    assert app.cli("status").returncode == 3


def test_with_no_tray_and_no_session_bus_the_app_runs_and_says_so(tmp_path: Path) -> None:
    """A bare X server: no XEmbed tray, no session bus (so no StatusNotifier host and no
    notification server either). No tray is a supported way to run: breaks still come and the
    commands work; the terminal says once how the menu is reached."""
    missing = missing_tools()
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop() as desk:
        env = {**desk.env, "XDG_RUNTIME_DIR": str(tmp_path / "run"),
               "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "s"),
               "XDG_CONFIG_HOME": str(tmp_path / "c"), "TRAYBREAK_TRAY_WAIT": "1",
               "DBUS_SESSION_BUS_ADDRESS": ""}       # none, whatever the test runner has
        (tmp_path / "run").mkdir(mode=0o700)
        stderr = tmp_path / "stderr.txt"
        with stderr.open("wb") as err:
            proc = desk.spawn([sys.executable, "-m", "traybreak", "run"], env=env,
                              stdout=subprocess.DEVNULL, stderr=err)

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "traybreak", *args],
                                  env={**desk.env, **env}, capture_output=True, text=True,
                                  timeout=30, check=False)

        try:
            assert wait_until(lambda: cli("status").returncode == 0, 15), stderr.read_text()
            assert cli("break-now", "stretch").returncode == 0
            assert wait_until(lambda: desk.find_windows(name="· traybreak"), 15), (
                "no prompt window without a tray")
            assert cli("quit").returncode == 0
            proc.wait(timeout=10)
        finally:
            end_process(proc)
    said = stderr.read_text()
    assert proc.returncode == 0 and "Traceback" not in said, said
    assert said.count("runs without a tray icon") == 1, said
    assert "`traybreak panel` shows its menu" in said


def test_no_display_is_a_one_line_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(XDG_RUNTIME_DIR=str(tmp_path / "run"), XDG_STATE_HOME=str(tmp_path / "s"))
    (tmp_path / "run").mkdir(mode=0o700)
    done = subprocess.run([sys.executable, "-m", "traybreak"], env=env, capture_output=True,
                          text=True, timeout=30, check=False)
    assert done.returncode == 4
    assert done.stderr.strip().splitlines()[-1].startswith("traybreak: no graphical session")
