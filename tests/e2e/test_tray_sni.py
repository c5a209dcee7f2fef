"""The SNI backend (traybreak's StatusNotifierItem icon) on Xvfb with a private session bus and
a real StatusNotifier host (gtk-sni-tray-standalone): which backend the app picks, and the real
app's item and menu read and clicked over D-Bus (org.kde.StatusNotifierItem,
com.canonical.dbusmenu) and with the mouse; no tray at all, then a host that comes and goes.
(Real GNOME and KDE sessions: test_gnome_tray.py, test_kde_tray.py.)

Skips, saying what to install, without dbus-daemon or the host programs (.ci/run installs them).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e.sni_host import (
    HOST_BAR_HEIGHT,
    MenuNode,
    NotificationServer,
    SniClient,
    missing_for_sni,
    skip_reason,
    start_host,
    start_session_bus,
    start_watcher_only,
)
from e2e.xdesktop import Desktop, end_process, missing_tools, wait_until

from traybreak.ui.panel.layout import PANEL_TITLE

pytestmark = [pytest.mark.e2e]

CONFIG = """
[breaks.stretch]
every = "20m"
[breaks.strengthen]
enabled = false
[breaks.relax]
enabled = false
"""
MENU = [
    ["Take a break now", ["Stretch", "Strengthen", "Relax"]],
    ["Pause", ["30 minutes", "1 hour", "Until tomorrow", "Until I resume"]],
    "Resume",
    "Skip next break",
    "-",
    "Today: 0 done · 0 skipped",
    "History",
    "Settings…",
    "Start at login",
    "-",
    "About traybreak",
    "Quit",
]
ACTIVE_TOOLTIP = re.compile(r"^Stretch (at|tomorrow) \d\d:\d\d · 0 done today$")
PIXMAP_SIZES = [16, 22, 24, 32, 48, 64]


@dataclass
class SniDesk:
    """A Desktop with a private session bus and a D-Bus client on it."""

    desk: Desktop
    client: SniClient
    home: Path
    address: str

    def start_host(self) -> None:
        start_host(self.desk, self.client, self.home / "host.log")


def _sni_desk(tmp_path: Path, *, tray: bool = False) -> Iterator[SniDesk]:
    missing = missing_tools(wm=True, tray=tray) + missing_for_sni()
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop(wm=True, tray=tray) as desk:  # openbox: focus for the windows
        address = start_session_bus(desk, tmp_path / "bus")
        for name in ("PYSTRAY_BACKEND", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE",
                     "XDG_CURRENT_DESKTOP"):
            desk.env.pop(name, None)
        client = SniClient(address)
        try:
            yield SniDesk(desk, client, tmp_path, address)
        finally:
            client.close()


@pytest.fixture
def bus_only(tmp_path: Path) -> Iterator[SniDesk]:
    """Xvfb and a session bus: no tray of any kind yet."""
    yield from _sni_desk(tmp_path)


@pytest.fixture
def sni_desk(tmp_path: Path) -> Iterator[SniDesk]:
    """Xvfb, a session bus and gtk-sni-tray-standalone (watcher and host) as a top bar."""
    for sd in _sni_desk(tmp_path):
        sd.start_host()
        yield sd


# --- which backend ------------------------------------------------------------------------

def chosen_backend(sd: SniDesk, **env: str) -> tuple[str, list[str]]:
    """What check_session picks in a fresh process, and which of GLib and Xlib it loaded."""
    code = ("import sys\n"
            "from traybreak.app.startup import check_session\n"
            "from traybreak.errors import UserError\n"
            "try:\n    print(check_session())\n"
            "except UserError as err:\n    print('error:', err)\n"
            "print(','.join(m for m in ('gi', 'Xlib') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], env={**sd.desk.env, **env},
                          capture_output=True, text=True, timeout=30, check=True)
    backend, loaded = done.stdout.splitlines()[-2:]
    return backend, [name for name in loaded.split(",") if name]


def test_a_status_notifier_host_means_sni_without_glib_or_xlib(sni_desk: SniDesk) -> None:
    assert chosen_backend(sni_desk, TRAYBREAK_TRAY_WAIT="0") == ("sni", [])


def test_without_a_watcher_the_xembed_tray_is_used(bus_only: SniDesk) -> None:
    bus_only.desk.start_tray()
    assert chosen_backend(bus_only, TRAYBREAK_TRAY_WAIT="0")[0] == "xorg"
    no_bus = chosen_backend(bus_only, TRAYBREAK_TRAY_WAIT="0",
                            DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/bus")
    assert no_bus[0] == "xorg"


def test_a_watcher_without_a_host_loses_to_an_xembed_tray(tmp_path: Path) -> None:
    for sd in _sni_desk(tmp_path, tray=True):
        start_watcher_only(sd.desk, sd.client)
        assert sd.client.watcher()["IsStatusNotifierHostRegistered"] is False
        assert chosen_backend(sd, TRAYBREAK_TRAY_WAIT="0")[0] == "xorg"


def test_pystray_backend_overrides_the_host(sni_desk: SniDesk) -> None:
    sni_desk.desk.start_tray()
    assert chosen_backend(sni_desk, PYSTRAY_BACKEND="xorg")[0] == "xorg"
    assert chosen_backend(sni_desk, PYSTRAY_BACKEND="gtk")[0] == "gtk"


def test_with_no_tray_at_all_the_sni_icon_waits_for_one(bus_only: SniDesk) -> None:
    assert chosen_backend(bus_only, TRAYBREAK_TRAY_WAIT="0.3")[0] == "sni"


def test_a_wayland_session_means_sni_at_once(bus_only: SniDesk) -> None:
    bus_only.desk.start_tray()  # an XEmbed tray on the X display does not count there
    started = time.monotonic()
    assert chosen_backend(bus_only, TRAYBREAK_TRAY_WAIT="30",
                          WAYLAND_DISPLAY="wayland-9")[0] == "sni"
    assert time.monotonic() - started < 10


def test_a_host_that_comes_up_after_the_app_is_waited_for(bus_only: SniDesk) -> None:
    # At login the panel may start after us: the app waits for either kind of tray.
    started = time.monotonic()
    code = "from traybreak.app.startup import check_session; print(check_session())"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={**bus_only.desk.env, "TRAYBREAK_TRAY_WAIT": "10"})
    try:
        time.sleep(1.0)
        assert proc.poll() is None, "it gave up before the host came"
        bus_only.start_host()
        out, _ = proc.communicate(timeout=10)
    finally:
        end_process(proc)
    assert out.strip() == "sni"
    assert time.monotonic() - started < 5


# --- the real app -------------------------------------------------------------------------

class App:
    """`traybreak run` in an isolated home on an SniDesk."""

    def __init__(self, sd: SniDesk, wait_item: bool = True, **env: str) -> None:
        self.sd, home = sd, sd.home
        self.env = {
            **sd.desk.env,
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"), "XDG_RUNTIME_DIR": str(home / "run"),
            "TRAYBREAK_TRAY_WAIT": "5", **env,
        }
        (home / "run").mkdir(mode=0o700)
        config = home / "config" / "traybreak" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(CONFIG)
        self.proc = sd.desk.spawn([sys.executable, "-m", "traybreak", "run"], env=self.env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.started = time.monotonic()
        self.item = sd.client.wait_item(timeout=10) if wait_item else ("", "")

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "traybreak", *args], env=self.env,
                              capture_output=True, text=True, timeout=30, check=False)
        return done.stdout

    def props(self) -> dict[str, object]:
        return self.sd.client.item(self.item)

    def tooltip(self) -> str:
        """The ToolTip's text, where hosts show the status line."""
        return str(self.props()["ToolTip"][3])  # type: ignore[index]

    def pixmap_sizes(self, name: str = "IconPixmap") -> list[int]:
        pixmaps = self.props()[name]
        for width, height, data in pixmaps:  # type: ignore[attr-defined]
            assert len(data) == width * height * 4  # ARGB32
        return [width for width, _h, _d in pixmaps]  # type: ignore[attr-defined]

    def menu(self) -> MenuNode:
        return self.sd.client.menu(self.item)

    def full_menu(self, timeout: float = 3.0) -> MenuNode:
        """The menu once it has its submenus (the tray lays the menu out once it runs)."""
        def complete() -> MenuNode | None:
            menu = self.menu()
            sizes = [len(entry.children) for entry in menu.children[:2]]
            return menu if sizes == [len(MENU[0][1]), len(MENU[1][1])] else None

        return wait_until(complete, timeout, 0.05) or self.menu()

    def click(self, label: str, *, prefix: bool = False) -> None:
        self.sd.client.click(self.item, self.full_menu().find(label, prefix=prefix))

    def ended(self, timeout: float) -> tuple[int | None, str]:
        """Exit status (None if still running after ``timeout``) and stderr."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, ""
        assert self.proc.stderr is not None
        return self.proc.returncode, self.proc.stderr.read().decode()


@pytest.fixture
def app(sni_desk: SniDesk) -> Iterator[App]:
    running = App(sni_desk)
    try:
        yield running
    finally:
        end_process(running.proc)


def test_the_app_registers_an_item_with_the_menu_of_the_issue(app: App) -> None:
    props = app.props()
    assert (props["Id"], props["Status"], props["Category"], props["ItemIsMenu"]) == (
        "traybreak", "Active", "ApplicationStatus", False)
    assert app.pixmap_sizes() == PIXMAP_SIZES   # drawn at each size, ARGB32
    assert wait_until(lambda: ACTIVE_TOOLTIP.match(app.tooltip()), 3), app.tooltip()
    assert app.full_menu().outline() == MENU
    assert '"tray": "sni"' in app.cli("status", "--json")
    assert wait_until(lambda: host_shows_icon(app.sd.desk), 3), "the host bar shows no icon"
    app.sd.desk.screenshot("sni_tray.png")


def test_pause_and_resume_from_the_menu(app: App) -> None:
    assert wait_until(lambda: ACTIVE_TOOLTIP.match(app.tooltip()), 3), app.tooltip()
    assert not app.full_menu().find("Resume").enabled
    active_look = app.props()["IconPixmap"]
    app.click("30 minutes")
    assert wait_until(lambda: app.tooltip().startswith("Paused until "), 3), app.tooltip()
    assert wait_until(lambda: app.props()["IconPixmap"] != active_look, 3)  # the paused look
    assert '"paused": true' in app.cli("status", "--json")
    # The menu follows: Resume (with the time) on, Skip next break off.
    assert wait_until(lambda: app.full_menu().find("Resume (paused until ", prefix=True)
                      .enabled, 3), app.full_menu().outline()
    assert not app.full_menu().find("Skip next break").enabled
    app.click("Resume (paused until ", prefix=True)
    assert wait_until(lambda: ACTIVE_TOOLTIP.match(app.tooltip()), 3), app.tooltip()
    assert app.props()["IconPixmap"] == active_look
    assert '"paused": false' in app.cli("status", "--json")


def test_a_waiting_prompt_asks_for_attention(app: App) -> None:
    assert app.cli("break-now") is not None
    assert wait_until(lambda: app.props()["Status"] == "NeedsAttention", 10), app.props()
    assert app.pixmap_sizes("AttentionIconPixmap") == PIXMAP_SIZES
    window = wait_until(lambda: app.sd.desk.find_windows(name="· traybreak$"), 10)
    assert window, "no prompt window"

    def skipped() -> bool:  # Esc, as a user would, until the prompt takes keys (it has a grace)
        app.sd.desk.xdotool("windowactivate", "--sync", window[0], check=False)
        app.sd.desk.xdotool("key", "Escape", check=False)
        return wait_until(lambda: "skipped" in app.cli("log"), 1.0)

    assert wait_until(skipped, 15), app.cli("log")
    assert wait_until(lambda: app.props()["Status"] == "Active", 5), app.props()


def test_a_left_click_opens_the_panel(app: App) -> None:
    from jeepney import DBusAddress, new_method_call

    bus, path = app.item
    item = DBusAddress(path, bus_name=bus, interface="org.kde.StatusNotifierItem")
    app.sd.client._call(new_method_call(item, "Activate", "ii", (500, 10)))
    panel = wait_until(lambda: app.sd.desk.find_windows(name=f"^{PANEL_TITLE}$"), 10)
    assert panel, "Activate opened no panel"
    app.sd.desk.screenshot("sni_activate_panel.png")
    app.sd.desk.xdotool("windowactivate", "--sync", panel[0])
    app.sd.desk.xdotool("key", "Escape")


def test_opening_the_menu_shows_the_real_start_at_login_state(app: App) -> None:
    from jeepney import DBusAddress, new_method_call

    app.full_menu()
    assert app.full_menu().find("Start at login").props["toggle-state"] == 0
    assert "enabled" in app.cli("autostart", "enable")   # behind the tray's back
    bus, _ = app.item
    menu = DBusAddress("/MenuBar", bus_name=bus, interface="com.canonical.dbusmenu")
    (needs_update,) = app.sd.client._call(new_method_call(menu, "AboutToShow", "i", (0,)))
    assert needs_update is True
    assert app.full_menu().find("Start at login").props["toggle-state"] == 1
    app.cli("autostart", "disable")


def test_quit_from_the_menu_ends_the_app_and_logs_stop(app: App) -> None:
    app.full_menu()
    began = time.monotonic()
    app.click("Quit")
    status, stderr = app.ended(timeout=5)
    assert status == 0 and time.monotonic() - began < 2.0
    assert "Traceback" not in stderr and "ERROR" not in stderr, stderr
    assert re.search(r"^\S+ \S+\s+stop\b", app.cli("log", "--events"), re.M)
    assert wait_until(lambda: not app.sd.client.items(), 3)


def test_a_host_that_goes_away_and_comes_back_gets_the_icon_again(app: App) -> None:
    desk = app.sd.desk
    for proc in list(desk._procs):
        if proc.args and Path(str(proc.args[0])).name in ("status-notifier-watcher",
                                                          "gtk-sni-tray-standalone"):
            end_process(proc)
    assert wait_until(lambda: not app.sd.client.name_has_owner("org.kde.StatusNotifierWatcher"),
                      5)
    assert app.proc.poll() is None, "the app ended with its tray host"
    back = time.monotonic()
    app.sd.start_host()
    assert app.sd.client.wait_item(timeout=5)
    registered_after = time.monotonic() - back
    assert registered_after < 5, registered_after
    assert app.full_menu().outline() == MENU


def test_with_no_tray_the_app_runs_says_how_to_get_one_and_shows_up_later(
        bus_only: SniDesk) -> None:
    notices = NotificationServer(bus_only.address)
    app = App(bus_only, wait_item=False, TRAYBREAK_TRAY_WAIT="0.5",
              XDG_CURRENT_DESKTOP="GNOME")
    try:
        assert wait_until(lambda: notices.calls, 10), "no notification said there is no tray"
        [(name, summary, body)] = notices.calls
        assert name == "traybreak" and "without a tray icon" in summary
        assert "AppIndicator extension" in body and "traybreak panel" in body
        assert app.proc.poll() is None
        assert '"tray": "sni"' in app.cli("status", "--json")
        assert "already running" in subprocess.run(   # the launcher shows the panel
            [sys.executable, "-m", "traybreak", "run"], env=app.env, capture_output=True,
            text=True, timeout=30).stdout
        panel = wait_until(lambda: bus_only.desk.find_windows(name=f"^{PANEL_TITLE}$"), 10)
        assert panel, "the second start showed no panel"
        bus_only.desk.xdotool("windowactivate", "--sync", panel[0])
        bus_only.desk.xdotool("key", "Escape")
        assert wait_until(lambda: not bus_only.desk.find_windows(name=f"^{PANEL_TITLE}$"), 5)
        assert "showing the menu" in app.cli("panel")   # and so does `traybreak panel`
        assert wait_until(lambda: bus_only.desk.find_windows(name=f"^{PANEL_TITLE}$"), 10)
        bus_only.start_host()
        app.item = bus_only.client.wait_item(timeout=5)
        assert app.full_menu().outline() == MENU
        assert len(notices.calls) == 1, notices.calls   # said once
        app.cli("quit")
        status, stderr = app.ended(timeout=5)
        assert status == 0 and "Traceback" not in stderr, stderr
    finally:
        end_process(app.proc)
        notices.close()


def test_a_right_click_in_the_host_opens_the_menu_and_quit_works(app: App) -> None:
    desk = app.sd.desk
    app.full_menu()
    assert wait_until(lambda: host_shows_icon(desk), 3), "the host bar shows no icon"
    x, y = desk.size[0] - HOST_BAR_HEIGHT // 2, HOST_BAR_HEIGHT // 2
    desk.xdotool("mousemove", x, y, "click", "3")
    if not wait_until(lambda: host_popup(desk), 3):
        desk.screenshot("sni_no_menu.png")
        pytest.fail("a right click on the icon opened no menu (see sni_no_menu.png)")
    time.sleep(0.3)  # the menu maps, then takes the keyboard
    desk.screenshot("sni_menu.png")
    desk.xdotool("key", "Up", "Return")                   # the last entry: Quit
    status, stderr = app.ended(timeout=5)
    assert status == 0, stderr
    assert re.search(r"^\S+ \S+\s+stop\b", app.cli("log", "--events"), re.M)


def host_shows_icon(desk: Desktop) -> bool:
    """True once the host has drawn an icon at the right end of its bar (not plain background)."""
    from PIL import ImageGrab

    w = desk.size[0]
    cell = ImageGrab.grab(xdisplay=desk.display_name).convert("RGB").crop(
        (w - HOST_BAR_HEIGHT, 0, w, HOST_BAR_HEIGHT))
    return len(cell.getcolors(1 << 16) or ()) > 10


def host_popup(desk: Desktop) -> bool:
    """True once the host shows a menu: a mapped window of its own taller than its bar."""
    for win in desk.find_windows(classname="^gtk-sni-tray-standalone$"):
        try:
            if desk.is_viewable(win) and desk.geometry(win).height > 2 * HOST_BAR_HEIGHT:
                return True
        except Exception:  # gone meanwhile
            continue
    return False


def test_ctrl_c_ends_the_app_cleanly(app: App) -> None:
    assert wait_until(lambda: ACTIVE_TOOLTIP.match(app.tooltip()), 3)
    app.proc.send_signal(signal.SIGINT)
    status, stderr = app.ended(timeout=5)
    assert status == 0, stderr
    assert re.search(r"^\S+ \S+\s+stop\b", app.cli("log", "--events"), re.M)


