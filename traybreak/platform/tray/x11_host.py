"""Is there a system tray on this X display? (python-xlib: who owns _NET_SYSTEM_TRAY_S<n>), and
where is a window on it (the tray icon, for the notice toast).

pystray's XEmbed backend gives up when no tray is there as the icon shows (traybreak's icon docks
when a tray next announces itself, XorgFix.PANEL_RESTART), so the app waits for a tray host first
(at login the tray may start after us; platform/tray/choice.py:find_tray polls this) and fails
with a clear message if none appears.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _display(display_name: str | None) -> Iterator[Any]:
    """A connection to the display, closed afterwards; None when it cannot be opened."""
    from Xlib import display, error

    try:
        conn = display.Display(display_name)
    except (error.DisplayError, OSError) as err:
        log.debug("cannot open display %s: %s", display_name, err)
        yield None
        return
    try:
        yield conn
    finally:
        conn.close()


def tray_host_present(display_name: str | None = None) -> bool:
    """True when some client owns the system-tray selection of the default screen."""
    from Xlib import X

    with _display(display_name) as conn:
        if conn is None:
            return False
        atom = conn.intern_atom(f"_NET_SYSTEM_TRAY_S{conn.get_default_screen()}")
        return bool(conn.get_selection_owner(atom) != X.NONE)



def window_box(window_id: int, display_name: str | None = None
               ) -> tuple[int, int, int, int] | None:
    """Where X window ``window_id`` is on the screen: (x, y, width, height) in root-window
    pixels; None when it is gone, unmapped or the display cannot be reached.

    The notice toast uses it to open beside the tray icon (the tray passes its icon's window:
    the tray host's own selection window is hidden and says nothing of where the tray is)."""
    from Xlib import X, error

    with _display(display_name) as conn:
        if conn is None:
            return None
        try:
            window = conn.create_resource_object("window", window_id)
            if window.get_attributes().map_state != X.IsViewable:
                return None
            size = window.get_geometry()
            origin = window.translate_coords(conn.screen().root, 0, 0)
            return -origin.x, -origin.y, size.width, size.height
        except error.XError as err:  # BadWindow: the icon went away meanwhile
            log.debug("no window %#x: %s", window_id, err)
            return None
