"""The notice on the desktop's notification server (platform/notifications.py) against a real
private dbus-daemon: what Notify carries, a newer notice replacing the last, and every way of
having no server (none, one that errors, one that hangs, the bus gone) answered False, so the
tray shows its own toast instead, never an exception (#17 point 4)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from bus_fakes import HANG, FakeService, dbus_error

from traybreak.paths import APP_ID
from traybreak.platform import notifications
from traybreak.platform.notifications import DesktopNotifications, for_this_session


class Server:
    """A notification server on the bus that keeps each Notify's arguments."""

    def __init__(self, bus: str, answer: Any = None) -> None:
        self.notified: list[tuple[Any, ...]] = []
        self.answer = answer
        self.service = FakeService(bus, notifications.SERVICE, notifications.PATH,
                                   {"Notify": self._notify})

    def _notify(self, body: tuple[Any, ...]) -> Any:
        self.notified.append(body)
        return self.answer if self.answer is not None else ("u", (40 + len(self.notified),))


def test_the_notice_reaches_the_server_with_its_text_and_replaces_the_last(bus: str) -> None:
    server = Server(bus)
    desktop = DesktopNotifications(bus)
    try:
        assert desktop.show("A stretch break in 10 s", "", timedelta(seconds=8))
        assert desktop.show("A relax break in 10 s", "", timedelta(seconds=5))
    finally:
        desktop.close()
    (app, replaces, _icon, summary, body, actions, hints, expire), second = server.notified
    assert (app, replaces, summary, body, actions, expire) == (
        "traybreak", 0, "A stretch break in 10 s", "", [], 8000)
    assert hints == {"desktop-entry": ("s", APP_ID)}
    assert second[1] == 41 and second[3] == "A relax break in 10 s"   # replaces the first


def test_no_server_means_false_and_nothing_started(bus: str) -> None:
    desktop = DesktopNotifications(bus)
    assert desktop.show("A stretch break in 10 s") is False
    desktop.close()


@pytest.mark.parametrize("answer", [
    dbus_error("org.freedesktop.DBus.Error.Failed", "no"),
    ("s", ("garbage",)),
])
def test_a_server_that_fails_means_false(bus: str, answer: Any) -> None:
    Server(bus, answer)
    desktop = DesktopNotifications(bus)
    assert desktop.show("A stretch break in 10 s") is False
    desktop.close()


def test_a_server_that_never_answers_costs_at_most_the_call_deadline(bus: str) -> None:
    Server(bus, HANG)
    desktop = DesktopNotifications(bus)
    started = time.monotonic()
    assert desktop.show("A stretch break in 10 s") is False
    assert time.monotonic() - started < 3
    desktop.close()


def test_no_bus_means_false(tmp_path: Path) -> None:
    desktop = DesktopNotifications(f"unix:path={tmp_path / 'no-bus'}")
    assert desktop.show("A stretch break in 10 s") is False


def test_the_bus_going_away_means_false(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    from bus_fakes import private_bus

    with private_bus(tmp_path_factory.mktemp("bus")) as bus:
        server = Server(bus)
        desktop = DesktopNotifications(bus)
        assert desktop.show("first")
    assert desktop.show("while the bus is gone") is False
    assert server.notified[0][3] == "first"


def test_only_a_session_bus_offers_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    assert for_this_session({}) is None
    found = for_this_session({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nowhere"})
    assert found is not None and found.address == "unix:path=/nowhere"
    monkeypatch.setattr("sys.platform", "win32")
    assert for_this_session({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nowhere"}) is None
