"""Real GNOME Shell 43 and KDE Plasma 5.27 sessions (Wayland, headless) for end-to-end tests.

A :class:`WaylandSession` drives the shared tool ``wayland-desktop`` (``../shared/tools`` beside
the repository; read ``../shared/WAYLAND-TESTING.md``): it starts the session in a state
directory of its own, reads the environment the tool prints, and talks to the session bus with
jeepney the way a tray host, a panel and a notification server see it:

- the StatusNotifier watcher and its items (``sni_items``, ``item_properties``, ``activate``),
- an item's com.canonical.dbusmenu menu (``menu_layout``, ``menu_click``, ``about_to_show``),
- a bus monitor, started with the session, that records every message a test may want to look
  at afterwards: Notify calls (``notifications``), the signals items and menus emit
  (``signals``, ``wait_signal``) and the calls hosts make on items (``calls``),
- screenshots (``shot``, ``crop_panel``), simulated input, idle time and the screen lock
  (GNOME; ``gnome_lockable`` starts it with the display-manager stand-in that locking needs),
- the tray host switched off and on (``set_appindicator_extension``, ``restart_tray_host``).

``stop()`` ends everything, also when a test failed; the fixtures ``gnome`` and ``kde`` skip with
the apt command when the desktop's packages are missing (they never install anything).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from e2e.xdesktop import end_process, wait_until

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
NOTIFY_IFACE = "org.freedesktop.Notifications"
SCREENSAVER, SCREENSAVER_PATH = "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"
APPINDICATOR_EXTENSION = "ubuntu-appindicators@ubuntu.com"  # Debian's id of the extension
SCREEN = (1280, 800)  # the tool's virtual monitor, both desktops
START_TIMEOUT = 60.0

# What the tool's `ensure` wants for each desktop (it installs them as root; we only check).
COMMON_PACKAGES = ("dbus", "x11-utils", "xwayland", "python3-venv", "python3-gi",
                   "libglib2.0-bin")
PACKAGES = {
    "gnome": (*COMMON_PACKAGES, "gnome-shell", "gnome-shell-extension-appindicator", "gjs"),
    "kde": (*COMMON_PACKAGES, "kwin-wayland", "plasma-workspace", "plasma-desktop",
            "qtwayland5"),
}
# Logs the tool writes in its state directory, shown when a start fails.
LOGS = {"gnome": ("shell.log",), "kde": ("kwin.log", "plasma.log")}
# Dbusmenu's defaults for the properties a menu item may leave out (the spec's table).
MENU_DEFAULTS: dict[str, Any] = {
    "type": "standard", "label": "", "enabled": True, "visible": True, "icon-name": "",
    "shortcut": [], "toggle-type": "", "toggle-state": -1, "children-display": "",
}
# The monitor's match rules: what the tests look at afterwards. Properties calls only for an
# item's interface (arg0), or the log fills with the shell's own chatter.
MONITOR_RULES = [
    f"type='method_call',interface='{NOTIFY_IFACE}'",
    f"type='method_call',interface='{ITEM_IFACE}'",
    f"type='method_call',interface='{MENU_IFACE}'",
    f"type='method_call',interface='{WATCHER}'",
    f"type='method_call',interface='org.freedesktop.DBus.Properties',arg0='{ITEM_IFACE}'",
    f"type='method_call',interface='org.freedesktop.DBus.Properties',arg0='{MENU_IFACE}'",
    "type='method_call',interface='org.freedesktop.DBus.Introspectable'",
    f"type='signal',interface='{ITEM_IFACE}'",
    f"type='signal',interface='{MENU_IFACE}'",
    f"type='signal',interface='{WATCHER}'",
    f"type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='{WATCHER}'",
]


# -- finding the tool, skipping -------------------------------------------------------------


def shared_dir() -> Path | None:
    """The shared directory holding ``tools/wayland-desktop``: ``$TRAYBREAK_SHARED``, else
    ``shared`` beside the repository (CI clones it there), else /work/shared; None if none has
    the tool. From a git worktree the repository is the worktree's directory, so "beside" is
    beside the worktree (``/work/wt-x/../shared`` is ``/work/shared`` too)."""
    candidates = []
    if os.environ.get("TRAYBREAK_SHARED"):
        candidates.append(Path(os.environ["TRAYBREAK_SHARED"]))
    candidates += [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
    for candidate in candidates:
        if (candidate / "tools" / "wayland-desktop").is_file():
            return candidate
    return None


def tool_path() -> Path | None:
    """The ``wayland-desktop`` script, or None."""
    shared = shared_dir()
    return shared / "tools" / "wayland-desktop" if shared else None


def missing_packages(kind: str) -> list[str]:
    """The Debian packages ``kind`` ("gnome" or "kde") needs that are not installed."""
    missing = []
    for package in PACKAGES[kind]:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True, check=False)
        if "install ok installed" not in status.stdout:
            missing.append(package)
    return missing


def skip_reason(kind: str) -> str | None:
    """Why the ``kind`` session cannot run here (with the fix), or None if it can."""
    if shutil.which("dpkg-query") is None:
        return f"WAYLAND E2E ({kind}) SKIPPED: not a Debian system (no dpkg-query)"
    if tool_path() is None:
        return (f"WAYLAND E2E ({kind}) SKIPPED: no shared/tools/wayland-desktop beside the "
                "repository; clone it there or set TRAYBREAK_SHARED")
    if importlib.util.find_spec("jeepney") is None:
        return f"WAYLAND E2E ({kind}) SKIPPED: python module jeepney missing (pip install jeepney)"
    missing = missing_packages(kind)
    if missing:
        return (f"WAYLAND E2E ({kind}) SKIPPED: missing packages {' '.join(missing)} "
                f"(apt-get install --no-install-recommends {' '.join(missing)})")
    return None


def _python_for_tool() -> str | None:
    """sys.executable if it has what the tool's scripts import (jeepney, PIL), so the tool
    does not build its own venv with pip; None lets the tool do that."""
    if all(importlib.util.find_spec(m) for m in ("jeepney", "PIL")):
        return sys.executable
    return None


# -- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SniItem:
    """A registered StatusNotifierItem: where it lives on the bus, and the watcher's string."""

    service: str
    path: str
    registered: str

    @classmethod
    def parse(cls, entry: str) -> SniItem:
        """From a RegisteredStatusNotifierItems entry: "busname", "busname/path" or
        ":1.23/StatusNotifierItem" (KDE, the spec), or "busname@/path" (GNOME's extension lists
        items registered by path that way: ":1.19@/StatusNotifierItem"). The path defaults to
        /StatusNotifierItem."""
        service, at, path = entry.partition("@/")
        if not at:
            service, _slash, path = entry.partition("/")
        return cls(service, "/" + path if path else "/StatusNotifierItem", entry)


@dataclass(frozen=True)
class BusMessage:
    """One message the monitor recorded."""

    at: float  # time.monotonic() when it came in
    kind: str  # "method_call" or "signal"
    sender: str
    destination: str
    path: str
    interface: str
    member: str
    signature: str
    body: tuple[Any, ...]


@dataclass
class BusLog:
    """Messages recorded by a monitor connection (BecomeMonitor), in order; thread-safe.
    ``mark()`` gives an index to wait or look "since" (only what came after it)."""

    messages: list[BusMessage] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def add(self, message: BusMessage) -> None:
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()

    def mark(self) -> int:
        with self._cond:
            return len(self.messages)

    def select(self, *, kind: str | None = None, member: str | None = None,
               interface: str | None = None, since: int = 0) -> list[BusMessage]:
        """Recorded messages matching every given field, from index ``since`` on."""
        with self._cond:
            found = self.messages[since:]
        return [m for m in found
                if (kind is None or m.kind == kind) and (member is None or m.member == member)
                and (interface is None or m.interface == interface)]

    def wait(self, predicate: Callable[[BusMessage], bool], timeout: float,
             since: int = 0) -> BusMessage | None:
        """The first message from ``since`` on that satisfies ``predicate``, waiting up to
        ``timeout`` seconds for it; None if none came."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.messages[since:]:
                    if predicate(message):
                        return message
                since = len(self.messages)
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)


class BusMonitor:
    """A connection turned monitor (org.freedesktop.DBus.Monitoring.BecomeMonitor) that records
    what ``rules`` match into ``log`` from a thread. The bus only lets its own user (or root)
    monitor it; the tool starts the bus as the user running the tests."""

    def __init__(self, address: str, rules: Sequence[str], log: BusLog) -> None:
        from jeepney.bus_messages import Monitoring
        from jeepney.io.blocking import open_dbus_connection

        self.log = log
        self._conn = open_dbus_connection(address)
        reply = self._conn.send_and_get_reply(Monitoring().BecomeMonitor(list(rules)), timeout=5)
        if reply.header.message_type.name == "error":
            self._conn.close()
            raise RuntimeError(f"BecomeMonitor refused: {reply.body}")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bus-monitor", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from jeepney.low_level import HeaderFields

        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except (OSError, ValueError):  # the bus went away, or we closed the socket
                return
            fields = msg.header.fields
            kind = msg.header.message_type.name
            if kind not in ("method_call", "signal") or fields.get(
                    HeaderFields.destination) == self._conn.unique_name:
                continue  # e.g. the NameLost the bus sends us on becoming a monitor
            self.log.add(BusMessage(
                time.monotonic(), kind, fields.get(HeaderFields.sender, ""),
                fields.get(HeaderFields.destination, ""), fields.get(HeaderFields.path, ""),
                fields.get(HeaderFields.interface, ""), fields.get(HeaderFields.member, ""),
                fields.get(HeaderFields.signature, ""), tuple(msg.body)))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        with contextlib.suppress(OSError):
            self._conn.close()


# -- the session ----------------------------------------------------------------------------


class SessionStartError(RuntimeError):
    """The tool could not start the desktop; the message carries the logs' tails."""


class WaylandSession:
    """A headless GNOME ("gnome") or KDE Plasma ("kde") Wayland session started with the shared
    ``wayland-desktop`` tool in its own state directory; use as a context manager or call
    ``start()`` and ``stop()``."""

    def __init__(self, kind: str, *, state_dir: Path | None = None,
                 start_timeout: float = START_TIMEOUT, fake_gdm: bool = False) -> None:
        if kind not in PACKAGES:
            raise ValueError(f"kind must be gnome or kde, not {kind!r}")
        tool = tool_path()
        if tool is None:
            raise FileNotFoundError("shared/tools/wayland-desktop not found (TRAYBREAK_SHARED)")
        self.kind = kind
        self.tool = tool
        self._own_state = state_dir is None
        self.state = Path(state_dir or tempfile.mkdtemp(prefix=f"traybreak-{kind}-"))
        self.start_timeout = start_timeout
        self.fake_gdm = fake_gdm
        self.env: dict[str, str] = {}  # the session's variables only (see ``full_env``)
        self.bus_log = BusLog()
        self.started_in = 0.0  # seconds the tool took
        self._conn: Any = None
        self._monitor: BusMonitor | None = None
        self._procs: list[subprocess.Popen[Any]] = []

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> WaylandSession:
        self.start()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        """Stop; the state directory we made goes too, unless the block failed (its logs)."""
        self.stop()
        if self._own_state and exc_type is None:
            shutil.rmtree(self.state, ignore_errors=True)

    def tool_env(self) -> dict[str, str]:
        """The environment the tool runs with: this session's state dir, our python."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY", "DISPLAY")}
        env["TRAYBREAK_WAYLAND_STATE"] = str(self.state)
        python = _python_for_tool()
        if python:
            env["TRAYBREAK_WAYLAND_PYTHON"] = python
        if self.fake_gdm:
            env["FAKE_GDM"] = "1"
        return env

    def _tool(self, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        # Output to files, not pipes: the tool's background children must not hold our pipe.
        out, err = self.state / "tool.out", self.state / "tool.err"
        with out.open("w") as o, err.open("w") as e:
            proc = subprocess.Popen([str(self.tool), *args], env=self.tool_env(),
                                    stdin=subprocess.DEVNULL, stdout=o, stderr=e,
                                    start_new_session=True)
            try:
                rc = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, 9)
                proc.wait()
                raise
        return subprocess.CompletedProcess(proc.args, rc, out.read_text(), err.read_text())

    def start(self) -> None:
        """Start the desktop (up to ``start_timeout`` s), read its env, start the bus monitor.
        On any failure everything started is stopped and SessionStartError tells why."""
        self.state.mkdir(parents=True, exist_ok=True)
        _ensure_x11_socket_dir()
        t0 = time.monotonic()
        try:
            done = self._tool("start", self.kind, timeout=self.start_timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise SessionStartError(f"{self.kind} did not start within {self.start_timeout} s"
                                    f"\n{self.log_tail()}") from None
        self.started_in = time.monotonic() - t0
        env_file = next((line[2:].strip() for line in done.stdout.splitlines()
                         if line.startswith(". ")), "")
        if done.returncode != 0 or not env_file:
            self.stop()
            raise SessionStartError(f"wayland-desktop start {self.kind} failed "
                                    f"(status {done.returncode}): {done.stderr.strip()}\n"
                                    f"{self.log_tail()}")
        try:
            self.env = read_env_file(Path(env_file))
            if self.kind == "kde":
                self._fix_kde_display()
            from jeepney.io.blocking import open_dbus_connection

            self._conn = open_dbus_connection(self.address)
            self._monitor = BusMonitor(self.address, MONITOR_RULES, self.bus_log)
        except BaseException:
            self.stop()
            raise

    def _fix_kde_display(self, timeout: float = 10.0) -> None:
        """Point DISPLAY at KWin's own Xwayland. The tool reads it from kwin.log, which does not
        always say it, and then guesses :0; with another X server on :0 (a GNOME session, an
        Xvfb) the windows under test went there and failed to open (seen twice)."""
        kwin = (self.state / "pid.kwin").read_text().strip()

        def own_display() -> str | None:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    if stat.read_text().rsplit(")", 1)[1].split()[1] != kwin:
                        continue
                    argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
                except (OSError, IndexError):
                    continue
                if argv and argv[0].endswith(b"Xwayland") and len(argv) > 1:
                    return argv[1].decode()
            return None

        found = wait_until(own_display, timeout, 0.1)
        if found:
            self.env["DISPLAY"] = str(found)

    def stop(self) -> None:
        """End what we started in the session, then the tool's ``stop`` (every process it
        started, by pid). Safe to call twice, and after a failed start."""
        for proc in reversed(self._procs):
            end_process(proc)
        self._procs.clear()
        if self._monitor is not None:
            self._monitor.close()
            self._monitor = None
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._tool("stop", timeout=20)
        self._end_leftovers()

    def leftover_pids(self) -> list[int]:
        """Processes still running in this session (XDG_RUNTIME_DIR in their environment is
        ours): what D-Bus activated (KDE's kded5, kactivitymanagerd; GNOME's gjs helpers,
        dconf-service) or plasmashell spawned (plasma_waitforname), which the tool's pid files
        do not list. Zombies are left out."""
        marker = f"XDG_RUNTIME_DIR={self.state / 'run'}".encode() + b"\0"
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if marker not in (entry / "environ").read_bytes() + b"\0":
                    continue
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
            except OSError:  # gone meanwhile, or not ours to read
                continue
            pids.append(int(entry.name))
        return pids

    def _end_leftovers(self, grace: float = 3.0) -> None:
        pids = self.leftover_pids()
        for sig in (15, 9):
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            if not wait_until(lambda: not self.leftover_pids(), grace, 0.1):
                pids = self.leftover_pids()
                continue
            return

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` of each of the desktop's logs and of the tool's stderr."""
        parts = []
        for name in (*LOGS[self.kind], "tool.err"):
            path = self.state / name
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path} (last {len(text)} lines)\n" + "\n".join(text))
        return "\n".join(parts) or f"(no logs in {self.state})"

    @property
    def address(self) -> str:
        return self.env["DBUS_SESSION_BUS_ADDRESS"]

    @property
    def own_name(self) -> str:
        """The unique bus name of the harness's own connection (to tell its calls apart)."""
        return str(self._conn.unique_name)

    def full_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """os.environ with the session's variables over it (and ``extra`` over those)."""
        env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        env.update(self.env)
        env.update(extra or {})
        return env

    def run(self, argv: Sequence[str], *, timeout: float = 30.0, check: bool = True,
            env: dict[str, str] | None = None, **kw: Any) -> subprocess.CompletedProcess[str]:
        """Run a command in the session's environment; its output captured as text."""
        return subprocess.run(list(argv), env=self.full_env(env), timeout=timeout, check=check,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, **kw)

    def popen(self, argv: Sequence[str], *, env: dict[str, str] | None = None,
              **kw: Any) -> subprocess.Popen[Any]:
        """Start a program in the session's environment; ``stop()`` ends it (by pid) if it
        still runs. Output goes to /dev/null unless given."""
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        proc: subprocess.Popen[Any] = subprocess.Popen(list(argv), env=self.full_env(env), **kw)
        self._procs.append(proc)
        return proc

    # -- D-Bus plumbing ----------------------------------------------------------------

    def call(self, bus: str, path: str, interface: str, member: str,
             signature: str | None = None, body: tuple[Any, ...] = (),
             timeout: float = 5.0) -> tuple[Any, ...]:
        """A method call on the session bus; RuntimeError carries a D-Bus error."""
        from jeepney import DBusAddress, new_method_call

        msg = new_method_call(DBusAddress(path, bus_name=bus, interface=interface), member,
                              signature, body)
        reply = self._conn.send_and_get_reply(msg, timeout=timeout)
        if reply.header.message_type.name == "error":
            raise RuntimeError(f"{interface}.{member} on {bus}{path}: {reply.body}")
        return tuple(reply.body)

    def get_all(self, bus: str, path: str, interface: str) -> dict[str, Any]:
        """Properties.GetAll, values unwrapped from their variants."""
        body = self.call(bus, path, "org.freedesktop.DBus.Properties", "GetAll", "s",
                         (interface,))
        return {name: value for name, (_sig, value) in body[0].items()}

    def name_owner(self, name: str) -> str | None:
        """The unique name owning ``name``, or None."""
        from jeepney.bus_messages import message_bus

        if not self._conn.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5).body[0]:
            return None
        reply = self._conn.send_and_get_reply(message_bus.GetNameOwner(name), timeout=5)
        return None if reply.header.message_type.name == "error" else str(reply.body[0])

    # -- StatusNotifier watcher and items ----------------------------------------------

    def watcher(self) -> dict[str, Any]:
        """The watcher's properties ({} while nobody owns its name)."""
        if self.name_owner(WATCHER) is None:
            return {}
        return self.get_all(WATCHER, WATCHER_PATH, WATCHER)

    def host_registered(self) -> bool:
        return bool(self.watcher().get("IsStatusNotifierHostRegistered"))

    def sni_items(self) -> list[SniItem]:
        """Every item the watcher lists (RegisteredStatusNotifierItems)."""
        entries = self.watcher().get("RegisteredStatusNotifierItems", [])
        return [SniItem.parse(entry) for entry in entries]

    def wait_for_item(self, timeout: float = 10.0,
                      where: Callable[[SniItem], bool] = lambda item: True) -> SniItem:
        """The first registered item ``where`` accepts; AssertionError after ``timeout``."""
        found: list[SniItem] = wait_until(lambda: [i for i in self.sni_items() if where(i)],
                                          timeout, 0.05)
        assert found, f"no StatusNotifierItem registered within {timeout} s"
        return found[0]

    def wait_for_watcher(self, present: bool = True, timeout: float = 10.0) -> str | None:
        """Wait until the watcher's name is owned (``present``) or not; its owner, or None.
        AssertionError on timeout."""
        ok = wait_until(lambda: (self.name_owner(WATCHER) is not None) == present, timeout, 0.05)
        assert ok, f"{WATCHER} still {'un' if present else ''}owned after {timeout} s"
        return self.name_owner(WATCHER)

    def item_properties(self, item: SniItem) -> dict[str, Any]:
        """The item's org.kde.StatusNotifierItem properties (GetAll, unwrapped)."""
        return self.get_all(item.service, item.path, ITEM_IFACE)

    def activate(self, item: SniItem, x: int = 0, y: int = 0) -> None:
        """What a host sends on a left click."""
        self.call(item.service, item.path, ITEM_IFACE, "Activate", "ii", (x, y))

    def secondary_activate(self, item: SniItem, x: int = 0, y: int = 0) -> None:
        """What a host sends on a middle click."""
        self.call(item.service, item.path, ITEM_IFACE, "SecondaryActivate", "ii", (x, y))

    # -- dbusmenu ------------------------------------------------------------------------

    def _menu_path(self, item: SniItem) -> str:
        return str(self.item_properties(item)["Menu"])

    def menu_layout(self, item: SniItem, parent: int = 0) -> dict[str, Any]:
        """GetLayout(parent, -1, []) as a tree of dicts: id, label, enabled, visible,
        toggle-type, toggle-state, type, children-display (dbusmenu's defaults filled in),
        "props" (what the item sent) and children."""
        _revision, layout = self.call(item.service, self._menu_path(item), MENU_IFACE,
                                      "GetLayout", "iias", (parent, -1, []))
        return menu_node(layout)

    def menu_click(self, item: SniItem, ident: int) -> None:
        """What a host sends when the user clicks entry ``ident``."""
        self.call(item.service, self._menu_path(item), MENU_IFACE, "Event", "isvu",
                  (ident, "clicked", ("i", 0), 0))

    def about_to_show(self, item: SniItem, ident: int = 0) -> bool:
        """AboutToShow(ident): True if the item says the layout needs fetching again."""
        return bool(self.call(item.service, self._menu_path(item), MENU_IFACE, "AboutToShow",
                              "i", (ident,))[0])

    def menu_find(self, item: SniItem, label: str) -> dict[str, Any]:
        """The first menu entry labelled ``label`` (mnemonic underscores ignored); KeyError."""
        return find_menu_entry(self.menu_layout(item), label)

    def menu_click_label(self, item: SniItem, label: str) -> dict[str, Any]:
        """Click the entry labelled ``label``; returns it."""
        entry = self.menu_find(item, label)
        self.menu_click(item, entry["id"])
        return entry

    # -- what the monitor recorded -------------------------------------------------------

    def notifications(self, since: int = 0) -> list[tuple[str, str, str]]:
        """(app_name, summary, body) of every Notify call sent to org.freedesktop.Notifications
        since the session began (or since ``bus_log.mark()`` gave ``since``). Only calls to
        that name: GNOME's server (a gjs helper) forwards each one to the shell, a second Notify
        to the shell's unique name, left out here."""
        return [(m.body[0], m.body[3], m.body[4])
                for m in self.bus_log.select(kind="method_call", interface=NOTIFY_IFACE,
                                             member="Notify", since=since)
                if m.destination == NOTIFY_IFACE]

    def signals(self, member: str | None = None, since: int = 0) -> list[BusMessage]:
        """Recorded signals (NewIcon, NewToolTip, NewStatus, LayoutUpdated,
        ItemsPropertiesUpdated, StatusNotifierItemRegistered, the watcher's NameOwnerChanged)."""
        return self.bus_log.select(kind="signal", member=member, since=since)

    def wait_signal(self, member: str, timeout: float = 5.0, since: int = 0,
                    sender: str | None = None) -> BusMessage | None:
        """The first signal ``member`` recorded from ``since`` on (from ``sender``, a unique
        name, if given), waiting up to ``timeout``; None if none came."""
        return self.bus_log.wait(
            lambda m: m.kind == "signal" and m.member == member
            and (sender is None or m.sender == sender), timeout, since)

    def calls(self, destination: str | Sequence[str] | None = None, since: int = 0,
              harness: bool = True) -> list[BusMessage]:
        """Recorded method calls (sent to ``destination``, or to any of several names, if
        given; without the harness's own unless ``harness``): what hosts ask items and menus,
        items ask the watcher, apps ask the notification server. A call names the destination
        as its sender chose: an item's unique name or its well-known one."""
        wanted = {destination} if isinstance(destination, str) else set(destination or ())
        return [m for m in self.bus_log.select(kind="method_call", since=since)
                if (not wanted or m.destination in wanted)
                and (harness or m.sender != self.own_name)]

    def host_calls(self, *names: str, since: int = 0) -> list[str]:
        """What others than the harness called on an item known by ``names`` (its unique
        name, its well-known name), as "Member(args)" for property and layout reads, else
        "Member"."""
        out = []
        for m in self.calls(names, since, harness=False):
            detailed = m.member in ("Get", "GetAll", "GetLayout", "GetGroupProperties")
            out.append(f"{m.member}{m.body!r}" if detailed else m.member)
        return out

    # -- screen --------------------------------------------------------------------------

    def shot(self, path: str | Path) -> Path:
        """A PNG of the whole screen (the tool's ``shot``; GNOME: the overview is closed)."""
        path = Path(path).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        done = self._tool("shot", str(path), timeout=30)
        if done.returncode != 0 or not path.exists():
            raise RuntimeError(f"screenshot failed: {done.stderr.strip()}")
        return path

    def panel_box(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of where tray icons show: GNOME's top bar, KDE's bottom
        panel (its default place), on the tool's 1280x800 screen."""
        width, height = SCREEN
        return (0, 0, width, 32) if self.kind == "gnome" else (0, height - 46, width, height)

    def crop_panel(self, source: str | Path, dest: str | Path | None = None) -> Any:
        """The panel region of screenshot ``source`` (a PIL image); saved to ``dest`` if given."""
        from PIL import Image

        with Image.open(source) as image:
            crop = image.convert("RGB").crop(self.panel_box())
        if dest is not None:
            crop.save(dest)
        return crop

    # -- GNOME ---------------------------------------------------------------------------

    def gsettings(self, *args: str) -> str:
        """Run ``gsettings ARGS`` on this session (dconf on the session bus)."""
        return self.run(["gsettings", *args]).stdout.strip()

    def set_appindicator_extension(self, enabled: bool, timeout: float = 10.0) -> None:
        """GNOME: switch the AppIndicator extension through org.gnome.shell enabled-extensions,
        as a user does in Extensions; the running shell applies it at once and the watcher's
        name goes (off) or comes back (on). Returns once it did."""
        self._need("gnome")
        value = f"['{APPINDICATOR_EXTENSION}']" if enabled else "[]"
        self.gsettings("set", "org.gnome.shell", "enabled-extensions", value)
        self.wait_for_watcher(present=enabled, timeout=timeout)
        if enabled:
            assert wait_until(self.host_registered, timeout, 0.05), "no host after enabling"

    def tray_host(self) -> str | None:
        """The tray host's bus name: GNOME: the watcher's owner (the shell hosts its own
        tray); KDE: the org.kde.StatusNotifierHost-PID name plasmashell owns (the watcher is
        kded5's, and stays when plasmashell goes)."""
        if self.kind == "gnome":
            return self.name_owner(WATCHER)
        names = self.call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListNames")[0]
        hosts = [n for n in names if n.startswith("org.kde.StatusNotifierHost-")]
        return hosts[0] if hosts else None

    def restart_tray_host(self, timeout: float = 30.0) -> tuple[str | None, str | None]:
        """Take the tray host away and bring it back (GNOME: the extension off and on, which
        takes the watcher with it; KDE: plasmashell killed, then started again as the tool
        starts it, while kded5's watcher stays). Returns ``tray_host()`` before and after
        (GNOME: the same, the shell's own connection; KDE: a new StatusNotifierHost-PID)."""
        before = self.tray_host()
        if self.kind == "gnome":
            self.set_appindicator_extension(False, timeout)
            self.set_appindicator_extension(True, timeout)
            return before, self.tray_host()
        pid_file = self.state / "pid.plasma"
        with contextlib.suppress(ProcessLookupError, ValueError, FileNotFoundError):
            os.kill(int(pid_file.read_text().strip()), 15)
        assert wait_until(lambda: self.tray_host() is None, timeout, 0.05), (
            f"plasmashell still hosts the tray {timeout} s after SIGTERM")
        with (self.state / "plasma.log").open("ab") as log:
            # As the tool does: Wayland for Qt, no X display; the tool's stop finds the pid.
            proc = subprocess.Popen(["plasmashell", "--no-respawn"],
                                    env=self.full_env({"QT_QPA_PLATFORM": "wayland",
                                                       "DISPLAY": ""}),
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        pid_file.write_text(f"{proc.pid}\n")
        self._procs.append(proc)
        assert wait_until(lambda: self.tray_host() and self.host_registered(), timeout, 0.1), (
            f"plasmashell did not host the tray again within {timeout} s\n{self.log_tail()}")
        return before, self.tray_host()

    def touch(self, seconds: float = 0.0) -> None:
        """GNOME: simulated user input (Mutter RemoteDesktop); resets ``idle_ms``."""
        self._need("gnome")
        done = self._tool("touch", str(seconds), timeout=seconds + 20)
        if done.returncode != 0:
            raise RuntimeError(f"touch failed: {done.stderr.strip()}")

    def idle_ms(self) -> int:
        """GNOME: Mutter's idle time in ms (org.gnome.Mutter.IdleMonitor GetIdletime)."""
        self._need("gnome")
        return int(self.call("org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core",
                             "org.gnome.Mutter.IdleMonitor", "GetIdletime")[0])

    # -- KDE ---------------------------------------------------------------------------

    def simulate_activity(self) -> None:
        """KDE: what a key press does to idle time, through
        org.freedesktop.ScreenSaver.SimulateUserActivity (KWin resets its idle notifications:
        ext_idle_notifier_v1 and org_kde_kwin_idle sent *resumed*; xdotool on Xwayland does
        not count)."""
        self._need("kde")
        self.call("org.freedesktop.ScreenSaver", "/ScreenSaver", "org.freedesktop.ScreenSaver",
                  "SimulateUserActivity")

    def compositor_pid(self) -> int:
        """KDE: kwin_wayland's pid (the compositor; Xwayland and plasmashell depend on it)."""
        self._need("kde")
        return int((self.state / "pid.kwin").read_text().strip())

    def lock(self) -> None:
        """GNOME (started with ``fake_gdm``): lock the screen as the user's shortcut does
        (org.gnome.ScreenSaver.Lock); gnome-shell sends ActiveChanged(true)."""
        self._need("gnome")
        self.call(SCREENSAVER, SCREENSAVER_PATH, SCREENSAVER, "Lock")

    def unlock(self) -> None:
        """GNOME: end the lock as a right password does (SetActive(false)); the shell sends
        ActiveChanged(false). Unlocking by hand also types, which touch() stands for."""
        self._need("gnome")
        self.call(SCREENSAVER, SCREENSAVER_PATH, SCREENSAVER, "SetActive", "b", (False,))

    def screen_locked(self) -> bool:
        """GNOME: org.gnome.ScreenSaver.GetActive; False while that D-Bus activated service
        does not run (asking does not start it, so tests can see who does)."""
        self._need("gnome")
        if self.name_owner(SCREENSAVER) is None:
            return False
        return bool(self.call(SCREENSAVER, SCREENSAVER_PATH, SCREENSAVER, "GetActive")[0])

    def _need(self, kind: str) -> None:
        if self.kind != kind:
            raise NotImplementedError(f"only on {kind}, this is {self.kind}")


# -- helpers --------------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    """The variables of the tool's env file (lines of ``export A=x B=y``; values have no
    spaces or quotes there)."""
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        words = line.split()
        if not words or words[0] != "export":
            continue
        for word in words[1:]:
            name, _, value = word.partition("=")
            env[name] = value
    return env


def menu_node(layout: tuple[Any, ...]) -> dict[str, Any]:
    """One GetLayout node (id, props, children) as a dict with dbusmenu's defaults filled in."""
    ident, props, children = layout
    given = {k: v for k, (_sig, v) in props.items()}
    node: dict[str, Any] = {"id": int(ident), **MENU_DEFAULTS, **given, "props": given}
    node["children"] = [menu_node(value) for _sig, value in children]
    return node


def find_menu_entry(node: dict[str, Any], label: str) -> dict[str, Any]:
    """The first entry below ``node`` whose label (without mnemonic "_") is ``label``."""
    child: dict[str, Any]
    for child in node["children"]:
        if child["label"].replace("_", "") == label.replace("_", ""):
            return child
        with contextlib.suppress(KeyError):
            return find_menu_entry(child, label)
    raise KeyError(label)


def menu_outline(node: dict[str, Any]) -> list[Any]:
    """Labels as nested lists (a submenu is [label, [children]]); separators are "-"."""
    out: list[Any] = []
    for child in node["children"]:
        label = "-" if child["type"] == "separator" else child["label"]
        out.append([label, menu_outline(child)] if child["children"] else label)
    return out


# -- fixtures -------------------------------------------------------------------------------


def _session(kind: str, **options: Any) -> Iterator[WaylandSession]:
    reason = skip_reason(kind)
    if reason:
        pytest.skip(reason)
    session = WaylandSession(kind, **options)
    try:
        session.start()
    except SessionStartError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield session
    finally:
        session.stop()
        if session._own_state:
            shutil.rmtree(session.state, ignore_errors=True)


@pytest.fixture(scope="module")
def gnome() -> Iterator[WaylandSession]:
    """A headless GNOME Shell 43 session with the AppIndicator extension (one per module)."""
    yield from _session("gnome")


@pytest.fixture(scope="module")
def gnome_lockable() -> Iterator[WaylandSession]:
    """GNOME Shell 43 with the display-manager stand-in (``FAKE_GDM=1``), so that it can lock
    the screen: org.gnome.ScreenSaver is there (``lock``, ``unlock``). One per module."""
    yield from _session("gnome", fake_gdm=True)


@pytest.fixture(scope="module")
def kde() -> Iterator[WaylandSession]:
    """A headless KDE Plasma 5.27 session (one per module); mark its tests ``slow``."""
    yield from _session("kde")


def _ensure_x11_socket_dir() -> None:
    """Give /tmp/.X11-unix the sticky, world-writable mode X servers expect. On a fresh machine
    where GNOME is the first X server to start, mutter makes the folder itself under root's
    umask (0755) and then refuses it ("Failed to start X Wayland: … is not writable")."""
    folder = Path("/tmp/.X11-unix")
    try:
        folder.mkdir(exist_ok=True)
        if os.geteuid() == 0 and folder.stat().st_mode & 0o7777 != 0o1777:
            folder.chmod(0o1777)
    except OSError:
        pass          # not ours to fix; the start says what went wrong
