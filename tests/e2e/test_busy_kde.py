"""KDE Plasma's do-not-disturb holds prompts back, on a real headless Plasma 5.27 session with the
whole app: while an application holds org.freedesktop.Notifications.Inhibit (as a presentation
or video app does; plasmashell's server then says Inhibited) the due prompt waits, logged
suppressed/dnd once; when the application lets go, it shows.

Slow (a Plasma session takes about 10 s to come up); skips with the apt command where KDE is not
installed (CI leaves it out: see .ci/run).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.wayland_app import DUE_SOON, PROMPT_TITLE, SessionApp
from e2e.wayland_session import WaylandSession
from e2e.xdesktop import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"


@pytest.fixture
def app(kde: WaylandSession, tmp_path: Path) -> Iterator[SessionApp]:
    running = SessionApp(kde, tmp_path, DUE_SOON)
    try:
        yield running
    finally:
        running.end()


class Inhibitor:
    """An application holding the notification server's Inhibit on a connection of its own
    (the server lets go when the connection ends)."""

    def __init__(self, address: str) -> None:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection(address)
        server = DBusAddress(NOTIFICATIONS_PATH, NOTIFICATIONS, NOTIFICATIONS)
        reply = self.conn.send_and_get_reply(
            new_method_call(server, "Inhibit", "ssa{sv}",
                            ("org.kde.okular", "presenting", {})), timeout=5)
        assert reply.body and isinstance(reply.body[0], int), reply.body

    def release(self) -> None:
        self.conn.close()


def _inhibited(kde: WaylandSession) -> bool:
    return bool(kde.get_all(NOTIFICATIONS, NOTIFICATIONS_PATH, NOTIFICATIONS).get("Inhibited"))


def _held(app: SessionApp) -> list[dict[str, Any]]:
    return [r for r in app.log_rows() if (r["outcome"], r["reason"]) == ("suppressed", "dnd")]


def test_an_inhibit_holds_the_prompt_and_letting_go_shows_it(app: SessionApp) -> None:
    kde = app.session
    app.wait_item()
    assert "notifications-inhibited" in app.status()["busy"]
    inhibitor = Inhibitor(kde.address)
    try:
        assert wait_until(lambda: _inhibited(kde), 5), "plasmashell did not say Inhibited"
        assert wait_until(lambda: _held(app), 60, 0.5), app.log_rows()
        assert app.status()["waiting_for"] == "dnd"
        assert wait_until(lambda: app.tooltip().startswith("Waiting: do not disturb · "), 5), \
            app.tooltip()
        time.sleep(8)                                    # more samples, still inhibited
        assert len(_held(app)) == 1, app.log_rows()
        assert not app.x_windows(PROMPT_TITLE), "a prompt showed while notifications wait"
    finally:
        inhibitor.release()
    assert wait_until(lambda: not _inhibited(kde), 5)
    released = time.monotonic()
    assert wait_until(lambda: app.x_windows(PROMPT_TITLE), 20), "no prompt after the release"
    assert time.monotonic() - released < 10
    assert len(app.x_windows(PROMPT_TITLE)) == 1 and len(_held(app)) == 1
    status, stderr = app.quit()
    assert status == 0 and "Traceback" not in stderr, stderr
