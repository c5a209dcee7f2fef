"""find_tray's rule with the bus and the display faked: a StatusNotifier host wins, an XEmbed tray
is the fallback, a host without an AppIndicator typelib does not count, and it waits for late
trays. (tests/e2e/test_tray_appindicator.py checks the same against a real bus and host.)"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import pytest

from traybreak.platform import tray_backend


@dataclass
class Seen:
    """What find_tray is made to see, and how often it asked."""

    gi: bool = True
    host: bool = False
    typelib: str | None = "AyatanaAppIndicator3"
    host_asks: int = 0
    typelib_asks: int = 0

    def ask_host(self, _env: object) -> bool:
        self.host_asks += 1
        return self.host

    def ask_typelib(self) -> str | None:
        self.typelib_asks += 1
        return self.typelib


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Seen:
    seen = Seen()
    monkeypatch.setattr(tray_backend, "appindicator_possible", lambda: seen.gi)
    monkeypatch.setattr(tray_backend, "status_notifier_host", seen.ask_host)
    monkeypatch.setattr(tray_backend, "indicator_typelib", seen.ask_typelib)
    return seen


def test_a_host_wins_over_an_xembed_tray(fake: Seen) -> None:
    fake.host = True
    assert tray_backend.find_tray({}, lambda: True, 0) == "appindicator"


def test_without_a_host_the_xembed_tray_is_used(fake: Seen) -> None:
    assert tray_backend.find_tray({}, lambda: True, 0) == "xorg"


def test_without_pygobject_the_bus_is_not_asked(fake: Seen) -> None:
    fake.gi, fake.host = False, True
    assert tray_backend.find_tray({}, lambda: True, 0) == "xorg"
    assert fake.host_asks == 0


def test_sni_false_means_xembed_only(fake: Seen) -> None:
    fake.host = True
    assert tray_backend.find_tray({}, lambda: True, 0, sni=False) == "xorg"


def test_a_host_without_a_typelib_is_given_up_once_and_xembed_awaited(
        fake: Seen) -> None:
    fake.host, fake.typelib = True, None
    polls = itertools.count()
    found = tray_backend.find_tray({}, lambda: next(polls) >= 3, 5, poll_s=0.01)
    assert found == "xorg"
    assert fake.typelib_asks == 1                        # one warning, not one per poll


def test_it_waits_for_a_late_tray_then_gives_up(fake: Seen) -> None:
    polls = itertools.count()
    assert tray_backend.find_tray({}, lambda: next(polls) >= 3, 5, poll_s=0.01) == "xorg"
    began = time.monotonic()
    assert tray_backend.find_tray({}, lambda: False, 0.1, poll_s=0.01) is None
    assert 0.1 <= time.monotonic() - began < 1.0


def test_the_session_bus_address() -> None:
    assert tray_backend.session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"}) == (
        "unix:path=/x")
    assert tray_backend.session_bus_address({}) is None
    assert tray_backend.session_bus_address({"XDG_RUNTIME_DIR": "/nonexistent"}) is None
