"""Desktop notifications over D-Bus (org.freedesktop.Notifications, the Desktop Notifications
Specification 1.2), which GNOME Shell, KDE Plasma, XFCE, MATE, Cinnamon, dunst and mako serve.

``notify_body`` builds the call (the SNI tray sends it on its own connection);
``DesktopNotifications`` sends the pre-break notice on a connection of its own (jeepney,
blocking), from whichever thread shows a notice, one call at a time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from traybreak.paths import APP_ID
from traybreak.platform import session_bus
from traybreak.platform.session_bus import BusError

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"
#: Let the server choose how long a notification stays (its own default, usually 5–10 s).
SERVER_DEFAULT_TIMEOUT = -1
#: The body shown at most (servers cut long ones differently; none needs more).
MAX_BODY = 600
#: A server started by D-Bus activation (XFCE's and MATE's start on the first notification)
#: may take this long to answer its first call.
ACTIVATION_TIMEOUT_S = 5.0


def notify_body(app_name: str, summary: str, body: str, replaces_id: int = 0,
                icon: str = "", timeout_ms: int = SERVER_DEFAULT_TIMEOUT,
                hints: Mapping[str, tuple[str, Any]] | None = None) -> tuple[Any, ...]:
    """The Notify call's arguments: ``summary`` as the heading, ``body`` as plain text (the
    markup some servers read is escaped), replacing notification ``replaces_id`` if not 0."""
    plain = body[:MAX_BODY].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (app_name, replaces_id, icon, summary, plain, [], dict(hints or {}), timeout_ms)


class DesktopNotifications:
    """The desktop's notification server on the session bus at ``address``.

    ``show`` returns False (and the caller shows the notice its own way) when there is no
    server: none running and none the bus can start, or one that fails to answer. Each new
    notice replaces the previous one, so two never stack up.
    """

    def __init__(self, address: str, app_name: str = "traybreak") -> None:
        self.address, self.app_name = address, app_name
        self._conn: Any = None
        self._last_id = 0
        self._lock = threading.Lock()

    def show(self, summary: str, body: str = "", lasting: timedelta | None = None) -> bool:
        """Send one notification (blocks up to a few seconds); True when the server took it."""
        timeout_ms = SERVER_DEFAULT_TIMEOUT if lasting is None else int(
            lasting.total_seconds() * 1000)
        with self._lock:
            try:
                return self._send(summary, body, timeout_ms)
            except BusError as err:
                log.info("no desktop notification: %s", err)
                return False
            except (ConnectionError, OSError) as err:  # the bus went away: reconnect next time
                log.info("no desktop notification: the session bus connection broke (%s)", err)
                self._drop()
                return False

    def _send(self, summary: str, body: str, timeout_ms: int) -> bool:
        if self._conn is None:
            self._conn = session_bus.connect(self.address)
        running = SERVICE in session_bus.owned_names(self._conn)
        if not running and not self._activatable():
            log.info("no desktop notification: no notification server on the session bus")
            return False
        hints = {"desktop-entry": ("s", APP_ID)}  # servers group it with the app's entry
        args = notify_body(self.app_name, summary, body, self._last_id, timeout_ms=timeout_ms,
                           hints=hints)
        (self._last_id,) = session_bus.call(
            self._conn, SERVICE, PATH, INTERFACE, "Notify", returns="u",
            signature=NOTIFY_SIGNATURE, body=args, auto_start=not running,
            timeout=session_bus.CALL_TIMEOUT_S if running else ACTIVATION_TIMEOUT_S)
        return True

    def _activatable(self) -> bool:
        (names,) = session_bus.call(self._conn, session_bus.DBUS_NAME, session_bus.DBUS_PATH,
                                    session_bus.DBUS_NAME, "ListActivatableNames", returns="as")
        return SERVICE in names

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        """Close the connection (the app is quitting)."""
        with self._lock:
            self._drop()


def for_this_session(env: Mapping[str, str] | None = None) -> DesktopNotifications | None:
    """The session's notification server on Linux (and the BSDs), where there is a session bus;
    None elsewhere: Windows and macOS have no org.freedesktop.Notifications."""
    if sys.platform in ("win32", "darwin"):
        return None
    address = session_bus.session_bus_address(os.environ if env is None else env)
    return DesktopNotifications(address) if address else None
