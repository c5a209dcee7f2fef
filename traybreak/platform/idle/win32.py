"""Windows idle time: ``user32.GetLastInputInfo`` (the tick of the session's last input) against
``kernel32.GetTickCount64`` (ctypes; engine thread). The two OS calls sit behind ``Win32Calls``
so that the arithmetic is tested anywhere; docs/engine.md cites the facts it relies on:

- ``LASTINPUTINFO.dwTime`` is a 32-bit tick count, which wraps after 49.7 days of uptime, so
  the difference is taken modulo 2**32 against the low 32 bits of GetTickCount64.
- The last-input tick is "not guaranteed to be incremental" (SendInput may supply its own):
  a last input *after* now (a wrapped difference above 2**31) reads as input just now.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

log = logging.getLogger(__name__)

TITLE = "Windows GetLastInputInfo"
_WRAP = 1 << 32


class Win32Calls(Protocol):
    """The two OS calls (tests pass a fake)."""

    def last_input_tick(self) -> int | None:
        """LASTINPUTINFO.dwTime, or None when GetLastInputInfo fails."""
        ...

    def tick_count(self) -> int:
        """GetTickCount64(): milliseconds since boot."""
        ...


class CtypesWin32:
    """The real calls through ctypes (Windows only: ``ctypes.WinDLL`` exists nowhere else)."""

    def __init__(self) -> None:
        from ctypes import wintypes

        class LASTINPUTINFO(ctypes.Structure):
            _fields_ = [("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD)]

        win_dll: Any = getattr(ctypes, "WinDLL")  # noqa: B009 - absent off Windows, for mypy too
        self._user32 = win_dll("user32", use_last_error=True)
        self._kernel32 = win_dll("kernel32")
        self._user32.GetLastInputInfo.argtypes = [ctypes.POINTER(LASTINPUTINFO)]
        self._user32.GetLastInputInfo.restype = wintypes.BOOL
        self._kernel32.GetTickCount64.restype = ctypes.c_ulonglong
        self._info_type = LASTINPUTINFO

    def last_input_tick(self) -> int | None:
        info = self._info_type()
        info.cbSize = ctypes.sizeof(self._info_type)
        if not self._user32.GetLastInputInfo(ctypes.byref(info)):
            return None
        return int(info.dwTime)

    def tick_count(self) -> int:
        return int(self._kernel32.GetTickCount64())


def idle_ms(last_input: int, now: int) -> int:
    """Milliseconds from the 32-bit ``last_input`` tick to ``now`` (GetTickCount64), wrap-safe;
    0 when the last input is stamped after now."""
    delta = ((now % _WRAP) - last_input) % _WRAP
    return 0 if delta >= _WRAP // 2 else delta


class Win32IdleSource:
    """Idle time of this Windows session."""

    name = "win32"

    def __init__(self, calls: Win32Calls) -> None:
        self._calls = calls
        self._failing = False

    def idle(self) -> timedelta | None:
        """Time since the session's last input, or None when GetLastInputInfo fails."""
        last = self._calls.last_input_tick()
        if last is None:
            if not self._failing:
                log.warning("idle time unknown: GetLastInputInfo failed")
                self._failing = True
            return None
        self._failing = False
        return timedelta(milliseconds=idle_ms(last, self._calls.tick_count()))

    def close(self) -> None:
        """Nothing to release."""


def probe(env: Mapping[str, str], calls: Win32Calls | None = None) -> Win32IdleSource | None:
    """A source if the calls load and answer (``calls``: a seam for tests)."""
    try:
        calls = calls or CtypesWin32()
        if calls.last_input_tick() is None:
            return None
    except (AttributeError, OSError) as err:
        log.info("Windows idle source unavailable: %s", err)
        return None
    return Win32IdleSource(calls)
