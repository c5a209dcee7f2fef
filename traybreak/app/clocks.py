"""The tray process's clocks: aware local wall time, a monotonic clock that counts through suspend,
and one that stops in suspend (only to explain gaps in the log), and how the engine sleeps until
its next deadline on them. Part of the Environment: a test or a soak can run the whole app on
simulated time (tests/fakes.py's SimClock).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from traybreak.platform.suspend_clock import suspend_clock


def local_now() -> datetime:
    """The local wall time, aware (its offset follows DST)."""
    return datetime.now().astimezone()


def wait_for(event: threading.Event, timeout: float) -> bool:
    """Sleep until ``event`` is set or ``timeout`` seconds pass; whether it was set."""
    return event.wait(timeout)


@dataclass(frozen=True)
class Clocks:
    """Where the tray reads time: wall (aware local), suspend-inclusive mono, and steady; and
    ``wait(event, timeout)``, how the engine thread sleeps until its next wake."""

    wall: Callable[[], datetime] = local_now
    mono: Callable[[], float] = field(default_factory=suspend_clock)
    steady: Callable[[], float] = time.monotonic   # stops in suspend: only to explain gaps in logs
    wait: Callable[[threading.Event, float], bool] = wait_for
