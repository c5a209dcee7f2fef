"""The pre-break notice, shown the best way the session has: the desktop's notification server
(org.freedesktop.Notifications) where one answers, else traybreak's own toast window beside the
tray. Each notice is shown on a short thread of its own, so the engine thread that asked never
waits for the bus or a window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from traybreak.app.environment import DesktopNotices, Launcher

log = logging.getLogger(__name__)

#: The longest a notice stays up: a notification server's usual time. A "30s" notice is not
#: thirty seconds of toast; and one never outlasts the time left before the prompt.
LONGEST = timedelta(seconds=8)
SHORTEST = timedelta(seconds=3)


def notice_lasting(remaining: timedelta) -> timedelta:
    """How long the notice for a break ``remaining`` away stays up."""
    return max(SHORTEST, min(LONGEST, remaining))


class Notices:
    """Shows notices (``show``, any thread, returns at once)."""

    def __init__(self, desktop: DesktopNotices | None, launcher: Launcher,
                 icon_window: Callable[[], int | None]) -> None:
        self.desktop, self.launcher, self.icon_window = desktop, launcher, icon_window
        self._lock = threading.Lock()   # one notice at a time: a newer one replaces the last

    def show(self, text: str, remaining: timedelta) -> None:
        """Say ``text`` about a break ``remaining`` away."""
        threading.Thread(target=self._show, args=(text, notice_lasting(remaining)),
                         name="notice", daemon=True).start()

    def _show(self, text: str, lasting: timedelta) -> None:
        with self._lock:
            try:
                if self.desktop is not None and self.desktop.show(text, "", lasting):
                    log.info("notice sent to the notification server: %s", text)
                    return
                self.launcher.notice(text, lasting, self.icon_window())
                log.info("notice shown in a window: %s", text)
            except Exception:  # a notice is a courtesy: never worth more than a log line
                log.exception("could not show the notice %r", text)

    def close(self) -> None:
        """Close the connection to the notification server (the app is quitting)."""
        if self.desktop is not None:
            self.desktop.close()
