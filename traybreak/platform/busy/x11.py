"""A full-screen window with the focus on X11 (EWMH): the root's ``_NET_ACTIVE_WINDOW`` whose
``_NET_WM_STATE`` holds ``_NET_WM_STATE_FULLSCREEN``. Covers X11 desktops and, through
Xwayland, X11 programs on Wayland ones. On the engine thread, with a connection of its own.

Event-driven: the connection listens for PropertyNotify on the root (the active window changed)
and on the active window (its state changed). A sample reads the events that came since the
last one without waiting, and asks the server again (two round trips) only after one of them;
at rest a sample costs no round trip.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from traybreak.core.model import Reason

log = logging.getLogger(__name__)

RECONNECT_BACKOFF_S = 30.0


class X11Fullscreen:
    """Full screen on the X server at ``display_name``."""

    name = "x11-fullscreen"

    def __init__(self, display_name: str | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.display_name = display_name
        self._clock = clock
        self._display: Any = None
        self._atoms: tuple[int, int, int] = (0, 0, 0)
        self._next_attempt = 0.0
        self._stale = True            # a property we follow changed: read them again
        self._watched = 0             # the active window whose state we follow
        self._full = False

    def connect(self) -> None:
        """Open the connection, intern the atoms, follow the root's properties; raises when
        the server is away."""
        from Xlib import X
        from Xlib import display as xdisplay

        conn = xdisplay.Display(self.display_name)
        active, state, full = (conn.intern_atom(name) for name in (
            "_NET_ACTIVE_WINDOW", "_NET_WM_STATE", "_NET_WM_STATE_FULLSCREEN"))
        conn.screen().root.change_attributes(event_mask=X.PropertyChangeMask)
        self._atoms = (active, state, full)
        self._display, self._stale, self._watched = conn, True, 0

    def busy(self) -> frozenset[Reason] | None:
        """FULLSCREEN while the focused window is full screen; None while the server is away."""
        if self._display is None:
            if self._clock() < self._next_attempt:
                return None
            try:
                self.connect()
            except Exception as err:
                self._next_attempt = self._clock() + RECONNECT_BACKOFF_S
                log.debug("full screen unknown: cannot connect to X: %s", err)
                return None
        try:
            self._take_events()
            if self._stale:
                self._stale = False
                self._full = self._focused_fullscreen()
        except Exception as err:   # the connection broke (logout, server restart)
            log.debug("full screen unknown: %r", err)
            self.close()
            return None
        return frozenset({Reason.FULLSCREEN}) if self._full else frozenset()

    def _take_events(self) -> None:
        """Read the events that came since the last sample (never waits)."""
        from Xlib import X

        display = self._display
        active_atom, state_atom, _ = self._atoms
        while display.pending_events():
            event = display.next_event()
            if event.type == X.PropertyNotify and event.atom in (active_atom, state_atom):
                self._stale = True

    def _focused_fullscreen(self) -> bool:
        from Xlib import Xatom
        from Xlib.error import BadWindow

        active_atom, state_atom, full_atom = self._atoms
        display = self._display
        active = display.screen().root.get_full_property(active_atom, Xatom.WINDOW)
        wid = int(active.value[0]) if active is not None and len(active.value) else 0
        self._follow(wid)
        if not wid:
            return False   # no window manager, or the desktop itself has the focus
        try:
            state = display.create_resource_object("window", wid).get_full_property(
                state_atom, Xatom.ATOM)
        except BadWindow:  # closed between the two reads (its PropertyNotify is on its way)
            return False
        return state is not None and full_atom in list(state.value)

    def _follow(self, wid: int) -> None:
        """Listen for property changes on the active window ``wid`` instead of the last one."""
        from Xlib import X
        from Xlib.error import CatchError

        if wid == self._watched:
            return
        display = self._display
        if self._watched:   # (it may be gone already: the error is caught, not printed)
            display.create_resource_object("window", self._watched).change_attributes(
                event_mask=X.NoEventMask, onerror=CatchError())
        if wid:
            display.create_resource_object("window", wid).change_attributes(
                event_mask=X.PropertyChangeMask, onerror=CatchError())
        self._watched = wid

    def close(self) -> None:
        """Close the connection (the next sample reconnects)."""
        conn, self._display = self._display, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already gone
                log.debug("closing a broken X connection failed", exc_info=True)


def probe(env: Mapping[str, str]) -> X11Fullscreen | None:
    """A source for ``env["DISPLAY"]`` if that server answers."""
    name = env.get("DISPLAY")
    if not name:
        return None
    source = X11Fullscreen(name)
    try:
        source.connect()
    except Exception as err:
        log.info("full screen unavailable on %s: %s", name, err)
        return None
    return source
