"""The busy sources on a real private session bus with services played here (a notification
server, GNOME Shell's name, dconf's change signal), the Windows state table, the set the engine
samples and the chooser. Bad input: a service that vanishes, answers garbage or hangs makes
its source say unknown, never a crash or a stuck engine thread."""

from __future__ import annotations

import logging
import subprocess
import time
from typing import Any

import pytest
from dbus_service import Service
from fakes import FakeBusy

from traybreak.core.model import Reason
from traybreak.platform.busy import gnome, notifications, win32
from traybreak.platform.busy.base import BusySources
from traybreak.platform.busy.choose import MACOS_WHY, Probes, choose_busy_sources
from traybreak.platform.busy.dbus_link import CALL_TIMEOUT_S, BusLink

DND, FULL = frozenset({Reason.DND}), frozenset({Reason.FULLSCREEN})
FREE: frozenset[Reason] = frozenset()
NOTIFY_PATH, PROPS = notifications.PATH, notifications.PROPS


def settle() -> None:
    time.sleep(0.1)   # a signal sent by the played service reaches the bus socket


# --- the set of sources -----------------------------------------------------------------------

def test_the_set_is_the_union_and_unknown_or_failing_counts_as_free_logged_once(
        caplog: pytest.LogCaptureFixture) -> None:
    unknown, broken = FakeBusy(None), FakeBusy(RuntimeError("garbage"))
    unknown.name, broken.name = "unknown", "broken"
    sources = BusySources([FakeBusy(DND), unknown, broken, FakeBusy(FULL)])
    caplog.set_level(logging.INFO, logger="traybreak.platform.busy.base")
    for _ in range(3):
        assert sources.sample() == DND | FULL
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and broken.calls == 3   # once per outage, not per sample
    unknown.value = FREE
    sources.sample()
    assert any("answers again" in r.getMessage() for r in caplog.records)
    assert sources.name == "fake-busy+unknown+broken+fake-busy"
    sources.close()
    assert unknown.closed and broken.closed
    assert BusySources().sample() == FREE and BusySources().name == "none"


# --- Windows: SHQueryUserNotificationState, recorded states ------------------------------------

@pytest.mark.parametrize(("state", "busy"), [
    (1, FREE),          # QUNS_NOT_PRESENT: locked or screen saver: away time, not busy
    (2, FULL),          # QUNS_BUSY: a full-screen application
    (3, FULL),          # QUNS_RUNNING_D3D_FULL_SCREEN
    (4, DND),           # QUNS_PRESENTATION_MODE
    (5, FREE),          # QUNS_ACCEPTS_NOTIFICATIONS
    (6, FREE),          # QUNS_QUIET_TIME
    (7, FULL),          # QUNS_APP
    (None, None),       # the call failed
    (0, None), (42, None),   # not a documented state: unknown
])
def test_windows_notification_states(state: int | None, busy: frozenset[Reason] | None) -> None:
    assert win32.ShellNotificationState(lambda: state).busy() == busy


# --- the chooser ------------------------------------------------------------------------------

def test_the_chooser_takes_the_first_dnd_source_and_every_fullscreen_one() -> None:
    asked: list[str] = []

    def probe(name: str, source: Any) -> Any:
        def run(env: Any) -> Any:
            asked.append(name)
            if isinstance(source, Exception):
                raise source
            return source
        return run

    gnome_like, x11_like = FakeBusy(DND), FakeBusy(FULL)
    probes = Probes(dnd=(probe("broken", OSError("no bus")), probe("gnome", gnome_like),
                         probe("kde", FakeBusy())),
                    fullscreen=(probe("x11", x11_like),), windows=(probe("win", FakeBusy()),))
    chosen = choose_busy_sources({}, "linux", probes)
    assert chosen.sources == (gnome_like, x11_like)
    assert asked == ["broken", "gnome", "x11"]   # the next DND probe is not even tried
    assert choose_busy_sources({}, "win32", probes).sources[0].name == "fake-busy"
    mac = choose_busy_sources({}, "darwin", probes)
    assert mac.sources == () and mac.why_none == MACOS_WHY and mac.sample() == FREE


def test_the_real_chooser_without_a_bus_or_display_finds_nothing() -> None:
    chosen = choose_busy_sources({"DISPLAY": ":9999"}, "linux")
    assert chosen.sources == () and chosen.sample() == FREE


# --- GNOME: show-banners through gsettings and dconf's change signal ---------------------------

def completed(stdout: str, code: int = 0) -> Any:
    return lambda *a, **k: subprocess.CompletedProcess(a, code, stdout, "")


def raising(err: Exception) -> Any:
    def run(*a: Any, **k: Any) -> Any:
        raise err
    return run


@pytest.mark.parametrize(("run", "value"), [
    (completed("true\n"), True),
    (completed("false\n"), False),
    (completed("'maybe'\n"), None),                                  # garbage
    (completed("", 1), None),                                        # no such schema
    (raising(subprocess.TimeoutExpired("gsettings", 1.0)), None),    # hangs
    (raising(FileNotFoundError("gsettings")), None),                 # not installed
])
def test_reading_show_banners(run: Any, value: bool | None) -> None:
    assert gnome.read_show_banners({}, run) is value


class Reads:
    """show-banners as a test sets it, counting the reads (each one a gsettings run)."""

    def __init__(self, value: bool | None) -> None:
        self.value, self.count = value, 0

    def __call__(self) -> bool | None:
        self.count += 1
        return self.value


def dconf_notify(writer: Service, prefix: str, keys: list[str]) -> None:
    writer.signal("/ca/desrt/dconf/Writer/user", gnome.WRITER, "Notify", "sass",
                  (prefix, keys, "tag"))
    settle()


def test_gnome_reads_the_key_at_start_and_again_only_when_dconf_says_it_changed(bus: str) -> None:
    writer = Service(bus, "ca.desrt.dconf", lambda msg: None)
    reads = Reads(True)
    source = gnome.GnomeBanners(BusLink(bus, [gnome.notify_rule()]), reads)
    try:
        for _ in range(5):
            assert source.busy() == FREE
        assert reads.count == 1   # not once per sample
        reads.value = False
        dconf_notify(writer, "/org/gnome/desktop/interface/", ["color-scheme"])   # not ours
        assert source.busy() == FREE and reads.count == 1
        dconf_notify(writer, "/org/gnome/desktop/notifications/show-banners", [""])
        assert source.busy() == DND and reads.count == 2
        assert source.busy() == DND and reads.count == 2
        reads.value = True
        dconf_notify(writer, "/org/gnome/desktop/notifications/", ["show-banners"])
        assert source.busy() == FREE and reads.count == 3
        reads.value = None   # gsettings answers garbage or hangs
        dconf_notify(writer, "/", [""])   # a reset of everything
        assert source.busy() is None
    finally:
        source.close()
        writer.vanish()


def test_gnome_is_chosen_only_where_gnome_shell_owns_its_name(bus: str) -> None:
    assert gnome.probe({}, bus) is None
    shell = Service(bus, gnome.SHELL, lambda msg: None)
    try:
        source = gnome.probe({"PATH": ""}, bus)   # no gsettings to run: unknown, not chosen
        assert source is None
    finally:
        shell.vanish()


def test_gnome_says_unknown_when_the_bus_goes_away(bus: str) -> None:
    reads = Reads(False)
    link = BusLink(bus, [gnome.notify_rule()])
    source = gnome.GnomeBanners(link, reads)
    assert source.busy() == DND
    link._conn.sock.shutdown(2)   # the bus ends the connection (logout)
    assert source.busy() is None
    source.close()


# --- org.freedesktop.Notifications Inhibited (KDE and others) ----------------------------------

class Server:
    """A notification server whose Inhibited answer the test sets: a bool, a garbage value,
    an Exception (error reply) or ... (no answer at all)."""

    def __init__(self, address: str, inhibited: Any = False) -> None:
        self.inhibited = inhibited
        self.service = Service(address, notifications.NAME, self._answer)

    def _answer(self, msg: Any) -> Any:
        if self.inhibited is ...:
            return None
        if isinstance(self.inhibited, Exception):
            return self.inhibited
        if isinstance(self.inhibited, bool):
            return ("v", (("b", self.inhibited),))
        return ("v", (("s", str(self.inhibited)),))

    def change(self, inhibited: bool) -> None:
        self.inhibited = inhibited
        self.service.signal(NOTIFY_PATH, PROPS, "PropertiesChanged", "sa{sv}as",
                            (notifications.NAME, {"Inhibited": ("b", inhibited)}, []))
        settle()

    def asked(self) -> int:
        return self.service.calls.count("Get")


def test_inhibited_is_read_once_then_followed_by_its_signal(bus: str) -> None:
    server = Server(bus)
    source = notifications.probe(bus)
    assert source is not None
    try:
        assert source.busy() == FREE and server.asked() == 1
        server.change(True)
        assert source.busy() == DND
        assert source.busy() == DND and server.asked() == 1   # no call per sample
        server.change(False)
        assert source.busy() == FREE and server.asked() == 1
    finally:
        source.close()
        server.service.vanish()


def test_a_vanished_server_is_unknown_and_a_new_one_is_asked(bus: str) -> None:
    server = Server(bus, inhibited=True)
    source = notifications.probe(bus)
    assert source is not None and source.busy() == DND
    server.service.vanish()
    settle()
    assert source.busy() is None
    again = Server(bus, inhibited=False)
    settle()
    assert source.busy() == FREE and again.asked() == 1
    source.close()
    again.service.vanish()


@pytest.mark.parametrize("answer", ["yes", RuntimeError("no such property")],
                         ids=["garbage", "error"])
def test_a_server_answering_garbage_or_an_error_is_not_chosen(bus: str, answer: Any) -> None:
    server = Server(bus, inhibited=answer)
    assert notifications.probe(bus) is None
    server.service.vanish()


def test_a_hung_server_is_unknown_within_the_timeout(bus: str) -> None:
    server = Server(bus)
    source = notifications.probe(bus)
    assert source is not None
    server.inhibited = ...    # from now on it never answers
    server.service.signal(NOTIFY_PATH, PROPS, "PropertiesChanged", "sa{sv}as",
                          (notifications.NAME, {}, ["Inhibited"]))   # so we must ask again
    settle()
    started = time.monotonic()
    assert source.busy() is None
    assert time.monotonic() - started < CALL_TIMEOUT_S + 0.5
    started = time.monotonic()
    assert source.busy() is None                  # and the next sample does not wait again
    assert time.monotonic() - started < 0.1
    source.close()
    server.service.vanish()


def test_no_server_no_source_and_none_is_started(bus: str) -> None:
    assert notifications.probe(bus) is None
