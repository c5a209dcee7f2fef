"""Checks one exercise pack (already parsed TOML) and turns its ``[[exercise]]`` tables into cards.

Every problem is collected, never raised; each names the file, the exercise and the field.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from traybreak.catalog.fields import (
    ID_PATTERN,
    OPTIONAL,
    READERS,
    REQUIRED,
    USER_ONLY,
    FieldProblem,
    FieldSink,
    Reported,
    suggest,
)
from traybreak.core.durations import format_duration
from traybreak.core.model import Dosage, Exercise, Kind, Level
from traybreak.core.muscles import GROUPS, PATTERNS, Side
from traybreak.core.printable import printable
from traybreak.core.progression import work

log = logging.getLogger(__name__)

# What a missing required field should look like, shown in the "missing" message.
_EXAMPLES = {
    "id": 'id = "my_stretch" (lowercase letters, digits, _)',
    "name": 'name = "Seated side stretch"',
    "kind": 'kind = "stretch" (or "strengthen", "relax")',
    "setting": 'setting = "seated" (or "standing", "floor")',
    "targets": 'targets = ["hamstrings"] (see `traybreak exercises groups`)',
    "counters": 'counters = "back_of_legs" (see `traybreak exercises groups`)',
    "steps": 'steps = ["...", "...", "..."] (3–6 short steps)',
    "dosage": "dosage = { hold_s = 30, per_side = true } or dosage = { reps = 10 }",
    "duration": 'duration = "1m15s"',
    "cautions": ('cautions = [{ text = "Skip it after recent back surgery.", '
                 'tags = ["recent_surgery"] }, "Stop if it hurts."]'),
    "why": 'why = "One plain line on why this may help."',
}


@dataclass
class PackCheck:
    """What checking one pack found.

    ``entries``: the cards that passed every check and may join the catalog. ``problems``: what is
    wrong with the pack itself (any problem means the pack is broken). ``conflicts``: cards that
    are fine on their own but clash with a built-in id; those cards are left out of ``entries``.
    """

    entries: list[Exercise] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def plausible_seconds(dosage: Dosage, breath: tuple[int, int, int, int] | None) -> tuple[int, int]:
    """The shortest and longest believable time for a dosage, in seconds.

    At least the bare work (holds, or 2 s per rep, or the breath cycles); at most the work plus
    15 s per rep or hold for moving and releasing, 30 s between sets and sides, and 30 s to set up.
    """
    blocks = dosage.sets * (2 if dosage.per_side else 1)
    reps = dosage.reps or 1
    if breath is not None:
        work = sum(breath) * reps * blocks
        return work, work + 30 * blocks
    hold = dosage.hold_s or 0
    low = blocks * reps * (hold or 2)
    high = blocks * reps * (hold + 15) + 30 * blocks
    return low, high


def check_pack(
    data: Mapping[str, Any],
    label: str,
    *,
    source: str,
    pack_dir: Path | None = None,
    builtin_ids: Collection[str] | None = None,
) -> PackCheck:
    """Check parsed TOML ``data`` of a pack called ``label`` and build its cards.

    For a user pack pass ``pack_dir`` (enables ``image`` and ``replaces``) and ``builtin_ids``
    (what ``pose`` may borrow and which ids clash). ``source`` goes into each Exercise.
    """
    result = PackCheck()
    tables = _tables(data, label, result.problems)
    seen: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        card = _Card(label, number, table, pack_dir, builtin_ids)
        exercise = card.build(source)
        if card.ident in seen:
            card.bad("id", f'"{card.ident}" is used twice in this file '
                           f"(also exercise #{seen[card.ident]})")
        elif card.ident:
            seen[card.ident] = number
        # One line each, whatever the file held (a key with a newline, an escape sequence in a
        # value): they go to a terminal (`exercises validate`) and the tray's log.
        result.problems.extend(printable(line, lines=False) for line in card.problems)
        clash = card.conflict()
        if clash:
            result.conflicts.append(printable(f"{card.where}: {clash}", lines=False))
        elif exercise is not None and not card.problems:
            result.entries.append(exercise)
    if builtin_ids is not None:  # the built-in files are checked together (catalog/load.py)
        known = {*builtin_ids, *seen}
        result.problems.extend(unknown_variants(result.entries, known, label))
    return result


def unknown_variants(exercises: Collection[Exercise], known: Collection[str], label: str
                     ) -> list[str]:
    """A problem for each level whose ``variant`` names no exercise in ``known``."""
    return [f'{label}: exercise "{exercise.id}": levels[{number}].variant: no exercise '
            f'"{level.variant}"{suggest(level.variant, known)}; see `traybreak exercises list`'
            for exercise in exercises for number, level in enumerate(exercise.levels, start=1)
            if level.variant is not None and level.variant not in known]


def _tables(data: Mapping[str, Any], label: str, problems: list[str]) -> list[Mapping[str, Any]]:
    """The ``[[exercise]]`` tables, after reporting anything else at the top level."""
    for key in data:
        if key != "exercise":
            hint = suggest(key, ["exercise"]) or " (a pack holds only [[exercise]] tables)"
            problems.append(printable(f'{label}: "{key}": unknown top-level key{hint}',
                                      lines=False))
    tables = data.get("exercise")
    if not tables:
        problems.append(f"{label}: no [[exercise]] tables found")
        return []
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append(f"{label}: exercise: write each card as an [[exercise]] table")
        return []
    return tables


class _Card(FieldSink):
    """Checks one ``[[exercise]]`` table, collecting a problem per bad field."""

    def __init__(self, label: str, number: int, table: Mapping[str, Any],
                 pack_dir: Path | None, builtin_ids: Collection[str] | None) -> None:
        super().__init__(pack_dir, builtin_ids)
        self.table = table
        raw_id = table.get("id")
        self.ident = raw_id if isinstance(raw_id, str) and ID_PATTERN.fullmatch(raw_id) else ""
        self.where = (f'{label}: exercise "{self.ident}"' if self.ident
                      else f"{label}: exercise #{number}")

    def bad(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: {name}: {message}")

    def build(self, source: str) -> Exercise | None:
        """The card as an Exercise, or None when any field has a problem."""
        allowed = REQUIRED + OPTIONAL + (USER_ONLY if self.pack_dir is not None else ())
        for key in self.table:
            if key in USER_ONLY and self.pack_dir is None:
                self.bad(key, "only user packs may set this")
            elif key not in allowed:
                self.bad(key, f"unknown field{suggest(key, allowed)}")
        values: dict[str, Any] = {}
        for name in allowed:
            if name not in self.table:
                if name in REQUIRED:
                    self.bad(name, f"missing; add e.g. {_EXAMPLES[name]}")
                continue
            try:
                values[name] = READERS[name](self, self.table[name])
            except Reported:
                pass  # its sub-fields already said what is wrong
            except FieldProblem as err:
                self.bad(name, str(err))
        self._cross_check(values)
        if self.problems:
            return None
        values.pop("replaces", None)
        exercise = Exercise(source=source, **values)
        if self.table.get("replaces") is True and exercise.pose is None and exercise.image is None:
            exercise = replace(exercise, pose=exercise.id)  # keep the figure of the one it replaces
        return exercise

    def conflict(self) -> str | None:
        """Why this user card cannot sit beside the built-ins (an id clash), or None."""
        ids = self.pose_ids
        if ids is None or not self.ident:
            return None
        replaces = self.table.get("replaces") is True
        if self.ident in ids and not replaces:
            return (f'id: "{self.ident}" is a built-in exercise; choose another id, '
                    "or add replaces = true to use yours instead")
        if replaces and self.ident not in ids:
            return f'replaces: no built-in exercise has id "{self.ident}"{suggest(self.ident, ids)}'
        return None

    def _cross_check(self, values: dict[str, Any]) -> None:
        """Rules between fields, checked only when the fields themselves are fine."""
        if "image" in values and "pose" in values:
            self.bad("image", "set either image or pose, not both")
        if {"kind", "targets", "counters"} <= values.keys():
            problem = _targets_fit(values["kind"], values["targets"], values["counters"])
            if problem:
                self.bad("targets", problem)
        if {"dosage", "duration"} <= values.keys():
            self._duration_fits(values["dosage"], values["duration"], values.get("breath"))
        if {"dosage", "levels"} <= values.keys():
            values["levels"] = self._levels_fit(values["dosage"], values["levels"],
                                                values.get("id"))

    def _levels_fit(self, dosage: Dosage, levels: tuple[Level, ...], ident: str | None
                    ) -> tuple[Level, ...]:
        """The levels with the card's sides and unit; each must ask more than the one before
        (a variant level shows another card, so it is not compared)."""
        filled = tuple(level if level.dosage == Dosage() else replace(
            level, dosage=replace(level.dosage, per_side=dosage.per_side, unit=dosage.unit))
            for level in levels)
        for number, (easier, harder) in enumerate(pairwise(filled), start=2):
            if easier.variant is None and harder.variant is None \
                    and work(harder.dosage) <= work(easier.dosage):
                self.bad(f"levels[{number}]", f"{harder.dosage.describe()} is not more than "
                         f"level {number - 1} ({easier.dosage.describe()}); list levels easiest "
                         "first, each with more reps, sets or a longer hold")
        for number, level in enumerate(filled, start=1):
            if level.variant is not None and level.variant == ident:
                self.bad(f"levels[{number}].variant", "names this card itself; name a harder one")
        return filled

    def _duration_fits(self, dosage: Dosage, duration: timedelta,
                       breath: tuple[int, int, int, int] | None) -> None:
        low, high = plausible_seconds(dosage, breath)
        what = dosage.describe() + (f" at {sum(breath)} s a breath" if breath else "")
        seconds = int(duration.total_seconds())
        if seconds < low:
            self.bad("duration", f"{_text(seconds)} is too short for {what} "
                                 f"(needs at least {_text(low)})")
        elif seconds > high:
            self.bad("duration", f"{_text(seconds)} is too long for {what} "
                                 f"(expected {_text(low)} to {_text(high)})")


def _text(seconds: int) -> str:
    """Seconds in the pack's own duration form, e.g. 75 -> "1m15s"."""
    return f'"{format_duration(timedelta(seconds=seconds))}"'


def _targets_fit(kind: Kind, targets: tuple[str, ...], counters: str) -> str | None:
    """Why the targets do not suit the kind and pattern, or None when they do."""
    pattern = PATTERNS[counters]
    if kind is Kind.RELAX:
        if not any(GROUPS[t].side is Side.CALM for t in targets):
            calm = ", ".join(g.id for g in GROUPS.values() if g.side is Side.CALM)
            return f"a relax exercise needs at least one calming group ({calm})"
        return None
    side = pattern.tight if kind is Kind.STRETCH else pattern.weak
    if not side:
        return f'counters = "{counters}" has no {kind} side; pick a muscle pattern'
    if not set(targets) & set(side):
        words = "tight" if kind is Kind.STRETCH else "weak"
        return (f'a {kind} countering "{counters}" must target one of its {words} groups '
                f"({', '.join(side)})")
    return None
