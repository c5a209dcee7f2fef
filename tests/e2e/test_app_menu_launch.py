"""The application-menu entry launched the way a desktop launches it (GLib's `gio launch`, which
reads the Exec line itself) on Xvfb + openbox + trayer: with no traybreak running it starts the
tray; with one running it hands over, and the running tray shows its menu as a panel.

The launcher sits in a folder with spaces, quotes, a percent sign and a dollar sign, so GLib's
reading of our Exec quoting is what is tested, not our own parser.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.wayland_app import CONFIG
from e2e.xdesktop import ARTIFACTS, Desktop, missing_tools, skip_reason, wait_until

from traybreak.paths import APP_ID
from traybreak.platform.app_menu.linux import XdgMenuEntry
from traybreak.platform.desktop_file import parse_exec, read_entry
from traybreak.ui.panel.layout import PANEL_TITLE

pytestmark = [pytest.mark.e2e]

ICON_CLASS = "^traybreakSystemTrayIcon$"
AWKWARD = 'my "tray" 100% $HOME'


class Home:
    """A user's folders for one traybreak (config, data with the menu entry, runtime) in a
    desktop's environment ``session_env``; ``launch`` starts the entry as a desktop would."""

    def __init__(self, session_env: dict[str, str], root: Path) -> None:
        self.root = root
        (root / "run").mkdir(mode=0o700)
        config = root / "config" / "traybreak" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(CONFIG)   # one stretch every 20 minutes: no prompt during the test
        self.env = {**session_env, "XDG_CONFIG_HOME": str(root / "config"),
                    "XDG_DATA_HOME": str(root / "data"), "XDG_STATE_HOME": str(root / "state"),
                    "XDG_RUNTIME_DIR": str(root / "run"), "TRAYBREAK_TRAY_WAIT": "5",
                    "NO_AT_BRIDGE": "1"}
        # The launcher a pip install would have, in an awkward folder: it runs this traybreak.
        self.launcher = root / AWKWARD / "bin" / "traybreak-tray"
        self.launcher.parent.mkdir(parents=True)
        self.launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m traybreak run\n')
        self.launcher.chmod(0o755)
        self.entry = XdgMenuEntry(root / "data").install([str(self.launcher)]).entry

    def launch(self) -> None:
        """Start the entry: GLib's `gio launch` where it is, else its Exec words ourselves."""
        gio = shutil.which("gio")
        argv = ([gio, "launch", str(self.entry)] if gio else
                parse_exec(read_entry(self.entry.read_text())["Exec"]))
        with (self.root / "launch.log").open("ab") as log:
            done = subprocess.run(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=log, timeout=30, check=False)
        if gio:  # gio returns once the launcher is started: it exits 0 or says why not
            assert done.returncode == 0, (self.root / "launch.log").read_text()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "traybreak", *args], env=self.env,
                              capture_output=True, text=True, timeout=30, check=False)

    def running_pid(self) -> int | None:
        done = self.cli("status", "--json")
        return int(json.loads(done.stdout)["pid"]) if done.returncode == 0 else None

    def end(self) -> None:
        """End every process started with this home's runtime folder (the tray, its
        windows): gio's children are not ours to wait for."""
        marker = f"XDG_RUNTIME_DIR={self.root / 'run'}".encode()
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if marker in environ.read_bytes().split(b"\0"):
                    os.kill(int(environ.parent.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue


@pytest.fixture
def desk_and_home(tmp_path: Path) -> Iterator[tuple[Desktop, Home]]:
    missing = missing_tools(wm=True, tray=True)
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop(wm=True, tray=True) as desk:
        user = Home(desk.env, tmp_path)
        try:
            yield desk, user
        finally:
            user.end()


def test_the_entry_starts_traybreak_and_then_shows_the_running_ones_menu(
        desk_and_home: tuple[Desktop, Home]) -> None:
    desk, home = desk_and_home
    assert home.entry == home.root / "data" / "applications" / f"{APP_ID}.desktop"

    home.launch()                                         # nothing runs: the tray starts
    icon = desk.wait_for_window(classname=ICON_CLASS, timeout=20)
    assert desk.wait_docked(icon, 5), "the icon the entry started did not dock"
    pid = wait_until(home.running_pid, 10, 0.2)
    assert pid, "the entry started no traybreak that answers"
    assert not desk.find_windows(name=f"^{PANEL_TITLE}$")

    home.launch()                                         # it runs: the launcher hands over
    panel = wait_until(lambda: desk.find_windows(name=f"^{PANEL_TITLE}$"), 15, 0.1)
    assert panel, f"the second launch showed no panel: {(home.root / 'launch.log').read_text()}"
    desk.screenshot(ARTIFACTS / "app_menu_launch_panel.png")
    assert home.running_pid() == pid, "the second launch replaced the running traybreak"
    assert len(desk.find_windows(classname=ICON_CLASS)) == 1

    assert home.cli("quit").returncode == 0
    assert wait_until(lambda: home.running_pid() is None, 10, 0.2), "traybreak did not quit"
