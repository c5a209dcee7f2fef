"""``traybreak config path|show|defaults|check``: where the config file is and what it says.

Read-only: none of these commands writes the config file (``path --window`` shows where it is).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from traybreak import paths
from traybreak.cli.common import add_command
from traybreak.cli.small_window_cmd import text_or_window
from traybreak.config.settings import ConfigError, load_config
from traybreak.config.text import defaults_toml, effective_toml
from traybreak.core.printable import printable
from traybreak.errors import ExitStatus

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add ``config`` and its subcommands."""
    parser = add_command(
        subparsers, "config", "show, check or locate the config file",
        _help_for_config,
        description="The config file is TOML and holds only what you changed from the "
        "defaults. It is found at --config FILE, else $TRAYBREAK_CONFIG, else in your user "
        "config directory (see: traybreak config path).",
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION")
    path = add_command(actions, "path", "print where the config file is (or would be)", _path,
                       description="Print the config file's path. Says on stderr when the file "
                       "does not exist yet (the defaults apply).")
    path.add_argument("--window", action="store_true",
                      help="show it in a window with a copy button (what the tray's Edit "
                      "settings shows when it cannot open the file)")
    add_command(actions, "show", "print the effective config: defaults plus your changes",
                _show, description="Print the whole effective config as TOML: the built-in "
                "defaults with your file applied. Fails with exit status 2 if the file has "
                "problems.")
    add_command(actions, "defaults", "print a commented config file to start from", _defaults,
                description="Print a commented config file holding every default. Save it as "
                "your config file and keep only the lines you change, e.g.: "
                'traybreak config defaults > "$(traybreak config path)"')
    add_command(actions, "check", "check the config file and list every problem", _check,
                description="Check the config file. Prints every problem, one per line on "
                'stderr as "FILE: key: what is wrong (expected ...)", and exits with status 2; '
                'prints "FILE: ok" and exits 0 when there are none.')
    parser.set_defaults(config_parser=parser)


def config_path(args: argparse.Namespace) -> Path:
    """The config file for these arguments: --config, else $TRAYBREAK_CONFIG, else the default."""
    return paths.config_file(getattr(args, "config", None))


def _help_for_config(args: argparse.Namespace) -> int:
    args.config_parser.print_help()
    return ExitStatus.OK


def _path(args: argparse.Namespace) -> int:
    path = config_path(args)
    if args.window:
        return text_or_window(True, str, lambda: _settings_file(path))
    print(path)
    if not path.exists():
        print("(not created yet)", file=sys.stderr)
    return ExitStatus.OK


def _settings_file(path: Path) -> None:
    from traybreak.ui.settings_file.window import show_settings_file

    show_settings_file(path)


def _show(args: argparse.Namespace) -> int:
    sys.stdout.write(effective_toml(load_config(config_path(args))))
    return ExitStatus.OK


def _defaults(args: argparse.Namespace) -> int:
    sys.stdout.write(defaults_toml())
    return ExitStatus.OK


def _check(args: argparse.Namespace) -> int:
    path = config_path(args)
    try:
        _check_named_file(args, path)
        load_config(path, _exercise_ids())
    except ConfigError as err:
        for problem in err.problems:  # they quote the file's keys and values
            print(printable(problem), file=sys.stderr)
        return ExitStatus.BAD_INPUT
    note = "" if path.exists() else " (not created yet: the defaults apply)"
    print(f"{path}: ok{note}")
    return ExitStatus.OK


def _check_named_file(args: argparse.Namespace, path: Path) -> None:
    """A file the user named (--config, $TRAYBREAK_CONFIG) must exist: checking a typo'd path
    and saying "ok" would hide the mistake. The default file may be absent: defaults apply."""
    named_by = ("--config" if getattr(args, "config", None)
                else f"${paths.CONFIG_ENV}" if os.environ.get(paths.CONFIG_ENV) else None)
    if named_by is not None and not path.exists():
        raise ConfigError([f"{path}: no such file (expected the config file {named_by} names; "
                           "`traybreak config defaults` prints one to start from)"])


def _exercise_ids() -> list[str]:
    """Every exercise id the tray could pick from: the built-in ones and the user's packs."""
    from traybreak.catalog.load import load_catalog  # only `config check` needs the catalog

    return [exercise.id for exercise in load_catalog()]
