"""The Windows and macOS idle sources as pure code, their OS calls faked behind the seam (they
cannot run here): the 32-bit tick arithmetic across the 49.7-day wrap, a last input stamped
after now, a failing call; CoreGraphics' seconds, and values that are no duration."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from traybreak.platform.idle import macos, win32
from traybreak.platform.idle.win32 import idle_ms

DAY_MS = 24 * 3600 * 1000


@dataclass
class FakeWin32:
    last: int | None
    now: int
    asked: list[str] = field(default_factory=list)

    def last_input_tick(self) -> int | None:
        self.asked.append("GetLastInputInfo")
        return self.last

    def tick_count(self) -> int:
        self.asked.append("GetTickCount64")
        return self.now


@pytest.mark.parametrize(("last", "now", "expected"), [
    (1000, 4000, 3000),
    # 50 days up: GetTickCount64 went past 2**32, dwTime wrapped to its low 32 bits.
    ((50 * DAY_MS) % 2**32 - 5000, 50 * DAY_MS, 5000),
    # The input came just before the wrap, now is just after it.
    (2**32 - 1000, 2**32 + 500, 1500),
    # SendInput stamped the input 200 ms "after" now: input just now, not 49.7 days ago.
    (10_200, 10_000, 0),
])
def test_the_tick_difference_is_wrap_safe(last: int, now: int, expected: int) -> None:
    assert idle_ms(last, now) == expected
    source = win32.Win32IdleSource(FakeWin32(last, now))
    assert source.idle() == timedelta(milliseconds=expected)


def test_a_failing_call_is_unknown_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    calls = FakeWin32(None, 5)
    source = win32.Win32IdleSource(calls)
    assert source.idle() is None and source.idle() is None
    assert caplog.text.count("GetLastInputInfo failed") == 1
    calls.last = 1
    assert source.idle() == timedelta(milliseconds=4)
    assert win32.probe({}, FakeWin32(None, 5)) is None
    assert win32.probe({}, FakeWin32(3, 5)) is not None


def test_off_windows_the_probe_says_no() -> None:
    assert win32.probe({}) is None      # no ctypes.WinDLL here


@dataclass
class FakeMac:
    value: float

    def seconds_since_input(self) -> float:
        return self.value


def test_macos_seconds_become_the_idle_time(caplog: pytest.LogCaptureFixture) -> None:
    calls = FakeMac(12.5)
    source = macos.MacIdleSource(calls)
    assert source.idle() == timedelta(seconds=12.5)
    caplog.set_level(logging.WARNING)
    for bad in (math.nan, math.inf, -1.0):
        calls.value = bad
        assert source.idle() is None
    assert caplog.text.count("idle time unknown") == 1
    assert macos.probe({}, FakeMac(0.0)) is not None
    assert macos.probe({}, FakeMac(math.nan)) is None


def test_macos_calls_the_hid_system_state_for_any_input() -> None:
    # The documented constants (Apple: CGEventSourceStateID.hidSystemState = 1,
    # kCGAnyInputEventType = ~0).
    assert (macos.HID_SYSTEM_STATE, macos.ANY_INPUT_EVENT) == (1, 0xFFFFFFFF)
