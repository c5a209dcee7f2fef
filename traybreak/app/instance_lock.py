"""One tray per user: an exclusive lock file (flock, or msvcrt on Windows) that the kernel drops
when its holder dies, even on kill -9. The tray takes it before serving the control socket.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["InstanceLock"]


class InstanceLock:
    """An exclusive lock file; the kernel drops it when the holder dies, even on kill -9."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another instance holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock_fd(fd)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Let go of the lock (also happens when the process exits)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _lock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
