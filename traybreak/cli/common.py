"""Small pieces several subcommand modules share: adding a documented subparser."""

from __future__ import annotations

import argparse
from typing import Any


def add_command(
    subparsers: Any, name: str, summary: str, handler: Any, description: str | None = None
) -> argparse.ArgumentParser:
    """Add subcommand ``name`` with the common options and ``handler`` as its action."""
    from traybreak.cli import add_common_options

    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=summary, description=description or summary
    )
    add_common_options(parser)
    parser.set_defaults(handler=handler)
    return parser
