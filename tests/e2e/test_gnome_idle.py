"""Idle time and the screen lock on a real headless GNOME Shell 43 (Wayland), started with the
display-manager stand-in so that it can lock: Mutter's IdleMonitor read by the gnome source,
org.gnome.ScreenSaver followed by the lock watch, and the real app with short rules: input
brings a prompt, no input past the natural-break length brings none and one `natural` row, and
a lock is away time (even with input at the lock screen) that the unlock ends.

Simulated input is Mutter's RemoteDesktop (``WaylandSession.touch``); xdotool's input to
Xwayland does not reach Mutter's idle clock. Skips with the apt command where GNOME is missing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from e2e.wayland_app import PROMPT_TITLE, SessionApp
from e2e.wayland_session import WaylandSession
from e2e.xdesktop import wait_until

from traybreak.platform.idle import gnome as gnome_idle
from traybreak.platform.idle.choose import choose_idle_source
from traybreak.platform.idle.mutter_return import MutterReturnWatch
from traybreak.platform.lock.screensaver import GNOME, ScreenSaverWatch

pytestmark = [pytest.mark.e2e]

NATURAL_S, EVERY_S = 20, 40
#: A stretch every 40 s of work; 20 s without input is a natural break; idle read every 2 s.
#: The notice 35 s before it is due makes the engine wake (and count the work so far) 5 s in.
SHORT = f"""
[prompt]
notice = "35s"
[activity]
natural_break = "{NATURAL_S}s"
sample_every = "2s"
[breaks.stretch]
every = "{EVERY_S}s"
duration = "10s"
[breaks.strengthen]
enabled = false
[breaks.relax]
enabled = false
"""


def keep_touching(session: WaylandSession, seconds: float, every: float = 4.0,
                  until: object = None) -> bool:
    """Simulated input every ``every`` s for ``seconds`` s, or until ``until()`` holds
    (then True)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        session.touch()
        step_end = min(end, time.monotonic() + every)
        while time.monotonic() < step_end:
            if callable(until) and until():
                return True
            time.sleep(0.25)
    return bool(callable(until) and until())


@pytest.fixture
def session(gnome_lockable: WaylandSession) -> Iterator[WaylandSession]:
    if gnome_lockable.screen_locked():      # a failed test must not leave the next locked
        gnome_lockable.unlock()
    yield gnome_lockable
    if gnome_lockable.screen_locked():
        gnome_lockable.unlock()


@pytest.fixture
def app(session: WaylandSession, tmp_path: Path) -> Iterator[SessionApp]:
    session.touch()
    running = SessionApp(session, tmp_path, SHORT)
    try:
        yield running
    finally:
        running.end()


# -- the adapters against the real shell ------------------------------------------------------


def test_mutter_idle_grows_without_input_and_drops_after_touch(session: WaylandSession) -> None:
    source = gnome_idle.source(session.address)
    try:
        session.touch()
        first = source.idle()
        assert first is not None and first < timedelta(seconds=2), first
        time.sleep(1.5)
        later = source.idle()
        assert later is not None and later - first >= timedelta(seconds=1.3), (first, later)
        session.touch()
        after = source.idle()
        assert after is not None and after < later - timedelta(seconds=1), (later, after)
    finally:
        source.close()


def test_mutter_says_when_the_user_comes_back(session: WaylandSession) -> None:
    """The return watch: armed (while away), the next input wakes it once; it is one-shot
    until armed again."""
    watch = MutterReturnWatch(session.address)
    woken: list[float] = []
    watch.set_waker(lambda: woken.append(time.monotonic()))
    watch.start()
    try:
        assert watch.watch_return(timedelta(seconds=20))
        time.sleep(1.0)
        assert woken == []                       # nobody came back yet
        session.touch()
        assert wait_until(lambda: len(woken) == 1, 3, 0.05)
        session.touch()
        time.sleep(1.0)
        assert len(woken) == 1 and watch.fired == 1   # one-shot
        assert watch.watch_return(timedelta(seconds=20))
        session.touch()
        assert wait_until(lambda: watch.fired == 2, 3, 0.05)
    finally:
        watch.close()
    assert not watch.watch_return(timedelta(seconds=20))


def test_the_chooser_picks_mutter_and_the_gnome_lock(session: WaylandSession,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    # GNOME 43's org.gnome.ScreenSaver is a D-Bus activated helper; in this session nobody
    # (no settings daemon, no earlier test) has started it: the lock watch does.
    assert session.name_owner("org.gnome.ScreenSaver") is None
    source = choose_idle_source(session.full_env(), "linux")
    try:
        assert source.name == "gnome+gnome_lock"
        assert "idle: GNOME Mutter" in caplog.messages
        assert "lock: GNOME ScreenSaver" in caplog.messages
        assert source.idle() is not None
        assert wait_until(lambda: session.name_owner("org.gnome.ScreenSaver"), 10, 0.1)
        time.sleep(0.5)                   # GetActive, asked once the name is there
        assert "lock state unknown" not in caplog.text, caplog.text
    finally:
        source.close()


def test_the_lock_watch_follows_gnome_shell(session: WaylandSession) -> None:
    watch = ScreenSaverWatch(GNOME, session.address)
    woken: list[float] = []
    watch.set_waker(lambda: woken.append(time.monotonic()))
    watch.start()
    try:
        time.sleep(0.3)
        assert watch.state().locked_since is None
        session.lock()
        assert wait_until(lambda: watch.state().locked_since is not None, 5, 0.05)
        assert woken
        time.sleep(1.1)       # past the watch's wake throttle
        session.unlock()
        assert wait_until(lambda: watch.state().unlocked_at is not None
                          and watch.state().locked_since is None, 5, 0.05)
        assert len(woken) == 2
    finally:
        watch.close()


# -- the app ----------------------------------------------------------------------------------


def test_with_input_a_prompt_comes(app: SessionApp) -> None:
    app.wait_item()
    assert app.status()["idle"] == "gnome+gnome_lock"
    came = keep_touching(app.session, EVERY_S + 30,
                         until=lambda: app.has_window(PROMPT_TITLE))
    assert came, f"no prompt after {EVERY_S + 30} s of input: {app.status()}"
    assert app.status()["state"] == "prompting"


def test_without_input_no_prompt_and_one_natural_row(app: SessionApp) -> None:
    app.wait_item()
    keep_touching(app.session, 8)     # work through the notice's wake: the rule counts 5 s
    # Past the moment the stretch would fall due had the idle time not been seen.
    end = time.monotonic() + EVERY_S + NATURAL_S
    while time.monotonic() < end:
        assert not app.has_window(PROMPT_TITLE), "a prompt came while nobody was there"
        time.sleep(2)
    status = app.status()
    assert status["state"] == "away", status
    assert status["idle_s"] >= NATURAL_S, status   # as of the latest wake
    code, _ = app.quit()          # the idle run is logged at the return, or at stop
    assert code == 0
    rows = app.log_rows()
    assert [(r["rule"], r["outcome"], r["reason"]) for r in rows] == [
        ("stretch", "natural", "idle")], rows


def test_a_lock_is_away_time_even_with_input_and_the_unlock_ends_it(app: SessionApp) -> None:
    gnome = app.session
    app.wait_item()
    keep_touching(gnome, 6)               # some work first: the rule has active time
    gnome.lock()
    # Input keeps coming at the lock screen (Mutter's idle clock stays near zero), yet
    # past the natural-break length the user counts as away: the lock says so.
    away = keep_touching(gnome, NATURAL_S + 15,
                         until=lambda: app.status()["state"] == "away")
    assert away, app.status()
    assert gnome.idle_ms() < 6000
    assert not app.has_window(PROMPT_TITLE)
    gnome.unlock()
    assert wait_until(lambda: app.status()["state"] == "active", 5, 0.2), app.status()
    rows = wait_until(lambda: app.log_rows(), 5, 0.2)
    assert [(r["rule"], r["outcome"], r["reason"]) for r in rows] == [
        ("stretch", "natural", "idle")], rows
    code, _ = app.quit()
    assert code == 0
    assert len(app.log_rows()) == 1      # logged once: not again at stop


def test_the_return_is_seen_at_once_and_ends_the_natural_break(app: SessionApp) -> None:
    """Away, the engine does not tick every 144 s: Mutter's user-active watch wakes it at the
    return, which shows as active and logs the natural break within a second or two."""
    app.wait_item()
    keep_touching(app.session, 6)         # some work first: the rule has active time
    assert wait_until(lambda: app.status()["state"] == "away", NATURAL_S + 15, 0.5), \
        app.status()
    time.sleep(3)
    app.session.touch()
    back = time.monotonic()
    assert wait_until(lambda: app.status()["state"] == "active", 5, 0.1), app.status()
    rows = wait_until(lambda: app.log_rows(), 5, 0.1)
    assert time.monotonic() - back < 5
    assert [(r["rule"], r["outcome"], r["reason"]) for r in rows] == [
        ("stretch", "natural", "idle")], rows
    code, _ = app.quit()
    assert code == 0
