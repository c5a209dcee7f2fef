"""The screen lock from the desktop's screensaver service on the session bus: ``GetActive`` once
at start, then its ``ActiveChanged(b)`` signal (jeepney; one thread of its own blocked on the
connection, so it costs no wakeup while nothing changes).

GNOME: ``org.gnome.ScreenSaver`` at /org/gnome/ScreenSaver, since GNOME 42 a small D-Bus
activated gjs service in front of the shell's screen shield, which may not run yet when the
app starts: the watch then has the bus start it (GNOME 43 here). KDE and others:
``org.freedesktop.ScreenSaver`` (kscreenlocker sends the signal on /ScreenSaver and
/org/freedesktop/ScreenSaver; the match takes any path).

Bad input never leaves the screen "locked" for good: a service that leaves the bus, answers
GetActive with garbage or not within 1 s, or signals garbage makes the lock *unknown* (not
locked), logged once per outage; a service that comes back is asked again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from traybreak.platform.lock.base import LockState, boot_clock
from traybreak.platform.session_bus import CALL_TIMEOUT_S, DBUS_NAME, BusError

log = logging.getLogger(__name__)

#: At most one engine wake per this many seconds, however fast a service toggles.
WAKE_EVERY_S = 1.0


@dataclass(frozen=True)
class ScreenSaverService:
    """One desktop's screensaver interface on the session bus."""

    bus_name: str
    path: str
    name: str     # short, for the start line
    title: str    # for the log ("lock: GNOME ScreenSaver")

    @property
    def interface(self) -> str:
        return self.bus_name


GNOME = ScreenSaverService("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "gnome_lock",
                           "GNOME ScreenSaver")
FREEDESKTOP = ScreenSaverService("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                                 "freedesktop_lock", "FreeDesktop ScreenSaver")


class ScreenSaverWatch:
    """Follows ``service``'s ActiveChanged on the bus at ``address``; ``start()`` connects."""

    def __init__(self, service: ScreenSaverService, address: str, *,
                 clock: Callable[[], float] = boot_clock) -> None:
        self.service = service
        self.name = service.name
        self.title = service.title
        self.address = address
        self._clock = clock
        self._guard = threading.Lock()
        self._state = LockState()
        self._waker: Callable[[], None] | None = None
        self._last_wake = float("-inf")
        self._failing = False
        self._asking: tuple[int, float] | None = None   # GetActive's serial and deadline
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
        """Connect, subscribe, start the thread; BusError if the bus refuses. ``ask``: the
        service owns its name: ask GetActive now. Else have the bus start it (D-Bus
        activation) and ask once it owns its name."""
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import open_dbus_connection

        try:
            self._conn = open_dbus_connection(self.address, auth_timeout=CALL_TIMEOUT_S)
        except (OSError, ValueError, TimeoutError, RuntimeError) as err:
            raise BusError(f"cannot connect to the session bus: {err}") from err
        svc = self.service
        self._conn.send(message_bus.AddMatch(MatchRule(
            type="signal", sender=svc.bus_name, interface=svc.interface,
            member="ActiveChanged")))
        rule = MatchRule(type="signal", sender=DBUS_NAME, interface=DBUS_NAME,
                         member="NameOwnerChanged")
        rule.add_arg_condition(0, svc.bus_name)
        self._conn.send(message_bus.AddMatch(rule))
        if ask:
            self._ask()
        else:
            # The reply (started, or no such service) is not waited for: NameOwnerChanged
            # says when it is there; until then the lock is unknown (not locked).
            self._conn.send(message_bus.StartServiceByName(svc.bus_name))
        self._thread = threading.Thread(target=self._run, name="lock-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread and close the connection. Safe to call twice."""
        self._stopping = True
        conn, self._conn = self._conn, None
        if conn is None:
            return
        conn.interrupt()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        try:
            conn.close()
        except OSError:
            log.debug("closing the lock watch's connection failed", exc_info=True)

    # -- the watch thread ------------------------------------------------------------------

    def _ask(self) -> None:
        from jeepney import DBusAddress, MessageFlag, new_method_call

        svc = self.service
        msg = new_method_call(DBusAddress(svc.path, svc.bus_name, svc.interface), "GetActive")
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
                self._unknown(f"{self.service.bus_name} did not answer GetActive within "
                              f"{CALL_TIMEOUT_S:g} s")
                continue
            except ReceiveStopped:
                return
            except (OSError, ConnectionError, ValueError) as err:
                if not self._stopping:
                    self._unknown(f"session bus connection lost: {err!r}")
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
                self._unknown(f"GetActive: {fields.get(HeaderFields.error_name, 'an error')}")
            else:
                self._answer("GetActive", signature, msg.body)
            return
        if kind is not MessageType.signal:
            return
        member = fields.get(HeaderFields.member)
        if member == "ActiveChanged" and fields.get(HeaderFields.interface) == \
                self.service.interface:
            self._answer("ActiveChanged", signature, msg.body)
        elif member == "NameOwnerChanged" and signature == "sss" and \
                msg.body[0] == self.service.bus_name:
            if msg.body[2]:
                self._ask()       # (back) on the bus: where does the lock stand?
            else:
                self._unknown(f"{self.service.bus_name} left the bus")

    def _answer(self, what: str, signature: str, body: tuple[Any, ...]) -> None:
        if signature != "b":
            self._unknown(f"{what}: {self.service.bus_name} answered garbage "
                          f"(type {signature or 'none'!r}, expected 'b')")
            return
        if self._failing:
            log.info("lock state from %s available again", self.service.bus_name)
            self._failing = False
        self._set_locked(bool(body[0]))

    def _set_locked(self, locked: bool) -> None:
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
