"""The tray process's clocks: aware local wall time, a monotonic clock that counts through suspend,
and one that stops in suspend (only to explain gaps in the log). Part of the Environment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from traybreak.platform.suspend_clock import suspend_clock


def local_now() -> datetime:
    """The local wall time, aware (its offset follows DST)."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Clocks:
    """Where the tray reads time: wall (aware local), suspend-inclusive mono, and steady."""

    wall: Callable[[], datetime] = local_now
    mono: Callable[[], float] = field(default_factory=suspend_clock)
    steady: Callable[[], float] = time.monotonic   # stops in suspend: only to explain gaps in logs
