"""Idle time that counts a locked screen as away: while locked, idle is at least the time since
the lock began; after an unlock, at most the time since the unlock (unlocking is input, even
where the idle clock saw none). So the engine needs no notion of a lock: a lock longer than the
natural-break length becomes one natural break, ended at the unlock. Engine thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from traybreak.platform.idle.base import IdleSource, Wakes, WatchesReturn
from traybreak.platform.lock.base import LockWatch, boot_clock


class LockAwareIdle:
    """``inner``'s idle time combined with ``watch``'s lock (both measured on ``clock``)."""

    def __init__(self, inner: IdleSource, watch: LockWatch, *,
                 clock: Callable[[], float] = boot_clock) -> None:
        self.inner, self.watch, self._clock = inner, watch, clock
        #: "gnome+gnome_lock": the start line and `status` show both halves.
        self.name = f"{inner.name}+{watch.name}"

    def idle(self) -> timedelta | None:
        """max(inner, since the lock) while locked; min(inner, since the unlock) after one;
        else the inner source's answer. Unknown inner idle stays unknown outside a lock."""
        inner = self.inner.idle()
        state = self.watch.state()
        now = self._clock()
        if state.locked_since is not None:
            locked = timedelta(seconds=max(0.0, now - state.locked_since))
            return locked if inner is None else max(inner, locked)
        if state.unlocked_at is not None and inner is not None:
            return min(inner, timedelta(seconds=max(0.0, now - state.unlocked_at)))
        return inner

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Wake the engine when the screen locks or unlocks (and, where the inner source
        watches for it, when the user comes back)."""
        self.watch.set_waker(wake)
        if isinstance(self.inner, Wakes):
            self.inner.set_waker(wake)

    def watch_return(self, after: timedelta) -> bool:
        """The inner source's return watch (an unlock wakes the engine by itself)."""
        return isinstance(self.inner, WatchesReturn) and self.inner.watch_return(after)

    def close(self) -> None:
        """Close both halves. Safe to call twice."""
        self.watch.close()
        self.inner.close()

    def __repr__(self) -> str:
        return f"LockAwareIdle({self.inner!r}, {self.watch.name!r})"
