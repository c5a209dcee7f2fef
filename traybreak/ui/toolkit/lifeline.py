"""The window's side of the lifeline to the tray: a window the tray started ends when the tray
dies, however it dies (kill -9, a crash, the OOM killer).

The tray starts each window with the read end of a pipe as its stdin and ``LIFELINE_ENV`` set,
and holds the only write end (app/window_lifeline.py). It never writes on it: when the tray
process ends, the kernel closes the write end and the window reads end-of-file. Without this a
prompt stayed on screen 85 s after its tray was killed, and an answer given there went nowhere.

Why not the parent-death signal (Linux ``prctl(PR_SET_PDEATHSIG)``): it fires when the *thread*
that started the child ends, not the process, and the tray starts windows from short-lived
threads (a control request's worker, the panel's); a pipe's end is closed only with the process.

Imports no tkinter at import time: the tray reads ``LIFELINE_ENV`` from here.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tkinter

log = logging.getLogger(__name__)

#: Set (to "1") in a window's environment by the tray: stdin is the lifeline.
LIFELINE_ENV = "TRAYBREAK_LIFELINE"
_STDIN = 0


def watch_tray(root: tkinter.Misc, on_tray_gone: Callable[[], None]) -> bool:
    """Call ``on_tray_gone`` on the Tk thread when the tray that started this window ends.

    Does nothing (False) for a window not started by the tray, e.g. `traybreak history --window`
    from a terminal, whose stdin is the terminal's. The variable is taken out of the
    environment, so nothing this window starts mistakes its stdin for a lifeline.
    """
    if os.environ.pop(LIFELINE_ENV, None) != "1":
        return False
    if sys.platform == "win32":  # Tk has no file handlers there: a thread waits instead
        threading.Thread(target=_exit_at_end_of_stdin, name="lifeline", daemon=True).start()
        return True
    import tkinter

    def readable(fd: int, _mask: int) -> None:
        try:
            data = os.read(fd, 512)
        except OSError:
            data = b""
        if data:  # the tray never writes; ignore it if something does
            return
        root.tk.deletefilehandler(fd)
        log.info("the tray has ended: closing this window")
        on_tray_gone()

    root.tk.createfilehandler(_STDIN, tkinter.READABLE, readable)
    return True


def _exit_at_end_of_stdin() -> None:
    """(Windows) Block until the tray's end of the pipe is closed, then end the process: Tk
    must not be called from this thread."""
    try:
        while os.read(_STDIN, 512):
            pass
    except OSError:
        pass
    os._exit(0)
