"""The pre-break notice in the tray process (app/notices.py, #17 point 4): the desktop's
notification server when it takes the notice, else the toast window beside the tray icon; shown
off the engine thread; for a few seconds, never longer than the time left; and a failure is a
log line, never an exception on the engine thread."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from fakes import UNEXPECTED_WINDOW, ScriptLauncher

from traybreak.app.notices import LONGEST, SHORTEST, Notices, notice_lasting


class Desktop:
    """A notification server that takes notices (``works``) or has none; ``release`` holds
    ``show`` until set, to prove the caller does not wait."""

    def __init__(self, works: bool | Exception) -> None:
        self.works = works
        self.shown: list[tuple[str, timedelta | None]] = []
        self.release = threading.Event()
        self.release.set()
        self.done = threading.Event()
        self.closed = False

    def show(self, summary: str, body: str = "", lasting: timedelta | None = None) -> bool:
        self.release.wait(5)
        self.shown.append((summary, lasting))
        self.done.set()
        if isinstance(self.works, Exception):
            raise self.works
        return self.works

    def close(self) -> None:
        self.closed = True


def _wait(notices: Notices) -> None:
    for thread in threading.enumerate():
        if thread.name == "notice":
            thread.join(5)


def test_a_server_that_takes_the_notice_means_no_window() -> None:
    desktop, launcher = Desktop(True), ScriptLauncher(UNEXPECTED_WINDOW)
    notices = Notices(desktop, launcher, lambda: 0x2400003)
    notices.show("A stretch break in 10 s", timedelta(seconds=10))
    _wait(notices)
    assert desktop.shown == [("A stretch break in 10 s", LONGEST)]
    assert launcher.notices == []
    notices.close()
    assert desktop.closed


@pytest.mark.parametrize("desktop", [None, Desktop(False)], ids=["no bus", "no server"])
def test_without_a_server_the_toast_opens_beside_the_icon(desktop: Desktop | None) -> None:
    launcher = ScriptLauncher(UNEXPECTED_WINDOW)
    notices = Notices(desktop, launcher, lambda: 0x2400003)
    notices.show("A stretch break in 5 s", timedelta(seconds=5))
    _wait(notices)
    assert launcher.notices == [("A stretch break in 5 s", timedelta(seconds=5), 0x2400003)]


def test_the_caller_never_waits_for_the_server() -> None:
    desktop = Desktop(True)
    desktop.release.clear()   # a server slow to answer (D-Bus activation, a stalled bus)
    notices = Notices(desktop, ScriptLauncher(UNEXPECTED_WINDOW), lambda: None)
    notices.show("A stretch break in 10 s", timedelta(seconds=10))   # returns at once
    assert desktop.shown == []
    desktop.release.set()
    assert desktop.done.wait(5)


def test_a_failing_notice_is_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    launcher = ScriptLauncher(UNEXPECTED_WINDOW)
    notices = Notices(Desktop(RuntimeError("boom")), launcher, lambda: None)
    with caplog.at_level(logging.ERROR, "traybreak.app.notices"):
        notices.show("A stretch break in 10 s", timedelta(seconds=10))
        _wait(notices)
    assert "could not show the notice" in caplog.text
    assert launcher.notices == []


def test_a_notice_stays_a_few_seconds_never_past_the_break() -> None:
    assert notice_lasting(timedelta(seconds=30)) == LONGEST
    assert notice_lasting(timedelta(seconds=5)) == timedelta(seconds=5)
    assert notice_lasting(timedelta(seconds=1)) == SHORTEST
