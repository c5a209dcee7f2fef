"""`traybreak welcome`: the welcome window, which the tray opens by itself once, on a first run
(app/first_run.py), and which anyone may open again by hand. Its choices are saved through the
settings draft (config/draft.py) and config/presets.py's schedules; start at login through the
autostart adapter. On a first run on an XDG desktop it also installs the application-menu entry
(what `traybreak desktop-entry install` does), whichever button closes it. Prints one JSON line
when it closes (ui/protocol.py's welcome_result_line).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from traybreak import paths
from traybreak.cli.common import add_command
from traybreak.errors import ExitStatus, UserError

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the ``welcome`` command."""
    parser = add_command(
        subparsers, "welcome", "the first-run window: how often, what to avoid, start at login",
        _run,
        description="Open the welcome window that traybreak shows once on a first run: what "
        "traybreak does, a schedule (gentle, standard or active), the conditions whose "
        "exercises to leave out, and start at login. Start saves your choices into the config "
        "file (as the settings window does); Skip changes nothing.",
    )
    # The tray opens it as `welcome --first-run ... --window`: start at login ticked, and the
    # application-menu entry installed.
    parser.add_argument("--first-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--window", action="store_true", help=argparse.SUPPRESS)


def _run(args: argparse.Namespace) -> int:
    from traybreak.cli.prompt_cmd import check_display
    from traybreak.cli.settings_cmd import start_at_login, tell_tray
    from traybreak.cli.small_window_cmd import display_errors, emit
    from traybreak.config.draft import SettingsDraft
    from traybreak.config.presets import PRESETS, preset_of
    from traybreak.ui.protocol import welcome_result_line

    path = paths.config_file(getattr(args, "config", None))
    draft = SettingsDraft.load(path)   # a file it cannot edit: one line, exit 2, no window
    check_display()
    first_run = bool(args.first_run)
    menu = first_run and sys.platform not in ("win32", "darwin")
    with display_errors():
        from traybreak.ui.settings.welcome import show_welcome

        login = start_at_login()
        preset = preset_of({key: draft.value(key) for key in PRESETS[0].values})
        ticked = first_run or (login is not None and login.enabled)
        outcome = show_welcome(draft, path, PRESETS, preset, login, ticked,
                               lambda: tell_tray(path), menu_note=menu)
    if menu:
        install_menu_entry()
    emit(welcome_result_line(outcome.saved, outcome.tray, outcome.started))
    return ExitStatus.OK


def install_menu_entry() -> None:
    """The application-menu entry, as `traybreak desktop-entry install`; a failure is logged in
    one line (traybreak works without it)."""
    from traybreak.platform.app_menu.choose import install_for_user

    try:
        status = install_for_user()
    except (UserError, OSError) as err:
        log.warning("application-menu entry not installed: %s", err)
        return
    log.info("%s", "; ".join(status.describe()))
