"""`traybreak autostart enable | disable | status`: start the tray at login, or not."""

from __future__ import annotations

import argparse
from typing import Any

from traybreak.cli.common import add_command
from traybreak.errors import ExitStatus, UserError
from traybreak.platform.autostart.base import AutostartState
from traybreak.platform.autostart.choose import for_this_os
from traybreak.platform.launcher import launcher_argv


def register(subparsers: Any) -> None:
    """Add the `autostart` command."""
    parser = add_command(
        subparsers, "autostart", "start traybreak when you log in (or stop doing so)", _run,
        description="Manage the login entry that starts the traybreak tray. `status` also "
        "reports an entry whose launcher no longer exists; `enable` repairs it.",
    )
    parser.add_argument("action", choices=("enable", "disable", "status"))


def _run(args: argparse.Namespace) -> int:
    adapter = for_this_os()
    if args.action == "enable":
        status = adapter.enable(launcher_argv())
    elif args.action == "disable":
        status = adapter.disable()
    else:
        status = adapter.status()
    print(status.describe())
    if status.command:
        print("  runs: " + " ".join(status.command))
    if args.action == "enable" and status.state is not AutostartState.ENABLED:
        raise UserError(f"could not enable start at login: {status.detail or status.state}",
                        ExitStatus.FAILURE)
    return ExitStatus.OK
