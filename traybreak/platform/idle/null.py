"""The idle source for desktops without a usable idle API: it always says "unknown"."""

from __future__ import annotations

from datetime import timedelta


class NullIdleSource:
    """Idle time is unknown here; the engine then counts the user as active."""

    name = "null"

    def __init__(self, reason: str = "no idle source on this desktop") -> None:
        #: One line saying why idle time is unknown (shown by `status` and in the log).
        self.reason = reason

    def idle(self) -> timedelta | None:
        """Always None: unknown."""
        return None

    def close(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return f"NullIdleSource({self.reason!r})"
