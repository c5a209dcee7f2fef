"""Open a file with the user's default application (xdg-open, the Windows shell, macOS open).

Used for "Edit settings"; the call waits a moment for the opener to fail (then the tray shows
where the file is), never for the editor.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

OPENER_WAIT_S = 2.0  # how long to wait for the opener to fail before taking it as working


def open_in_default_app(path: Path) -> bool:
    """Ask the desktop to open ``path``; False (and a log line) when there is no way to."""
    try:
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]  # Windows only
            return True
        tool = "open" if sys.platform == "darwin" else shutil.which("xdg-open")
        if not tool:
            log.warning("cannot open %s: xdg-open is not installed", path)
            return False
        args = [tool, "-t", str(path)] if sys.platform == "darwin" else [tool, str(path)]
        opener = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as err:
        log.warning("cannot open %s: %s", path, err)
        return False
    try:
        # A failing opener says so at once (xdg-open: 3 when no program fits); one that is
        # still running is opening the file (some wait until the editor closes).
        status = opener.wait(timeout=OPENER_WAIT_S)
    except subprocess.TimeoutExpired:
        return True
    if status != 0:
        log.warning("cannot open %s: %s exited with status %s", path, Path(tool).name, status)
    return status == 0
