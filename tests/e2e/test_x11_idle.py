"""The X11 idle source against a real Xvfb, driven by xdotool."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from e2e.xdesktop import Desktop, end_process, missing_tools, skip_reason, wait_until

from traybreak.platform.idle.choose import choose_idle_source
from traybreak.platform.idle.x11 import X11IdleSource

pytestmark = pytest.mark.e2e


def _idle(source: X11IdleSource) -> timedelta:
    value = source.idle()
    assert value is not None
    return value


def test_idle_grows_without_input_and_drops_after_mousemove(xdesktop: Desktop) -> None:
    source = X11IdleSource(xdesktop.display_name)
    try:
        xdesktop.xdotool("mousemove", 100, 100)
        first = _idle(source)
        time.sleep(1.2)
        later = _idle(source)
        assert later - first >= timedelta(seconds=1)
        # The same spot again still counts as input (mousemove_relative 0 0 would not).
        xdesktop.xdotool("mousemove", 100, 100)
        after = _idle(source)
        assert after < timedelta(milliseconds=500) < later
    finally:
        source.close()
    assert source.idle() is None  # closed: unknown, no reconnect


def test_relative_move_by_nothing_is_not_input(xdesktop: Desktop) -> None:
    # Documents the harness caveat the e2e tests rely on when they simulate work.
    source = X11IdleSource(xdesktop.display_name)
    try:
        xdesktop.xdotool("mousemove", 10, 10)
        time.sleep(0.6)
        xdesktop.xdotool("mousemove_relative", "0", "0")
        assert _idle(source) >= timedelta(milliseconds=500)
    finally:
        source.close()


def test_simulated_work_keeps_idle_low(xdesktop: Desktop) -> None:
    source = X11IdleSource(xdesktop.display_name)
    try:
        stop = xdesktop.simulate_work(every_s=0.3)
        samples = []
        for _ in range(5):
            time.sleep(0.4)
            samples.append(_idle(source))
        stop()
        assert max(samples) < timedelta(seconds=1)
    finally:
        source.close()


def test_chooser_picks_x11_on_an_x_session(xdesktop: Desktop) -> None:
    source = choose_idle_source(env=xdesktop.env, platform="linux")
    try:
        assert source.name == "x11"
        assert source.idle() is not None
    finally:
        source.close()


def test_survives_the_x_server_going_away_and_reconnects() -> None:
    missing = missing_tools()
    if missing:
        pytest.skip(skip_reason(missing))
    clock = [0.0]
    with Desktop() as first:
        number = first.display_number
        source = X11IdleSource(first.display_name, clock=lambda: clock[0])
        assert source.idle() is not None
        xvfb = first._procs[0]
        end_process(xvfb)  # the server dies under the source
        assert source.idle() is None  # unknown, not a crash
        assert source.idle() is None  # still unknown (back-off: no connect attempt)
    with Desktop(display_number=number) as second:
        assert source.idle() is None  # back-off still running
        clock[0] += 10
        value = wait_until(source.idle, timeout=2)
        assert value is not None, f"no reconnect to {second.display_name}"
    source.close()
