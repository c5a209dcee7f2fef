"""The moment the user comes back, on GNOME: Mutter's ``AddUserActiveWatch`` (a one-shot watch
that fires ``WatchFired(id)`` at the next input), asked only while the user is away, so it fires
exactly at the return (jeepney; a thread of its own blocked on its connection: no wakeup until
then). The engine then sleeps up to ``AWAY_WAKE_S`` while away instead of ticking every 144 s
(engine_thread.py), and sees the return at once.

The interface, from mutter's src/org.gnome.Mutter.IdleMonitor.xml: ``AddUserActiveWatch() -> u``,
``RemoveWatch(u)``, signal ``WatchFired(u)``, at /org/gnome/Mutter/IdleMonitor/Core. A watch dies
with the shell: when Mutter leaves the bus (or comes back) the watch is void, the engine is woken
and arms a new one at its next sleep. An error reply, garbage, or no answer within 1 s (seen at
the engine's next ask) turns the watch off for good (logged once): the engine then samples every
144 s while away, as without it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from traybreak.platform.session_bus import CALL_TIMEOUT_S, listening, stop_listening

log = logging.getLogger(__name__)

BUS_NAME = "org.gnome.Mutter.IdleMonitor"
PATH = "/org/gnome/Mutter/IdleMonitor/Core"
INTERFACE = "org.gnome.Mutter.IdleMonitor"


class MutterReturnWatch:
    """Arms a user-active watch on Mutter at ``address`` when asked; ``start()`` connects."""

    def __init__(self, address: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.address = address
        self._clock = clock
        self._guard = threading.Lock()
        self._conn: Any = None
        self._thread: threading.Thread | None = None
        self._wake: Callable[[], None] = lambda: None
        self._asked: int | None = None       # serial of the AddUserActiveWatch call in flight
        self._asked_at = 0.0                 # and when it was sent (``clock``)
        self._watch: int | None = None       # the armed watch's id
        self._failed = False
        self._closed = False
        self.fired = 0                       # returns heard so far (tests read it)

    def start(self) -> None:
        """Connect and subscribe to WatchFired and to Mutter's comings and goings; BusError if
        the bus refuses."""
        from jeepney import MatchRule

        fired = MatchRule(type="signal", sender=BUS_NAME, path=PATH, interface=INTERFACE,
                          member="WatchFired")
        self._conn = listening(self.address, [fired], BUS_NAME)
        self._thread = threading.Thread(target=self._run, name="mutter-return", daemon=True)
        self._thread.start()

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (from the watch's thread) at the return."""
        self._wake = wake

    def watch_return(self, after: timedelta) -> bool:
        """Have Mutter say when input comes next, unless a watch is armed already. The engine
        asks only while the user is away (idle past ``after``), so the next input is the
        return. False once the watch has failed (an answer that never came counts, seen at the
        next call) or is closed."""
        from jeepney import DBusAddress, new_method_call

        with self._guard:
            conn = self._conn
            if self._failed or self._closed or conn is None:
                return False
            unanswered = self._asked is not None and \
                self._clock() - self._asked_at > CALL_TIMEOUT_S
            if not unanswered and (self._asked is not None or self._watch is not None):
                return True
            if not unanswered:
                serial = next(conn.outgoing_serial)
                self._asked, self._asked_at = serial, self._clock()
        if unanswered:   # a hung shell: sample every 144 s rather than wait on it for good
            self._fail(f"Mutter did not answer AddUserActiveWatch within {CALL_TIMEOUT_S:g} s")
            return False
        call = new_method_call(DBusAddress(PATH, BUS_NAME, INTERFACE), "AddUserActiveWatch")
        try:
            conn.send(call, serial=serial)
        except OSError as err:
            self._fail(f"cannot ask Mutter for a user-active watch: {err!r}")
            return False
        return True

    def _run(self) -> None:
        from jeepney.io.threading import ReceiveStopped

        while True:
            conn = self._conn
            if conn is None:
                return
            try:
                msg = conn.receive()
            except ReceiveStopped:
                return
            except (OSError, ConnectionError, ValueError) as err:
                if not self._closed:
                    self._fail(f"the session bus connection was lost: {err!r}")
                return
            try:
                self._handle(msg)
            except Exception as err:  # garbage must not end the thread with a traceback
                self._fail(f"an unreadable message from Mutter: {err!r}")

    def _handle(self, msg: Any) -> None:
        from jeepney import HeaderFields, MessageType

        fields = msg.header.fields
        kind = msg.header.message_type
        signature = fields.get(HeaderFields.signature, "")
        if kind in (MessageType.method_return, MessageType.error):
            with self._guard:
                ours = self._asked is not None and \
                    fields.get(HeaderFields.reply_serial) == self._asked
                if ours:
                    self._asked = None
                    if kind is MessageType.method_return and signature == "u":
                        self._watch = int(msg.body[0])
                        return
            if not ours:
                return             # AddMatch's replies
            error = fields.get(HeaderFields.error_name, f"an answer of type {signature!r}")
            self._fail(f"Mutter refused AddUserActiveWatch: {error}")
            return
        if kind is not MessageType.signal:
            return
        member = fields.get(HeaderFields.member)
        if member == "WatchFired" and signature == "u":
            with self._guard:
                if msg.body[0] != self._watch:
                    return         # another program's watch (the signal goes to everyone)
                self._watch = None
            self.fired += 1
            self._wake()
        elif member == "NameOwnerChanged" and signature == "sss" and msg.body[0] == BUS_NAME:
            with self._guard:      # the shell restarted or left: its watches are gone
                self._watch, self._asked = None, None
            self._wake()           # so the engine's next sleep arms a new one (or is short)

    def _fail(self, message: str) -> None:
        with self._guard:
            if self._failed:
                return
            self._failed = True
        log.warning("%s; the user's return is seen at the next sample instead", message)
        self._wake()

    def close(self) -> None:
        """Stop the thread and close the connection. Safe to call twice."""
        with self._guard:
            self._closed = True
            conn, self._conn = self._conn, None
        if conn is None:
            return
        stop_listening(conn, self._thread, "the Mutter watch")
