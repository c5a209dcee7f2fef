"""`traybreak panel`, `traybreak history` and `traybreak about`: the small windows. Each window is
a child process of the tray that prints one JSON line on stdout and exits; history and about also
print plain text when run without --window.

tkinter is imported only when a window opens, so the text forms work where Tk is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from traybreak import paths
from traybreak.cli.common import add_command, duration_arg
from traybreak.cli.prompt_cmd import check_display
from traybreak.core.durations import format_duration
from traybreak.core.model import PromptRecord
from traybreak.errors import ExitStatus, UserError
from traybreak.ui.menu import MenuEntry
from traybreak.ui.protocol import PANEL_TIMEOUT

log = logging.getLogger(__name__)

CLOSED_LINE = json.dumps({"closed": True})  # what history and about print when closed


def register(subparsers: Any) -> None:
    """Add the ``panel``, ``history`` and ``about`` subcommands."""
    panel = add_command(
        subparsers, "panel", "show the running traybreak's menu as a small popup at the pointer",
        _run_panel,
        description="Without options: ask the running traybreak to show its menu as a popup at "
        "the pointer (on a desktop with no tray icon, this is the menu). With --menu-json or "
        "--menu-file: show that menu and print the chosen entry as one JSON line: "
        '{"command": "pause 30m", "via": "click"}, or {"command": null, ...} when dismissed '
        "(Esc, a click elsewhere, or the timeout).",
    )
    source = panel.add_mutually_exclusive_group()
    source.add_argument("--menu-json", metavar="JSON", help="the menu as JSON (MenuEntry list)")
    source.add_argument("--menu-file", metavar="FILE", help="read the menu JSON from FILE")
    panel.add_argument("--header", default="", metavar="TEXT",
                       help='a status line beside the title, e.g. "Stretch in 12 min"')
    panel.add_argument("--timeout", type=duration_arg, default=PANEL_TIMEOUT, metavar="DURATION",
                       help="close without a choice after this long with no key and no "
                       "pointer over it, and after 4 times that in any case (default "
                       f"{format_duration(PANEL_TIMEOUT)})")
    panel.add_argument("--at", type=_point, metavar="X,Y",
                       help="open at this screen point instead of at the pointer")
    history = add_command(
        subparsers, "history", "show what you did: today, the last days, muscle groups",
        _run_history,
        description="Summarise the break log: today's counts, a bar per day, the streak, "
        "muscle groups worked or not yet worked in the last 7 days, and the latest prompts. "
        "Reads the log only; with --window shows it in a window.",
    )
    history.add_argument("--days", type=_days, default=7, metavar="N",
                         help="how many days the chart covers, today included (1-31, default 7)")
    history.add_argument("--recent", type=_days, default=8, metavar="N",
                         help="how many recent prompts to list (default 8)")
    history.add_argument("--window", action="store_true", help="show it in a window")
    about = add_command(subparsers, "about", "what traybreak is and where its files are",
                        _run_about)
    about.add_argument("--window", action="store_true", help="show it in a window")


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 31:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 31, got {text!r}")
    return int(text)


def _point(text: str) -> tuple[int, int]:
    x, sep, y = text.partition(",")
    try:
        if sep:
            return int(x), int(y)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected X,Y in pixels (e.g. 1200,24), got {text!r}")


# -- panel -----------------------------------------------------------------------------------

def read_menu(args: argparse.Namespace) -> tuple[MenuEntry, ...]:
    """The menu from --menu-json or --menu-file; UserError naming the problem."""
    from traybreak.ui.protocol import parse_menu_json

    if args.menu_json is not None:
        text, where = args.menu_json, "--menu-json"
    else:
        try:
            text = Path(args.menu_file).expanduser().read_text(encoding="utf-8")
        except OSError as err:
            raise UserError(f"cannot read --menu-file {args.menu_file}: "
                            f"{err.strerror or err}") from None
        where = f"--menu-file {args.menu_file}"
    try:
        return parse_menu_json(text)
    except ValueError as err:
        raise UserError(f"{where}: {err}") from None


def _run_panel(args: argparse.Namespace) -> int:
    if args.menu_json is None and args.menu_file is None:
        from traybreak.cli.app_cmd import send

        reply = send({"cmd": "show-panel"})
        print(f"showing the menu of traybreak (pid {reply.get('pid', '?')})")
        return ExitStatus.OK
    entries = read_menu(args)
    check_display()
    from traybreak.ui.protocol import result_line

    with display_errors():
        from traybreak.ui.panel.window import run_panel

        command, via = run_panel(entries, header=args.header,
                                 timeout_s=args.timeout.total_seconds(), at=args.at)
    emit(result_line(command, via))
    return ExitStatus.OK


# -- history ---------------------------------------------------------------------------------

def load_records(days: int, now: datetime) -> tuple[list[PromptRecord], bool]:
    """Prompts from the last ``days`` days and a week before (for the streak); (records, log
    exists). Reads only: a missing log is not an error here, just an empty history."""
    from traybreak.store.prompt_log import LogMissingError, Store

    since = now - timedelta(days=max(days, 7) + 60)  # the streak may reach back a while
    try:
        with Store.open(paths.log_db(), create=False) as store:
            return store.prompts(since), True
    except LogMissingError:
        return [], False


def _run_history(args: argparse.Namespace) -> int:
    from traybreak.catalog.load import load_catalog
    from traybreak.ui.history.data import build_history, history_text

    now = datetime.now().astimezone()
    records, has_log = load_records(args.days, now)
    assert now.tzinfo is not None  # astimezone() always sets one
    # A fixed offset (today's): days a week back across a DST change may shift by an hour.
    history = build_history(records, list(load_catalog()), now.date(), now.tzinfo,
                            days=args.days, recent=args.recent, has_log=has_log, now=now)
    return text_or_window(args.window, lambda: history_text(history), lambda: _history(history))


def _history(history: Any) -> None:
    from traybreak.ui.history.window import show_history

    show_history(history)


# -- about -----------------------------------------------------------------------------------

def _run_about(args: argparse.Namespace) -> int:
    from traybreak.ui.about.text import about_info, about_text

    info = about_info(getattr(args, "config", None))
    return text_or_window(args.window, lambda: about_text(info), lambda: _about(info))


def _about(info: Any) -> None:
    from traybreak.ui.about.window import show_about

    show_about(info)


def text_or_window(window: bool, text: Callable[[], str], show: Callable[[], None]) -> int:
    """Print the text form, or open the Tk window (a child of the tray) and say when it closed."""
    if not window:
        sys.stdout.write(text())
        return ExitStatus.OK
    check_display()
    with display_errors():
        show()
    emit(CLOSED_LINE)
    return ExitStatus.OK


# -- shared ----------------------------------------------------------------------------------

@contextlib.contextmanager
def display_errors() -> Iterator[None]:
    """Turn Tk's "couldn't connect to display" into the one-line no-display error."""
    try:
        yield
    except Exception as err:
        if type(err).__name__ == "TclError" and "display" in str(err).lower():
            raise UserError(f"no graphical session: {err}", ExitStatus.NO_DISPLAY) from None
        raise


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()

