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
from types import ModuleType
from typing import TYPE_CHECKING

from traybreak import __version__
from traybreak.errors import ExitStatus, UserError

if TYPE_CHECKING:
    import argparse

Handler = Callable[["argparse.Namespace"], int]


#: The command modules in --help order, each with the commands it registers. A command names
#: its module so that running it builds the parser of that module alone: building all of them
#: imports every module's dependencies, about 90 ms of a `traybreak log`. A test keeps this in
#: step with what each module registers.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "app_cmd": ("run", "status", "pause", "resume", "break-now", "skip-next", "reload", "quit"),
    "autostart_cmd": ("autostart",),
    "config_cmd": ("config",),
    "desktop_entry_cmd": ("desktop-entry",),
    "exercises_cmd": ("exercises",),
    "log_cmd": ("log", "export"),
    "notice_cmd": ("notice",),
    "prompt_cmd": ("prompt",),
    "settings_cmd": ("settings",),
    "small_window_cmd": ("panel", "history", "about"),
    "welcome_cmd": ("welcome",),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every registered subcommand, or, given a ``command`` name, with those of
    its module only (an unknown name: every subcommand, so that errors and help list them)."""
    import argparse

    # Imported here, not at the top: a tray start never builds the parser (see above).
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
    modules = [name for name, commands in COMMAND_MODULES.items() if command in commands]
    for name in modules or COMMAND_MODULES:
        _command_module(name).register(subparsers)
    return parser


def _command_module(name: str) -> ModuleType:
    """The command module ``name`` (a key of COMMAND_MODULES), imported now; written out so
    that the import map (tests/test_architecture.py) sees every one."""
    match name:
        case "app_cmd":
            from traybreak.cli import app_cmd
            return app_cmd
        case "autostart_cmd":
            from traybreak.cli import autostart_cmd
            return autostart_cmd
        case "config_cmd":
            from traybreak.cli import config_cmd
            return config_cmd
        case "desktop_entry_cmd":
            from traybreak.cli import desktop_entry_cmd
            return desktop_entry_cmd
        case "exercises_cmd":
            from traybreak.cli import exercises_cmd
            return exercises_cmd
        case "log_cmd":
            from traybreak.cli import log_cmd
            return log_cmd
        case "notice_cmd":
            from traybreak.cli import notice_cmd
            return notice_cmd
        case "prompt_cmd":
            from traybreak.cli import prompt_cmd
            return prompt_cmd
        case "settings_cmd":
            from traybreak.cli import settings_cmd
            return settings_cmd
        case "small_window_cmd":
            from traybreak.cli import small_window_cmd
            return small_window_cmd
        case "welcome_cmd":
            from traybreak.cli import welcome_cmd
            return welcome_cmd
    raise ValueError(f"no command module {name!r}")


def command_word(words: Sequence[str]) -> str | None:
    """The command in a command line (the first word that is not an option or the value of
    ``--config``), or None."""
    rest = iter(words)
    for word in rest:
        if word == "--config":
            next(rest, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (never raises for user errors)."""
    words = list(sys.argv[1:] if argv is None else argv)
    tray_start = tray_start_options(words)
    if tray_start is not None:
        config, debug = tray_start
        return _handle(lambda: run_tray(config, debug), debug)
    parser = build_parser(command_word(words))
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
    from traybreak.core.printable import printable  # a message may quote a file's contents

    print(f"traybreak: {printable(message)}", file=sys.stderr)
    return int(status)
