"""Tells the tray soon after its config file is saved: inotify through ctypes on Linux, one
thread blocked in select (no polling, no wakeups at rest); elsewhere nothing, and the tray's
check of the file on each engine wake (at least once a minute) still sees the change."""

from __future__ import annotations

import ctypes
import logging
import os
import select
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# <sys/inotify.h>: saved in place, renamed in or out (editors save by a rename), made, removed.
_IN_CLOSE_WRITE, _IN_MOVED_FROM, _IN_MOVED_TO = 0x8, 0x40, 0x80
_IN_CREATE, _IN_DELETE = 0x100, 0x200
_MASK = _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
_IN_CLOEXEC = 0o2000000
_EVENT = struct.Struct("iIII")   # wd, mask, cookie, len; then len bytes of name


class FileWatch:
    """Calls ``on_change`` (on its own thread) soon after ``path`` is written, replaced or
    removed. Watches the file's folder, or while that does not exist yet its nearest existing
    ancestor (for the folder to appear). ``close`` ends it; a no-op where inotify is missing."""

    def __init__(self, path: Path, on_change: Callable[[], None], libc: Any = None) -> None:
        """``libc``: inotify's three calls (tests wrap the real ones); None finds them here."""
        self.path, self.on_change = path.absolute(), on_change
        self._libc = libc if libc is not None else _inotify_libc()
        self._fd = self._libc.inotify_init1(_IN_CLOEXEC) if self._libc is not None else -1
        self._wd = -1
        self._wanted = ""           # the name in the watched folder that matters
        self._stop_r, self._stop_w = os.pipe()
        self._closed = False
        self.active = self._fd >= 0 and self._arm()
        if self.active:
            threading.Thread(target=self._run, name="config-watch", daemon=True).start()
        else:
            self._close_fds()

    def close(self) -> None:
        """Stop watching: the thread ends and closes its descriptors."""
        if self.active and not self._closed:
            self._closed = True
            os.write(self._stop_w, b"x")

    def _arm(self) -> bool:
        """Watch the file's folder, or the nearest existing ancestor; True when watching."""
        libc = self._libc
        if libc is None:
            return False
        while True:
            target, wanted = self.path.parent, self.path.name
            while not target.is_dir() and target != target.parent:
                target, wanted = target.parent, target.name
            if self._wd >= 0:
                libc.inotify_rm_watch(self._fd, self._wd)
            self._wd = libc.inotify_add_watch(self._fd, os.fsencode(target), _MASK)
            self._wanted = wanted
            # A folder on the way made between the walk and the new watch sent its event to
            # nobody (`mkdir -p` is that fast): look again until the watch is as near as it gets.
            if self._wd < 0 or wanted == self.path.name or not (target / wanted).is_dir():
                return self._wd >= 0

    def _run(self) -> None:
        try:
            while True:
                ready, _, _ = select.select([self._fd, self._stop_r], [], [])
                if self._stop_r in ready:
                    return
                if self._wanted in _names(os.read(self._fd, 16384)):
                    self._changed()
        except OSError:
            log.warning("watching %s failed; changes are seen within a minute", self.path,
                        exc_info=True)
        finally:
            self._close_fds()

    def _changed(self) -> None:
        if self._wanted != self.path.name:   # a folder on the way appeared: watch nearer
            self._arm()
            if not self.path.exists():
                return
        self.on_change()

    def _close_fds(self) -> None:
        for fd in (self._fd, self._stop_r, self._stop_w):
            if fd >= 0:
                os.close(fd)


def _names(buffer: bytes) -> set[str]:
    """The file names in a buffer of inotify events."""
    names, offset = set(), 0
    while offset + _EVENT.size <= len(buffer):
        _wd, _mask, _cookie, length = _EVENT.unpack_from(buffer, offset)
        start = offset + _EVENT.size
        names.add(os.fsdecode(buffer[start:start + length].rstrip(b"\0")))
        offset = start + length
    return names


def _inotify_libc() -> ctypes.CDLL | None:
    """libc with inotify's three calls typed, or None off Linux (or if it cannot be loaded)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        # The process's own symbols include libc's: ctypes.util.find_library would run ldconfig
        # in a subprocess at every tray start to find the same library.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        libc.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return libc


def watch_file(path: Path, on_change: Callable[[], None]) -> FileWatch:
    """Start watching ``path`` (the tray's config file); the Environment's ``file_watch``."""
    return FileWatch(path, on_change)
