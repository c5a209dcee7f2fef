"""GNOME's Do Not Disturb holds prompts back, on a real headless GNOME Shell 43 session with the
whole app: `gsettings set org.gnome.desktop.notifications show-banners false` (what the switch
in GNOME's notification list does) makes the due prompt wait, logged suppressed/dnd once, with
"Waiting: do not disturb" in the tooltip; true again shows it. A full-screen X program on
Xwayland (a video call app) holds it back too.

Skips with the apt command where GNOME is not installed (.ci/run installs it).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.wayland_app import DUE_SOON, PROMPT_TITLE, SessionApp
from e2e.wayland_session import WaylandSession
from e2e.xdesktop import ARTIFACTS, wait_until

pytestmark = [pytest.mark.e2e]

SCHEMA, KEY = "org.gnome.desktop.notifications", "show-banners"


@pytest.fixture
def app(gnome: WaylandSession, tmp_path: Path) -> Iterator[SessionApp]:
    gnome.set_appindicator_extension(True)
    gnome.gsettings("set", SCHEMA, KEY, "true")
    # The app has a config folder of its own (its settings file); dconf's database is the
    # session's, as in a real session where both folders are one.
    dconf = tmp_path / "config" / "dconf"
    dconf.parent.mkdir(parents=True)
    dconf.symlink_to(Path(gnome.env["XDG_CONFIG_HOME"]) / "dconf")
    running = SessionApp(gnome, tmp_path, DUE_SOON)
    try:
        yield running
    finally:
        running.end()
        gnome.gsettings("set", SCHEMA, KEY, "true")


def _held(app: SessionApp) -> list[dict[str, Any]]:
    return [r for r in app.log_rows() if (r["outcome"], r["reason"]) == ("suppressed", "dnd")]


def test_do_not_disturb_holds_the_prompt_and_switching_it_off_shows_it(app: SessionApp) -> None:
    gnome = app.session
    app.wait_item()
    assert "gnome-banners" in app.status()["busy"]
    gnome.gsettings("set", SCHEMA, KEY, "false")        # Do Not Disturb on, after the start
    assert wait_until(lambda: _held(app), 60, 0.5), app.log_rows()
    assert app.status()["waiting_for"] == "dnd"
    assert wait_until(lambda: app.tooltip().startswith("Waiting: do not disturb · "), 5), \
        app.tooltip()
    assert app.labels()[0] == "Waiting: do not disturb"
    time.sleep(8)                                        # more samples, still DND
    assert len(_held(app)) == 1, app.log_rows()
    assert not app.x_windows(PROMPT_TITLE), "a prompt showed during Do Not Disturb"

    gnome.gsettings("set", SCHEMA, KEY, "true")          # Do Not Disturb off
    switched = time.monotonic()
    assert wait_until(lambda: app.x_windows(PROMPT_TITLE), 20), "no prompt after DND ended"
    shown_after = time.monotonic() - switched
    assert len(app.x_windows(PROMPT_TITLE)) == 1
    assert shown_after < 10, f"shown {shown_after:.1f} s after DND ended"
    assert len(_held(app)) == 1
    assert app.status()["waiting_for"] is None
    gnome.shot(ARTIFACTS / "gnome_dnd_released.png")
    status, stderr = app.quit()
    assert status == 0 and "Traceback" not in stderr, stderr


def _x(app: SessionApp, code: str) -> str:
    """Run python-xlib ``code`` (``conn``: the session's Xwayland display; the helpers of
    e2e.xdesktop imported) in the session's environment; its stdout."""
    script = ("from Xlib import display\nfrom e2e.xdesktop import *\n"
              "conn = display.Display()\n" + code)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30, check=True,
                          env={**app.env, "PYTHONPATH": str(Path(__file__).parents[1])})
    return done.stdout.strip()


def test_a_full_screen_xwayland_window_holds_the_prompt(app: SessionApp) -> None:
    gnome = app.session
    app.wait_item()
    film = gnome.popen(["xmessage", "-name", "film", "a video call"], env=app.env)
    try:
        found = wait_until(lambda: subprocess.run(
            ["xdotool", "search", "--classname", "^film$"], env=app.env, capture_output=True,
            text=True, check=False).stdout.split(), 10)
        assert found, "xmessage did not map on Xwayland"
        window = int(found[0])
        _x(app, f"request_fullscreen(conn, {window})")
        assert wait_until(lambda: _x(app, "print(active_is_fullscreen(conn))") == "True", 10), \
            "mutter did not make the Xwayland window full screen and active"
        gnome.shot(ARTIFACTS / "gnome_fullscreen_xwayland.png")

        def held() -> list[dict[str, Any]]:
            return [r for r in app.log_rows() if (r["outcome"], r["reason"]) ==
                    ("suppressed", "fullscreen")]

        assert wait_until(held, 60, 0.5), app.log_rows()
        assert app.status()["waiting_for"] == "fullscreen"
        assert not app.x_windows(PROMPT_TITLE)
        _x(app, f"request_fullscreen(conn, {window}, on=False)")
        assert wait_until(lambda: app.x_windows(PROMPT_TITLE), 20), "no prompt after full screen"
        assert len(held()) == 1
    finally:
        film.terminate()
    status, stderr = app.quit()
    assert status == 0 and "Traceback" not in stderr, stderr
