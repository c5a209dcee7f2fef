"""Mutter's return watch (platform/idle/mutter_return.py) against a fake Mutter on a private bus:
the bad input a desktop can give. The real shell: tests/e2e/test_gnome_idle.py. A watch that
fires wakes once and only for our id; a refused call or garbage turns the watch off (logged
once, the engine woken to sample again); the shell leaving voids the armed watch, and the next
``watch_return`` arms a new one."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from bus_fakes import HANG, FakeService, dbus_error
from e2e.xdesktop import wait_until
from fakes import CountingWaker

from traybreak.platform.idle import gnome
from traybreak.platform.idle.mutter_return import BUS_NAME, INTERFACE, PATH, MutterReturnWatch

AWAY = timedelta(minutes=5)


def fake_mutter(bus: str, answer: object = None) -> FakeService:
    ids = iter(range(7, 100))

    def add(_body: tuple[object, ...]) -> object:
        return answer if answer is not None else ("u", (next(ids),))

    return FakeService(bus, BUS_NAME, PATH, {
        "AddUserActiveWatch": add,  # type: ignore[dict-item]
        "GetIdletime": lambda body: ("t", (400_000,)),
    })


def started(bus: str) -> tuple[MutterReturnWatch, CountingWaker]:
    watch, wakes = MutterReturnWatch(bus), CountingWaker()
    watch.set_waker(wakes)
    watch.start()
    return watch, wakes


def test_only_our_watch_firing_wakes_and_it_is_one_shot(bus: str) -> None:
    service = fake_mutter(bus)
    watch, wakes = started(bus)
    try:
        assert watch.watch_return(AWAY)
        assert wait_until(lambda: watch._watch == 7, 3, 0.02)
        assert watch.watch_return(AWAY)                      # armed already: nothing asked
        time.sleep(0.2)
        assert service.calls.count("AddUserActiveWatch") == 1
        service.emit(INTERFACE, "WatchFired", "u", (3,))     # another program's watch
        time.sleep(0.3)
        assert wakes.count == 0
        service.emit(INTERFACE, "WatchFired", "u", (7,))
        assert wait_until(lambda: wakes.count == 1, 3, 0.02)
        assert watch.watch_return(AWAY)                      # away again: a new watch
        assert wait_until(lambda: watch._watch == 8, 3, 0.02)
    finally:
        watch.close()
        watch.close()


@pytest.mark.parametrize("answer", [
    dbus_error("org.freedesktop.DBus.Error.AccessDenied", "no"),
    ("s", ("seven",)),
])
def test_a_refusal_or_garbage_turns_the_watch_off_once(
        bus: str, answer: object, caplog: pytest.LogCaptureFixture) -> None:
    fake_mutter(bus, answer)
    watch, wakes = started(bus)
    try:
        assert watch.watch_return(AWAY)                      # asked; the answer comes later
        assert wait_until(lambda: wakes.count == 1, 3, 0.02)
        assert not watch.watch_return(AWAY)
        assert not watch.watch_return(AWAY)
        assert caplog.text.count("Mutter refused AddUserActiveWatch") == 1
    finally:
        watch.close()


def test_the_shell_leaving_voids_the_watch_and_wakes_the_engine(bus: str) -> None:
    service = fake_mutter(bus)
    watch, wakes = started(bus)
    try:
        assert watch.watch_return(AWAY)
        assert wait_until(lambda: watch._watch == 7, 3, 0.02)
        service.leave()
        assert wait_until(lambda: wakes.count == 1, 3, 0.02)
        assert watch._watch is None
        back = fake_mutter(bus)                              # the shell restarted
        assert wait_until(lambda: wakes.count == 2, 3, 0.02)  # its arrival wakes too
        assert watch.watch_return(AWAY)
        assert wait_until(lambda: watch._watch == 7, 3, 0.02)
        assert back.calls.count("AddUserActiveWatch") == 1
    finally:
        watch.close()


def test_the_gnome_probe_gives_a_source_with_the_watch(bus: str) -> None:
    service = fake_mutter(bus)
    source = gnome.probe({"DBUS_SESSION_BUS_ADDRESS": bus})
    assert source is not None and source.returns is not None
    wakes = CountingWaker()
    source.set_waker(wakes)
    try:
        assert source.watch_return(AWAY)
        assert wait_until(lambda: source.returns is not None and source.returns._watch == 7,
                          3, 0.02)
        service.emit(INTERFACE, "WatchFired", "u", (7,))
        assert wait_until(lambda: wakes.count == 1, 3, 0.02)
    finally:
        source.close()
    assert not source.watch_return(AWAY)


def test_a_shell_that_never_answers_turns_the_watch_off_at_the_next_ask(
        bus: str, caplog: pytest.LogCaptureFixture) -> None:
    fake_mutter(bus, HANG)
    now = [100.0]
    watch, wakes = MutterReturnWatch(bus, clock=lambda: now[0]), CountingWaker()
    watch.set_waker(wakes)
    watch.start()
    try:
        assert watch.watch_return(AWAY)                      # asked; no answer comes
        now[0] += 0.5
        assert watch.watch_return(AWAY)                      # still within the call timeout
        now[0] += 1.0
        assert not watch.watch_return(AWAY)                  # 1.5 s without an answer
        assert wakes.count == 1
        assert "Mutter did not answer AddUserActiveWatch within 1 s" in caplog.text
        assert not watch.watch_return(AWAY)
    finally:
        watch.close()
