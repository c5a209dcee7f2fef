"""Idle time from the compositor itself, through a Wayland idle-notification protocol: KDE
Plasma (KWin), sway, Hyprland and the other compositors offering ``ext_idle_notifier_v1``, or
the older ``org_kde_kwin_idle``. Spoken with platform/wayland_wire.py, no libwayland.

The protocol gives a transition, not a time: we ask for one notification with a timeout T, and
the compositor sends *idled* once no input came for T, then *resumed* at the next input. So
idle time is T + the time since *idled*, and 0 from *resumed* on (or before the first *idled*).
A reader thread sits blocked on the socket and wakes only for those two events; ``idle()``
costs no round trip. A *resumed* that ends an idle run of at least the length given to
``watch_return`` also wakes the engine (the user is back), so it need not sample while they are
away. T (``TIMEOUT``, 30 s) must not exceed the shortest natural-break length
(idle shorter than T reads as 0) and should not be a few seconds (each pause in typing that
long would wake the reader twice): docs/engine.md, "Idle time on Wayland".

Requests and events, from the protocol XML:
- ext-idle-notify-v1.xml (wayland-protocols, staging): ext_idle_notifier_v1 request 1
  ``get_idle_notification(new_id ext_idle_notification_v1, uint timeout_ms, object wl_seat)``;
  ext_idle_notification_v1 request 0 ``destroy``, events 0 ``idled``, 1 ``resumed``. Version
  1's notification honours idle inhibitors (a playing video keeps the user "active"); that is
  what a break reminder wants, and version 2's input-only request is not on KWin 5.27.
- idle.xml (plasma-wayland-protocols): org_kde_kwin_idle request 0
  ``get_idle_timeout(new_id org_kde_kwin_idle_timeout, object wl_seat, uint timeout_ms)`` (the
  seat comes first here); org_kde_kwin_idle_timeout events 0 ``idle``, 1 ``resumed``.

A compositor that goes away (or breaks the protocol) makes idle time unknown, logged once;
the next samples try a new connection, at most every ``RECONNECT_BACKOFF``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from traybreak.platform.suspend_clock import suspend_clock
from traybreak.platform.wayland_wire import Connection, Global, WireError, socket_path

log = logging.getLogger(__name__)

#: The notification's timeout: idle runs shorter than this read as 0 (see the module's doc).
TIMEOUT = timedelta(seconds=30)
#: How long connecting and subscribing may take in all (a hung compositor must not hold the
#: engine thread).
CONNECT_TIMEOUT = 1.0
#: How long to wait before trying a lost compositor again.
RECONNECT_BACKOFF = timedelta(seconds=30)
SEAT = "wl_seat"


@dataclass(frozen=True)
class Notifier:
    """One idle-notification protocol: its global, the version we bind, the request that makes
    a notification (and its argument order), and the notification's two events."""

    interface: str
    version: int
    create_opcode: int
    #: The create request's arguments: n = the new notification, u = timeout ms, o = the seat.
    signature: str
    idled_event: int = 0
    resumed_event: int = 1


EXT_IDLE = Notifier("ext_idle_notifier_v1", 1, 1, "nuo")
KDE_IDLE = Notifier("org_kde_kwin_idle", 1, 0, "nou")
#: Best first: the standard protocol, else KWin's older one (KWin offers both; sway only the
#: older one).
NOTIFIERS = (EXT_IDLE, KDE_IDLE)


class Unavailable(Exception):
    """The compositor answers but offers no idle notification (one-line reason)."""



class _Link:
    """One live connection and what its notification said last."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        #: Clock time of the last *idled*; None before the first and after *resumed*.
        self.idled_at: float | None = None


class WaylandIdleSource:
    """Idle time from the compositor of ``env`` (WAYLAND_DISPLAY, XDG_RUNTIME_DIR).

    ``open()`` connects (raising Unavailable, OSError or ValueError when it cannot); then a
    daemon thread follows the notification's events. ``idle()`` and ``close()`` are called from
    the engine's thread."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        timeout: timedelta = TIMEOUT,
        clock: Callable[[], float] | None = None,
        connect: Callable[[Mapping[str, str], float], Connection] = Connection.connect,
        connect_timeout: float = CONNECT_TIMEOUT,
        notifiers: tuple[Notifier, ...] = NOTIFIERS,
    ) -> None:
        if not timedelta(0) <= timeout <= timedelta(milliseconds=0xFFFFFFFF):
            raise ValueError(f"timeout {timeout} does not fit the protocol's uint32 ms")
        self.env = env
        self.timeout = timeout
        self.name = "wayland"
        self._clock = clock or suspend_clock()
        self._connect = connect
        self._connect_timeout = connect_timeout
        self._notifiers = notifiers  # best first
        self._lock = threading.Lock()  # guards _link and each link's idled_at
        self._link: _Link | None = None
        self._reader: threading.Thread | None = None
        self._next_attempt = 0.0
        self._failing = False
        self._closed = False
        self._wake: Callable[[], None] = lambda: None
        self._return_after: float | None = None   # s of idle whose end wakes the engine

    # -- connecting -----------------------------------------------------------------------

    def open(self) -> None:
        """Connect, bind the seat and the best notifier, create the notification and start the
        reader. Unavailable if the compositor offers neither protocol (or no seat); OSError
        (ConnectionLost, ProtocolError, TimeoutError) or ValueError (WireError, no runtime
        directory) if it cannot be talked to."""
        # One budget for the whole start, so a compositor that hangs holds the engine thread
        # (which calls this again after a loss) no longer than the connect timeout.
        deadline = time.monotonic() + self._connect_timeout
        link = _Link(self._connect(self.env, self._connect_timeout))
        try:
            notifier = self._subscribe(link, deadline)
        except BaseException:
            link.conn.close()
            raise
        with self._lock:
            if self._closed:  # closed while we connected
                link.conn.close()
                return
            self._link = link
            self.name = f"Wayland {notifier.interface}"
            self._reader = threading.Thread(target=self._read_events, args=(link,),
                                            name="wayland-idle", daemon=True)
            self._reader.start()

    def _subscribe(self, link: _Link, deadline: float) -> Notifier:
        conn = link.conn
        conn.get_registry(max(0.0, deadline - time.monotonic()))
        seat = conn.find(SEAT)
        offered: tuple[Notifier, Global] | None = next(
            ((n, g) for n in self._notifiers if (g := conn.find(n.interface)) is not None),
            None)
        if offered is None:
            raise Unavailable("the compositor offers neither "
                              + " nor ".join(n.interface for n in self._notifiers))
        if seat is None:
            raise Unavailable("the compositor has no seat (wl_seat)")
        notifier, found = offered
        seat_id = conn.bind(seat, 1)
        notifier_id = conn.bind(found, notifier.version)
        notification = conn.new_id(self._handler(link, notifier))
        args = {"n": notification, "u": int(self.timeout.total_seconds() * 1000), "o": seat_id}
        conn.send(notifier_id, notifier.create_opcode, notifier.signature,
                  *(args[kind] for kind in notifier.signature))
        # A refusal (wl_display.error) comes here.
        conn.roundtrip(max(0.0, deadline - time.monotonic()))
        return notifier

    def _handler(self, link: _Link, notifier: Notifier) -> Callable[[int, bytes], None]:
        def on_event(opcode: int, payload: bytes) -> None:
            back = False
            with self._lock:
                if opcode == notifier.idled_event:
                    link.idled_at = self._clock()
                elif opcode == notifier.resumed_event:
                    idled_at, link.idled_at = link.idled_at, None
                    after = self._return_after
                    back = idled_at is not None and after is not None and (
                        self.timeout.total_seconds() + self._clock() - idled_at >= after)
            if back:
                self._wake()   # outside the lock: the engine's wake only sets an event
        return on_event

    def _read_events(self, link: _Link) -> None:
        """The reader thread: blocked on the socket until an event comes, until the end."""
        try:
            while True:
                link.conn.read(None)
        except (OSError, WireError) as err:  # ConnectionLost, ProtocolError, garbage
            reason = f"the Wayland compositor connection ended ({err})"
        except Exception as err:  # never let the thread die with a traceback on stderr
            reason = f"the Wayland idle reader failed ({err!r})"
        with self._lock:
            ours = self._link is link
            if ours:
                self._link = None
                self._next_attempt = self._clock()  # the next sample may try again at once
        link.conn.close()
        if ours:  # not when we closed it ourselves
            self._note_failure(reason)

    # -- the IdleSource interface ---------------------------------------------------------

    def idle(self) -> timedelta | None:
        """Time since the last input (0 while it is shorter than the timeout), or None while
        the compositor cannot be reached."""
        with self._lock:
            if self._closed:
                return None
            connected = self._link is not None
        if not connected and not self._reconnect():
            return None
        with self._lock:
            if self._link is None:
                return None
            if self._link.idled_at is None:
                return timedelta(0)
            since = max(0.0, self._clock() - self._link.idled_at)
            return self.timeout + timedelta(seconds=since)

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (from the reader thread) when the user comes back (``watch_return``)."""
        self._wake = wake

    def watch_return(self, after: timedelta) -> bool:
        """Wake at the *resumed* that ends an idle run of ``after`` or more; False while the
        compositor is not connected (its loss is seen by the next sample)."""
        with self._lock:
            self._return_after = after.total_seconds()
            return self._link is not None and not self._closed

    def _reconnect(self) -> bool:
        if self._clock() < self._next_attempt:
            return False
        self._next_attempt = self._clock() + RECONNECT_BACKOFF.total_seconds()
        try:
            self.open()
        except (Unavailable, OSError, ValueError) as err:
            self._note_failure(f"cannot reach the Wayland compositor's idle notifier: {err}")
            return False
        if self._failing:
            log.info("idle time available again (%s)", self.name)
            self._failing = False
        return True

    def _note_failure(self, message: str) -> None:
        # Once per outage, not once per sample.
        if not self._failing:
            self._failing = True
            log.warning("%s; idle time unknown until it is back", message)

    def close(self) -> None:
        """End the connection and the reader thread; later samples return None. Safe twice."""
        with self._lock:
            self._closed = True
            link, self._link = self._link, None
            reader, self._reader = self._reader, None
        if link is not None:
            link.conn.close()
        if reader is not None and reader is not threading.current_thread():
            reader.join(timeout=1.0)

    @property
    def reader(self) -> threading.Thread | None:
        """The thread following the compositor's events (None before the first connection)."""
        return self._reader

    def __repr__(self) -> str:
        return f"WaylandIdleSource({self.env.get('WAYLAND_DISPLAY', '')!r}, {self.name!r})"


def probe(env: Mapping[str, str]) -> WaylandIdleSource | None:
    """A source on the compositor of ``env`` if it offers an idle notifier; else None, with
    the reason logged once (never a traceback)."""
    source = WaylandIdleSource(env)
    try:
        source.open()
    except Unavailable as err:
        log.info("Wayland idle source unavailable: %s", err)
        return None
    except (OSError, ValueError) as err:
        try:
            where = socket_path(env)
        except ValueError:
            where = "(no socket)"
        log.info("Wayland idle source unavailable: cannot talk to the compositor at %s: %s",
                 where, err or type(err).__name__)
        return None
    return source
