"""What a lock watch reports (since when the screen is locked, when it was last unlocked) and
the clock it measures with; used from the engine thread while a watch thread updates it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from traybreak.platform.suspend_clock import suspend_clock

#: The clock lock times are measured on: it keeps counting through suspend (CLOCK_BOOTTIME on
#: Linux), so a lock that spans a suspend is that long.
boot_clock: Callable[[], float] = suspend_clock()


@dataclass(frozen=True)
class LockState:
    """``locked_since``: clock time the lock began (None: not locked, or unknown).
    ``unlocked_at``: clock time of the latest unlock seen (None: none yet)."""

    locked_since: float | None = None
    unlocked_at: float | None = None


class LockWatch(Protocol):
    """Follows the screen lock of this session (thread-safe reads)."""

    #: Short name for the start line and `status` ("gnome_lock").
    name: str

    def state(self) -> LockState:
        """The lock as last heard of."""
        ...

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (from the watch's thread) when the screen locks or unlocks."""
        ...

    def close(self) -> None:
        """Stop watching. Safe to call twice."""
        ...
