"""Ends of the tray app on Xvfb + openbox + trayer: SIGTERM, Ctrl-C, SIGHUP and the X
server going away (logout) stop it within 2 s, close the prompt on screen (logged suppressed /
stopped) and record `stop`; after kill -9 its windows end within 2 s (#18 point 7: the prompt
once stayed 85 s, and answers given in it went nowhere), as each reads the end of its lifeline,
a pipe whose other end only the tray held. The app is started as in test_tray_app.py, in its own
session like a desktop program, so a signal to its process group (a terminal's Ctrl-C, systemd
ending the login session) reaches the prompt window too, as it would for real.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app.test_child_windows import children_of, running
from e2e.test_tray_app import TrayApp, app_on_a_desktop
from e2e.xdesktop import Desktop, wait_until

pytestmark = [pytest.mark.e2e]

ICON_CLASS = "^traybreakSystemTrayIcon$"
PROMPT_NAME = "· traybreak$"


class OwnSession:
    """The desktop, except that programs start in a session (and process group) of their own."""

    def __init__(self, desk: Desktop) -> None:
        self._desk = desk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._desk, name)

    def spawn(self, argv: list[str], **popen: Any) -> Any:
        return self._desk.spawn(argv, start_new_session=True, **popen)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[TrayApp]:
    with app_on_a_desktop(tmp_path, wrap=OwnSession) as tray_app:
        icon = tray_app.desk.wait_for_window(classname=ICON_CLASS, timeout=5)
        assert tray_app.desk.wait_docked(icon, 2.0)
        yield tray_app


def open_prompt(app: TrayApp) -> None:
    """`traybreak break-now`; return once its window is up and its open row is in the log."""
    assert app.cli("break-now").returncode == 0
    app.prompt_window()
    assert wait_until(lambda: [r for r in app.log() if r["outcome"] is None], 5, 0.1)


def ends_within(app: TrayApp, end: Callable[[], None], limit: float = 2.0) -> float:
    """Do ``end``; the seconds until the app exited (AssertionError past ``limit``)."""
    started = time.monotonic()
    end()
    app.proc.wait(timeout=limit + 5)  # a hang fails here rather than the next assert
    took = time.monotonic() - started
    assert took < limit, f"the app took {took:.2f} s to exit"
    return took


def assert_clean_end(app: TrayApp, prompts: int, why: str) -> None:
    assert app.proc.returncode == 0
    rows = app.log()
    assert [(r["outcome"], r["reason"]) for r in rows] == [("suppressed", "stopped")] * prompts
    lines = [line.split(maxsplit=3) for line in app.events().splitlines() if line[:4].isdigit()]
    events = [line[2] for line in lines]  # newest first
    assert events.count("stop") == 1 and events[0] == "stop", events
    assert lines[0][3:] == [why], lines[0]  # the stop event says why
    assert app.proc.stderr is not None
    errors = app.proc.stderr.read().decode()
    assert "Traceback" not in errors, errors
    assert app.cli("status").returncode == 3


WHY = {"SIGTERM": "SIGTERM", "SIGTERM to the session": "SIGTERM", "Ctrl-C": "SIGINT",
       "SIGHUP": "SIGHUP"}
SIGNALS = {
    "SIGTERM": lambda app: os.kill(app.proc.pid, signal.SIGTERM),
    # systemd ending the login session signals every process of it, the prompt window too.
    "SIGTERM to the session": lambda app: os.killpg(app.proc.pid, signal.SIGTERM),
    "Ctrl-C": lambda app: os.killpg(app.proc.pid, signal.SIGINT),
    "SIGHUP": lambda app: os.kill(app.proc.pid, signal.SIGHUP),
}


@pytest.mark.parametrize("how", list(SIGNALS))
def test_a_signal_with_a_prompt_open_ends_it_as_stopped(app: TrayApp, how: str) -> None:
    open_prompt(app)
    ends_within(app, lambda: SIGNALS[how](app))
    assert wait_until(lambda: not app.desk.find_windows(name=PROMPT_NAME), 2), \
        "the prompt window outlived the app"
    assert_clean_end(app, prompts=1, why=WHY[how])


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_signal_with_no_prompt_open_ends_the_app(app: TrayApp, how: str) -> None:
    ends_within(app, lambda: SIGNALS[how](app))
    assert not app.desk.find_windows(classname=ICON_CLASS)
    assert_clean_end(app, prompts=0, why=WHY[how])


@pytest.mark.parametrize("prompt", [True, False], ids=["prompt open", "no prompt"])
def test_logout_the_x_server_going_away_ends_the_app(app: TrayApp, prompt: bool) -> None:
    if prompt:
        open_prompt(app)
    ends_within(app, app.desk.kill_server)
    assert_clean_end(app, prompts=int(prompt), why="the display closed")


# The menu window last: a prompt coming up closes it.
WINDOWS = {"open-history": "^traybreak history$", "about": "About traybreak",
           "show-panel": "^traybreak menu$"}
SEND = ("import json, sys; from traybreak import paths; from traybreak.app.control_socket "
        "import request; print(json.dumps(request(paths.runtime_dir(), json.loads(sys.argv[1]))))")


def _send(app: TrayApp, message: dict[str, object]) -> dict[str, object]:
    """A request the CLI has no command for (the menu's), over the app's control socket."""
    done = subprocess.run([sys.executable, "-c", SEND, json.dumps(message)], env=app.env,
                          capture_output=True, text=True, timeout=30, check=True)
    reply: dict[str, object] = json.loads(done.stdout)
    return reply


def test_windows_end_within_2_s_of_the_tray_being_killed(app: TrayApp) -> None:
    open_prompt(app)
    for command, title in WINDOWS.items():
        assert _send(app, {"cmd": command})["ok"]
        assert app.desk.wait_for_window(name=title, timeout=10)
    windows = children_of(app.proc.pid)
    assert len(windows) == 1 + len(WINDOWS), windows
    os.kill(app.proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    app.proc.wait(5)
    assert wait_until(lambda: not any(map(running, windows)), 4.0), \
        [pid for pid in windows if running(pid)]
    took = time.monotonic() - killed
    assert took < 2.0, f"the windows outlived the tray by {took:.2f} s"
    assert wait_until(lambda: not app.desk.find_windows(name="· traybreak$"), 1.0)

