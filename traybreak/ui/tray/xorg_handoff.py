"""Hand-offs to the xorg icon's loop thread (traybreak's SAFE_HANDOFF fix for pystray 0.19.5).

pystray runs show/hide/update/stop on its loop thread: another thread posts a ClientMessage to the
icon window and waits for the loop's answer on ``icon._queue``. Upstream posts on the loop's own
Display, which python-xlib's threaded I/O can turn into a hang; we post over a private connection
instead, so only the loop thread ever touches the loop's Display.

The private connection is opened once and kept (a ``Courier`` per icon): opening one costs ~25
round trips (python-xlib queries every extension) and ~10 ms of CPU, which at one tooltip update
a minute was most of the tray's CPU and wakeups at rest.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: How long a call from another thread waits for the icon's loop to carry it out.
HANDOFF_TIMEOUT_S = 5.0
#: While waiting, how often it checks that the loop is still there to answer.
HANDOFF_POLL_S = 0.05
#: Set on a fixed xorg icon once its loop has returned (the loop thread may live on).
LOOP_ENDED = "_traybreak_loop_ended"
_COURIER = "_traybreak_courier"


class Courier:
    """Posts ClientMessages to one window over one private X connection, opened on first use.

    Thread-safe; after ``close`` it sends nothing. ``opened`` counts connections made (tests and
    benches read it).
    """

    def __init__(self, display_name: str, window_id: int) -> None:
        self.display_name, self.window_id = display_name, window_id
        self.opened = 0
        self._lock = threading.Lock()
        self._conn: Any = None
        self._window: Any = None
        self._atoms: dict[str, int] = {}
        self._errors: list[Any] = []
        self._closed = False

    def send(self, atom_name: str) -> bool:
        """Post ``atom_name`` (sent, not waited for); False (and a one-line warning) when it
        cannot be sent, e.g. the display has gone."""
        from Xlib import X, error
        from Xlib.protocol import event

        with self._lock:
            if self._closed:
                return False
            failure: Any = None
            for _attempt in range(2):  # a connection that broke since the last send: reopen once
                try:
                    conn, window = self._connection()
                    self._errors.clear()
                    atom = self._atoms.get(atom_name)
                    if atom is None:
                        atom = self._atoms[atom_name] = conn.intern_atom(atom_name)
                    message = event.ClientMessage(window=window, client_type=atom,
                                                  data=(32, (X.CurrentTime, 0, 0, 0, 0)))
                    window.send_event(message, event_mask=X.NoEventMask)
                    # Flush, not sync: the caller waits for the loop's answer anyway, and an X
                    # error (the window gone) arrives with the loop's end, which ends the wait.
                    conn.flush()
                    failure = self._errors[0] if self._errors else None
                    break
                except (error.DisplayError, error.ConnectionClosedError, OSError) as err:
                    failure = err
                    self._drop()
        if failure is not None:
            log.warning("handing %s to the tray loop failed: %s", atom_name, failure)
        return failure is None

    def close(self) -> None:
        """Hang up for good."""
        with self._lock:
            self._closed = True
            self._drop()

    def _connection(self) -> tuple[Any, Any]:
        if self._conn is None:
            from Xlib import display

            conn = display.Display(self.display_name)
            conn.set_error_handler(lambda err, *_: self._errors.append(err))
            self.opened += 1
            self._conn, self._atoms = conn, {}
            self._window = conn.create_resource_object("window", self.window_id)
        return self._conn, self._window

    def _drop(self) -> None:
        conn, self._conn, self._window = self._conn, None, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # the server may be gone: nothing left to tidy then
                log.debug("closing the hand-off connection failed", exc_info=True)


def courier_of(icon: Any) -> Courier:
    """The icon's Courier (made on first use, once the icon window exists)."""
    courier = getattr(icon, _COURIER, None)
    if courier is None:
        courier = Courier(icon._display.get_display_name(), icon._window.id)
        setattr(icon, _COURIER, courier)
    return courier


def close_courier(icon: Any) -> None:
    """Hang up the icon's hand-off connection (its loop has ended)."""
    courier = getattr(icon, _COURIER, None)
    if courier is not None:
        courier.close()


def loop_running(icon: Any) -> bool:
    """True while the icon's loop thread is in its loop."""
    loop = getattr(icon, "_thread", None)
    return bool(loop is not None and loop.is_alive() and not getattr(icon, LOOP_ENDED, False))


def handoff(icon: Any, original: Callable[[], None]) -> Callable[[], None]:
    """A dispatcher running ``original`` on ``icon``'s loop thread."""
    atom_name = f"_PYSTRAY_{original.__name__.upper()}"  # upstream's atom: its handler is ours

    @functools.wraps(original)
    def dispatch() -> None:
        loop = getattr(icon, "_thread", None)
        if loop is None or loop is threading.current_thread():
            original()  # no loop yet, or we are the loop: no other thread uses the Display
            return
        # Upstream waits forever for an answer from a loop that has ended. The loop thread may
        # well outlive its loop: on the main thread it goes on to shut the app down.
        if not loop_running(icon):
            log.debug("tray loop has ended; %s dropped", original.__name__)
            return
        if not courier_of(icon).send(atom_name):
            return
        deadline = time.monotonic() + HANDOFF_TIMEOUT_S
        while True:
            try:
                result = icon._queue.get(timeout=HANDOFF_POLL_S)
                break
            except queue.Empty:
                if not loop_running(icon):  # it ended (display gone, stop) before our turn
                    log.debug("tray loop ended before running %s", original.__name__)
                    return
                if time.monotonic() >= deadline:
                    log.error("tray loop did not run %s within %.0f s", original.__name__,
                              HANDOFF_TIMEOUT_S)
                    return
        if result is not True:
            raise result[1].with_traceback(result[2])

    return dispatch
