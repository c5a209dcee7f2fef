"""A StatusNotifier session for end-to-end tests, on top of a Desktop (xdesktop.py): a private
D-Bus session bus, a real StatusNotifier host, and a D-Bus client that reads a registered item
and its menu the way a panel does (org.kde.StatusNotifierItem, com.canonical.dbusmenu).

The watcher is status-notifier-watcher (Debian: haskell-status-notifier-item-utils); the host
is gtk-sni-tray-standalone (haskell-gtk-sni-tray-utils): a GTK bar that registers as the host,
draws each item's icon and opens its menu on a right click, over dbusmenu, like a desktop panel.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bus_fakes import BUS_CONFIG  # no service directories: nothing activated behind our back
from e2e.xdesktop import Desktop, wait_until

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
HOST_PROGRAM = "gtk-sni-tray-standalone"
WATCHER_PROGRAM = "status-notifier-watcher"
HOST_BAR_HEIGHT = 30
SNI_HINT = ("apt-get install dbus-daemon haskell-gtk-sni-tray-utils "
            "haskell-status-notifier-item-utils")


def missing_for_sni() -> list[str]:
    """What this machine lacks for the StatusNotifier tests (empty when all is there)."""
    return [name for name in ("dbus-daemon", WATCHER_PROGRAM, HOST_PROGRAM)
            if shutil.which(name) is None]


def skip_reason(missing: list[str]) -> str:
    """The loud one-line reason a StatusNotifier test gives when it must skip."""
    return f"SNI E2E SKIPPED: missing {', '.join(missing)} ({SNI_HINT})"


def start_session_bus(desk: Desktop, where: Path) -> str:
    """A private session bus for ``desk``; its address goes into ``desk.env`` (and is returned)."""
    where.mkdir(parents=True, exist_ok=True)
    config = where / "session.conf"
    config.write_text(BUS_CONFIG.format(dir=where))
    proc = desk.spawn(["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile",
                       "--print-address=1"], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    address = proc.stdout.readline().decode().strip()
    if not address:
        raise RuntimeError("dbus-daemon did not start")
    desk.env["DBUS_SESSION_BUS_ADDRESS"] = address
    return address


@dataclass
class MenuNode:
    """One dbusmenu entry: its id, label, properties and children."""

    id: int
    props: dict[str, Any]
    children: list[MenuNode] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.props.get("label", ""))

    @property
    def enabled(self) -> bool:
        return bool(self.props.get("enabled", True))

    def find(self, label: str, *, prefix: bool = False) -> MenuNode:
        """The first entry below this one labelled ``label`` (or starting with it, if
        ``prefix``); KeyError if there is none."""
        for child in self.children:
            if child.label == label or (prefix and child.label.startswith(label)):
                return child
            try:
                return child.find(label, prefix=prefix)
            except KeyError:
                continue
        raise KeyError(label)

    def outline(self) -> list[Any]:
        """Labels as nested lists (a submenu is [label, [children]]); separators are "-"."""
        out: list[Any] = []
        for child in self.children:
            label = "-" if child.props.get("type") == "separator" else child.label
            out.append([label, child.outline()] if child.children else label)
        return out


class SniClient:
    """Asks the watcher, an item and its menu what a StatusNotifier host would ask (jeepney)."""

    def __init__(self, address: str) -> None:
        from jeepney.io.blocking import open_dbus_connection

        self._conn = open_dbus_connection(address)

    def close(self) -> None:
        self._conn.close()

    def _call(self, msg: Any) -> tuple[Any, ...]:
        from jeepney import MessageType

        reply = self._conn.send_and_get_reply(msg, timeout=5)
        if reply.header.message_type is MessageType.error:
            raise RuntimeError(f"D-Bus error: {reply.body}")
        return tuple(reply.body)

    def _props(self, bus: str, path: str, iface: str) -> dict[str, Any]:
        from jeepney import DBusAddress, Properties

        body = self._call(Properties(DBusAddress(path, bus_name=bus, interface=iface)).get_all())
        return {name: value for name, (_sig, value) in body[0].items()}

    def name_has_owner(self, name: str) -> bool:
        from jeepney.bus_messages import message_bus

        return bool(self._call(message_bus.NameHasOwner(name))[0])

    def watcher(self) -> dict[str, Any]:
        """The watcher's properties ({} while nobody owns its name)."""
        if not self.name_has_owner(WATCHER):
            return {}
        return self._props(WATCHER, WATCHER_PATH, WATCHER)

    def items(self) -> list[tuple[str, str]]:
        """(bus name, object path) of every registered item."""
        props = self.watcher()
        if "RegisteredSNIEntries" in props:  # gtk-sni-tray's watcher keeps the paths here
            return [(bus, path) for bus, path in props["RegisteredSNIEntries"]]
        entries = []
        for entry in props.get("RegisteredStatusNotifierItems", []):
            bus, _, path = entry.partition("/")
            entries.append((bus, "/" + path if path else "/StatusNotifierItem"))
        return entries

    def wait_item(self, timeout: float = 5.0) -> tuple[str, str]:
        """The first registered item; AssertionError if none registers within ``timeout``."""
        items = wait_until(self.items, timeout, 0.05)
        assert items, f"no StatusNotifierItem registered within {timeout} s"
        return items[0]

    def item(self, item: tuple[str, str]) -> dict[str, Any]:
        """The item's org.kde.StatusNotifierItem properties."""
        return self._props(*item, ITEM_IFACE)

    def menu(self, item: tuple[str, str]) -> MenuNode:
        """The item's whole menu, as GetLayout gives it."""
        from jeepney import DBusAddress, new_method_call

        path = self.item(item)["Menu"]
        menu = DBusAddress(path, bus_name=item[0], interface=MENU_IFACE)
        _revision, layout = self._call(new_method_call(menu, "GetLayout", "iias", (0, -1, [])))
        return _node(layout)

    def click(self, item: tuple[str, str], entry: MenuNode) -> None:
        """What a host sends when the user clicks ``entry``."""
        from jeepney import DBusAddress, new_method_call

        path = self.item(item)["Menu"]
        menu = DBusAddress(path, bus_name=item[0], interface=MENU_IFACE)
        self._call(new_method_call(menu, "Event", "isvu", (entry.id, "clicked", ("s", ""), 0)))


def _node(layout: tuple[Any, ...]) -> MenuNode:
    ident, props, children = layout
    return MenuNode(int(ident), {k: v for k, (_sig, v) in props.items()},
                    [_node(value) for _sig, value in children])


def start_host(desk: Desktop, client: SniClient, log: Path,
               timeout: float = 10.0) -> subprocess.Popen[bytes]:
    """A watcher, then gtk-sni-tray-standalone as a bar along the top; returns once the watcher
    says a host is registered. The host's chatter goes to the file ``log``."""
    # Not the host's own --watcher: it registers before its watcher owns the name ~1 start in
    # 15 and dies ("Pattern match failure ... Main.hs:177").
    start_watcher_only(desk, client, timeout)
    with log.open("ab") as chatter:
        proc = desk.spawn([HOST_PROGRAM, "--top", "--end", "--size", str(HOST_BAR_HEIGHT)],
                          stdout=chatter, stderr=chatter)
    ready = wait_until(lambda: proc.poll() is not None
                       or client.watcher().get("IsStatusNotifierHostRegistered"), timeout)
    if not ready or proc.poll() is not None:
        raise RuntimeError(f"{HOST_PROGRAM} did not register as a StatusNotifier host "
                           f"(exit status {proc.poll()}; see {log})")
    return proc


def start_watcher_only(desk: Desktop, client: SniClient,
                       timeout: float = 10.0) -> subprocess.Popen[bytes]:
    """status-notifier-watcher: the watcher with no host (nothing would show an item)."""
    proc = desk.spawn([WATCHER_PROGRAM])
    if not wait_until(lambda: client.name_has_owner(WATCHER), timeout):
        raise RuntimeError(f"{WATCHER_PROGRAM} did not take {WATCHER}")
    return proc


class NotificationServer:
    """A stand-in org.freedesktop.Notifications on the private bus that records each Notify
    (app name, summary, body) and answers it as a desktop's server would."""

    def __init__(self, address: str) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import open_dbus_connection

        self.calls: list[tuple[str, str, str]] = []
        self._conn = open_dbus_connection(address)
        self._conn.send(message_bus.RequestName("org.freedesktop.Notifications"))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType, new_method_return
        from jeepney.io.threading import ReceiveStopped

        while True:
            try:
                msg = self._conn.receive()
            except (ReceiveStopped, OSError, EOFError):
                return
            if msg.header.message_type is not MessageType.method_call:
                continue
            member = msg.header.fields.get(HeaderFields.member)
            if member == "Notify":
                self.calls.append((msg.body[0], msg.body[3], msg.body[4]))
                self._conn.send(new_method_return(msg, "u", (len(self.calls),)))
            elif member == "GetServerInformation":
                self._conn.send(new_method_return(msg, "ssss", ("stand-in", "tests", "1", "1.2")))
            else:
                self._conn.send(new_method_return(msg))

    def close(self) -> None:
        self._conn.close()
