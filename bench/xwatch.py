"""Shared by the start-up benches: notice, from X events, when a new window becomes viewable.

A private python-xlib connection selects SubstructureNotify on the root window, so it hears of
every new top-level window at once (CreateNotify), then selects StructureNotify and
PropertyChange on that window so its reparenting (docking, a window manager's frame) and
mapping wake the watcher too. After every batch of events, and every ``poll_s`` at the latest,
the candidates are checked with a few round trips; the time returned is the time of the check
that first saw the condition hold, so it is late by at most one check (a few ms).
"""

from __future__ import annotations

import select
import time
from collections.abc import Callable
from typing import Any

from Xlib import X, display
from Xlib.error import XError

TRAYER_CLASS = ("panel", "trayer")


class WindowWatcher:
    """Watches one display for new top-level windows; ``reset`` before each measured start."""

    def __init__(self, display_name: str, poll_s: float = 0.005,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.conn = display.Display(display_name)
        # A window may vanish between an event and our query: that is "not yet", not a failure.
        self.conn.set_error_handler(lambda *_: None)
        self.root = self.conn.screen().root
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.conn.sync()
        self.poll_s, self.clock = poll_s, clock
        self._new: dict[int, Any] = {}
        self.first_created: float | None = None   # clock time of the first new window

    def close(self) -> None:
        """Close the watcher's X connection."""
        self.conn.close()

    def reset(self) -> None:
        """Forget the windows seen so far (call just before starting the program measured)."""
        self._drain()
        self._new.clear()
        self.first_created = None

    def wait(self, ready: Callable[[Any], bool], timeout_s: float) -> tuple[int, float] | None:
        """(window id, time on ``clock``) of the first window created since ``reset`` for
        which ``ready(window)`` holds; None after ``timeout_s`` seconds."""
        end = self.clock() + timeout_s
        while True:
            self._drain()
            now = self.clock()
            for wid, window in list(self._new.items()):
                try:
                    if ready(window):
                        return wid, now
                except XError:
                    self._new.pop(wid, None)      # destroyed meanwhile
            if now >= end:
                return None
            select.select([self.conn.fileno()], [], [], min(self.poll_s, end - now))

    def _drain(self) -> None:
        while self.conn.pending_events():
            event = self.conn.next_event()
            if event.type == X.CreateNotify and event.parent.id == self.root.id:
                event.window.change_attributes(
                    event_mask=X.StructureNotifyMask | X.PropertyChangeMask)
                self._new[int(event.window.id)] = event.window
                if self.first_created is None:
                    self.first_created = self.clock()
            elif event.type == X.DestroyNotify:
                self._new.pop(int(event.window.id), None)

    # -- conditions ----------------------------------------------------------------------------

    def viewable(self, window: Any) -> bool:
        """The window and all its ancestors are mapped."""
        return bool(window.get_attributes().map_state == X.IsViewable)

    def wm_class(self, window: Any) -> tuple[str, str] | None:
        """The window's WM_CLASS (instance, class), None while unset."""
        value = window.get_wm_class()
        return tuple(value) if value else None  # type: ignore[return-value]

    def colours(self, window: Any) -> int:
        """How many distinct pixel values the screen shows where ``window`` is (an unpainted
        window shows its background: one or two)."""
        geometry = window.get_geometry()
        at = window.translate_coords(self.root, 0, 0)
        screen = self.conn.screen()
        x, y = max(0, -at.x), max(0, -at.y)
        width = min(geometry.width, screen.width_in_pixels - x)
        height = min(geometry.height, screen.height_in_pixels - y)
        if width <= 0 or height <= 0:
            return 0
        data = self.root.get_image(x, y, width, height, X.ZPixmap, 0xFFFFFFFF).data
        return len({bytes(data[i:i + 4]) for i in range(0, len(data), 4)})

    def docked_in_trayer(self, window: Any) -> bool:
        """Some ancestor of ``window`` is trayer's panel window."""
        node = window
        while True:
            parent = node.query_tree().parent
            if not parent or parent.id == self.root.id:
                return False
            if parent.get_wm_class() == TRAYER_CLASS:
                return True
            node = parent
