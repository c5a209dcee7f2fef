"""The xorg hand-off courier against a real X server: one private connection for every hand-off,
each message delivered before ``send`` returns, a broken connection reopened, nothing after close.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from e2e.xdesktop import Desktop

from traybreak.ui.tray.xorg_handoff import Courier

pytestmark = pytest.mark.e2e


def _receiver(desk: Desktop) -> tuple[Any, Any]:
    """A connection of its own and a window on it, standing in for the icon's loop."""
    from Xlib import X, display

    conn = display.Display(desk.display_name)
    window = conn.screen().root.create_window(0, 0, 10, 10, 0, conn.screen().root_depth,
                                              event_mask=X.StructureNotifyMask)
    conn.sync()
    return conn, window


def _client_messages(conn: Any, window: Any, expected: int, wait_s: float = 2.0) -> list[str]:
    """The ClientMessages ``window`` received: ``expected`` of them, or all that came in
    ``wait_s`` (the courier flushes without a round trip, so they may still be on the way)."""
    from Xlib import X

    names: list[str] = []
    deadline = time.monotonic() + wait_s
    while len(names) < expected and time.monotonic() < deadline:
        conn.sync()
        while conn.pending_events():
            event = conn.next_event()
            if event.type == X.ClientMessage and event.window.id == window.id:
                names.append(conn.get_atom_name(event.client_type))
        time.sleep(0.01)
    return names


def test_every_handoff_goes_over_one_connection(xdesktop: Desktop) -> None:
    conn, window = _receiver(xdesktop)
    courier = Courier(xdesktop.display_name, window.id)
    try:
        for name in ("_PYSTRAY__UPDATE_TITLE", "_PYSTRAY__UPDATE_ICON") * 5:
            assert courier.send(name) is True
        assert _client_messages(conn, window, 10) == ["_PYSTRAY__UPDATE_TITLE",
                                                      "_PYSTRAY__UPDATE_ICON"] * 5
        assert courier.opened == 1
    finally:
        courier.close()
        conn.close()


def test_a_broken_connection_is_reopened_once(xdesktop: Desktop) -> None:
    conn, window = _receiver(xdesktop)
    courier = Courier(xdesktop.display_name, window.id)
    try:
        assert courier.send("_PYSTRAY__UPDATE_TITLE")
        # Delivered before the break: closing a socket with unread replies sends a reset, and the
        # server may then drop what it had not read yet (seen once in CI).
        assert _client_messages(conn, window, 1) == ["_PYSTRAY__UPDATE_TITLE"]
        courier._conn.close()  # broken under it, as when the server drops a client
        assert courier.send("_PYSTRAY__STOP")
        assert _client_messages(conn, window, 1) == ["_PYSTRAY__STOP"]
        assert courier.opened == 2
    finally:
        courier.close()
        conn.close()


def test_a_closed_courier_sends_nothing(xdesktop: Desktop) -> None:
    conn, window = _receiver(xdesktop)
    courier = Courier(xdesktop.display_name, window.id)
    courier.close()
    try:
        assert courier.send("_PYSTRAY__STOP") is False
        assert _client_messages(conn, window, 1, wait_s=0.3) == [] and courier.opened == 0
    finally:
        conn.close()


def test_a_gone_display_is_one_warning_not_an_exception(xdesktop: Desktop,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    _conn, window = _receiver(xdesktop)  # dies with the server
    courier = Courier(xdesktop.display_name, window.id)
    assert courier.send("_PYSTRAY__UPDATE_TITLE")
    xdesktop.kill_server()
    assert courier.send("_PYSTRAY__STOP") is False
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "handing _PYSTRAY__STOP to the tray loop failed" in caplog.records[0].getMessage()
    courier.close()
