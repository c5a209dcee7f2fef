"""Idle time read from a desktop service on the session bus, one call per engine sample (jeepney,
blocking, on the engine thread): the shared half of gnome.py and freedesktop.py.

A service that vanishes, answers an error or garbage, or hangs (no answer within 1 s) makes the
sample *unknown* (None: counts as work), logged once per outage; the next try waits
``RETRY_AFTER`` so a hung service cannot cost the engine a second on every wake. A broken
connection is reopened on the next try.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from traybreak.platform import session_bus
from traybreak.platform.session_bus import BusError

log = logging.getLogger(__name__)

Source = TypeVar("Source", bound="BusIdleSource")

#: After a failed call, samples say "unknown" without asking for this long.
RETRY_AFTER = timedelta(seconds=10)


@dataclass(frozen=True)
class IdleMethod:
    """Where a desktop answers "milliseconds since the last input", and in which D-Bus type."""

    bus_name: str
    path: str
    interface: str
    member: str
    returns: str          # "t" (Mutter) or "u" (org.freedesktop.ScreenSaver)


class BusIdleSource:
    """Idle time from ``method`` on the session bus at ``address``."""

    def __init__(self, name: str, method: IdleMethod, address: str, *, conn: Any = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        #: Short name: the start line and `status` show it.
        self.name = name
        self.method = method
        self.address = address
        self._conn = conn
        self._clock = clock
        self._next_try = 0.0
        self._failing = False
        self._closed = False

    def query(self) -> timedelta:
        """One call; BusError (or ConnectionError/OSError for a broken connection) if it fails."""
        if self._conn is None:
            self._conn = session_bus.connect(self.address)
        m = self.method
        (ms,) = session_bus.call(self._conn, m.bus_name, m.path, m.interface, m.member,
                                 returns=m.returns)
        return timedelta(milliseconds=ms)

    def idle(self) -> timedelta | None:
        """Time since the last input, or None while the service gives no usable answer."""
        if self._closed or self._clock() < self._next_try:
            return None
        try:
            value = self.query()
        except BusError as err:
            self._fail(str(err))
            return None
        except (OSError, ConnectionError, ValueError) as err:  # the bus connection broke
            self._drop()
            self._fail(f"session bus connection lost: {err!r}")
            return None
        if self._failing:
            log.info("idle time from %s available again", self.method.bus_name)
            self._failing = False
        return value

    def _fail(self, why: str) -> None:
        self._next_try = self._clock() + RETRY_AFTER.total_seconds()
        if not self._failing:   # once per outage, not once per sample
            log.warning("idle time unknown: %s (counting as work until it answers)", why)
            self._failing = True

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:  # already broken; nothing left to release
                log.debug("closing a broken bus connection failed", exc_info=True)

    def close(self) -> None:
        """Close the connection; later samples return None. Safe to call twice."""
        self._closed = True
        self._drop()

    def __repr__(self) -> str:
        return f"BusIdleSource({self.name!r}, {self.method.bus_name!r})"


def probe_method(name: str, method: IdleMethod, address: str) -> BusIdleSource | None:
    """A source for ``method`` if one call answers now, else None (the reason logged)."""
    return answering(BusIdleSource(name, method, address))


def answering(source: Source) -> Source | None:
    """``source`` if one call answers now, else None (the reason logged, the source closed)."""
    name = source.name
    try:
        source.query()
    except (BusError, OSError, ConnectionError, ValueError) as err:
        log.info("idle source %s unavailable: %s", name, err)
        source.close()
        return None
    return source
