"""A screen lock told only to logind (``LockedHint`` on the system bus) is away time for the
whole app, on a real X desktop (Xvfb + openbox + trayer) with a fake logind on a private bus
standing in for the system bus, and no screensaver service on a session bus: input keeps coming
at the "lock screen", yet past the natural-break length the user counts as away and no prompt
shows; the unlock ends it with one natural row."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bus_fakes import FakeLogind, private_bus
from e2e.test_tray_app import TrayApp, app_on_a_desktop
from e2e.xdesktop import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NATURAL_S = 10   # test_tray_app's config: natural_break = "10s", a stretch every 20 s


@pytest.fixture
def system_bus() -> Iterator[str]:
    # A short folder: a socket path holds at most 107 bytes.
    with tempfile.TemporaryDirectory(prefix="tb-sys") as where, \
            private_bus(Path(where)) as address:
        yield address


@pytest.fixture
def logind(system_bus: str) -> FakeLogind:
    return FakeLogind(system_bus)          # there before the app starts and looks for it


@pytest.fixture
def app(tmp_path: Path, system_bus: str, logind: FakeLogind) -> Iterator[TrayApp]:
    env = {"DBUS_SYSTEM_BUS_ADDRESS": system_bus, "XDG_SESSION_ID": "2"}
    with app_on_a_desktop(tmp_path, env=env) as tray_app:
        yield tray_app


def status(app: TrayApp) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(app.cli("status", "--json").stdout)
    return out


def test_a_logind_lock_is_away_time_even_with_input_and_the_unlock_ends_it(
        app: TrayApp, logind: FakeLogind) -> None:
    desk = app.desk
    icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=5)
    assert desk.wait_docked(icon, 2.0)
    assert status(app)["idle"] == "x11+logind_lock", status(app)
    stop_work = desk.simulate_work(every_s=2.0)
    try:
        time.sleep(3)                       # some work first: the rule has active time
        logind.lock()
        locked_at = time.monotonic()
        # Input keeps coming, yet past the natural-break length the user is away.
        assert wait_until(lambda: status(app)["state"] == "away", NATURAL_S + 8, 0.5), \
            status(app)
        assert time.monotonic() - locked_at >= NATURAL_S - 1
        assert not app.geometry.exists(), "a prompt showed while the screen was locked"
        assert app.log() == []
        logind.lock(False)
        assert wait_until(lambda: status(app)["state"] == "active", 5, 0.2), status(app)
        rows = wait_until(lambda: app.log(), 5, 0.2)
        assert [(r["rule"], r["outcome"], r["reason"]) for r in rows] == [
            ("stretch", "natural", "idle")], rows
    finally:
        stop_work()
