"""Which pystray backend to use on this desktop (decided before pystray is first imported).

Linux: appindicator when PyGObject is installed and a StatusNotifier host is on the session bus
(KDE, GNOME with the AppIndicator extension); otherwise XEmbed ("xorg"). PYSTRAY_BACKEND, if set,
always wins. Windows and macOS have one backend each, chosen by pystray itself.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, MutableMapping

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"


def choose_backend(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """The backend name to force, or None to let pystray decide (non-Linux, or user override)."""
    if env.get("PYSTRAY_BACKEND") or not platform.startswith("linux"):
        return None
    if _status_notifier_host():
        return "appindicator"
    return "xorg"


def apply_backend_choice(env: MutableMapping[str, str] | None = None) -> str | None:
    """Set PYSTRAY_BACKEND for this process (pystray reads it at import); returns the choice."""
    env = os.environ if env is None else env
    choice = choose_backend(env)
    if choice is not None:
        env["PYSTRAY_BACKEND"] = choice
    return choice


def _status_notifier_host() -> bool:
    """True when PyGObject imports and some process owns the StatusNotifierWatcher name."""
    try:
        import gi

        gi.require_version("Gio", "2.0")
        from gi.repository import Gio, GLib
    except (ImportError, ValueError):
        return False
    try:
        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        reply = bus.call_sync(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", GLib.Variant("(s)", (WATCHER,)), None,
            Gio.DBusCallFlags.NONE, 1000, None,
        )
        return bool(reply.unpack()[0])
    except Exception as err:  # no session bus, D-Bus errors: fall back to XEmbed
        log.debug("no StatusNotifier host: %s", err)
        return False
