"""The D-Bus idle sources (GNOME Mutter, org.freedesktop.ScreenSaver) against fake services on
a private bus: the bad input a desktop can give. A service that answers gives its idle time;
one that vanishes, answers garbage or an error, or hangs makes the sample unknown within about
1 s, logged once, and is asked again later. GNOME's real Mutter: tests/e2e/test_gnome_idle.py."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from bus_fakes import HANG, FakeService, dbus_error

from traybreak.platform.idle import bus_poll, freedesktop, gnome
from traybreak.platform.idle.bus_poll import BusIdleSource
from traybreak.platform.idle.choose import bus_names, choose_idle_source

MUTTER = gnome.MUTTER
ENV_KEY = "DBUS_SESSION_BUS_ADDRESS"


def mutter(bus: str, handler: object) -> FakeService:
    return FakeService(bus, MUTTER.bus_name, MUTTER.path, {"GetIdletime": handler})  # type: ignore[dict-item]


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_mutter_that_answers_gives_its_idle_time(bus: str) -> None:
    service = mutter(bus, lambda body: ("t", (4321,)))
    source = gnome.probe({ENV_KEY: bus})
    assert source is not None
    assert source.idle() == timedelta(milliseconds=4321)
    assert service.calls.count("GetIdletime") == 2       # the probe's call and the sample's
    source.close()
    source.close()
    assert source.idle() is None


def test_no_mutter_on_the_bus_means_no_source(bus: str) -> None:
    assert gnome.probe({ENV_KEY: bus}) is None
    assert gnome.probe({}) is None                        # no bus at all


def test_a_vanished_service_says_unknown_once_then_comes_back(
        bus: str, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    service = mutter(bus, lambda body: ("t", (10,)))
    source = BusIdleSource("gnome", MUTTER, bus, clock=clock)
    assert source.idle() == timedelta(milliseconds=10)
    service.leave()
    caplog.set_level(logging.INFO)
    assert source.idle() is None
    clock.t += bus_poll.RETRY_AFTER.total_seconds()
    assert source.idle() is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "org.gnome.Mutter.IdleMonitor" in warnings[0].getMessage()
    mutter(bus, lambda body: ("t", (20,)))
    assert source.idle() is None                          # still waiting out the retry
    clock.t += bus_poll.RETRY_AFTER.total_seconds()
    assert source.idle() == timedelta(milliseconds=20)
    assert "available again" in caplog.text


@pytest.mark.parametrize("answer", [("s", ("five",)), ("u", (5,)), ("tt", (5, 6)), (None, ())])
def test_garbage_is_unknown(bus: str, answer: tuple[str | None, tuple[object, ...]],
                            caplog: pytest.LogCaptureFixture) -> None:
    mutter(bus, lambda body: answer)
    source = BusIdleSource("gnome", MUTTER, bus)
    assert source.idle() is None
    assert "garbage" in caplog.text
    assert gnome.probe({ENV_KEY: bus}) is None


def test_a_hung_service_costs_at_most_a_second_then_is_left_alone(
        bus: str, caplog: pytest.LogCaptureFixture) -> None:
    service = mutter(bus, lambda body: HANG)
    source = BusIdleSource("gnome", MUTTER, bus)
    t0 = time.monotonic()
    assert source.idle() is None
    took = time.monotonic() - t0
    assert 0.9 <= took < 1.5, took
    t0 = time.monotonic()
    assert source.idle() is None                          # within RETRY_AFTER: not asked
    assert time.monotonic() - t0 < 0.1
    assert service.calls.count("GetIdletime") == 1
    assert "within 1 s" in caplog.text


def test_freedesktop_not_supported_means_no_source(bus: str) -> None:
    # KWin on Wayland answers so (kscreenlocker interface.cpp).
    FakeService(bus, freedesktop.SCREENSAVER.bus_name, freedesktop.SCREENSAVER.path, {
        "GetSessionIdleTime": lambda body: dbus_error(
            "org.freedesktop.DBus.Error.NotSupported",
            "GetSessionIdleTime is not supported on this platform")})
    assert freedesktop.probe({ENV_KEY: bus}) is None


def test_freedesktop_that_answers_gives_its_idle_time(bus: str) -> None:
    FakeService(bus, freedesktop.SCREENSAVER.bus_name, freedesktop.SCREENSAVER.path,
                {"GetSessionIdleTime": lambda body: ("u", (7000,))})
    source = freedesktop.probe({ENV_KEY: bus})
    assert source is not None and source.idle() == timedelta(seconds=7)


def test_the_chooser_asks_the_bus_and_logs_its_choice(
        bus: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    mutter(bus, lambda body: ("t", (1500,)))
    env = {ENV_KEY: bus, "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert MUTTER.bus_name in bus_names(env)
    source = choose_idle_source(env, "linux")
    try:
        assert source.name == "gnome"
        assert source.idle() == timedelta(milliseconds=1500)
        assert "idle: GNOME Mutter" in caplog.messages
    finally:
        source.close()


def test_the_chooser_passes_a_hung_mutter_over(bus: str) -> None:
    mutter(bus, lambda body: HANG)
    env = {ENV_KEY: bus, "WAYLAND_DISPLAY": "wayland-0"}
    t0 = time.monotonic()
    source = choose_idle_source(env, "linux")
    assert source.name == "null" and "gnome_idle" in getattr(source, "reason", "")
    assert time.monotonic() - t0 < 2.0
