"""The moment the user comes back, on X11: an alarm on the SYNC extension's ``IDLETIME`` counter
(milliseconds since the last input) that fires when the counter falls below a threshold, i.e. at
the first input after an idle run at least that long. The same mechanism GNOME and KDE used for
their "user active" watches on X11.

Why: while the user is away the engine would otherwise tick every 144 s only to find them still
away, each tick a few ms of cold CPU (most of the tray's cost at rest on xorg, README); with this
watch it sleeps up to ``AWAY_WAKE_S`` (engine_thread.py) and is woken at the return, which also
ends the natural break on time instead of up to 144 s late.

A connection of its own (platform/x11_wire.py) and a thread that sleeps in ``select`` on it:
nothing runs until the alarm fires. The alarm is a NegativeTransition with delta 0, so it stays
armed and fires at each such return (X Synchronization Extension Protocol, version 3.0, x.org:
"ChangeAlarm"/"Alarm" and the IDLETIME system counter; encoding from xcb-proto's sync.xml).
"""

from __future__ import annotations

import logging
import os
import select
import struct
import threading
from collections.abc import Callable, Mapping
from datetime import timedelta

from traybreak.platform.x11_wire import Connection, X11Error

log = logging.getLogger(__name__)

EXTENSION = "SYNC"
COUNTER = "IDLETIME"

_INITIALIZE, _LIST_SYSTEM_COUNTERS, _CREATE_ALARM, _CHANGE_ALARM = 0, 1, 8, 9
_ALARM_NOTIFY = 1                         # event code offset from the extension's first event
# CreateAlarm's value mask: Counter, ValueType, Value, TestType, Delta, Events.
_CA_COUNTER, _CA_VALUE_TYPE, _CA_VALUE, _CA_TEST_TYPE, _CA_DELTA, _CA_EVENTS = (
    1, 2, 4, 8, 16, 32)
_ABSOLUTE, _NEGATIVE_TRANSITION = 0, 1


def _int64(value: int) -> bytes:
    """SYNC's INT64: the high 32 bits signed, then the low 32 bits."""
    return struct.pack("<iI", value >> 32, value & 0xFFFFFFFF)


class X11ReturnWatch:
    """Calls the waker at the first input after ``watch_return``'s idle length, on the X
    server at ``display``. Raises X11Error (or OSError) when the server or its SYNC extension
    or IDLETIME counter is missing."""

    def __init__(self, display: str, env: Mapping[str, str] | None = None) -> None:
        conn = Connection(display, env)
        try:
            found = conn.query_extension(EXTENSION)
            if found is None:
                raise X11Error(f"the X server lacks the {EXTENSION} extension")
            self._major, first_event = found
            self._alarm_notify = first_event + _ALARM_NOTIFY
            conn.round_trip(struct.pack("<BBHBBxx", self._major, _INITIALIZE, 2, 3, 1))
            self._counter = self._idle_counter(conn)
            self._alarm = conn.new_id()
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self._threshold_ms: int | None = None
        self._wake: Callable[[], None] = lambda: None
        self._failed = False
        self._stop_read, self._stop_write = os.pipe()
        self._thread = threading.Thread(target=self._listen, name="x11-return", daemon=True)
        self.fired = 0          # alarms heard so far (tests read it)

    def _idle_counter(self, conn: Connection) -> int:
        reply = conn.round_trip(struct.pack("<BBH", self._major, _LIST_SYSTEM_COUNTERS, 1))
        (count,) = struct.unpack_from("<I", reply, 8)
        offset = 32
        for _ in range(count):
            counter, name_length = struct.unpack_from("<I8xH", reply, offset)
            name = reply[offset + 14:offset + 14 + name_length]
            if name == COUNTER.encode():
                return int(counter)
            offset += 14 + name_length + (4 - (14 + name_length) % 4) % 4
        raise X11Error(f"the X server has no {COUNTER} counter")

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (from the watch's thread) at each return."""
        self._wake = wake

    def watch_return(self, after: timedelta) -> bool:
        """From now on, wake at the first input after ``after`` (or more) of idle. Cheap when
        ``after`` is the same as last time (nothing is sent). False once the connection has
        failed or been closed: the caller must then keep sampling."""
        if self._failed or self._stop_write < 0:
            return False
        threshold = max(1, int(after.total_seconds() * 1000))
        if threshold == self._threshold_ms:
            return True
        try:
            if self._threshold_ms is None:
                mask = (_CA_COUNTER | _CA_VALUE_TYPE | _CA_VALUE | _CA_TEST_TYPE | _CA_DELTA
                        | _CA_EVENTS)
                values = (struct.pack("<II", self._counter, _ABSOLUTE) + _int64(threshold)
                          + struct.pack("<I", _NEGATIVE_TRANSITION) + _int64(0)
                          + struct.pack("<I", 1))
                opcode = _CREATE_ALARM
            else:
                mask, values, opcode = _CA_VALUE, _int64(threshold), _CHANGE_ALARM
            self._conn.send(struct.pack("<BBHII", self._major, opcode, 3 + len(values) // 4,
                                        self._alarm, mask) + values)
        except OSError as err:
            self._fail(f"cannot set the X idle alarm: {err}")
            return False
        if self._threshold_ms is None:
            self._thread.start()
        self._threshold_ms = threshold
        return True

    def _listen(self) -> None:
        """The watch's thread: sleep until the server sends something, wake on an alarm."""
        while True:
            ready = select.select([self._conn.fileno(), self._stop_read], [], [])[0]
            if self._stop_read in ready:
                return
            try:
                events = self._conn.pending()
            except (X11Error, OSError) as err:
                self._fail(f"the X idle alarm stopped: {err}")
                return
            for event in events:
                if event[0] == 0:
                    self._fail(f"the X server refused the idle alarm (X error {event[1]})")
                    return
                if event[0] & 0x7F == self._alarm_notify:
                    self.fired += 1
                    self._wake()

    def _fail(self, message: str) -> None:
        if not self._failed:
            self._failed = True
            log.warning("%s; the user's return is seen at the next sample instead", message)
            self._wake()    # the engine's next sleep goes back to the usual length

    def close(self) -> None:
        """Stop the thread and close the connection. Safe to call twice."""
        if self._stop_write < 0:
            return
        os.write(self._stop_write, b"x")
        if self._thread.is_alive():
            self._thread.join(timeout=1.0)
        self._conn.close()
        os.close(self._stop_write)
        os.close(self._stop_read)
        self._stop_write = -1
