"""`traybreak settings`: the settings window (also the tray menu's "Settings…"). It edits the
config file through config/draft.py, sets start at login through the autostart adapter, plays
the chime for its Play button through platform/sound.py (ui may not import platform), and
after a save asks the running tray to read the file again at once (the control socket's
reload; the tray's own file watch may have seen it first). Prints one JSON line when it closes
(ui/protocol.py's settings_result_line).
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traybreak import paths
from traybreak.cli.common import add_command
from traybreak.errors import ExitStatus

if TYPE_CHECKING:
    from traybreak.platform.sound import Chime

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the ``settings`` command."""
    parser = add_command(
        subparsers, "settings", "change your settings in a window", _run,
        description="Open the settings window: each rule's schedule and length, working "
        "hours, the natural break, how prompts behave, the notice and the chime, start at "
        "login. Values are checked as you type, as `traybreak config check` does; Save "
        "writes the config file keeping your comments and anything the window does not show, "
        "and the running traybreak uses it at once. Cancel changes nothing.",
    )
    # The tray opens every window as `COMMAND ... --window`; this one is a window anyway.
    parser.add_argument("--window", action="store_true", help=argparse.SUPPRESS)


def _run(args: argparse.Namespace) -> int:
    from traybreak.cli.prompt_cmd import check_display
    from traybreak.cli.small_window_cmd import display_errors, emit
    from traybreak.config.draft import SettingsDraft
    from traybreak.ui.protocol import settings_result_line

    path = paths.config_file(getattr(args, "config", None))
    draft = SettingsDraft.load(path)   # a file it cannot edit: one line, exit 2, no window
    check_display()
    with display_errors():
        from traybreak.platform.opener import open_in_default_app
        from traybreak.ui.settings.window import show_settings

        outcome = show_settings(draft, path, start_at_login(), lambda: tell_tray(path),
                                open_in_default_app, play_chime)
    emit(settings_result_line(outcome.saved, outcome.tray))
    return ExitStatus.OK


def start_at_login() -> Any:
    """Start at login as it is now, and how to change it; None where it cannot be read."""
    from traybreak.platform.autostart.base import AutostartState
    from traybreak.platform.autostart.choose import for_this_os
    from traybreak.platform.launcher import launcher_argv
    from traybreak.ui.settings.window import StartAtLogin

    adapter = for_this_os()
    try:
        enabled = adapter.status().state is AutostartState.ENABLED
    except OSError as err:
        log.warning("start at login unreadable: %s", err)
        return None

    def change(on: bool) -> None:
        adapter.enable(launcher_argv()) if on else adapter.disable()

    return StartAtLogin(enabled, change)


def play_chime(volume: int) -> str | None:
    """The settings window's Play: the chime at ``volume``, as a prompt would play it; why not
    in one line when this system has no player, or none that could play it at an earlier Play
    (one Chime for the window's life, so a player that failed is not tried again)."""
    chime = _chime()
    chime.volume = volume
    if chime.player is None:
        return chime.silent_because()
    chime.play()
    return None


@functools.cache
def _chime() -> Chime:
    from traybreak.platform.sound import Chime

    return Chime(0)


def tell_tray(path: Path, runtime: Path | None = None) -> str:
    """Ask the running tray (its control socket in ``runtime``, default the user's) to use the
    saved file now: "reloaded", "unchanged" (its file watch took it already), or in one line why
    not ("traybreak is not running", another file)."""
    from traybreak.app.control_socket import NotRunning, request

    runtime = runtime or paths.runtime_dir()
    try:
        status = request(runtime, {"cmd": "status"})
        if os.path.abspath(str(status.get("config", ""))) != os.path.abspath(path):
            return f"the running traybreak reads another file: {status.get('config')}"
        reply = request(runtime, {"cmd": "reload", "if_changed": True})
    except NotRunning as err:
        return str(err)
    except OSError as err:
        log.warning("could not reach the running traybreak: %s", err)
        return f"not told: {err}"
    if not reply.get("ok"):
        return str(reply.get("error", "refused"))
    return "reloaded" if reply.get("reloaded") else "unchanged"
