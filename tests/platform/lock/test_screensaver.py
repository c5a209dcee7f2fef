"""The screen-lock watch against a fake screensaver service on a private bus: GetActive at
start, ActiveChanged after, the engine woken on each change; and bad input (garbage, a
GetActive that hangs, a service that leaves while locked) never leaves the screen "locked"."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from bus_fakes import HANG, FakeService

from traybreak.platform.lock.base import LockState
from traybreak.platform.lock.choose import choose_lock_watch
from traybreak.platform.lock.screensaver import FREEDESKTOP, GNOME, ScreenSaverWatch

SOON_S = 3.0


def wait_for(check: Callable[[], Any], timeout: float = SOON_S) -> Any:
    end = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > end:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.01)
    return result


class Clock:
    def __init__(self) -> None:
        self.t = 500.0

    def __call__(self) -> float:
        return self.t


def screensaver(bus: str, active: object = False, service: Any = GNOME) -> FakeService:
    answer = active if active is HANG or isinstance(active, tuple) else ("b", (active,))
    return FakeService(bus, service.bus_name, service.path, {"GetActive": lambda body: answer})


@pytest.fixture
def watches() -> Iterator[list[ScreenSaverWatch]]:
    made: list[ScreenSaverWatch] = []
    yield made
    for watch in made:
        watch.close()


def watch_on(bus: str, made: list[ScreenSaverWatch], service: Any = GNOME,
             clock: Callable[[], float] | None = None) -> ScreenSaverWatch:
    watch = ScreenSaverWatch(service, bus, **({"clock": clock} if clock else {}))
    made.append(watch)
    wakes = threading.Event()
    watch.set_waker(wakes.set)
    watch.wakes = wakes  # type: ignore[attr-defined]
    watch.start()
    return watch


def test_lock_and_unlock_follow_the_signal_and_wake_the_engine(
        bus: str, watches: list[ScreenSaverWatch]) -> None:
    clock = Clock()
    service = screensaver(bus, False)
    watch = watch_on(bus, watches, clock=clock)
    wait_for(lambda: "GetActive" in service.calls)
    assert watch.state() == LockState()
    clock.t = 510.0
    service.emit(GNOME.interface, "ActiveChanged", "b", (True,))
    assert wait_for(lambda: watch.state().locked_since == 510.0)
    assert watch.wakes.wait(SOON_S)  # type: ignore[attr-defined]
    watch.wakes.clear()  # type: ignore[attr-defined]
    time.sleep(1.0)                   # past the wake throttle
    clock.t = 600.0
    service.emit(GNOME.interface, "ActiveChanged", "b", (False,))
    assert wait_for(lambda: watch.state() == LockState(None, 600.0))
    assert watch.wakes.wait(SOON_S)  # type: ignore[attr-defined]


def test_locked_at_start_counts_from_the_start(bus: str,
                                               watches: list[ScreenSaverWatch]) -> None:
    clock = Clock()
    screensaver(bus, True, FREEDESKTOP)
    watch = watch_on(bus, watches, FREEDESKTOP, clock)
    assert wait_for(lambda: watch.state().locked_since == 500.0)


def test_another_interface_or_sender_is_not_heard(bus: str,
                                                  watches: list[ScreenSaverWatch]) -> None:
    service = screensaver(bus, False)
    stranger = FakeService(bus, "org.example.Stranger", GNOME.path, {})
    watch = watch_on(bus, watches)
    wait_for(lambda: "GetActive" in service.calls)
    stranger.emit(GNOME.interface, "ActiveChanged", "b", (True,))       # not the owner
    service.emit("org.example.Other", "ActiveChanged", "b", (True,))    # not the interface
    service.emit(GNOME.interface, "ActiveChanged", "b", (False,))       # a marker after them
    time.sleep(0.3)
    assert watch.state().locked_since is None


def test_garbage_means_not_locked_logged_once(bus: str, watches: list[ScreenSaverWatch],
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    service = screensaver(bus, False)
    watch = watch_on(bus, watches)
    wait_for(lambda: "GetActive" in service.calls)
    service.emit(GNOME.interface, "ActiveChanged", "b", (True,))
    wait_for(lambda: watch.state().locked_since is not None)
    service.emit(GNOME.interface, "ActiveChanged", "s", ("yes",))
    service.emit(GNOME.interface, "ActiveChanged", "i", (1,))
    assert wait_for(lambda: watch.state().locked_since is None)
    time.sleep(0.2)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "garbage" in warnings[0], warnings
    service.emit(GNOME.interface, "ActiveChanged", "b", (True,))        # sane again
    assert wait_for(lambda: watch.state().locked_since is not None)
    assert "available again" in caplog.text


def test_garbage_getactive_is_unknown(bus: str, watches: list[ScreenSaverWatch],
                                      caplog: pytest.LogCaptureFixture) -> None:
    screensaver(bus, ("s", ("locked",)))
    watch = watch_on(bus, watches)
    wait_for(lambda: "garbage" in caplog.text)
    assert watch.state().locked_since is None


def test_a_hung_getactive_is_unknown_and_signals_still_count(
        bus: str, watches: list[ScreenSaverWatch], caplog: pytest.LogCaptureFixture) -> None:
    service = screensaver(bus, HANG)
    t0 = time.monotonic()
    watch = watch_on(bus, watches)
    assert time.monotonic() - t0 < 1.0          # the start does not wait for the answer
    wait_for(lambda: "did not answer GetActive within 1 s" in caplog.text)
    assert watch.state().locked_since is None
    service.emit(GNOME.interface, "ActiveChanged", "b", (True,))
    assert wait_for(lambda: watch.state().locked_since is not None)


def test_a_service_that_leaves_while_locked_unlocks_and_is_asked_again_on_return(
        bus: str, watches: list[ScreenSaverWatch], caplog: pytest.LogCaptureFixture) -> None:
    service = screensaver(bus, True)
    watch = watch_on(bus, watches)
    assert wait_for(lambda: watch.state().locked_since is not None)
    service.leave()
    assert wait_for(lambda: watch.state().locked_since is None)
    assert "left the bus" in caplog.text
    back = screensaver(bus, True)
    assert wait_for(lambda: watch.state().locked_since is not None)
    assert back.calls == ["GetActive"]


def test_close_ends_the_thread_and_is_safe_twice(bus: str) -> None:
    screensaver(bus, False)
    watch = ScreenSaverWatch(GNOME, bus)
    watch.start()
    assert any(t.name == "lock-watch" for t in threading.enumerate())
    watch.close()
    watch.close()
    assert wait_for(lambda: not any(t.name == "lock-watch" and t.is_alive()
                                    for t in threading.enumerate()))


def test_the_chooser_takes_gnome_before_freedesktop_and_only_owned_names(
        bus: str, watches: list[ScreenSaverWatch]) -> None:
    screensaver(bus, False, GNOME)
    screensaver(bus, False, FREEDESKTOP)
    # No system bus: no logind to fall back to, whatever this machine runs.
    env = {"DBUS_SESSION_BUS_ADDRESS": bus, "DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent"}
    both = frozenset({GNOME.bus_name, FREEDESKTOP.bus_name})
    for names, expected in ((both, "gnome_lock"), (frozenset({FREEDESKTOP.bus_name}),
                                                    "freedesktop_lock")):
        watch = choose_lock_watch(env, names)
        assert watch is not None
        watches.append(watch)
        assert watch.name == expected
    assert choose_lock_watch(env, frozenset()) is None
    assert choose_lock_watch({"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent"}, both) is None


def test_a_gnome_screensaver_that_is_not_running_yet_is_waited_for(
        bus: str, watches: list[ScreenSaverWatch], caplog: pytest.LogCaptureFixture) -> None:
    # GNOME 43's org.gnome.ScreenSaver is activated on demand; this bus has no service files,
    # so the activation fails quietly and the watch waits for the name to appear.
    watch = choose_lock_watch({"DBUS_SESSION_BUS_ADDRESS": bus}, frozenset({"org.gnome.Shell"}))
    assert watch is not None and watch.name == "gnome_lock"
    watches.append(watch)
    time.sleep(0.3)
    assert "lock state unknown" not in caplog.text      # not asked yet: nobody to ask
    service = screensaver(bus, True)
    assert wait_for(lambda: watch.state().locked_since is not None)
    assert service.calls == ["GetActive"]
