"""A monotonic clock that keeps counting through suspend, for the engine's ticks and for idle
sources that time an idle run themselves (a run that spans a suspend is counted whole)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def suspend_clock() -> Callable[[], float]:
    """A monotonic clock that keeps counting through suspend, so a sleep shows as a tick gap.

    Linux: CLOCK_BOOTTIME. macOS: CLOCK_MONOTONIC (time.monotonic stops in sleep there).
    Windows: time.monotonic, whose counter runs through sleep.
    """
    name = "CLOCK_BOOTTIME" if sys.platform.startswith("linux") else "CLOCK_MONOTONIC"
    clock_id = getattr(time, name, None)
    if clock_id is not None and sys.platform != "win32":
        try:
            time.clock_gettime(clock_id)
            return lambda: time.clock_gettime(clock_id)
        except OSError:   # the kernel lacks it: the plain monotonic clock below will do
            pass
    return time.monotonic
