"""The X11 full-screen source on a real X server with a real window manager (Xvfb + openbox):
a focused window put in full screen reads as busy, taken out of it or unfocused as free, and a
sample with nothing changed sends the server nothing; no window manager or a server that goes
away reads as free or unknown, never a crash."""

from __future__ import annotations

import pytest
from e2e.xdesktop import Desktop, missing_tools, skip_reason, wait_until

from traybreak.core.model import Reason
from traybreak.platform.busy import x11

FULL = frozenset({Reason.FULLSCREEN})


def needs(wm: bool) -> None:
    missing = missing_tools(wm=wm)
    if missing:
        pytest.skip(skip_reason(missing))


def test_a_focused_full_screen_window_is_busy() -> None:
    needs(wm=True)
    with Desktop(wm=True) as desk:
        source = x11.probe(desk.env)
        assert source is not None
        try:
            assert source.busy() == frozenset()
            film = desk.spawn(["xmessage", "-name", "film", "a film"])
            win = desk.wait_for_window(classname="film")
            other = desk.spawn(["xmessage", "-name", "notes", "notes"])
            notes = desk.wait_for_window(classname="notes")
            desk.set_fullscreen(win)
            assert wait_until(desk.active_fullscreen, 5)
            assert wait_until(lambda: source.busy() == FULL, 5)
            desk.xdotool("windowactivate", "--sync", notes, check=False)   # focus elsewhere
            assert wait_until(lambda: source.busy() == frozenset(), 5)
            desk.set_fullscreen(win)
            assert wait_until(lambda: source.busy() == FULL, 5)
            desk.set_fullscreen(win, on=False)
            assert wait_until(lambda: source.busy() == frozenset(), 5)
            requests = source._display.requests_sent
            for _ in range(20):   # nothing changed: samples read events, ask nothing
                assert source.busy() == frozenset()
            assert source._display.requests_sent == requests
            desk.set_fullscreen(win)
            assert wait_until(lambda: source.busy() == FULL, 5)
            film.terminate()   # the full-screen window closes under us
            assert wait_until(lambda: source.busy() == frozenset(), 5)
            other.terminate()
        finally:
            source.close()


def test_no_window_manager_is_free_and_a_lost_server_is_unknown() -> None:
    needs(wm=False)
    with Desktop() as desk:
        source = x11.probe(desk.env)
        assert source is not None
        assert source.busy() == frozenset()    # no _NET_ACTIVE_WINDOW at all
        desk.kill_server()
        assert source.busy() is None
        assert source.busy() is None           # and no reconnect attempt on every sample
        source.close()
    assert x11.probe({"DISPLAY": ":9999"}) is None
    assert x11.probe({}) is None
