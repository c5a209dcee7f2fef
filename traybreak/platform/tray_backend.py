"""Which pystray backend to use on this desktop (decided before pystray is first imported).

Linux: appindicator when PyGObject with an AppIndicator typelib is installed and a StatusNotifier
host is running (KDE, GNOME with the AppIndicator extension); otherwise XEmbed ("xorg").
The caller lets PYSTRAY_BACKEND, if set, win. Windows and macOS have one backend each.

The session-bus question is asked with jeepney (pure Python, part of the ``appindicator`` extra),
not with PyGObject: loading GLib into the process costs ~12 MB of RSS, which an app that ends up
on the XEmbed tray would carry for nothing. Without jeepney, Gio answers instead.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
#: pystray tries AppIndicator3 first, then the Ayatana fork (Debian and Ubuntu ship the latter).
INDICATOR_TYPELIBS = ("AppIndicator3", "AyatanaAppIndicator3")
BUS_TIMEOUT_S = 1.0


def find_tray(env: Mapping[str, str], xembed_present: Callable[[], bool], wait_s: float,
              sni: bool = True, poll_s: float = 0.25) -> str | None:
    """The backend for the first tray that shows up within ``wait_s`` seconds (at login the tray
    may start after us): "appindicator" for a StatusNotifier host (preferred; only if ``sni``
    and PyGObject is installed), else "xorg" for an XEmbed tray; None if neither appears."""
    sni = sni and appindicator_possible()
    end = time.monotonic() + wait_s
    while True:
        if sni and status_notifier_host(env):
            if indicator_typelib():
                return "appindicator"
            sni = False  # indicator_typelib said why, once; an XEmbed tray may still do
        if xembed_present():
            return "xorg"
        if time.monotonic() >= end:
            return None
        time.sleep(poll_s)


def appindicator_possible() -> bool:
    """True when PyGObject is installed (checked without importing it)."""
    return importlib.util.find_spec("gi") is not None


def indicator_typelib() -> str | None:
    """The AppIndicator typelib pystray will load, or None (then it cannot use appindicator)."""
    try:
        import gi

        gi.require_version("Gtk", "3.0")
    except (ImportError, ValueError) as err:
        log.warning("a StatusNotifier tray is running but GTK 3 cannot be loaded (%s); "
                    "using the XEmbed tray", err)
        return None
    for name in INDICATOR_TYPELIBS:
        try:
            gi.require_version(name, "0.1")
            return name
        except ValueError:
            continue
    log.warning("a StatusNotifier tray is running but no AppIndicator typelib is installed "
                "(Debian/Ubuntu: apt install gir1.2-ayatanaappindicator3-0.1); using the "
                "XEmbed tray")
    return None


def session_bus_address(env: Mapping[str, str]) -> str | None:
    """The session bus address: $DBUS_SESSION_BUS_ADDRESS, else systemd's $XDG_RUNTIME_DIR/bus."""
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    return None


def status_notifier_host(env: Mapping[str, str]) -> bool:
    """True when a StatusNotifierWatcher runs on the session bus and says a host is registered."""
    address = session_bus_address(env)
    if address is None:
        return False
    try:
        if importlib.util.find_spec("jeepney") is not None:
            return _ask_with_jeepney(address)
        return _ask_with_gio(address)
    except Exception as err:  # no bus, a refused connection, D-Bus errors: no host
        log.debug("no StatusNotifier host: %s", err)
        return False


def _ask_with_jeepney(address: str) -> bool:
    from jeepney import DBusAddress, MessageType, Properties
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(address, auth_timeout=BUS_TIMEOUT_S) as conn:
        reply = conn.send_and_get_reply(message_bus.NameHasOwner(WATCHER), timeout=BUS_TIMEOUT_S)
        if not reply.body[0]:
            return False
        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        reply = conn.send_and_get_reply(Properties(watcher).get("IsStatusNotifierHostRegistered"),
                                        timeout=BUS_TIMEOUT_S)
        if reply.header.message_type is MessageType.error:
            # A watcher that does not answer the property (the spec requires it): trust it.
            log.debug("the StatusNotifierWatcher did not answer: %s", reply.body)
            return True
        return bool(reply.body[0][1])


def _ask_with_gio(address: str) -> bool:
    import gi

    gi.require_version("Gio", "2.0")
    from gi.repository import Gio, GLib

    flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
             | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
    bus = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
    timeout_ms = int(BUS_TIMEOUT_S * 1000)
    try:
        owned = bus.call_sync(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", GLib.Variant("(s)", (WATCHER,)), None,
            Gio.DBusCallFlags.NONE, timeout_ms, None,
        ).unpack()[0]
        if not owned:
            return False
        try:
            reply = bus.call_sync(
                WATCHER, WATCHER_PATH, "org.freedesktop.DBus.Properties", "Get",
                GLib.Variant("(ss)", (WATCHER, "IsStatusNotifierHostRegistered")), None,
                Gio.DBusCallFlags.NONE, timeout_ms, None,
            )
        except GLib.Error as err:
            log.debug("the StatusNotifierWatcher did not answer: %s", err)
            return True
        return bool(reply.unpack()[0])
    finally:
        bus.close_sync(None)
