"""The real traybreak app in a GNOME or KDE session (wayland_session.py), as a user starts it:
`python -m traybreak run` with the session's bus and displays, and its own config, log and
runtime folders (so nothing is shared with another test or with the session's HOME)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from e2e.wayland_session import SniItem, WaylandSession, menu_outline
from e2e.xdesktop import end_process, wait_until

#: Short rules: a stretch every 20 minutes, the others off (nothing due during a test).
CONFIG = """
[breaks.stretch]
every = "20m"
[breaks.strengthen]
enabled = false
[breaks.relax]
enabled = false
"""
#: A stretch every 15 s of work, for tests that need a prompt to fall due (sampled every second:
#: a held prompt is looked at every third sample). Idle time comes from Mutter or KWin on these
#: sessions: the long natural break keeps a test without input from seeing one.
DUE_SOON = """
[breaks.stretch]
every = "15s"
duration = "10s"
[breaks.strengthen]
enabled = false
[breaks.relax]
enabled = false
[activity]
natural_break = "30m"
sample_every = "1s"
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
PROMPT_TITLE = re.compile(r"· traybreak$")
ABOUT = re.compile("About")


class SessionApp:
    """One running traybreak in ``session``; ``item`` once it has registered."""

    def __init__(self, session: WaylandSession, home: Path, config: str = CONFIG,
                 **env: str) -> None:
        """``config``: the settings file's text (default: CONFIG, nothing due in a test)."""
        self.session, self.home = session, home
        (home / "run").mkdir(mode=0o700, parents=True)
        config_path = home / "config" / "traybreak" / "config.toml"
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(config)
        self.env = session.full_env({
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"), "XDG_RUNTIME_DIR": str(home / "run"),
            **wayland_display(session),
            **env,
        })
        # Files, not pipes: the history and about windows inherit the tray's stderr and may
        # outlive it, so reading a pipe to its end would wait for them (it hung CI once).
        self.stderr_path = home / "stderr.txt"
        self.spawned = time.monotonic()
        with (home / "stdout.txt").open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "traybreak", "run"],
                                         env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err)
        self.item: SniItem | None = None

    def wait_item(self, timeout: float = 10.0) -> float:
        """Seconds from the spawn until the item is registered (AssertionError after
        ``timeout``)."""
        found = wait_until(lambda: ours(self.session), timeout, 0.02)
        assert found, f"no traybreak item registered within {timeout} s: {self.stderr_now()}"
        self.item = found
        return time.monotonic() - self.spawned

    def props(self) -> dict[str, Any]:
        assert self.item is not None
        return self.session.item_properties(self.item)

    def tooltip(self) -> str:
        return str(self.props()["ToolTip"][3])

    def outline(self) -> list[Any]:
        assert self.item is not None
        return menu_outline(self.session.menu_layout(self.item))

    def click(self, label: str) -> None:
        assert self.item is not None
        self.session.menu_click_label(self.item, label)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "traybreak", *args], env=self.env,
                              capture_output=True, text=True, timeout=30, check=False)

    def status(self) -> dict[str, Any]:
        """`traybreak status --json` of the running app."""
        done = self.cli("status", "--json")
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    def log_rows(self) -> list[dict[str, Any]]:
        """`traybreak log --json`: every prompt row so far."""
        done = self.cli("log", "--json")
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    def x_windows(self, name: re.Pattern[str]) -> list[str]:
        """Ids of the mapped X windows (on Xwayland) whose name matches ``name``."""
        return x_windows(self.env, name)

    def labels(self) -> list[str]:
        """The labels of the menu's top level, as a host reads them."""
        assert self.item is not None
        return [child["label"] for child in self.session.menu_layout(self.item)["children"]]

    def entry_enabled(self, label: str) -> bool:
        assert self.item is not None
        return bool(self.session.menu_find(self.item, label)["enabled"])

    def has_window(self, title: str | re.Pattern[str]) -> bool:
        """Whether a mapped X window's name matches ``title`` (a str: that exact title)."""
        return has_window(self.env, title)

    def log_text(self) -> str:
        """The app's own log file (INFO and up; the terminal gets warnings only)."""
        found = sorted((self.home / "state").glob("**/traybreak.log"))
        return found[0].read_text(errors="replace") if found else ""

    def stderr_now(self) -> str:
        """What the tray has written to stderr so far."""
        return self.stderr_path.read_text(errors="replace")

    def wait_end(self, timeout: float) -> tuple[int, str]:
        """(exit status, stderr) once the tray has ended; AssertionError after ``timeout``."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.end()
            raise AssertionError(f"traybreak did not end within {timeout} s: "
                                 f"{self.stderr_now()}") from None
        return self.proc.returncode, self.stderr_now()

    def quit(self, timeout: float = 10.0) -> tuple[int, str]:
        """`traybreak quit`; (exit status, stderr) once it has ended."""
        self.cli("quit")
        return self.wait_end(timeout)

    def end(self) -> None:
        """End the tray and every window it started (they run in sessions of their own, so
        they are found by the private runtime folder in their environment)."""
        end_process(self.proc)
        marker = f"XDG_RUNTIME_DIR={self.home / 'run'}".encode()
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if marker in environ.read_bytes().split(b"\0"):
                    os.kill(int(environ.parent.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue          # gone already, or not ours to read


def wayland_display(session: WaylandSession) -> dict[str, str]:
    """WAYLAND_DISPLAY as an absolute path (libwayland >= 1.15 takes one): the app gets a
    runtime folder of its own, where the compositor's socket is not."""
    display = session.env.get("WAYLAND_DISPLAY")
    if not display:
        return {}
    return {"WAYLAND_DISPLAY": os.path.join(session.env["XDG_RUNTIME_DIR"], display)}


def x_windows(env: dict[str, str], name: re.Pattern[str]) -> list[str]:
    """Ids of the mapped X windows on ``env``'s display whose name matches ``name``."""
    done = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name.pattern],
                          env=env, capture_output=True, text=True, check=False)
    return done.stdout.split()


def has_window(env: dict[str, str], title: str | re.Pattern[str]) -> bool:
    """Whether a mapped X window on ``env``'s display is named ``title`` (a str: exactly)."""
    pattern = re.compile(f"^{re.escape(title)}$") if isinstance(title, str) else title
    return bool(x_windows(env, pattern))


def ours(session: WaylandSession) -> SniItem | None:
    """The registered traybreak item, if any (items of apps already gone are passed over)."""
    for item in session.sni_items():
        try:
            if session.item_properties(item).get("Id") == "traybreak":
                return item
        except RuntimeError:  # its app has ended; the watcher has not dropped it yet
            continue
    return None


def icon_colour() -> tuple[int, int, int]:
    """The most common opaque colour of the active look (what the panel should show)."""
    from traybreak.ui.tray.looks import TrayLook, TrayState
    from traybreak.ui.tray.sni.pixmaps import look_rgba

    rgba = look_rgba(TrayLook(TrayState.ACTIVE), 32)
    counts: dict[tuple[int, int, int], int] = {}
    for i in range(0, len(rgba), 4):
        if rgba[i + 3] == 255:
            colour = (rgba[i], rgba[i + 1], rgba[i + 2])
            counts[colour] = counts.get(colour, 0) + 1
    return max(counts, key=lambda c: counts[c])


def pixels_near(image: Any, colour: tuple[int, int, int], tolerance: int = 24) -> int:
    """How many pixels of ``image`` (RGB) are within ``tolerance`` of ``colour`` per channel."""
    return sum(count for count, pixel in image.getcolors(1 << 20) or ()
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)))
