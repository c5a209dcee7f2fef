"""The appindicator backend on Xvfb with a private session bus and a real StatusNotifier host
(gtk-sni-tray-standalone): which backend the app picks, and the real app's item and menu read
and clicked over D-Bus (org.kde.StatusNotifierItem, com.canonical.dbusmenu) and with the mouse.

Skips, saying what to install, without PyGObject, jeepney, an AppIndicator typelib, dbus-daemon
or the host program (.ci/run installs them all).
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
    SniClient,
    missing_for_sni,
    skip_reason,
    start_host,
    start_session_bus,
    start_watcher_only,
)
from e2e.xdesktop import Desktop, end_process, missing_tools, wait_until

pytestmark = [pytest.mark.e2e]

PROBE = Path(__file__).with_name("gtk_icon_probe.py")
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
    "Open log",
    "Edit settings",
    "Start at login",
    "-",
    "About traybreak",
    "Quit",
]
ACTIVE_TITLE = re.compile(r"^Stretch in \d+ min · 0 done today$")


@dataclass
class SniDesk:
    """A Desktop with a private session bus and a D-Bus client on it."""

    desk: Desktop
    client: SniClient
    home: Path

    def start_host(self) -> None:
        start_host(self.desk, self.client, self.home / "host.log")


def _sni_desk(tmp_path: Path, *, tray: bool = False) -> Iterator[SniDesk]:
    missing = missing_tools(tray=tray) + missing_for_sni()
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop(tray=tray) as desk:
        address = start_session_bus(desk, tmp_path / "bus")
        desk.env.pop("PYSTRAY_BACKEND", None)
        client = SniClient(address)
        try:
            yield SniDesk(desk, client, tmp_path)
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

def chosen_backend(sd: SniDesk, **env: str) -> tuple[str, bool]:
    """What check_session picks in a fresh process, and whether that process loaded PyGObject."""
    code = ("import sys\n"
            "from traybreak.app_setup import check_session\n"
            "from traybreak.errors import UserError\n"
            + ("sys.modules['jeepney'] = None\n" if env.pop("NO_JEEPNEY", "") else "")
            + "try:\n    print(check_session())\n"
            "except UserError as err:\n    print('error:', err)\n"
            "print('gi' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], env={**sd.desk.env, **env},
                          capture_output=True, text=True, timeout=30, check=True)
    backend, gi_loaded = done.stdout.splitlines()[-2:]
    return backend, gi_loaded == "True"


def test_a_status_notifier_host_means_appindicator(sni_desk: SniDesk) -> None:
    assert chosen_backend(sni_desk, TRAYBREAK_TRAY_WAIT="0") == ("appindicator", True)


def test_gio_asks_the_bus_when_jeepney_is_missing(sni_desk: SniDesk) -> None:
    backend, _ = chosen_backend(sni_desk, TRAYBREAK_TRAY_WAIT="0", NO_JEEPNEY="1")
    assert backend == "appindicator"


def test_without_a_watcher_the_xembed_tray_is_used_and_glib_is_not_loaded(
        bus_only: SniDesk) -> None:
    bus_only.desk.start_tray()
    # The bus is asked with jeepney: an app on the XEmbed tray does not carry GLib (~12 MB).
    assert chosen_backend(bus_only, TRAYBREAK_TRAY_WAIT="0") == ("xorg", False)
    no_bus = chosen_backend(bus_only, TRAYBREAK_TRAY_WAIT="0",
                            DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/bus")
    assert no_bus == ("xorg", False)


def test_a_watcher_without_a_host_is_not_a_tray(tmp_path: Path) -> None:
    for sd in _sni_desk(tmp_path, tray=True):
        start_watcher_only(sd.desk, sd.client)
        assert sd.client.watcher()["IsStatusNotifierHostRegistered"] is False
        assert chosen_backend(sd, TRAYBREAK_TRAY_WAIT="0")[0] == "xorg"


def test_pystray_backend_overrides_the_host(sni_desk: SniDesk) -> None:
    sni_desk.desk.start_tray()
    assert chosen_backend(sni_desk, PYSTRAY_BACKEND="xorg")[0] == "xorg"
    assert chosen_backend(sni_desk, PYSTRAY_BACKEND="gtk")[0] == "gtk"


def test_with_no_tray_at_all_the_error_names_both_kinds(bus_only: SniDesk) -> None:
    backend, _ = chosen_backend(bus_only, TRAYBREAK_TRAY_WAIT="0.3")
    assert backend.startswith("error: no system tray on display :")
    assert "no StatusNotifier host" in backend and "AppIndicator extension" in backend


def test_a_host_that_comes_up_after_the_app_is_waited_for(bus_only: SniDesk) -> None:
    # At login the panel may start after us: the app waits for either kind of tray.
    started = time.monotonic()
    code = "from traybreak.app_setup import check_session; print(check_session())"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={**bus_only.desk.env, "TRAYBREAK_TRAY_WAIT": "10"})
    try:
        time.sleep(1.0)
        assert proc.poll() is None, "it gave up before the host came"
        bus_only.start_host()
        out, _ = proc.communicate(timeout=10)
    finally:
        end_process(proc)
    assert out.strip() == "appindicator"
    assert time.monotonic() - started < 5


# --- the real app -------------------------------------------------------------------------

class App:
    """`traybreak run` in an isolated home on an SniDesk."""

    def __init__(self, sd: SniDesk, **env: str) -> None:
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
        self.item = sd.client.wait_item(timeout=10)

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "traybreak", *args], env=self.env,
                              capture_output=True, text=True, timeout=30, check=False)
        return done.stdout

    def props(self) -> dict[str, object]:
        return self.sd.client.item(self.item)

    def title(self) -> str:
        return str(self.props()["Title"])

    def menu(self) -> MenuNode:
        return self.sd.client.menu(self.item)

    def full_menu(self, timeout: float = 3.0) -> MenuNode:
        """The menu once its submenus have been exported (libdbusmenu fills them in lazily)."""
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
    from PIL import Image

    props = app.props()
    assert (props["Id"], props["Status"], props["Category"]) == (
        "traybreak", "Active", "ApplicationStatus")
    with Image.open(str(props["IconName"])) as image:  # pystray hands over a PNG file
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (64, 64))
    assert wait_until(lambda: ACTIVE_TITLE.match(app.title()), 3), app.title()
    assert app.full_menu().outline() == MENU
    assert '"tray": "appindicator"' in app.cli("status", "--json")
    assert wait_until(lambda: host_shows_icon(app.sd.desk), 3), "the host bar shows no icon"
    app.sd.desk.screenshot("appindicator_tray.png")


def test_pause_and_resume_from_the_menu(app: App) -> None:
    assert wait_until(lambda: ACTIVE_TITLE.match(app.title()), 3), app.title()
    assert not app.full_menu().find("Resume").enabled
    active_icon = Path(str(app.props()["IconName"]))
    app.click("30 minutes")
    assert wait_until(lambda: app.title().startswith("Paused until "), 3), app.title()
    # The paused look is a new PNG (pystray writes one per change) and the old one is gone.
    assert wait_until(lambda: Path(str(app.props()["IconName"])) != active_icon, 3)
    assert not active_icon.exists()
    assert '"paused": true' in app.cli("status", "--json")
    # The menu follows: Resume (with the time) on, Skip next break off.
    assert wait_until(lambda: app.full_menu().find("Resume (paused until ", prefix=True)
                      .enabled, 3), app.full_menu().outline()
    assert not app.full_menu().find("Skip next break").enabled
    app.click("Resume (paused until ", prefix=True)
    assert wait_until(lambda: ACTIVE_TITLE.match(app.title()), 3), app.title()
    assert '"paused": false' in app.cli("status", "--json")


def test_quit_from_the_menu_ends_the_app_and_logs_stop(app: App) -> None:
    icon_file = Path(str(app.props()["IconName"]))
    app.full_menu()
    began = time.monotonic()
    app.click("Quit")
    status, stderr = app.ended(timeout=5)
    assert status == 0 and time.monotonic() - began < 2.0
    assert "Traceback" not in stderr and "ERROR" not in stderr, stderr
    assert re.search(r"^\S+ \S+\s+stop\b", app.cli("log", "--events"), re.M)
    assert not icon_file.exists()                           # pystray's temp PNG is gone
    assert wait_until(lambda: not app.sd.client.items(), 3)


def test_a_right_click_in_the_host_opens_the_menu_and_quit_works(app: App) -> None:
    desk = app.sd.desk
    app.full_menu()
    assert wait_until(lambda: host_shows_icon(desk), 3), "the host bar shows no icon"
    x, y = desk.size[0] - HOST_BAR_HEIGHT // 2, HOST_BAR_HEIGHT // 2
    desk.xdotool("mousemove", x, y, "click", "3")
    if not wait_until(lambda: host_popup(desk), 3):
        desk.screenshot("appindicator_no_menu.png")
        pytest.fail("a right click on the icon opened no menu (see appindicator_no_menu.png)")
    time.sleep(0.3)  # the menu maps, then takes the keyboard
    desk.screenshot("appindicator_menu.png")
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
    assert wait_until(lambda: ACTIVE_TITLE.match(app.title()), 3)
    app.proc.send_signal(signal.SIGINT)
    status, stderr = app.ended(timeout=5)
    assert status == 0, stderr
    assert re.search(r"^\S+ \S+\s+stop\b", app.cli("log", "--events"), re.M)


# --- the GLib-backend fixes, each shown to matter -----------------------------------------

def run_probe(sd: SniDesk, fixes: str) -> tuple[int, list[str]]:
    proc = sd.desk.spawn([sys.executable, str(PROBE), "--fixes", fixes],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    sd.client.wait_item()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=10)
    return proc.returncode, out.split("\n")


def test_keep_sigint_fix(sni_desk: SniDesk) -> None:
    status, lines = run_probe(sni_desk, "keep-sigint")
    assert status == 0 and "sigint" in lines
    status, lines = run_probe(sni_desk, "none")
    assert status == -signal.SIGINT and "sigint" not in lines   # upstream: killed on the spot


def test_quiet_end_fix(sni_desk: SniDesk) -> None:
    # No org.freedesktop.Notifications on this bus, as in a bare session.
    assert run_probe(sni_desk, "all")[1][-2] == "ended"
    last = run_probe(sni_desk, "keep-sigint")[1][-2]
    assert last.startswith("raised Error:") and "org.freedesktop.Notifications" in last
