"""A locked screen counts as away: the idle time while locked is at least the time since the
lock, an unlock counts as input, and unknown idle stays unknown outside a lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fakes import FakeIdle

from traybreak.platform.idle.base import IdleSource, Wakes, WatchesReturn
from traybreak.platform.idle.with_lock import LockAwareIdle
from traybreak.platform.lock.base import LockState

S = timedelta(seconds=1)


class FakeWatch:
    name = "fake_lock"

    def __init__(self) -> None:
        self.lock = LockState()
        self.waker: Callable[[], None] | None = None
        self.closed = 0

    def state(self) -> LockState:
        return self.lock

    def set_waker(self, wake: Callable[[], None]) -> None:
        self.waker = wake

    def close(self) -> None:
        self.closed += 1


class Clock:
    t = 100.0

    def __call__(self) -> float:
        return self.t


def make(inner: timedelta | None) -> tuple[LockAwareIdle, FakeIdle, FakeWatch, Clock]:
    source, watch, clock = FakeIdle(inner), FakeWatch(), Clock()
    return LockAwareIdle(source, watch, clock=clock), source, watch, clock


def test_unlocked_it_is_the_inner_idle() -> None:
    idle, _inner, _watch, _clock = make(3 * S)
    assert idle.idle() == 3 * S
    assert idle.name == "fake+fake_lock"
    assert isinstance(idle, IdleSource) and isinstance(idle, Wakes)


def test_locked_it_is_at_least_the_time_since_the_lock() -> None:
    idle, inner, watch, _clock = make(2 * S)
    watch.lock = LockState(locked_since=40.0)
    assert idle.idle() == 60 * S              # input at the lock screen does not count
    inner.value = 90 * S
    assert idle.idle() == 90 * S              # idle since before the lock


def test_a_lock_is_away_even_where_idle_is_unknown() -> None:
    idle, _inner, watch, clock = make(None)
    assert idle.idle() is None
    watch.lock = LockState(locked_since=70.0)
    assert idle.idle() == 30 * S
    watch.lock = LockState(None, unlocked_at=100.0)
    clock.t = 400.0
    assert idle.idle() is None                # unknown again: counts as work, never idle


def test_an_unlock_is_input() -> None:
    idle, _inner, watch, clock = make(600 * S)   # no input while locked, then unlocked
    watch.lock = LockState(None, unlocked_at=95.0)
    assert idle.idle() == 5 * S
    clock.t = 1000.0
    assert idle.idle() == 600 * S                # the inner clock has seen input since


def test_the_waker_and_close_reach_the_watch() -> None:
    idle, inner, watch, _clock = make(S)
    woken: list[int] = []
    idle.set_waker(lambda: woken.append(1))
    assert watch.waker is not None
    watch.waker()
    assert woken == [1]
    idle.close()
    assert watch.closed == 1 and inner.closed


class ReturningIdle(FakeIdle):
    """An inner source with a return watch."""

    def __init__(self) -> None:
        super().__init__(timedelta(0))
        self.waker: Callable[[], None] | None = None
        self.watched: list[timedelta] = []

    def set_waker(self, wake: Callable[[], None]) -> None:
        self.waker = wake

    def watch_return(self, after: timedelta) -> bool:
        self.watched.append(after)
        return True


def test_the_inner_return_watch_is_passed_through() -> None:
    inner, watch = ReturningIdle(), FakeWatch()
    idle = LockAwareIdle(inner, watch)
    assert isinstance(idle, WatchesReturn)

    def wake() -> None: ...

    idle.set_waker(wake)
    assert watch.waker is wake and inner.waker is wake       # a lock and a return both wake
    assert idle.watch_return(300 * S) and inner.watched == [300 * S]


def test_without_an_inner_return_watch_it_has_none() -> None:
    idle, _inner, _watch, _clock = make(3 * S)
    assert not idle.watch_return(300 * S)
