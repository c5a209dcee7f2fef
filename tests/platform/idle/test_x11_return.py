"""The X11 return watch (platform/idle/x11_return.py) on a real Xvfb, input from xdotool (XTEST,
which moves the server's idle counter as a real mouse does): the first input after an idle run of
the watched length wakes it once, input during work does not, a changed length applies at once,
a refused alarm or a server that goes away makes ``watch_return`` say False (the engine then
samples as before), and the X11 idle source from ``probe`` carries a working watch."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from e2e.xdesktop import Desktop, missing_tools, skip_reason, wait_until
from fakes import CountingWaker

from traybreak.platform.idle import x11
from traybreak.platform.idle.x11_return import X11ReturnWatch


@pytest.fixture
def desk() -> Iterator[Desktop]:
    if missing_tools():
        pytest.skip(skip_reason(missing_tools()))
    with Desktop((640, 480)) as desktop:
        yield desktop


def test_the_first_input_after_the_idle_length_wakes_it_once(desk: Desktop) -> None:
    watch = X11ReturnWatch(desk.display_name)
    wakes = CountingWaker()
    watch.set_waker(wakes)
    try:
        desk.xdotool("mousemove", 10, 10)
        assert watch.watch_return(timedelta(seconds=0.6))
        assert watch.watch_return(timedelta(seconds=0.6))     # the same length: nothing sent
        desk.xdotool("mousemove", 20, 20)                     # still working
        time.sleep(0.3)
        assert wakes.count == 0
        time.sleep(0.8)                                       # away past the length
        assert wakes.count == 0                               # being away wakes nothing
        desk.xdotool("mousemove", 30, 30)                     # back
        assert wait_until(lambda: wakes.count == 1, timeout=2.0)
        desk.xdotool("mousemove", 40, 40)                     # working again
        time.sleep(0.3)
        assert wakes.count == 1 and watch.fired == 1
    finally:
        watch.close()
        watch.close()                                         # twice is fine


def test_a_new_length_applies_at_once(desk: Desktop) -> None:
    watch = X11ReturnWatch(desk.display_name)
    wakes = CountingWaker()
    watch.set_waker(wakes)
    try:
        assert watch.watch_return(timedelta(seconds=0.5))
        assert watch.watch_return(timedelta(seconds=5))       # a longer natural break now
        time.sleep(1.0)
        desk.xdotool("mousemove", 50, 50)                     # back after 1 s: not a return
        time.sleep(0.5)
        assert wakes.count == 0
    finally:
        watch.close()


def test_a_server_that_goes_away_turns_the_watch_off_with_one_warning(
        desk: Desktop, caplog: pytest.LogCaptureFixture) -> None:
    watch = X11ReturnWatch(desk.display_name)
    wakes = CountingWaker()
    watch.set_waker(wakes)
    assert watch.watch_return(timedelta(seconds=1))
    desk.kill_server()
    # The engine is woken so that its next sleep is the usual one, and asking again says no.
    assert wait_until(lambda: wakes.count == 1, timeout=3.0)
    assert not watch.watch_return(timedelta(seconds=2))
    assert caplog.text.count("the X idle alarm stopped") == 1
    watch.close()


def test_a_refused_alarm_turns_the_watch_off(desk: Desktop,
                                              caplog: pytest.LogCaptureFixture) -> None:
    watch = X11ReturnWatch(desk.display_name)
    wakes = CountingWaker()
    watch.set_waker(wakes)
    watch._counter = 0x7FFFFF        # no such counter: the server answers CreateAlarm with an error
    try:
        assert watch.watch_return(timedelta(seconds=1))       # sent; the error comes later
        assert wait_until(lambda: wakes.count == 1, timeout=3.0)
        assert "refused the idle alarm" in caplog.text
        assert not watch.watch_return(timedelta(seconds=1))
    finally:
        watch.close()


def test_the_x11_idle_source_wakes_the_engine_at_the_return(desk: Desktop) -> None:
    source = x11.probe({"DISPLAY": desk.display_name})
    assert source is not None and source.returns is not None
    wakes = CountingWaker()
    source.set_waker(wakes)
    try:
        assert source.watch_return(timedelta(seconds=0.5))
        time.sleep(0.8)
        idle = source.idle()
        assert idle is not None and idle >= timedelta(seconds=0.5)
        desk.xdotool("mousemove", 60, 60)
        assert wait_until(lambda: wakes.count == 1, timeout=2.0)
        idle = source.idle()
        assert idle is not None and idle < timedelta(seconds=0.5)
    finally:
        source.close()
    assert not source.watch_return(timedelta(seconds=0.5))   # closed: no watch


def test_without_sync_the_x11_source_still_samples(desk: Desktop,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def no_sync(*_args: object, **_kwargs: object) -> X11ReturnWatch:
        raise OSError("no SYNC here")

    monkeypatch.setattr(x11, "X11ReturnWatch", no_sync)
    source = x11.probe({"DISPLAY": desk.display_name})
    assert source is not None and source.returns is None
    try:
        assert not source.watch_return(timedelta(seconds=1))
        assert source.idle() is not None
    finally:
        source.close()
