"""The tray process's side effects in one object, passed in rather than reached through module
globals: tray view, idle source, busy sources (do-not-disturb, full screen), autostart, file
opener, window launcher, clocks, the config file's watch and the desktop's notifications.
``this_session()`` builds the real one; tests build one from fakes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from traybreak.app.child_windows import ChildLauncher, WindowProcess
from traybreak.app.clocks import Clocks
from traybreak.platform import notifications
from traybreak.platform.autostart.base import Autostart
from traybreak.platform.autostart.choose import for_this_os
from traybreak.platform.busy.base import BusySources
from traybreak.platform.busy.choose import choose_busy_sources
from traybreak.platform.file_watch import watch_file
from traybreak.platform.idle.base import IdleSource
from traybreak.platform.idle.choose import choose_idle_source
from traybreak.platform.opener import open_in_default_app
from traybreak.ui.menu import MenuEntry
from traybreak.ui.protocol import PromptRequest
from traybreak.ui.tray.view import TrayFacts, TrayView


class View(Protocol):
    """What the app asks of the tray icon (ui/tray/view.py's TrayView)."""

    def create(self, facts: TrayFacts) -> None: ...
    def run(self, setup: Callable[[Any], None]) -> None: ...
    def stop(self) -> None: ...
    def refresh(self, facts: TrayFacts) -> None: ...
    def notify(self, text: str) -> None: ...
    def icon_window(self) -> int | None: ...
    def tooltip(self) -> str: ...
    def menu_entries(self) -> Sequence[MenuEntry]: ...


class Launcher(Protocol):
    """Starts the window child processes (app/child_windows.py's ChildLauncher)."""

    def prompt(self, request: PromptRequest, config: str | None) -> WindowProcess: ...
    def panel(self, entries: Sequence[MenuEntry], header: str) -> str | None: ...
    def window(self, command: str, args: Sequence[str] = ()) -> None: ...
    def notice(self, text: str, lasting: timedelta, near_window: int | None) -> None: ...


class DesktopNotices(Protocol):
    """The desktop's notification server (platform/notifications.py's DesktopNotifications)."""

    def show(self, summary: str, body: str = "", lasting: timedelta | None = None) -> bool: ...
    def close(self) -> None: ...


class Watch(Protocol):
    """A watch on the config file (platform/file_watch.py's FileWatch). ``active``: False where
    the platform cannot watch files, so the tray looks at the file on a timer instead."""

    active: bool

    def close(self) -> None: ...


#: Makes the tray view from the menu's callbacks: (on_command, on_click, on_menu_opening).
ViewFactory = Callable[[Callable[[str], None], Callable[[], None], Callable[[], None]], View]


@dataclass(frozen=True)
class Environment:
    """Everything the tray process does to the world outside its log, config and socket."""

    tray_view: ViewFactory
    idle_source: Callable[[], IdleSource]
    autostart: Callable[[], Autostart]
    open_file: Callable[[Path], bool]
    launcher: Launcher
    clocks: Clocks
    #: Watches a file and calls back soon after it changes: (path, on_change).
    file_watch: Callable[[Path, Callable[[], None]], Watch]
    #: The session's do-not-disturb and full-screen sources (none unless given).
    busy_sources: Callable[[], BusySources] = BusySources
    #: The desktop's notification server, for the pre-break notice; None (the default, and
    #: where the session has no bus): the notice is the launcher's toast window.
    desktop_notices: Callable[[], DesktopNotices | None] = lambda: None


def this_session() -> Environment:
    """The real side effects, for `traybreak run`."""
    return Environment(tray_view=TrayView, idle_source=choose_idle_source,
                       autostart=for_this_os, open_file=open_in_default_app,
                       launcher=ChildLauncher(), clocks=Clocks(), file_watch=watch_file,
                       busy_sources=choose_busy_sources,
                       desktop_notices=notifications.for_this_session)
