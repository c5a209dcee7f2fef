"""logind's LockedHint as the lock watch, against a fake logind on a private bus standing in
for the system bus ($DBUS_SYSTEM_BUS_ADDRESS): the session found by $XDG_SESSION_ID, by pid or
as the user's display session; Get at start, PropertiesChanged after; bad input (garbage, a
property that is only invalidated, logind leaving) never leaves the screen "locked"; the
chooser takes it only where no screensaver service is on the session bus."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from bus_fakes import SESSION_PATH, FakeLogind, FakeService
from e2e.xdesktop import wait_until

from traybreak.platform.idle.choose import choose_idle_source
from traybreak.platform.idle.null import NullIdleSource
from traybreak.platform.lock import logind
from traybreak.platform.lock.base import LockState
from traybreak.platform.lock.choose import choose_lock_watch
from traybreak.platform.lock.logind import PROPERTIES, SESSION, USER, LogindWatch

SOON_S = 3.0
class Clock:
    def __init__(self) -> None:
        self.t = 500.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def watches() -> Iterator[list[Any]]:
    made: list[Any] = []
    yield made
    for watch in made:
        watch.close()


def env_for(bus: str, **more: str) -> dict[str, str]:
    return {"DBUS_SYSTEM_BUS_ADDRESS": bus, **more}


def probed(bus: str, made: list[Any], **env: str) -> LogindWatch:
    watch = logind.probe(env_for(bus, **env))
    assert watch is not None
    made.append(watch)
    return watch


def soon(check: Any) -> bool:
    return wait_until(check, SOON_S, 0.01)


def test_lock_and_unlock_follow_lockedhint_and_wake_the_engine(
        bus: str, watches: list[Any]) -> None:
    fake = FakeLogind(bus)
    clock = Clock()
    watch = LogindWatch(bus, SESSION_PATH, clock=clock)
    watches.append(watch)
    woken = threading.Event()
    watch.set_waker(woken.set)
    watch.start()
    assert soon(lambda: fake.calls.count("Get") == 1)
    assert watch.state() == LockState()
    clock.t = 510.0
    fake.changed({"LockedHint": ("b", True)})
    assert soon(lambda: watch.state().locked_since == 510.0)
    assert woken.wait(SOON_S)
    clock.t = 600.0
    fake.changed({"LockedHint": ("b", False)})
    assert soon(lambda: watch.state() == LockState(None, 600.0))


def test_the_session_comes_from_xdg_session_id_first(bus: str, watches: list[Any]) -> None:
    fake = FakeLogind(bus, locked=True)
    watch = probed(bus, watches, XDG_SESSION_ID="2")
    assert watch.session_path == SESSION_PATH
    assert fake.calls[:2] == ["GetSession", "Get"]
    assert soon(lambda: watch.state().locked_since is not None)   # locked at start


def test_an_unknown_session_id_falls_back_to_this_process(bus: str,
                                                          watches: list[Any]) -> None:
    fake = FakeLogind(bus)
    probed(bus, watches, XDG_SESSION_ID="99")
    assert fake.calls[:2] == ["GetSession", "GetSessionByPID"]


def test_outside_a_session_the_users_display_session_is_used(bus: str,
                                                             watches: list[Any]) -> None:
    fake = FakeLogind(bus, by_pid=False)
    watch = probed(bus, watches)
    assert fake.calls[:3] == ["GetSessionByPID", "GetUser", "Get"]
    assert watch.session_path == SESSION_PATH


def test_no_session_no_logind_or_no_bus_is_none_and_says_why(
        bus: str, tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert logind.probe(env_for(bus)) is None
    assert "logind is not on the system bus" in caplog.text
    fake = FakeLogind(bus, by_pid=False, display=False)
    assert logind.probe(env_for(bus)) is None
    assert "the user has no display session" in caplog.text
    fake.locked = ("v", (("s", "yes"),))     # a LockedHint of the wrong type
    fake.display = True
    assert logind.probe(env_for(bus)) is None
    assert "LockedHint" in caplog.text
    assert logind.probe(env_for(f"unix:path={tmp_path}/none")) is None
    assert "cannot connect to the system bus" in caplog.text


def test_an_invalidated_lockedhint_is_asked_again(bus: str, watches: list[Any]) -> None:
    fake = FakeLogind(bus)
    watch = probed(bus, watches)
    assert soon(lambda: fake.calls.count("Get") == 2)     # the probe's and the watch's
    fake.locked = True
    fake.changed({}, ["LockedHint"])
    assert soon(lambda: watch.state().locked_since is not None)
    assert fake.calls.count("Get") == 3


def test_other_properties_interfaces_and_sessions_are_not_heard(
        bus: str, watches: list[Any]) -> None:
    fake = FakeLogind(bus)
    watch = probed(bus, watches)
    fake.changed({"LockedHint": ("b", True)}, interface=USER)       # another interface
    fake.changed({"IdleHint": ("b", True)})                         # another property
    other = FakeService(bus, "org.example.Stranger", SESSION_PATH, {})
    other.emit(PROPERTIES, "PropertiesChanged", "sa{sv}as",
               (SESSION, {"LockedHint": ("b", True)}, []))          # not logind
    fake.changed({"LockedHint": ("b", False)})                      # a marker after them
    assert soon(lambda: fake.calls.count("Get") == 2)
    time.sleep(0.3)
    assert watch.state().locked_since is None


def test_garbage_or_logind_leaving_is_not_locked_logged_once(
        bus: str, watches: list[Any], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    fake = FakeLogind(bus, locked=True)
    watch = probed(bus, watches)
    assert soon(lambda: watch.state().locked_since is not None)
    fake.changed({"LockedHint": ("s", "yes")})
    fake.changed({"LockedHint": ("i", 1)})
    assert soon(lambda: watch.state().locked_since is None)
    assert soon(lambda: "garbage" in caplog.text)
    time.sleep(0.2)                                                 # both signals read
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    fake.changed({"LockedHint": ("b", True)})                       # sane again
    assert soon(lambda: watch.state().locked_since is not None)
    assert "available again" in caplog.text
    fake.service.leave()
    assert soon(lambda: watch.state().locked_since is None)
    assert "org.freedesktop.login1 left the bus" in caplog.text


def test_the_chooser_prefers_a_screensaver_and_falls_back_to_logind(
        bus: str, watches: list[Any]) -> None:
    FakeLogind(bus)
    screensaver = FakeService(bus, "org.freedesktop.ScreenSaver",
                              "/org/freedesktop/ScreenSaver",
                              {"GetActive": lambda body: ("b", (False,))})
    env = env_for(bus, DBUS_SESSION_BUS_ADDRESS=bus)
    first = choose_lock_watch(env, frozenset({screensaver.bus_name}))
    assert first is not None and first.name == "freedesktop_lock"
    watches.append(first)
    fallback = choose_lock_watch(env, frozenset())
    assert fallback is not None and fallback.name == "logind_lock"
    watches.append(fallback)
    # Linux with no idle source at all: the lock still counts (idle unknown outside it).
    source = choose_idle_source(env_for(bus), "linux", frozenset())
    watches.append(source)
    assert source.name == "null+logind_lock", source.name
    assert isinstance(getattr(source, "inner", None), NullIdleSource)
