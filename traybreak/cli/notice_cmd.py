"""`traybreak notice`: the pre-break notice as a small toast beside the tray. The tray starts it
(a child process) where the desktop has no notification server; by hand it shows what the
notice looks like. Prints one JSON line when it closes: {"closed": "timeout"} or "click".

tkinter is imported only when the window opens.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from traybreak.cli.common import add_command, duration_arg
from traybreak.errors import ExitStatus

#: How long the toast stays when not told (a notification server's usual time).
DEFAULT_LASTING = timedelta(seconds=8)


def register(subparsers: Any) -> None:
    """Add the ``notice`` subcommand."""
    notice = add_command(
        subparsers, "notice", "show a short notice in a small window beside the tray",
        _run_notice,
        description="Show TEXT in a small borderless window beside the tray icon (or in the "
        "tray's corner of the screen) that closes by itself, or when clicked. The tray shows "
        "its pre-break notice this way where the desktop has no notification server.",
    )
    notice.add_argument("text", metavar="TEXT", help="what the notice says")
    notice.add_argument("--for", dest="lasting", type=duration_arg, default=DEFAULT_LASTING,
                        metavar="DURATION", help="close after this long (default 8s)")
    notice.add_argument("--near-window", type=_window_id, metavar="ID",
                        help="the X window of the tray icon, to open beside it")


def _window_id(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an X window id such as 0x2400003, got {text!r}") from None


def _run_notice(args: argparse.Namespace) -> int:
    from traybreak.cli.prompt_cmd import check_display
    from traybreak.cli.small_window_cmd import display_errors, emit

    check_display()
    icon = None
    if args.near_window is not None:
        from traybreak.platform.tray.x11_host import window_box
        from traybreak.ui.toolkit.geometry import Area

        box = window_box(args.near_window)
        icon = Area(*box) if box else None
    with display_errors():
        from traybreak.ui.notice.window import show_notice

        via = show_notice(args.text, args.lasting.total_seconds(), icon)
    emit(json.dumps({"closed": via}))
    return ExitStatus.OK
