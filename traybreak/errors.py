"""Exit statuses (named in one place) and the error type that becomes a one-line message."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Every status a traybreak command can exit with."""

    OK = 0
    FAILURE = 1          # something went wrong that is not the user's input
    BAD_INPUT = 2        # bad arguments, a bad config file, a bad exercise pack
    NOT_RUNNING = 3      # a control command found no running traybreak
    NO_DISPLAY = 4       # no graphical session or no tray host to live in
    INTERRUPTED = 130    # Ctrl-C


class UserError(Exception):
    """A problem the user can fix. ``str(err)`` is one line saying what is wrong and what to do."""

    def __init__(self, message: str, status: ExitStatus = ExitStatus.BAD_INPUT) -> None:
        super().__init__(message)
        self.status = status
