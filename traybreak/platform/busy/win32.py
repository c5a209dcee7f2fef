"""Busy on Windows: ``SHQueryUserNotificationState`` (shell32, Vista and later), the state
Windows itself uses to hold notifications back, read through ctypes on the engine thread.

QUERY_USER_NOTIFICATION_STATE (learn.microsoft.com): 1 QUNS_NOT_PRESENT (screen saver, locked,
switched user: away time, not busy), 2 QUNS_BUSY (a full-screen application, or Presentation
Settings on), 3 QUNS_RUNNING_D3D_FULL_SCREEN, 4 QUNS_PRESENTATION_MODE (the user's presentation
switch), 5 QUNS_ACCEPTS_NOTIFICATIONS, 6 QUNS_QUIET_TIME (the first hour after a new user's
first login), 7 QUNS_APP (a Windows Store app full screen). It looks at the primary display only.
Focus Assist (Windows 10) and Do Not Disturb (Windows 11) have no documented reading API.
"""

from __future__ import annotations

from collections.abc import Callable

from traybreak.core.model import Reason

#: What each state means for a due prompt (states not listed: free).
STATES: dict[int, frozenset[Reason]] = {
    2: frozenset({Reason.FULLSCREEN}),
    3: frozenset({Reason.FULLSCREEN}),
    4: frozenset({Reason.DND}),
    7: frozenset({Reason.FULLSCREEN}),
}
KNOWN = range(1, 8)


def query_shell() -> int | None:
    """The state from shell32, or None when the call fails (HRESULT not S_OK)."""
    import ctypes

    state = ctypes.c_int(0)
    shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
    if shell32.SHQueryUserNotificationState(ctypes.byref(state)) != 0:
        return None
    return state.value


class ShellNotificationState:
    """Busy from ``query`` (``query_shell`` on Windows; tests pass recorded states)."""

    name = "win32-notification-state"

    def __init__(self, query: Callable[[], int | None] = query_shell) -> None:
        self._query = query

    def busy(self) -> frozenset[Reason] | None:
        """FULLSCREEN for a full-screen app or game, DND in presentation mode; None when the
        call fails or answers a state the documentation does not list."""
        state = self._query()
        if state is None or state not in KNOWN:
            return None
        return STATES.get(state, frozenset())

    def close(self) -> None:
        """Nothing to release."""


def probe() -> ShellNotificationState | None:
    """The source when shell32 answers."""
    source = ShellNotificationState()
    return source if source.busy() is not None else None
