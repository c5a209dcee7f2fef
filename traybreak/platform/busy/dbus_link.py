"""A D-Bus connection for the signal-driven busy sources (jeepney, blocking I/O, the engine
thread only): match rules added once, signals read without waiting at each sample, calls that
give up after ``CALL_TIMEOUT_S``. No thread of its own: signals wait in the socket between wakes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

#: A bus or service that takes longer than this to answer counts as gone (unknown, not busy).
CALL_TIMEOUT_S = 1.0
#: After a failed connection, wait this long before the next attempt (not on every sample).
RECONNECT_BACKOFF_S = 30.0


class LinkDown(Exception):
    """The bus connection is gone or could not be made; the source reports unknown."""


class BusLink:
    """One connection to the bus at ``address`` with ``rules`` (jeepney MatchRules) added.

    ``fresh`` is True after each (re)connect until the owner clears it: signals may have been
    missed meanwhile, so the source reads its state again.
    """

    def __init__(self, address: str, rules: Sequence[Any], *,
                 clock: Callable[[], float] = time.monotonic,
                 timeout: float = CALL_TIMEOUT_S) -> None:
        self.address, self.rules, self.timeout = address, tuple(rules), timeout
        self._clock = clock
        self._conn: Any = None
        self._next_attempt = 0.0
        self._pending: list[Any] = []   # signals that came while a call waited for its reply
        self.fresh = False

    def connect(self) -> None:
        """Open the connection and add the match rules; raises LinkDown when it cannot."""
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        if self._conn is not None:
            return
        if self._clock() < self._next_attempt:
            raise LinkDown("waiting before the next attempt to connect")
        try:
            self._conn = open_dbus_connection(self.address, auth_timeout=self.timeout)
            for rule in self.rules:
                self.call(message_bus.AddMatch(rule))
        except Exception as err:
            self._drop()
            self._next_attempt = self._clock() + RECONNECT_BACKOFF_S
            raise LinkDown(f"cannot connect to the session bus: {err}") from err
        self.fresh = True

    def call(self, message: Any) -> Any:
        """Send a method call and return its reply (an error reply too); LinkDown when the
        connection fails or nothing answers within the timeout."""
        self.connect()
        conn = self._conn
        serial = next(conn.outgoing_serial)
        deadline = time.monotonic() + self.timeout
        try:
            conn.send(message, serial=serial)
            while True:
                reply = conn.receive(timeout=max(0.0, deadline - time.monotonic()))
                if reply.header.fields.get(_reply_serial(), -1) == serial:
                    return reply
                self._pending.append(reply)
        except Exception as err:   # TimeoutError, a reset socket, a garbled message
            self._drop()
            # A hung service would cost every sample the whole timeout: leave it alone a while.
            self._next_attempt = self._clock() + RECONNECT_BACKOFF_S
            raise LinkDown(f"no answer on the session bus: {err!r}") from err

    def drain(self) -> list[Any]:
        """Every message that came since the last drain (signals), without waiting."""
        self.connect()
        conn, found, self._pending = self._conn, self._pending, []
        try:
            while True:
                found.append(conn.receive(timeout=0))
        except TimeoutError:
            return found
        except Exception as err:   # the bus went away (logout) or sent garbage
            self._drop()
            raise LinkDown(f"the session bus connection broke: {err!r}") from err

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._pending = []
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already broken; nothing left to release
                log.debug("closing a broken bus connection failed", exc_info=True)

    def close(self) -> None:
        """Close the connection (a later use reconnects)."""
        self._drop()


def _reply_serial() -> Any:
    from jeepney import HeaderFields

    return HeaderFields.reply_serial


def is_error(reply: Any) -> bool:
    """True for an error reply."""
    from jeepney import MessageType

    return bool(reply.header.message_type is MessageType.error)


def is_signal(message: Any, interface: str, member: str) -> bool:
    """True for the signal ``interface.member``."""
    from jeepney import HeaderFields, MessageType

    fields = message.header.fields
    return bool(message.header.message_type is MessageType.signal
                and fields.get(HeaderFields.interface) == interface
                and fields.get(HeaderFields.member) == member)
