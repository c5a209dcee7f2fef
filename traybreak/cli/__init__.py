"""The command-line front: argparse parser, subcommand registration, errors as one line.

Each ``cli/*_cmd.py`` module owns a group of subcommands through ``register(subparsers)``;
a subcommand's handler takes the parsed arguments and returns an exit status.

Starting the tray (``traybreak``, ``traybreak run``, with ``--config``/``--debug`` only) skips
the parser: building it imports argparse, gettext and every command module with theirs, about
0.6 MB that the long-lived tray process would carry for nothing. Anything else goes to argparse.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from traybreak import __version__
from traybreak.errors import ExitStatus, UserError

if TYPE_CHECKING:
    import argparse

Handler = Callable[["argparse.Namespace"], int]


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered subcommand."""
    import argparse

    # Imported here, not at the top: a tray start never builds the parser (see above).
    from traybreak.cli import (
        app_cmd,
        autostart_cmd,
        config_cmd,
        desktop_entry_cmd,
        exercises_cmd,
        log_cmd,
        notice_cmd,
        prompt_cmd,
        small_window_cmd,
    )
    from traybreak.cli.common import add_common_options

    parser = argparse.ArgumentParser(
        prog="traybreak",
        description="Back-friendly break reminders in the system tray. "
        "Run without a command to start the tray.",
    )
    parser.add_argument("--version", action="version", version=f"traybreak {__version__}")
    add_common_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Each module adds its group of subcommands; this order is the order in --help.
    for module in (app_cmd, autostart_cmd, config_cmd, desktop_entry_cmd, exercises_cmd, log_cmd,
                   notice_cmd, prompt_cmd, small_window_cmd):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (never raises for user errors)."""
    words = list(sys.argv[1:] if argv is None else argv)
    tray_start = tray_start_options(words)
    if tray_start is not None:
        config, debug = tray_start
        return _handle(lambda: run_tray(config, debug), debug)
    parser = build_parser()
    args = parser.parse_args(words)
    debug = bool(getattr(args, "debug", False))
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:  # a start argparse understood, e.g. an abbreviated --deb
            return main(["run", *words])
        parser.print_help()  # a command group (e.g. `traybreak config`) without its action
        return ExitStatus.OK
    return _handle(lambda: handler(args), debug)


def tray_start_options(words: Sequence[str]) -> tuple[str | None, bool] | None:
    """``(config, debug)`` when ``words`` only start the tray (an optional ``run``, ``--debug``,
    ``--config FILE`` or ``--config=FILE``, in any order), else None: argparse's turn."""
    config: str | None = None
    debug = seen_run = False
    rest = iter(words)
    for word in rest:
        if word == "run" and not seen_run:
            seen_run = True
        elif word == "--debug":
            debug = True
        elif word == "--config":
            config = next(rest, None)
            if config is None:
                return None  # argparse says what is missing
        elif word.startswith("--config="):
            config = word.partition("=")[2]
        else:
            return None
    return config, debug


def run_tray(config: str | None, debug: bool) -> int:
    """Start the tray (blocks until it quits); its exit status."""
    from traybreak.app.startup import run  # the tray's imports only when the tray starts

    return run(config, debug)


def _handle(command: Callable[[], int], debug: bool) -> int:
    """Run ``command`` with the logging set up; user errors become one line on stderr."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="traybreak: %(levelname)s: %(name)s: %(message)s",
    )
    try:
        return int(command())
    except UserError as err:
        return _fail(str(err), err.status, debug)
    except KeyboardInterrupt:
        return _fail("interrupted", ExitStatus.INTERRUPTED, debug)
    except BrokenPipeError:
        return ExitStatus.OK  # output piped into head/less that closed early
    except Exception as err:  # last resort: one line, the traceback only with --debug
        return _fail(
            f"unexpected error: {type(err).__name__}: {err} (run again with --debug for details)",
            ExitStatus.FAILURE, debug,
        )


def tray_main() -> int:
    """The gui-script entry point (``traybreak-tray``): starts the tray with no console window."""
    return main(["run"])


def _fail(message: str, status: int, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(f"traybreak: {message}", file=sys.stderr)
    return int(status)
