"""A first run: traybreak has never run here (no config file, no log) and has not shown its
welcome window yet. The tray then opens the welcome window (cli/welcome_cmd.py) once, without
waiting for it, and records that it did (a marker file in the state dir) before it opens it, so
it is never shown twice: not after Skip, not after the window failed, not after a crash.

Decided before the tray opens the log, which its start creates.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)


def is_first_run(config: Path, log_db: Path, marker: Path) -> bool:
    """Whether the welcome window is due: no ``config`` file, no ``log_db`` and no ``marker``."""
    return not any(path.exists() or path.is_symlink() for path in (config, log_db, marker))


def record_welcome(marker: Path) -> bool:
    """Write the marker (its folder made private if new); False, logged, when it cannot be
    written (the window is shown anyway: the log the tray writes stops the next one)."""
    try:
        marker.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(f"welcome window shown {datetime.now(UTC).isoformat()}\n")
    except OSError as err:
        log.warning("cannot record that the welcome window was shown (%s): %s", marker,
                    err.strerror or err)
        return False
    return True
