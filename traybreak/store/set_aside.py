"""Keeping an unreadable log aside: the file and its -wal/-shm renamed to
NAME.corrupt-<timestamp>[-N], never overwriting anything, so a new log can start beside it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from traybreak.errors import ExitStatus, UserError

__all__ = ["move_aside"]

_SIDECARS = ("-wal", "-shm")


def move_aside(path: Path, now: datetime) -> Path:
    """Rename ``path`` (and its -wal/-shm) to NAME.corrupt-<timestamp>[-N]; never overwrites."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    serial = 1
    while any(Path(f"{target}{s}").exists() for s in ("", *_SIDECARS)):
        serial += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{serial}")
    try:
        path.rename(target)
        for suffix in _SIDECARS:
            sidecar = Path(f"{path}{suffix}")
            if sidecar.exists():
                sidecar.rename(f"{target}{suffix}")
    except OSError as err:
        raise UserError(
            f"the log at {path} is not a readable database and could not be moved aside "
            f"({err.strerror}): move it away by hand, then start traybreak again",
            ExitStatus.FAILURE,
        ) from err
    return target
