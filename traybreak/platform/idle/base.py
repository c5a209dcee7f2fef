"""The idle-source interface every desktop API implements (time since the last keyboard or
mouse input). Used from one thread, the engine's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class IdleSource(Protocol):
    """Reports time since the last user input. Used from one thread (the engine's)."""

    name: str

    def idle(self) -> timedelta | None:
        """Time since the last input, or None when unknown. Cheap: one round trip at most."""
        ...

    def close(self) -> None:
        """Release the connection to the desktop. Safe to call twice."""
        ...


@runtime_checkable
class Wakes(Protocol):
    """An idle source that learns of some changes as they happen (a screen lock) and can wake
    the engine for them, instead of waiting for its next sample."""

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (from any thread) when the idle time changes by an event."""
        ...


@runtime_checkable
class WatchesReturn(Protocol):
    """An idle source that can tell the moment the user comes back (a ``Wakes`` source whose
    waker is also called then), so the engine need not sample while they are away."""

    def watch_return(self, after: timedelta) -> bool:
        """From now on, call the waker at the first input after an idle run of ``after`` or
        more. Cheap to repeat with the same length. False when the source cannot (now): the
        caller keeps sampling."""
        ...


class ReturnWatch(Protocol):
    """What hears the return for a source that samples idle time another way (the X11 idle
    alarm, Mutter's user-active watch): the two calls of ``Wakes`` and ``WatchesReturn``."""

    def set_waker(self, wake: Callable[[], None]) -> None: ...

    def watch_return(self, after: timedelta) -> bool: ...

    def close(self) -> None: ...


class HoldsReturnWatch:
    """Mixin for an idle source whose ``returns`` watch (None: it has none) answers
    ``set_waker`` and ``watch_return``; its ``close`` calls ``close_return_watch``."""

    returns: ReturnWatch | None = None

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (from the watch's thread) when the user comes back."""
        if self.returns is not None:
            self.returns.set_waker(wake)

    def watch_return(self, after: timedelta) -> bool:
        """Wake at the return after ``after`` of idle; False without a working watch."""
        return self.returns is not None and self.returns.watch_return(after)

    def close_return_watch(self) -> None:
        """Close the watch, if any. Safe to call twice."""
        if self.returns is not None:
            self.returns.close()
