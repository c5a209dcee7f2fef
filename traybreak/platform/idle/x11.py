"""X11 idle time through the MIT-SCREEN-SAVER extension (python-xlib), for the engine thread.

One ``QueryInfo`` round trip per sample. A lost X connection (server restart, logout) is
reopened on the next sample; while it cannot be, idle time is reported as unknown. The moment
the user comes back is heard from the SYNC extension's idle alarm (x11_return.py), when the
server has it, so the engine does not sample while they are away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from traybreak.platform.idle.base import HoldsReturnWatch
from traybreak.platform.idle.x11_return import X11ReturnWatch

log = logging.getLogger(__name__)

EXTENSION = "MIT-SCREEN-SAVER"
#: How long to wait before trying to reconnect again after a failed attempt.
RECONNECT_BACKOFF = timedelta(seconds=5)


class X11IdleSource(HoldsReturnWatch):
    """Idle time from the X server at ``display_name`` (None: $DISPLAY)."""

    name = "x11"

    def __init__(
        self,
        display_name: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.display_name = display_name
        self._clock = clock
        self._display: Any = None
        self._next_attempt = 0.0
        self._failing = False
        self._closed = False
        #: The return watch, when the server has SYNC's IDLETIME (set by ``probe``).
        self.returns: X11ReturnWatch | None = None

    def connect(self) -> None:
        """Open the X connection; raises if the server or the extension is missing."""
        from Xlib import display as xdisplay  # python-xlib: Linux/BSD only, imported on use

        conn = xdisplay.Display(self.display_name)
        if not conn.has_extension(EXTENSION):
            conn.close()
            raise RuntimeError(f"X server {self.display_name or ''} lacks {EXTENSION}")
        self._display = conn

    def idle(self) -> timedelta | None:
        """Time since the last input on this X server, or None while the server is unreachable."""
        if self._closed:
            return None
        if self._display is not None:
            value = self._query()
            if value is not None:
                return value
        # No connection, or it just broke: try a fresh one (rate-limited so a dead server
        # does not cost a connect attempt on every sample).
        if self._clock() < self._next_attempt:
            return None
        try:
            self.connect()
        except Exception as err:
            self._next_attempt = self._clock() + RECONNECT_BACKOFF.total_seconds()
            self._note_failure(f"cannot connect to X server: {err}")
            return None
        return self._query()

    def _query(self) -> timedelta | None:
        try:
            info = self._display.screen().root.screensaver_query_info()
        except Exception as err:  # Xlib raises ConnectionClosedError, OSError, XError ...
            self._drop()
            self._note_failure(f"X idle query failed: {err!r}")
            return None
        if self._failing:
            log.info("X11 idle time available again")
            self._failing = False
        return timedelta(milliseconds=int(info.idle))

    def _note_failure(self, message: str) -> None:
        # Log once per outage, not once per sample.
        if not self._failing:
            log.warning("%s; idle time unknown until it is back", message)
            self._failing = True

    def _drop(self) -> None:
        conn, self._display = self._display, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # the socket is already gone; nothing left to release
                log.debug("closing a broken X connection failed", exc_info=True)

    def close(self) -> None:
        """Close the X connection and the return watch; later samples return None."""
        self._closed = True
        self._drop()
        self.close_return_watch()

    def __repr__(self) -> str:
        return f"X11IdleSource({self.display_name!r})"


def probe(env: Mapping[str, str]) -> X11IdleSource | None:
    """An X11 source for ``env["DISPLAY"]`` if that server answers and has MIT-SCREEN-SAVER."""
    display_name = env.get("DISPLAY")
    if not display_name:
        return None
    source = X11IdleSource(display_name)
    try:
        source.connect()
    except Exception as err:
        log.info("X11 idle source unavailable on %s: %s", display_name, err)
        return None
    try:
        source.returns = X11ReturnWatch(display_name, env)
    except Exception as err:   # then samples go on every 144 s while away, as before
        log.info("no X11 return watch on %s: %s", display_name, err)
    return source
