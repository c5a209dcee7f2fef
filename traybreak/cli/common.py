"""Small pieces several subcommand modules share: the options every command accepts, adding a
documented subparser, and the argparse type of a duration option."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from traybreak.core.durations import DurationError, parse_duration


def add_command(
    subparsers: Any, name: str, summary: str, handler: Any, description: str | None = None
) -> argparse.ArgumentParser:
    """Add subcommand ``name`` with the common options and ``handler`` as its action."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=summary, description=description or summary
    )
    add_common_options(parser)
    parser.set_defaults(handler=handler)
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Options every command accepts (before or after the command name)."""
    parser.add_argument(
        "--config", metavar="FILE", default=argparse.SUPPRESS,
        help="use this config file (default: $TRAYBREAK_CONFIG or the user config dir)",
    )
    parser.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS,
        help="show tracebacks and debug logging",
    )


def duration_arg(text: str) -> timedelta:
    """The argparse ``type`` of a duration option ("45s", "25m", "1h30m"): its timedelta, or
    argparse's one-line error saying what is wrong with it."""
    try:
        return parse_duration(text)
    except DurationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def plural(count: int, noun: str) -> str:
    """E.g. "1 prompt", "3 prompts": ``count`` and ``noun``, with an s unless one."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
