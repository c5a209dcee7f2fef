"""The control server's limits, so that a flood or a slow client costs a bounded, short-lived
share of the tray: each connection has one deadline for all of it (LineReader: not a timeout per
read, which a client sending a byte every few seconds never meets), at most ``MAX_CONNECTIONS``
are served at once (the rest are refused at once with a "busy" reply), and refusals are reported
once per burst, not once each (RefusalBursts).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

__all__ = ["CONNECTION_DEADLINE_S", "MAX_CONNECTIONS", "REFUSAL_QUIET_S", "LineReader",
           "RefusalBursts"]

#: The whole conversation (key, request, reply) must fit in this, however the bytes trickle in.
CONNECTION_DEADLINE_S = 5.0
#: Connections served at once; more are refused at once (each costs a thread and a descriptor).
MAX_CONNECTIONS = 16
#: A burst of refusals ends after this long without one; its first is told at once, the rest in
#: one line when it ends (a flood of bad connections once added a log row each).
REFUSAL_QUIET_S = 60.0


class RefusalBursts:
    """Tells refusals to ``report`` once per burst: the first at once, then, when no refusal
    has come for ``quiet_s``, one line for the rest ("29 more connections refused ...").

    Thread-safe. A timer thread runs only while a burst has untold refusals.
    """

    def __init__(self, report: Callable[[str], None], quiet_s: float = REFUSAL_QUIET_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._report, self._quiet_s, self._clock = report, quiet_s, clock
        self._lock = threading.Lock()
        self._last: float | None = None   # when the burst's latest refusal came
        self._began = 0.0
        self._more = 0                    # refusals in this burst not told yet
        self._latest = ""
        self._timer: threading.Timer | None = None

    def note(self, why: str) -> None:
        """One connection was refused for ``why``."""
        with self._lock:
            now = self._clock()
            new_burst = self._last is None or now - self._last >= self._quiet_s
            summary = self._take_summary() if new_burst else None
            self._last, self._latest = now, why
            if new_burst:
                self._began = now
            else:
                self._more += 1
                if self._timer is None:
                    self._schedule(self._quiet_s)
        if summary:
            self._report(summary)
        if new_burst:
            self._report(why)

    def flush(self) -> None:
        """Tell the untold rest now (the server is closing)."""
        with self._lock:
            summary = self._take_summary()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if summary:
            self._report(summary)

    def _schedule(self, delay: float) -> None:
        self._timer = threading.Timer(delay, self._burst_over)
        self._timer.daemon = True
        self._timer.start()

    def _burst_over(self) -> None:
        with self._lock:
            assert self._last is not None
            left = self._last + self._quiet_s - self._clock()
            if left > 0:  # refusals kept coming: look again when this one is quiet_s old
                self._schedule(left)
                return
            self._timer = None
            summary = self._take_summary()
        if summary:
            self._report(summary)

    def _take_summary(self) -> str | None:
        """The line for the untold refusals, which are then told (call holding the lock)."""
        if not self._more:
            return None
        more, self._more = self._more, 0
        assert self._last is not None
        return (f"{more} more connections refused in {self._last - self._began:.0f} s "
                f"(the last: {self._latest})")


class LineReader:
    """Reads lines from ``conn`` until one ``deadline`` (time.monotonic) for all of them."""

    def __init__(self, conn: socket.socket, deadline: float) -> None:
        self._conn, self._deadline = conn, deadline
        self._buffer = b""

    def left(self) -> float:
        """Seconds until the deadline."""
        return self._deadline - time.monotonic()

    def line(self, limit: int) -> bytes:
        """The next line with its newline, at most ``limit`` bytes (like ``readline(limit)``);
        what came before the client stopped sending at the end; TimeoutError past the
        deadline."""
        while b"\n" not in self._buffer[:limit] and len(self._buffer) < limit:
            left = self.left()
            if left <= 0:
                raise TimeoutError("the connection's deadline passed")
            self._conn.settimeout(left)
            chunk = self._conn.recv(4096)
            if not chunk:
                break
            self._buffer += chunk
        end = self._buffer.find(b"\n", 0, limit)
        cut = limit if end < 0 else end + 1
        line, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return line
