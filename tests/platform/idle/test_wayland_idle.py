"""The Wayland idle source (platform/idle/wayland.py) against a fake compositor
(tests/fake_compositor.py): which protocol it picks and how it asks, idle time from idled and
resumed, and every way the compositor can fail it: nothing offered, garbage, a hang, a hang-up,
a protocol error. The real KWin: tests/e2e/test_kde_idle.py."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fake_compositor import EXT, KDE, SEAT, FakeCompositor, wait_until

from traybreak.platform.idle import wayland
from traybreak.platform.idle.base import IdleSource
from traybreak.platform.idle.choose import choose_idle_source
from traybreak.platform.idle.null import NullIdleSource
from traybreak.platform.idle.wayland import WaylandIdleSource, probe
from traybreak.platform.wayland_wire import Connection, decode_args

LOGGER = "traybreak.platform.idle.wayland"


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path (a Unix socket's path has ~100 bytes at most)."""
    with tempfile.TemporaryDirectory(prefix="tbw") as name:
        yield Path(name)


def opened(compositor: FakeCompositor, clock: Clock, **kw: object) -> WaylandIdleSource:
    source = WaylandIdleSource({}, clock=clock, connect=compositor.connect, **kw)  # type: ignore[arg-type]
    source.open()
    return source


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno >= logging.INFO]


# -- how it asks --------------------------------------------------------------------------------


def test_it_binds_the_seat_and_ext_idle_notifier_and_asks_for_one_notification(
        clock: Clock) -> None:
    compositor = FakeCompositor(offers=(EXT, SEAT, KDE))  # KWin offers both; ext wins
    source = opened(compositor, clock)
    try:
        assert isinstance(source, IdleSource)
        assert source.name == "Wayland ext_idle_notifier_v1"
        binds = [decode_args("usun", r.payload) for r in compositor.requests
                 if r.interface == "wl_registry"]
        assert binds == [(2, "wl_seat", 1, binds[0][3]), (1, "ext_idle_notifier_v1", 1,
                                                           binds[1][3])]
        seat_id, notifier_id = binds[0][3], binds[1][3]
        create = [r for r in compositor.requests if r.interface == "ext_idle_notifier_v1"]
        assert [(r.object_id, r.opcode) for r in create] == [(notifier_id, 1)]
        new, timeout, seat = decode_args("nuo", create[0].payload)
        assert (timeout, seat) == (30_000, seat_id)
        assert compositor.objects[new] == "ext_idle_notification_v1"  # type: ignore[index]
    finally:
        source.close()


def test_only_org_kde_kwin_idle_is_used_with_its_own_argument_order(clock: Clock) -> None:
    compositor = FakeCompositor(offers=(KDE, SEAT))  # what sway 1.7 offers
    source = opened(compositor, clock, timeout=timedelta(seconds=45))
    try:
        assert source.name == "Wayland org_kde_kwin_idle"
        create = [r for r in compositor.requests if r.interface == "org_kde_kwin_idle"]
        assert [r.opcode for r in create] == [0]
        _new, seat, timeout = decode_args("nou", create[0].payload)
        assert timeout == 45_000
        assert compositor.objects[seat] == "wl_seat"  # type: ignore[index]
        assert source.idle() == timedelta(0)
        compositor.idled()
        assert wait_until(lambda: source.idle() == timedelta(seconds=45))
    finally:
        source.close()


# -- idle time from the events -----------------------------------------------------------------


def test_idle_is_timeout_plus_time_since_idled_and_zero_after_resumed(clock: Clock) -> None:
    compositor = FakeCompositor()
    source = opened(compositor, clock)
    try:
        assert source.idle() == timedelta(0)  # a new notification is "not idle"
        compositor.idled()
        assert wait_until(lambda: source.idle() == timedelta(seconds=30))
        clock.now += 90
        assert source.idle() == timedelta(seconds=120)
        compositor.resumed()
        assert wait_until(lambda: source.idle() == timedelta(0))
        clock.now += 600  # no events: still present
        assert source.idle() == timedelta(0)
        compositor.idled()
        assert wait_until(lambda: source.idle() == timedelta(seconds=30))
    finally:
        source.close()


def test_a_resumed_after_the_watched_length_wakes_the_engine(clock: Clock) -> None:
    """The return watch: a *resumed* ending an idle run of the natural-break length or more
    wakes the engine once; a shorter run's does not (a pause in typing), nor one before any
    watch was asked for."""
    compositor = FakeCompositor()
    source = opened(compositor, clock)
    wakes: list[float] = []
    source.set_waker(lambda: wakes.append(clock.now))
    try:
        compositor.idled()
        assert wait_until(lambda: source.idle() == timedelta(seconds=30))
        compositor.resumed()                                 # no watch asked for yet
        assert wait_until(lambda: source.idle() == timedelta(0))
        assert source.watch_return(timedelta(minutes=5))
        compositor.idled()
        assert wait_until(lambda: source.idle() == timedelta(seconds=30))
        clock.now += 60                                      # 90 s away: a pause
        compositor.resumed()
        assert wait_until(lambda: source.idle() == timedelta(0))
        compositor.idled()
        assert wait_until(lambda: source.idle() == timedelta(seconds=30))
        clock.now += 270                                     # 300 s away: a natural break
        compositor.resumed()
        assert wait_until(lambda: wakes == [clock.now])
    finally:
        source.close()
    assert not source.watch_return(timedelta(minutes=5))     # closed: no watch


def test_other_events_and_late_globals_change_nothing(clock: Clock) -> None:
    compositor = FakeCompositor()
    source = opened(compositor, clock)
    try:
        seat = next(i for i, name in compositor.objects.items() if name == "wl_seat")
        compositor.event(seat, 0, "u", 3)                   # wl_seat.capabilities
        compositor.event(seat, 1, "s", "seat0")             # wl_seat.name
        compositor.event(compositor.registry_id, 0, "usu", 40, "wl_output", 4)
        compositor.event(777, 5, "a", b"xyz")               # an object we never made
        compositor.idled()
        assert wait_until(lambda: source.idle() == timedelta(seconds=30))
        assert source.reader is not None and source.reader.is_alive()
    finally:
        source.close()


def test_close_ends_the_reader_thread(clock: Clock) -> None:
    compositor = FakeCompositor()
    source = opened(compositor, clock)
    reader = source.reader
    assert reader is not None and reader.is_alive()
    source.close()
    assert not reader.is_alive()
    assert source.idle() is None
    source.close()
    assert source.idle() is None


# -- the compositor fails ---------------------------------------------------------------------


def test_a_compositor_that_goes_away_makes_idle_unknown_logged_once(
        clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    compositor = FakeCompositor()
    attempts: list[int] = []

    def connect_once(env: object, timeout: float) -> Connection:
        attempts.append(1)
        if len(attempts) > 1:
            raise FileNotFoundError(2, "No such file or directory")
        return compositor.connect({}, timeout)

    source = WaylandIdleSource({}, clock=clock, connect=connect_once)
    source.open()
    reader = source.reader
    assert reader is not None
    compositor.idled()
    assert wait_until(lambda: source.idle() == timedelta(seconds=30))
    compositor.hang_up()
    reader.join(2)
    assert not reader.is_alive()
    samples = [source.idle() for _ in range(3)]
    clock.now += wayland.RECONNECT_BACKOFF.total_seconds() + 1
    samples += [source.idle() for _ in range(3)]
    assert samples == [None] * 6
    assert len(attempts) == 3  # the first connection, one retry at once, one after the backoff
    warnings = problems(caplog)
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "connection ended" in warnings[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)
    source.close()


def test_it_comes_back_when_the_compositor_does(
        clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    first, second = FakeCompositor(), FakeCompositor()
    compositors = iter([first, second])
    source = WaylandIdleSource({}, clock=clock,
                               connect=lambda env, t: next(compositors).connect(env, t))
    source.open()
    first.hang_up()
    assert wait_until(lambda: source.reader is not None and not source.reader.is_alive())
    assert source.idle() == timedelta(0)  # reconnected to the second
    second.idled()
    assert wait_until(lambda: source.idle() == timedelta(seconds=30))
    assert [r.levelname for r in problems(caplog)] == ["WARNING", "INFO"]
    assert "available again" in problems(caplog)[1].getMessage()
    source.close()


def test_a_protocol_error_makes_idle_unknown(clock: Clock,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    compositor = FakeCompositor()
    connections = iter([compositor.connect])

    def connect(env: object, timeout: float) -> Connection:
        # The first time only; then the compositor is gone (the socket file with it).
        return next(connections, refuse)(env, timeout)

    def refuse(env: object, timeout: float) -> Connection:
        raise ConnectionRefusedError(111, "Connection refused")

    source = WaylandIdleSource({}, clock=clock, connect=connect)  # type: ignore[arg-type]
    source.open()
    compositor.error(compositor.notification(), 0, "not today")
    assert wait_until(lambda: source.reader is not None and not source.reader.is_alive())
    assert [source.idle(), source.idle()] == [None, None]
    messages = [r.getMessage() for r in problems(caplog)]
    assert len(messages) == 1
    assert f"protocol error 0 on object {compositor.notification()}: not today" in messages[0]
    source.close()


# -- the probe: nothing, garbage, a hang --------------------------------------------------------


def serve_at(short_dir: Path, compositor: FakeCompositor) -> dict[str, str]:
    compositor.listen(str(short_dir / "wayland-t"))
    return {"XDG_RUNTIME_DIR": str(short_dir), "WAYLAND_DISPLAY": "wayland-t"}


def test_probe_finds_the_compositor_by_its_environment(short_dir: Path) -> None:
    source = probe(serve_at(short_dir, FakeCompositor()))
    assert source is not None
    assert source.idle() == timedelta(0)
    source.close()


@pytest.mark.parametrize(("offers", "words"), [
    ((SEAT,), "offers neither ext_idle_notifier_v1 nor org_kde_kwin_idle"),  # GNOME 43
    ((EXT,), "no seat"),
])
def test_probe_says_none_when_the_protocol_is_missing(
        short_dir: Path, caplog: pytest.LogCaptureFixture,
        offers: tuple[tuple[str, int], ...], words: str) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    assert probe(serve_at(short_dir, FakeCompositor(offers=offers))) is None
    assert [r.getMessage() for r in problems(caplog)] == [
        f"Wayland idle source unavailable: the compositor {words}"
        if words != "no seat" else
        "Wayland idle source unavailable: the compositor has no seat (wl_seat)"]


class Garbage(FakeCompositor):
    """Answers the registry with bytes that are no Wayland message."""

    def _handle(self, interface: str, opcode: int, payload: bytes) -> None:
        self.raw(b"\x01\x00\x00\x00\x00\x00\x02\x00" + b"\xff" * 24)  # a 2-byte message


class HangUp(FakeCompositor):
    """Closes the connection at the first request."""

    def _handle(self, interface: str, opcode: int, payload: bytes) -> None:
        self.hang_up()


@pytest.mark.parametrize(("compositor", "words"), [
    (Garbage(), "message header says 2 bytes"),
    (HangUp(), "closed the connection"),
    (FakeCompositor(answer=False), "did not answer within"),
])
def test_probe_survives_a_compositor_that_misbehaves(
        short_dir: Path, caplog: pytest.LogCaptureFixture,
        compositor: FakeCompositor, words: str) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    assert probe(serve_at(short_dir, compositor)) is None
    messages = [r.getMessage() for r in problems(caplog)]
    assert len(messages) == 1
    assert messages[0].startswith("Wayland idle source unavailable: cannot talk to the "
                                  f"compositor at {short_dir / 'wayland-t'}: ")
    assert words in messages[0]
    assert all(r.exc_info is None for r in caplog.records)


@pytest.mark.parametrize(("env", "words"), [
    ({"WAYLAND_DISPLAY": "wayland-9"}, "XDG_RUNTIME_DIR is not set"),
    ({"XDG_RUNTIME_DIR": "/nonexistent-tb", "WAYLAND_DISPLAY": "w"}, "No such file"),
])
def test_probe_says_none_without_a_socket(caplog: pytest.LogCaptureFixture,
                                          env: dict[str, str], words: str) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    assert probe(env) is None
    messages = [r.getMessage() for r in problems(caplog)]
    assert len(messages) == 1 and words in messages[0]


def test_the_chooser_uses_it_on_a_wayland_session(short_dir: Path) -> None:
    env = {**serve_at(short_dir, FakeCompositor()), "XDG_SESSION_TYPE": "wayland",
           "DISPLAY": ":0"}
    source = choose_idle_source(env=env, platform="linux")
    assert isinstance(source, WaylandIdleSource)
    assert source.name == "Wayland ext_idle_notifier_v1"
    source.close()


def test_the_chooser_says_unknown_when_the_compositor_has_no_notifier(short_dir: Path) -> None:
    env = {**serve_at(short_dir, FakeCompositor(offers=(SEAT,))), "XDG_SESSION_TYPE": "wayland"}
    source = choose_idle_source(env=env, platform="linux")
    assert isinstance(source, NullIdleSource)
    assert source.reason == "no idle source answered (tried wayland_idle)"


def test_a_timeout_the_protocol_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="uint32"):
        WaylandIdleSource({}, timeout=timedelta(days=50))
