"""A full-screen window with the focus on X11 (EWMH): the root's ``_NET_ACTIVE_WINDOW`` whose
``_NET_WM_STATE`` holds ``_NET_WM_STATE_FULLSCREEN``. Covers X11 desktops and, through
Xwayland, X11 programs on Wayland ones. On the engine thread, with a connection of its own.

Event-driven: the connection listens for PropertyNotify on the root (the active window changed)
and on the active window (its state changed). A sample reads the events that came since the
last one without waiting, and asks the server again (two round trips) only after one of them;
at rest a sample costs no round trip. It speaks X11 through platform/x11_wire.py, not
python-xlib: on Wayland this is the tray's only X11 client, and python-xlib would cost it 1.3 MB.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from traybreak.core.model import Reason
from traybreak.platform.x11_wire import ATOM, WINDOW, Connection, X11Error

log = logging.getLogger(__name__)

RECONNECT_BACKOFF_S = 30.0


class X11Fullscreen:
    """Full screen on the X server at ``display_name``; ``env`` gives XAUTHORITY and HOME."""

    name = "x11-fullscreen"

    def __init__(self, display_name: str, env: Mapping[str, str] | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.display_name = display_name
        self._env = env
        self._clock = clock
        self._display: Connection | None = None
        self._atoms: tuple[int, int, int] = (0, 0, 0)
        self._next_attempt = 0.0
        self._stale = True            # a property we follow changed: read them again
        self._watched = 0             # the active window whose state we follow
        self._full = False

    def connect(self) -> None:
        """Open the connection, intern the atoms, follow the root's properties; raises when
        the server is away."""
        conn = Connection(self.display_name, self._env)
        try:
            self._atoms = (conn.intern_atom("_NET_ACTIVE_WINDOW"),
                           conn.intern_atom("_NET_WM_STATE"),
                           conn.intern_atom("_NET_WM_STATE_FULLSCREEN"))
            conn.select_property_events(conn.root)
        except BaseException:
            conn.close()
            raise
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

    def _connection(self) -> Connection:
        if self._display is None:
            raise ConnectionError("not connected")
        return self._display

    def _take_events(self) -> None:
        """Read the events that came since the last sample (never waits)."""
        active_atom, state_atom, _ = self._atoms
        for _window, atom in self._connection().property_events():
            if atom in (active_atom, state_atom):
                self._stale = True

    def _focused_fullscreen(self) -> bool:
        active_atom, state_atom, full_atom = self._atoms
        conn = self._connection()
        active = conn.get_property(conn.root, active_atom, WINDOW, 1)
        wid = active[0] if active else 0
        self._follow(wid)
        if not wid:
            return False   # no window manager, or the desktop itself has the focus
        try:
            state = conn.get_property(wid, state_atom, ATOM)
        except X11Error as err:
            if err.bad_window:   # closed between the two reads (its PropertyNotify is coming)
                return False
            raise
        return full_atom in state

    def _follow(self, wid: int) -> None:
        """Listen for property changes on the active window ``wid`` instead of the last one
        (a window already gone answers with an error, which the connection drops)."""
        if wid == self._watched:
            return
        conn = self._connection()
        if self._watched:
            conn.select_property_events(self._watched, on=False)
        if wid:
            conn.select_property_events(wid)
        self._watched = wid

    def close(self) -> None:
        """Close the connection (the next sample reconnects)."""
        conn, self._display = self._display, None
        if conn is not None:
            try:
                conn.close()
            except OSError:  # already gone
                log.debug("closing a broken X connection failed", exc_info=True)


def probe(env: Mapping[str, str]) -> X11Fullscreen | None:
    """A source for ``env["DISPLAY"]`` if that server answers."""
    name = env.get("DISPLAY")
    if not name:
        return None
    source = X11Fullscreen(name, env)
    try:
        source.connect()
    except Exception as err:
        log.info("full screen unavailable on %s: %s", name, err)
        return None
    return source
