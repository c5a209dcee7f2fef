"""Every window gets a lifeline: its stdin is a pipe whose write end only the tray holds, so when
the tray dies, however it dies, the window reads end-of-file and closes (ui/toolkit/lifeline.py);
windows end with the tray instead of lingering as orphans. Also how a window's child is kept off
the console on Windows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from traybreak.ui.toolkit.lifeline import LIFELINE_ENV

__all__ = ["NO_CONSOLE", "Lifeline"]

#: Windows: a window's child gets no console window of its own (the tray runs without one).
NO_CONSOLE = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0


class Lifeline:
    """A pipe from the tray to one window: the window's stdin is its read end, the tray holds the
    only write end and never writes on it. The kernel closes that end when the tray process
    ends (kill -9 too), and the window, watching its stdin, closes itself.

    ``popen_args(env)`` goes into the child's Popen; call ``started`` right after it, and
    ``cut`` once the window has ended (or to tell it to go).
    """

    def __init__(self) -> None:
        # Both ends are non-inheritable (PEP 446): only this child gets the read end, as its
        # stdin, and no other child of the tray ever holds the write end open.
        self._read: int | None
        self._read, self._write = os.pipe()
        self._cut = False

    def popen_args(self, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        """stdin and environment for the window's Popen (``env``: None for the tray's own)."""
        return {"stdin": self._read,
                "env": {**(os.environ if env is None else env), LIFELINE_ENV: "1"}}

    def started(self) -> None:
        """The child has its copy of the read end: drop the tray's."""
        if self._read is not None:
            os.close(self._read)
            self._read = None

    def cut(self) -> None:
        """Close the tray's end (idempotent): a window still running reads the end of it."""
        self.started()
        if not self._cut:
            self._cut = True
            os.close(self._write)
