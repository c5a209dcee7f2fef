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
