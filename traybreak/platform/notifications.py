"""Desktop notifications over D-Bus (org.freedesktop.Notifications, the Desktop Notifications
Specification 1.2), which GNOME Shell, KDE Plasma, XFCE, MATE, Cinnamon, dunst and mako serve.

Only the call is built here; it is sent on a connection the caller already has (the SNI tray's)."""

from __future__ import annotations

from typing import Any

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"
#: Let the server choose how long a notification stays (its own default, usually 5–10 s).
SERVER_DEFAULT_TIMEOUT = -1
#: The body shown at most (servers cut long ones differently; none needs more).
MAX_BODY = 600


def notify_body(app_name: str, summary: str, body: str, replaces_id: int = 0,
                icon: str = "", timeout_ms: int = SERVER_DEFAULT_TIMEOUT) -> tuple[Any, ...]:
    """The Notify call's arguments: ``summary`` as the heading, ``body`` as plain text (the
    markup some servers read is escaped), replacing notification ``replaces_id`` if not 0."""
    plain = body[:MAX_BODY].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (app_name, replaces_id, icon, summary, plain, [], {}, timeout_ms)
