"""macOS idle time: CoreGraphics ``CGEventSourceSecondsSinceLastEventType(
kCGEventSourceStateHIDSystemState, kCGAnyInputEventType)`` through ctypes (engine thread),
behind ``MacCalls`` so it is tested anywhere. The HID system state is the hardware input of the
whole login session, not only this app's events; docs/engine.md cites Apple's pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

log = logging.getLogger(__name__)

TITLE = "macOS CGEventSource"
HID_SYSTEM_STATE = 1            # kCGEventSourceStateHIDSystemState
ANY_INPUT_EVENT = 0xFFFFFFFF    # kCGAnyInputEventType
FRAMEWORK = "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics"


class MacCalls(Protocol):
    """The one OS call (tests pass a fake)."""

    def seconds_since_input(self) -> float:
        """CGEventSourceSecondsSinceLastEventType(HID system state, any input)."""
        ...


class CtypesCoreGraphics:
    """The real call through ctypes; OSError where CoreGraphics does not load."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(ctypes.util.find_library("CoreGraphics") or FRAMEWORK)
        self._call = lib.CGEventSourceSecondsSinceLastEventType
        self._call.argtypes = [ctypes.c_int32, ctypes.c_uint32]
        self._call.restype = ctypes.c_double

    def seconds_since_input(self) -> float:
        return float(self._call(HID_SYSTEM_STATE, ANY_INPUT_EVENT))


class MacIdleSource:
    """Idle time of this macOS login session."""

    name = "macos"

    def __init__(self, calls: MacCalls) -> None:
        self._calls = calls
        self._failing = False

    def idle(self) -> timedelta | None:
        """Seconds since the last input, or None for a value that is no duration (NaN,
        infinite or negative)."""
        seconds = self._calls.seconds_since_input()
        if not math.isfinite(seconds) or seconds < 0:
            if not self._failing:
                log.warning("idle time unknown: CoreGraphics said %r", seconds)
                self._failing = True
            return None
        self._failing = False
        return timedelta(seconds=seconds)

    def close(self) -> None:
        """Nothing to release."""


def probe(env: Mapping[str, str], calls: MacCalls | None = None) -> MacIdleSource | None:
    """A source if CoreGraphics loads and answers (``calls``: a seam for tests)."""
    try:
        source = MacIdleSource(calls or CtypesCoreGraphics())
    except (AttributeError, OSError) as err:
        log.info("macOS idle source unavailable: %s", err)
        return None
    return source if source.idle() is not None else None
