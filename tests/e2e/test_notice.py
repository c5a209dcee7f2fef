"""The pre-break notice on the XEmbed tray (pystray's xorg backend, which cannot notify), on Xvfb
with openbox and trayer, the whole app running (#17 point 4):

- with a real notification server (dunst) on a private session bus, the notice is a Notify call
  it receives, with the words, and traybreak opens no window of its own;
- with a session bus but no server, it is traybreak's toast, beside the tray icon, gone by
  itself before the prompt;
- the toast on its own (`traybreak notice`): the screen's corner without an icon, closed by a
  click;
- started as the tray starts it, the toast ends with the tray (its lifeline) after kill -9.

The stretch rule of test_tray_app.py falls due every 20 s of work; the notice is the default,
10 s before. Skips, saying what to install, without dbus-daemon or dunst (.ci/run installs them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from e2e.sni_host import start_session_bus
from e2e.test_tray_app import app_on_a_desktop
from e2e.wayland_session import BusLog, BusMessage, BusMonitor
from e2e.xdesktop import Desktop, wait_until

from traybreak.app.notices import LONGEST
from traybreak.ui.notice.layout import GAP, MARGIN, NOTICE_TITLE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NOTIFY = "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
WORDS = re.compile(r"^A stretch break in (9|10) s$")
ICON_CLASS = "^traybreakSystemTrayIcon$"


def _needs(*programs: str) -> None:
    missing = [name for name in programs if shutil.which(name) is None]
    if missing:
        pytest.skip(f"NOTICE E2E SKIPPED: missing {', '.join(missing)} "
                    "(apt-get install dbus-daemon dunst)")


def _name_owned(address: str, name: str) -> bool:
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(address) as conn:
        return bool(conn.send_and_get_reply(message_bus.NameHasOwner(name), timeout=2).body[0])


def test_a_notification_server_gets_the_notice_on_an_xembed_tray(tmp_path: Path) -> None:
    _needs("dbus-daemon", "dunst")
    notes = BusLog()
    monitors: list[BusMonitor] = []

    def with_dunst(desk: Desktop) -> Desktop:
        address = start_session_bus(desk, tmp_path / "bus")
        desk.spawn(["dunst"])
        assert wait_until(lambda: _name_owned(address, "org.freedesktop.Notifications"), 10), \
            "dunst did not take org.freedesktop.Notifications"
        monitors.append(BusMonitor(address, [NOTIFY], notes))
        return desk

    (tmp_path / "home").mkdir()
    with app_on_a_desktop(tmp_path / "home", with_dunst) as app:
        desk = app.desk
        try:
            assert desk.wait_docked(desk.wait_for_window(classname=ICON_CLASS, timeout=5), 2)
            desk.simulate_work(1.0)

            def ours(message: BusMessage) -> bool:
                return message.member == "Notify" and message.body[0] == "traybreak"

            note = notes.wait(ours, 40)
            assert note is not None, "no Notify reached the notification server"
            _app, _replaces, _icon, summary, body, _actions, hints, expire = note.body
            assert WORDS.match(summary), summary
            assert (body, expire) == ("", int(LONGEST.total_seconds() * 1000))
            assert hints["desktop-entry"][1] == "io.github.traybreak.TrayBreak"
            time.sleep(0.5)   # dunst draws it
            desk.screenshot("notice_dunst.png")
            assert not desk.find_windows(name=f"^{NOTICE_TITLE}$"), "a toast as well"
            app.wait_prompt()  # and the prompt comes as usual, 10 s later
            assert len(notes.select(member="Notify")) == 1
        finally:
            for monitor in monitors:
                monitor.close()


def test_without_a_server_the_notice_is_a_toast_beside_the_tray_icon(tmp_path: Path) -> None:
    _needs("dbus-daemon")

    def bus_without_server(desk: Desktop) -> Desktop:
        start_session_bus(desk, tmp_path / "bus")   # no service files: nothing to activate
        return desk

    (tmp_path / "home").mkdir()
    with app_on_a_desktop(tmp_path / "home", bus_without_server) as app:
        desk = app.desk
        icon = desk.wait_for_window(classname=ICON_CLASS, timeout=5)
        assert desk.wait_docked(icon, 2)
        desk.simulate_work(1.0)
        toast = desk.wait_for_window(name=f"^{NOTICE_TITLE}$", timeout=40)
        seen = time.monotonic()
        assert wait_until(lambda: desk.is_viewable(toast), 5), "the toast never showed"
        time.sleep(0.3)
        desk.screenshot("notice_toast_xembed.png")
        at, beside = desk.geometry(toast), desk.geometry(icon)
        assert at.x + at.width == beside.x + beside.width     # right edges aligned
        assert at.y == beside.y + beside.height + GAP         # just below the top panel's icon
        assert not app.geometry.exists(), "the prompt came with the notice"
        assert wait_until(lambda: toast not in desk.find_windows(name=f"^{NOTICE_TITLE}$"),
                          LONGEST.total_seconds() + 5), "the toast did not go away"
        assert time.monotonic() - seen >= LONGEST.total_seconds() - 1.5   # not at once
        app.wait_prompt()


def test_the_toast_closes_at_a_click_and_says_so(xdesktop: Desktop) -> None:
    """`traybreak notice` by hand: the corner of the screen without a tray icon, and a click
    closes it at once (a toast in the way must never need waiting out)."""
    proc = xdesktop.spawn([sys.executable, "-m", "traybreak", "notice",
                           "A relax break in 30 s", "--for", "20s"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    toast = xdesktop.wait_for_window(name=f"^{NOTICE_TITLE}$", timeout=15)
    assert wait_until(lambda: xdesktop.is_viewable(toast), 5)
    at = xdesktop.geometry(toast)
    assert (at.x + at.width, at.y) == (xdesktop.size[0] - MARGIN, MARGIN)   # top right
    xdesktop.click(toast)
    out, err = proc.communicate(timeout=5)
    assert (proc.returncode, json.loads(out)) == (0, {"closed": "click"}), err.decode()


#: A stand-in tray: shows a minute-long toast the way the tray does (ChildLauncher.notice, the
#: real `traybreak notice` window), says so, then waits to be killed.
_TRAY_WITH_A_TOAST = """
import time
from datetime import timedelta
from traybreak.app.child_windows import ChildLauncher
ChildLauncher().notice("A stretch break in 1 min", timedelta(minutes=1), None)
print("shown", flush=True)
time.sleep(120)
"""


def test_the_toast_ends_within_2_s_of_its_tray_being_killed(xdesktop: Desktop) -> None:
    """The toast has a lifeline like every window the tray starts (#18 point 7): kill -9 of
    the tray closes it, long before its minute is up."""
    tray = xdesktop.spawn([sys.executable, "-c", _TRAY_WITH_A_TOAST], stdout=subprocess.PIPE)
    assert tray.stdout is not None
    assert tray.stdout.readline().strip() == b"shown"
    toast = xdesktop.wait_for_window(name=f"^{NOTICE_TITLE}$", timeout=15)
    assert wait_until(lambda: xdesktop.is_viewable(toast), 5)
    time.sleep(0.5)
    assert toast in xdesktop.find_windows(name=f"^{NOTICE_TITLE}$"), "it did not wait"
    tray.kill()
    killed = time.monotonic()
    tray.wait(5)
    assert wait_until(lambda: not xdesktop.find_windows(name=f"^{NOTICE_TITLE}$"), 4.0), \
        "the toast outlived its tray"
    took = time.monotonic() - killed
    assert took < 2.0, f"the toast outlived its tray by {took:.2f} s"
