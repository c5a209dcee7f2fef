"""find_tray's rule with the bus and the display faked: a StatusNotifier host wins, an XEmbed
tray is next, it waits for late trays on X11, Wayland means SNI at once, and no tray at all
means SNI (the icon waits for a host). tests/e2e/test_tray_sni.py checks the same against a
real bus and host; the hint is checked here."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import pytest

from traybreak.platform import session_bus
from traybreak.platform.tray import choice as tray_backend


@dataclass
class Seen:
    """What find_tray is made to see, and how often it asked."""

    host: bool = False
    host_asks: int = 0

    def ask_host(self, _env: object) -> bool:
        self.host_asks += 1
        return self.host

    def probes(self) -> tray_backend.SessionProbes:
        return tray_backend.SessionProbes(self.ask_host)


@pytest.fixture
def fake() -> Seen:
    return Seen()


def test_a_host_wins_over_an_xembed_tray(fake: Seen) -> None:
    fake.host = True
    assert tray_backend.find_tray({}, lambda: True, 0, probes=fake.probes()) == "sni"


def test_an_xembed_tray_without_a_host_means_xorg(fake: Seen) -> None:
    assert tray_backend.find_tray({}, lambda: True, 0, probes=fake.probes()) == "xorg"


def test_late_trays_are_waited_for(fake: Seen) -> None:
    polls = itertools.count()
    found = tray_backend.find_tray({}, lambda: next(polls) >= 3, 5, poll_s=0.01,
                                   probes=fake.probes())
    assert found == "xorg" and fake.host_asks == 4   # asked the bus before each display look


def test_a_late_host_is_waited_for(fake: Seen) -> None:
    asks = itertools.count()

    def host(_env: object) -> bool:
        return next(asks) >= 2

    found = tray_backend.find_tray({}, lambda: False, 5, poll_s=0.01,
                                   probes=tray_backend.SessionProbes(host))
    assert found == "sni"


def test_no_tray_at_all_means_sni_after_the_wait(fake: Seen) -> None:
    started = time.monotonic()
    found = tray_backend.find_tray({}, lambda: False, 0.1, poll_s=0.01, probes=fake.probes())
    assert found == "sni" and time.monotonic() - started >= 0.1


@pytest.mark.parametrize("env", [{"WAYLAND_DISPLAY": "wayland-0"},
                                 {"XDG_SESSION_TYPE": "wayland"}])
def test_wayland_means_sni_at_once_without_asking(fake: Seen, env: dict[str, str]) -> None:
    started = time.monotonic()
    assert tray_backend.find_tray(env, lambda: True, 30, probes=fake.probes()) == "sni"
    assert fake.host_asks == 0 and time.monotonic() - started < 0.5


def test_the_bus_address_falls_back_to_the_runtime_dir(tmp_path: object) -> None:
    from pathlib import Path

    runtime = Path(str(tmp_path))
    assert session_bus.session_bus_address({"XDG_RUNTIME_DIR": str(runtime)}) is None
    (runtime / "bus").touch()
    assert session_bus.session_bus_address({"XDG_RUNTIME_DIR": str(runtime)}) == \
        f"unix:path={runtime / 'bus'}"
    assert session_bus.session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x",
                                             "XDG_RUNTIME_DIR": str(runtime)}) == "unix:path=/x"


def test_the_no_tray_hint_names_the_gnome_extension_on_gnome() -> None:
    gnome = tray_backend.no_tray_hint({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"})
    assert "AppIndicator extension" in gnome and "traybreak panel" in gnome
    other = tray_backend.no_tray_hint({"XDG_CURRENT_DESKTOP": "sway"})
    assert "AppIndicator" not in other and "tray" in other and "traybreak panel" in other
