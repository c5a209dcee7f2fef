"""`traybreak desktop-entry install | remove | status`: the launcher in the desktop's
application menu (and the app icon in the icon theme)."""

from __future__ import annotations

import argparse
from typing import Any

from traybreak.cli.common import add_command
from traybreak.errors import ExitStatus, UserError
from traybreak.platform.app_menu.choose import for_this_os
from traybreak.platform.app_menu.linux import MenuEntryState
from traybreak.platform.launcher import launcher_argv


def register(subparsers: Any) -> None:
    """Add the `desktop-entry` command."""
    parser = add_command(
        subparsers, "desktop-entry", "put traybreak in the desktop's application menu (or not)",
        _run,
        description="Manage traybreak's entry in the application menu: a .desktop launcher in "
        "$XDG_DATA_HOME/applications and the icon in $XDG_DATA_HOME/icons/hicolor. The entry "
        "starts traybreak, or shows its menu when it already runs. `status` says what is "
        "installed where; `install` also repairs an entry whose launcher has moved.",
    )
    parser.add_argument("action", choices=("install", "remove", "status"))


def _run(args: argparse.Namespace) -> int:
    entry = for_this_os()
    if args.action == "install":
        status = entry.install(launcher_argv())
    elif args.action == "remove":
        status = entry.remove()
    else:
        status = entry.status()
    print("\n".join(status.describe()))
    wanted = {"install": MenuEntryState.INSTALLED, "remove": MenuEntryState.NOT_INSTALLED}
    if args.action in wanted and status.state is not wanted[args.action]:
        raise UserError(f"could not {args.action} the menu entry: {status.detail or status.state}",
                        ExitStatus.FAILURE)
    return ExitStatus.OK
