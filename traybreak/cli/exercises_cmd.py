"""`traybreak exercises ...`: where user packs go, list and show cards, validate a pack file.

Reads only; the catalog's warnings about skipped user packs go to stderr. ``list --for-me`` also
reads the config file, to keep what its [exercises] settings leave to the rotation.
"""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from traybreak import paths
from traybreak.catalog.load import Catalog, load_catalog, read_pack
from traybreak.cli.common import add_command
from traybreak.core.conditions import CAUTION_TAGS, PROPS, left_out
from traybreak.core.model import Exercise, Kind, Setting
from traybreak.core.muscles import GROUPS, PATTERNS, Side
from traybreak.core.printable import printable
from traybreak.core.progression import levels_for
from traybreak.errors import ExitStatus

log = logging.getLogger(__name__)

WIDTH = 78


def register(subparsers: Any) -> None:
    """Add `exercises` and its subcommands."""
    parser = add_command(subparsers, "exercises", "list, show and check exercises and packs",
                         None)
    parser.set_defaults(handler=_help_of(parser))  # `traybreak exercises` alone: its help
    sub = parser.add_subparsers(dest="exercises_command", metavar="SUBCOMMAND")
    add_command(sub, "path", "print the folder where your own exercise packs go", _path)
    listing = add_command(sub, "list", "list exercises (built-in and your packs)", _list)
    listing.add_argument("--kind", choices=[k.value for k in Kind], help="only this kind")
    listing.add_argument("--setting", choices=[s.value for s in Setting],
                         help="only this setting")
    listing.add_argument("--for-me", action="store_true",
                         help="only what the rotation may pick for you: what your config's "
                         "[exercises] settings, exclude, avoid (caution tags) and have (props) "
                         "leave")
    show = add_command(sub, "show", "print an exercise card in full", _show)
    show.add_argument("id", metavar="ID", help="exercise id (see `traybreak exercises list`)")
    check = add_command(sub, "validate", "check an exercise pack file and list every problem",
                        _validate)
    check.add_argument("file", metavar="FILE", type=Path, help="a pack file (.toml)")
    add_command(sub, "groups", "list the muscle groups, patterns, caution tags and props packs "
                "can refer to", _groups)


def _help_of(parser: argparse.ArgumentParser) -> Any:
    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return ExitStatus.OK
    return show_help


def _catalog() -> Catalog:
    catalog = load_catalog(paths.packs_dir())
    for line in catalog.warnings:  # they quote file names and values from the packs
        print(f"traybreak: warning: {printable(line)}", file=sys.stderr)
    return catalog


def _path(args: argparse.Namespace) -> int:
    print(paths.packs_dir())
    return ExitStatus.OK


def _list(args: argparse.Namespace) -> int:
    kind = Kind(args.kind) if args.kind else None
    setting = Setting(args.setting) if args.setting else None
    catalog = _catalog()
    chosen = catalog.select(kind, setting)
    if args.for_me:
        chosen = _for_me(args, catalog.select(kind), chosen)
    rows = [(ex.id, ex.kind.value, ex.setting.value, ex.name, ", ".join(ex.targets))
            for ex in chosen]
    print_table(("ID", "KIND", "SETTING", "NAME", "TARGETS"), rows)
    return ExitStatus.OK


def _for_me(args: argparse.Namespace, everything: list[Exercise],
            chosen: list[Exercise]) -> list[Exercise]:
    """``chosen`` without what the config leaves out; on stderr, how many were left out and each
    muscle group a kind has nothing left for. A config with problems is an error (UserError)."""
    from traybreak.config.settings import load_config

    prefs = load_config(paths.config_file(getattr(args, "config", None))).exercises

    def why_not(exercise: Exercise) -> str | None:
        return left_out(exercise, settings=prefs.settings, exclude=prefs.exclude,
                        avoid=prefs.avoid, have=prefs.have)

    kept = []
    for exercise in chosen:
        reason = why_not(exercise)
        if reason is None:
            kept.append(exercise)
        else:
            print(f"left out: {exercise.id} ({reason})", file=sys.stderr)
    for line in empty_groups(everything, lambda ex: why_not(ex) is None):
        print(f"traybreak: note: {line}", file=sys.stderr)
    return kept


def empty_groups(exercises: Sequence[Exercise], fits: Callable[[Exercise], bool]) -> list[str]:
    """One line per kind with groups its exercises cover but none that ``fits`` is left for."""
    lines = []
    for kind in Kind:
        groups = {g: False for ex in exercises if ex.kind is kind for g in ex.targets}
        for ex in exercises:
            if ex.kind is kind and fits(ex):
                groups.update(dict.fromkeys(ex.targets, True))
        empty = sorted(g for g, served in groups.items() if not served)
        if empty:
            lines.append(f"no {kind} exercise left for: {', '.join(empty)}")
    return lines


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to the widest cell; the last column is not padded. A control character
    in a cell is shown as an escape, never sent to the terminal as it is."""
    lines = [[printable(str(cell)) for cell in row] for row in [header, *rows]]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    for line in lines:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        print("  ".join([*cells, line[-1]]))


def _show(args: argparse.Namespace) -> int:
    exercise = _catalog().require(args.id)
    print(printable("\n".join(card_lines(exercise))))
    return ExitStatus.OK


def card_lines(ex: Exercise) -> list[str]:
    """The full card as text lines, wrapped to the terminal-friendly WIDTH."""
    targets = ", ".join(GROUPS[t].label for t in ex.targets)
    lines = [f"{ex.name}  ({ex.id})",
             f"{ex.kind.value} · {ex.setting.value}"]
    lines += _wrapped("Targets: ", targets)
    if ex.requires:
        lines += _wrapped("Needs: ", ", ".join(PROPS[p].label for p in ex.requires))
    if PATTERNS[ex.counters].tight or PATTERNS[ex.counters].weak:
        lines += _wrapped("Counters: ", PATTERNS[ex.counters].label)
    lines += _wrapped("Why: ", ex.why)
    lines += ["", "Steps:"]
    for number, step in enumerate(ex.steps, start=1):
        lines += _wrapped(f"  {number}. ", step)
    lines += ["", f"Dosage: {ex.dosage.describe()}"]
    levels = levels_for(ex)
    if len(levels) > 1:  # core.progression: "Too easy" and five Done in a row move up
        steps = [f"{lv.variant} (a harder exercise)" if lv.variant else lv.dosage.describe()
                 for lv in levels]
        lines += _wrapped("Levels: ", " → ".join(steps))
    if ex.breath:
        names = ("in", "hold", "out", "hold")
        lines.append("Pace: " + " · ".join(f"{n} {s} s" for n, s in zip(names, ex.breath,
                                                                     strict=True) if s))
    lines.append(f"Duration: {_seconds_text(ex)}")
    lines += ["", "Cautions:"]
    for caution in ex.cautions:
        tags = f" [{', '.join(caution.tags)}]" if caution.tags else ""
        lines += _wrapped("  - ", caution.text + tags)
    if ex.source != "built-in":
        lines += ["", f"From: {ex.source}"]
    return lines


def _seconds_text(ex: Exercise) -> str:
    minutes, seconds = divmod(int(ex.duration.total_seconds()), 60)
    if minutes and seconds:
        return f"{minutes} min {seconds} s"
    return f"{minutes} min" if minutes else f"{seconds} s"


def _wrapped(prefix: str, text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=prefix,
                         subsequent_indent=" " * len(prefix)) or [prefix.rstrip()]


def _validate(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.exists():  # a folder or a FIFO is read_pack's to name ("it is a named pipe")
        print(printable(f"{path}: no such file"), file=sys.stderr)
        return ExitStatus.BAD_INPUT
    checked = read_pack(path, str(path))
    problems = checked.problems + checked.conflicts
    if problems:
        for problem in problems:
            print(printable(problem), file=sys.stderr)
        return ExitStatus.BAD_INPUT
    count = len(checked.entries)
    print(f"{path}: ok ({count} exercise{'s' if count != 1 else ''})")
    return ExitStatus.OK


def _groups(args: argparse.Namespace) -> int:
    order = (Side.TIGHT, Side.WEAK, Side.CALM)
    rows = [(g.id, g.side.value, g.label)
            for side in order for g in GROUPS.values() if g.side is side]
    print_table(("GROUP", "SIDE", "MEANING"), rows)
    print()
    print_table(("PATTERN", "TIGHT → WEAK", "MEANING"),
                [(p.id, f"{', '.join(p.tight) or '-'} → {', '.join(p.weak) or '-'}", p.label)
                 for p in PATTERNS.values()])
    print()
    print_table(("CAUTION TAG", "FOR"), list(CAUTION_TAGS.items()))
    print()
    print_table(("PROP", "USUAL", "MEANING"),
                [(p.id, "yes" if p.usual else "no", p.label) for p in PROPS.values()])
    return ExitStatus.OK
