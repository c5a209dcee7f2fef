"""What every D-Bus lock watch shares: one jeepney connection read by a thread of its own
(blocked on the socket, so no wakeup while nothing changes), one question at start and again
whenever the service comes back, a signal after that, and the rule for bad input.

A subclass says which bus, what to subscribe to, what to ask and how to read the answer and the
signals (screensaver.py: the desktop's screensaver on the session bus; logind.py: logind's
``LockedHint`` on the system bus). Bad input never leaves the screen "locked" for good: a
service that leaves the bus, answers with garbage or not within 1 s, or signals garbage makes
the lock *unknown* (not locked), logged once per outage; a service that comes back is asked
again.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from traybreak.platform.lock.base import LockState, boot_clock
from traybreak.platform.session_bus import (
    CALL_TIMEOUT_S,
    DBUS_NAME,
    listening,
    stop_listening,
)

log = logging.getLogger(__name__)

#: At most one engine wake per this many seconds, however fast a service toggles.
WAKE_EVERY_S = 1.0


class BusLockWatch(ABC):
    """Follows one service's lock state on the bus at ``address``; ``start()`` connects.

    Subclasses set ``name``, ``title`` and ``bus_name`` and implement ``_subscribe``,
    ``_question`` (the message asking for the state now), ``_read_answer`` and ``_on_signal``.
    """

    name = "lock"
    title = "lock"
    bus_name = ""
    #: Which bus, for messages ("the session bus").
    bus_title = "the session bus"
    #: The question, for messages ("GetActive").
    _question_name = "the question"

    def __init__(self, address: str, *, clock: Callable[[], float] = boot_clock) -> None:
        self.address = address
        self._clock = clock
        self._guard = threading.Lock()
        self._state = LockState()
        self._waker: Callable[[], None] | None = None
        self._last_wake = float("-inf")
        self._failing = False
        self._asking: tuple[int, float] | None = None   # the question's serial and deadline
        self._conn: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    # -- the engine thread's side ---------------------------------------------------------

    def state(self) -> LockState:
        """The lock as last heard of."""
        with self._guard:
            return self._state

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` when the screen locks or unlocks (throttled to WAKE_EVERY_S)."""
        self._waker = wake

    def start(self, ask: bool = True) -> None:
        """Connect, subscribe (and follow the service's name), ask now if ``ask``, start the
        thread; BusError if the bus refuses."""
        self._conn = listening(self.address, self._subscribe(), self.bus_name, self.bus_title)
        if ask:
            self._ask()
        self._thread = threading.Thread(target=self._run, name="lock-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread and close the connection. Safe to call twice."""
        self._stopping = True
        conn, self._conn = self._conn, None
        if conn is None:
            return
        stop_listening(conn, self._thread, "the lock watch")

    # -- what a subclass says --------------------------------------------------------------

    @abstractmethod
    def _subscribe(self) -> list[Any]:
        """The match rules for the service's lock signal."""

    @abstractmethod
    def _question(self) -> Any:
        """A method call asking for the lock state now (sent with NO_AUTO_START)."""

    @abstractmethod
    def _read_answer(self, signature: str, body: tuple[Any, ...]) -> None:
        """Read the question's reply: ``_set_locked`` or ``_unknown``."""

    @abstractmethod
    def _on_signal(self, msg: Any) -> None:
        """Read one of the subscribed signals (NameOwnerChanged is handled here)."""

    # -- the watch thread ------------------------------------------------------------------

    def _ask(self) -> None:
        from jeepney import MessageFlag

        msg = self._question()
        msg.header.flags |= MessageFlag.no_auto_start
        serial = next(self._conn.outgoing_serial)
        self._conn.send(msg, serial=serial)
        self._asking = (serial, time.monotonic() + CALL_TIMEOUT_S)

    def _run(self) -> None:
        from jeepney.io.threading import ReceiveStopped

        while not self._stopping:
            conn = self._conn
            if conn is None:
                return
            timeout = None if self._asking is None else max(0.0, self._asking[1]
                                                           - time.monotonic())
            try:
                msg = conn.receive(timeout=timeout)
            except TimeoutError:
                self._asking = None
                self._unknown(f"{self.bus_name} did not answer {self._question_name} "
                              f"within {CALL_TIMEOUT_S:g} s")
                continue
            except ReceiveStopped:
                return
            except (OSError, ConnectionError, ValueError) as err:
                if not self._stopping:
                    self._unknown(f"{self.bus_title} connection lost: {err!r}")
                return
            try:
                self._handle(msg)
            except Exception:  # a message we cannot read must not end the watch
                log.warning("lock watch: unreadable message", exc_info=True)

    def _handle(self, msg: Any) -> None:
        from jeepney import HeaderFields, MessageType

        fields = msg.header.fields
        kind = msg.header.message_type
        signature = fields.get(HeaderFields.signature, "")
        if kind in (MessageType.method_return, MessageType.error):
            if self._asking is None or fields.get(HeaderFields.reply_serial) != self._asking[0]:
                return            # AddMatch's replies
            self._asking = None
            if kind is MessageType.error:
                self._unknown(f"{self._question_name}: "
                              f"{fields.get(HeaderFields.error_name, 'an error')}")
            else:
                self._read_answer(signature, tuple(msg.body))
            return
        if kind is not MessageType.signal:
            return
        if fields.get(HeaderFields.member) == "NameOwnerChanged" and \
                fields.get(HeaderFields.interface) == DBUS_NAME:
            if signature == "sss" and msg.body[0] == self.bus_name:
                if msg.body[2]:
                    self._ask()       # (back) on the bus: where does the lock stand?
                else:
                    self._unknown(f"{self.bus_name} left the bus")
            return
        self._on_signal(msg)

    def _garbage(self, what: str, signature: str, expected: str) -> None:
        self._unknown(f"{what}: {self.bus_name} answered garbage "
                      f"(type {signature or 'none'!r}, expected {expected!r})")

    def _set_locked(self, locked: bool) -> None:
        if self._failing:
            log.info("lock state from %s available again", self.bus_name)
            self._failing = False
        now = self._clock()
        with self._guard:
            old = self._state
            if locked and old.locked_since is None:
                self._state = LockState(now, old.unlocked_at)
            elif not locked and old.locked_since is not None:
                self._state = LockState(None, now)
            else:
                return
        log.info("screen %s", "locked" if locked else "unlocked")
        self._wake()

    def _unknown(self, why: str) -> None:
        """The lock cannot be known: not locked (so it never holds prompts back for good)."""
        if not self._failing:
            log.warning("lock state unknown: %s (counting as not locked)", why)
            self._failing = True
        with self._guard:
            old = self._state
            self._state = LockState(None, old.unlocked_at)
        if old.locked_since is not None:
            self._wake()

    def _wake(self) -> None:
        wake, now = self._waker, time.monotonic()
        if wake is None or now - self._last_wake < WAKE_EVERY_S:
            return
        self._last_wake = now
        try:
            wake()
        except Exception:  # the engine's trouble is not the watch's
            log.warning("waking the engine failed", exc_info=True)
