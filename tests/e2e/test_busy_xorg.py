"""A full-screen window holds prompts back, on a real X desktop (Xvfb + openbox + trayer) with
the whole app: a stretch falling due while a focused window is full screen is logged
suppressed/fullscreen once and not shown; leaving full screen shows one prompt."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.test_tray_app import TrayApp, app_on_a_desktop
from e2e.xdesktop import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[TrayApp]:
    with app_on_a_desktop(tmp_path) as tray_app:
        yield tray_app


def _held(app: TrayApp) -> list[dict[str, Any]]:
    return [r for r in app.log() if (r["outcome"], r["reason"]) == ("suppressed", "fullscreen")]


def test_a_full_screen_window_holds_the_prompt_until_it_leaves_full_screen(app: TrayApp) -> None:
    desk = app.desk
    icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=5)
    assert desk.wait_docked(icon, 2.0)
    assert "x11-fullscreen" in json.loads(app.cli("status", "--json").stdout)["busy"]
    film = desk.spawn(["xmessage", "-name", "film", "a presentation"])
    window = desk.wait_for_window(classname="^film$")
    desk.set_fullscreen(window)
    assert wait_until(desk.active_fullscreen, 5), "openbox did not make the window full screen"
    stop_work = desk.simulate_work(every_s=2.0)
    try:
        # The stretch falls due after 20 s of work: held back, logged once.
        assert wait_until(lambda: _held(app), 45, 0.5), app.log()
        status = json.loads(app.cli("status", "--json").stdout)
        assert status["waiting_for"] == "fullscreen"
        assert status["rules"][0]["prompt"] == "held"
        time.sleep(12)   # a dozen more samples (sample_every 1 s), still full screen
        assert len(_held(app)) == 1, app.log()
        assert not app.geometry.exists(), "a prompt showed over the full-screen window"
        desk.screenshot("busy_fullscreen_held.png")

        desk.set_fullscreen(window, on=False)
        assert wait_until(lambda: not desk.active_fullscreen(), 5)
        left = time.monotonic()
        app.wait_prompt(timeout=10)
        shown_after = time.monotonic() - left
        assert len(desk.find_windows(name="· traybreak$")) == 1   # one prompt, not a burst
        assert shown_after < 5, f"shown {shown_after:.1f} s after leaving full screen"
        assert len(_held(app)) == 1
        assert json.loads(app.cli("status", "--json").stdout)["waiting_for"] is None
        desk.screenshot("busy_fullscreen_released.png")
    finally:
        stop_work()
        film.terminate()
    assert app.cli("quit").returncode == 0
    app.proc.wait(timeout=10)
    assert app.proc.returncode == 0
