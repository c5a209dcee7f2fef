"""Loads the exercise catalog: the built-in pack shipped in the package plus the user's packs.

A broken user pack is skipped with a one-line warning; the built-ins always load. Reading only:
loading never writes or creates anything.
"""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import traybreak.exercises
from traybreak import paths, user_files
from traybreak.catalog.validate import PackCheck, check_pack, unknown_variants
from traybreak.core.model import Exercise, Kind, Setting
from traybreak.core.printable import printable
from traybreak.errors import UserError

log = logging.getLogger(__name__)

BUILTIN_FILES = ("stretch.toml", "strengthen.toml", "relax.toml")
BUILTIN = "built-in"


@dataclass
class Catalog:
    """Every usable exercise by id (built-ins first, in pack order) and what went wrong loading."""

    exercises: dict[str, Exercise] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.exercises)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises.values())

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self.exercises

    def get(self, exercise_id: str) -> Exercise | None:
        """The exercise with this id, or None."""
        return self.exercises.get(exercise_id)

    def require(self, exercise_id: str) -> Exercise:
        """The exercise with this id; a UserError naming the closest ids when there is none."""
        found = self.exercises.get(exercise_id)
        if found is not None:
            return found
        close = self.closest(exercise_id)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UserError(f'no exercise "{exercise_id}"{hint} (see `traybreak exercises list`)')

    def closest(self, exercise_id: str, count: int = 3) -> list[str]:
        """Up to ``count`` ids that look like ``exercise_id`` (typos, or a shared word)."""
        ids = list(self.exercises)
        import difflib  # only to suggest a spelling after a mistake

        close = difflib.get_close_matches(exercise_id, ids, n=count, cutoff=0.6)
        words = set(exercise_id.lower().split("_")) - {""}
        for other in ids:
            if len(close) < count and other not in close and words & set(other.split("_")):
                close.append(other)
        return close

    def select(self, kind: Kind | None = None, setting: Setting | None = None) -> list[Exercise]:
        """The exercises of ``kind`` and ``setting`` (None: any), in catalog order."""
        return [ex for ex in self if (kind is None or ex.kind is kind)
                and (setting is None or ex.setting is setting)]


def load_builtin() -> list[Exercise]:
    """The built-in pack, in file order (stretch, strengthen, relax)."""
    return list(_builtin())


@functools.cache
def _builtin() -> tuple[Exercise, ...]:
    """Parsed once per process; a problem here is a packaging bug, so it raises."""
    found: dict[str, Exercise] = {}
    problems: list[str] = []
    # A plain directory in every pip install; importlib.resources would add ~0.6 MB of modules
    # (zipfile among them) to the tray process for nothing.
    folder = Path(traybreak.exercises.__file__).parent
    for name in BUILTIN_FILES:
        data = tomllib.loads((folder / name).read_text(encoding="utf-8"))
        checked = check_pack(data, name, source=BUILTIN)
        problems.extend(checked.problems)
        for exercise in checked.entries:
            if exercise.id in found:
                problems.append(f'{name}: exercise "{exercise.id}": id: also in another file')
            found[exercise.id] = exercise
    problems += unknown_variants(list(found.values()), found, "built-in pack")
    if problems:
        raise RuntimeError("the built-in exercise pack is broken:\n" + "\n".join(problems))
    return tuple(found.values())


def load_catalog(packs_dir: Path | None = None) -> Catalog:
    """Built-ins plus every ``*.toml`` pack in ``packs_dir`` (default: the user's packs dir).

    Never raises for what a user pack holds: a broken one (or a FIFO, a huge file, TOML nested
    500 deep) is left out with a one-line warning in ``warnings``.
    """
    catalog = Catalog({ex.id: ex for ex in _builtin()})
    folder = packs_dir if packs_dir is not None else paths.packs_dir()
    if not folder.is_dir():
        return catalog
    user_ids: set[str] = set()
    for path in sorted(folder.glob("*.toml")):
        checked = read_pack(path, path.name)
        if checked.problems:
            more = len(checked.problems) - 1
            extra = f" (+{more} more)" if more else ""
            catalog.warnings.append(f"user pack skipped: {checked.problems[0]}{extra}; "
                                    f"check it with `traybreak exercises validate {path}`")
            continue
        catalog.warnings.extend(f"{clash}; skipped" for clash in checked.conflicts)
        for exercise in checked.entries:
            if exercise.id in user_ids:
                catalog.warnings.append(f'{path.name}: exercise "{exercise.id}": id: another '
                                        "user pack already has this id; skipped")
                continue
            user_ids.add(exercise.id)
            catalog.exercises[exercise.id] = exercise
    # One line each, safe on a terminal: they quote pack file names, which may hold anything
    catalog.warnings = [printable(line, lines=False) for line in catalog.warnings]
    for line in catalog.warnings:
        log.debug("%s", line)  # callers show or log the warnings; logging here would echo them
    return catalog


def read_pack(path: Path, label: str) -> PackCheck:
    """Read and check one user pack file; problems (including unreadable TOML) are returned,
    one line each. Never raises."""
    try:
        data = user_files.read_toml(path)
    except user_files.InvalidToml as err:
        return _unread(label, f"not valid TOML: {err}")
    except user_files.NotUtf8:
        return _unread(label, "not valid TOML: the file is not UTF-8 text")
    except user_files.UnusableFile as err:  # a FIFO, a huge file, nesting 500 deep
        return _unread(label, str(err))
    except OSError as err:  # gone since the folder was listed
        return _unread(label, f"cannot read the file: {err.strerror or err}")
    builtin_ids = [ex.id for ex in _builtin()]
    return check_pack(data, label, source=str(path.resolve()), pack_dir=path.resolve().parent,
                      builtin_ids=builtin_ids)


def _unread(label: str, problem: str) -> PackCheck:
    # one line even for a file name with a newline or an escape sequence in it
    return PackCheck(problems=[printable(f"{label}: {problem}", lines=False)])


def validate_pack(path: Path, label: str | None = None) -> list[str]:
    """Every problem in the user pack at ``path``, one line each naming file, exercise and field.

    Includes id clashes with the built-ins. An empty list means the whole pack would load.
    ``label`` names the file in the messages (default: the path as given).
    """
    checked = read_pack(path, label if label is not None else str(path))
    return checked.problems + checked.conflicts
