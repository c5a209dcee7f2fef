"""Is there a system tray on this X display? (python-xlib: who owns _NET_SYSTEM_TRAY_S<n>).

pystray's XEmbed backend gives up when no tray is there as the icon shows (traybreak's icon docks
when a tray next announces itself, XorgFix.PANEL_RESTART), so the app waits for a tray host first
(at login the tray may start after us; platform/tray/choice.py:find_tray polls this) and fails
with a clear message if none appears.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def tray_host_present(display_name: str | None = None) -> bool:
    """True when some client owns the system-tray selection of the default screen."""
    from Xlib import X, display, error

    try:
        conn = display.Display(display_name)
    except (error.DisplayError, OSError) as err:
        log.debug("cannot open display %s: %s", display_name, err)
        return False
    try:
        screen = conn.get_default_screen()
        atom = conn.intern_atom(f"_NET_SYSTEM_TRAY_S{screen}")
        return bool(conn.get_selection_owner(atom) != X.NONE)
    finally:
        conn.close()

