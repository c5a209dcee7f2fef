"""Checks one exercise pack (already parsed TOML) and turns its ``[[exercise]]`` tables into cards.

Every problem is collected, never raised; each names the file, the exercise and the field.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from traybreak.core.durations import DurationError, format_duration, parse_duration
from traybreak.core.model import Dosage, Exercise, Kind, Setting
from traybreak.core.muscles import GROUPS, PATTERNS, Side

log = logging.getLogger(__name__)

REQUIRED = ("id", "name", "kind", "setting", "targets", "counters", "steps", "dosage",
            "duration", "cautions", "why")
OPTIONAL = ("breath", "pose")
USER_ONLY = ("image", "replaces")
DOSAGE_FIELDS = ("hold_s", "reps", "sets", "per_side", "unit")
BREATH_FIELDS = ("inhale", "hold", "exhale", "hold_out")
UNITS = ("reps", "breaths")
IMAGE_SUFFIXES = (".png", ".gif")   # what Tk's PhotoImage shows without extra libraries

STEPS = (3, 6)          # how many steps a card has
STEP_CHARS = 120        # a step is one short instruction
WHY_CHARS = 160
NAME_CHARS = 40
MIN_DURATION_S = 10
MAX_DURATION_S = 15 * 60
_ID = re.compile(r"[a-z][a-z0-9_]{1,39}")

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
    "cautions": 'cautions = ["Skip it after recent back surgery.", "Stop if it hurts."]',
    "why": 'why = "One plain line on why this may help."',
}


class _Bad(Exception):
    """One problem with one field's value; the message says what is wrong."""


@dataclass(frozen=True)
class PackEntry:
    """A card that passed every check, and whether it asks to replace a built-in card."""

    exercise: Exercise
    replaces: bool = False


@dataclass
class PackCheck:
    """What checking one pack found: the good cards and every problem (one line each)."""

    entries: list[PackEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for a close match, else an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


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
    pose_ids: Collection[str] | None = None,
) -> PackCheck:
    """Check parsed TOML ``data`` of a pack called ``label`` and build its cards.

    ``pack_dir`` is set for user packs (which may then use ``image`` and ``replaces``);
    ``pose_ids`` are the figures a user card may borrow with ``pose`` (None: any name).
    """
    result = PackCheck()
    for key in data:
        if key != "exercise":
            hint = suggest(key, ["exercise"]) or " (a pack holds only [[exercise]] tables)"
            result.problems.append(f'{label}: "{key}": unknown top-level key{hint}')
    tables = data.get("exercise")
    if tables is None:
        result.problems.append(f"{label}: no [[exercise]] tables found")
        return result
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        result.problems.append(f"{label}: exercise: write each card as an [[exercise]] table")
        return result
    seen: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        card = _Card(label, number, table, pack_dir, pose_ids)
        entry = card.build(source)
        if card.ident in seen:
            card.bad("id", f'"{card.ident}" is used twice in this file '
                           f"(also exercise #{seen[card.ident]})")
            entry = None
        elif card.ident:
            seen[card.ident] = number
        result.problems.extend(card.problems)
        if entry is not None:
            result.entries.append(entry)
    return result


class _Card:
    """Checks one ``[[exercise]]`` table, collecting a problem per bad field."""

    def __init__(self, label: str, number: int, table: Mapping[str, Any],
                 pack_dir: Path | None, pose_ids: Collection[str] | None) -> None:
        self.table = table
        self.pack_dir = pack_dir
        self.pose_ids = pose_ids
        raw_id = table.get("id")
        self.ident = raw_id if isinstance(raw_id, str) and _ID.fullmatch(raw_id) else ""
        self.where = (f'{label}: exercise "{self.ident}"' if self.ident
                      else f"{label}: exercise #{number}")
        self.problems: list[str] = []

    def bad(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: {name}: {message}")

    def build(self, source: str) -> PackEntry | None:
        """The card as a PackEntry, or None when any field has a problem."""
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
                values[name] = _READERS[name](self, self.table[name])
            except _Reported:
                pass  # its sub-fields already said what is wrong
            except _Bad as err:
                self.bad(name, str(err))
        self._cross_check(values)
        if self.problems:
            return None
        replaces = bool(values.pop("replaces", False))
        if "image" in values:
            values["image"] = str(values["image"])
        return PackEntry(Exercise(source=source, **values), replaces)

    def _cross_check(self, values: Mapping[str, Any]) -> None:
        """Rules between fields, checked only when the fields themselves are fine."""
        if "image" in values and "pose" in values:
            self.bad("image", "set either image or pose, not both")
        if {"kind", "targets", "counters"} <= values.keys():
            problem = _targets_fit(values["kind"], values["targets"], values["counters"])
            if problem:
                self.bad("targets", problem)
        if {"dosage", "duration"} <= values.keys():
            self._duration_fits(values["dosage"], values["duration"].total_seconds(),
                                values.get("breath"))

    def _duration_fits(self, dosage: Dosage, seconds: float,
                       breath: tuple[int, int, int, int] | None) -> None:
        low, high = plausible_seconds(dosage, breath)
        what = dosage.describe() + (f" at {sum(breath)} s a breath" if breath else "")
        if seconds < low:
            self.bad("duration", f"{format_duration_s(seconds)} is too short for {what} "
                                 f"(needs at least {format_duration_s(low)})")
        elif seconds > high:
            span = f"{format_duration_s(low)} to {format_duration_s(high)}"
            self.bad("duration", f"{format_duration_s(seconds)} is too long for {what} "
                                 f"(expected {span})")


def format_duration_s(seconds: float) -> str:
    """Seconds in the pack's own duration form, e.g. 75 -> "1m15s"."""
    return f'"{format_duration(timedelta(seconds=int(seconds)))}"'


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


# --- one reader per field: return the value for Exercise, or raise _Bad --------------------------

def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("must be a non-empty string")
    if "\n" in value.strip():
        raise _Bad("must be one line")
    if len(value) > limit:
        raise _Bad(f"too long ({len(value)} characters; keep it under {limit})")
    return value.strip()


def _text_list(
    card: _Card, name: str, value: Any, count: tuple[int, int], limit: int
) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad("must be a list of strings, e.g. [\"...\", \"...\"]")
    low, high = count
    if not low <= len(value) <= high:
        raise _Bad(f"need {low}–{high} {name}, got {len(value)}")
    out: list[str] = []
    for index, item in enumerate(value):
        try:
            out.append(_text(item, limit))
        except _Bad as err:
            card.bad(f"{name}[{index + 1}]", str(err))
    if len(out) != len(value):
        raise _Reported()
    return tuple(out)


def _choice(value: Any, choices: Iterable[str], what: str) -> str:
    names = list(choices)
    if not isinstance(value, str) or value not in names:
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        raise _Bad(f"{shown} is not a {what}{suggest(str(value), names)}; "
                   f"choose one of {', '.join(names)}")
    return value


def _read_id(card: _Card, value: Any) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _Bad(f"{value!r} is not a valid id: use 2–40 lowercase letters, digits or _, "
                   "starting with a letter")
    return value


def _read_targets(card: _Card, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _Bad('must be a non-empty list of muscle group ids, e.g. ["hamstrings"]')
    for item in value:
        if not isinstance(item, str) or item not in GROUPS:
            raise _Bad(f'"{item}" is not a muscle group{suggest(str(item), GROUPS)} '
                       "(see `traybreak exercises groups`)")
    if len(set(value)) != len(value):
        raise _Bad("lists a group twice")
    return tuple(value)


def _read_counters(card: _Card, value: Any) -> str:
    if not isinstance(value, str) or value not in PATTERNS:
        raise _Bad(f'"{value}" is not a pattern{suggest(str(value), PATTERNS)}; '
                   f"choose one of {', '.join(PATTERNS)}")
    return value


def _read_duration(card: _Card, value: Any) -> Any:
    try:
        span = parse_duration(value)
    except DurationError as err:
        raise _Bad(str(err)) from None
    if not MIN_DURATION_S <= span.total_seconds() <= MAX_DURATION_S:
        raise _Bad(f'"{value}" is out of range: an exercise takes between 10s and 15m')
    return span


def _int_field(card: _Card, name: str, value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        card.bad(name, f"must be a whole number from {low} to {high}, got {value!r}")
        return None
    return value


def _sub_table(card: _Card, name: str, value: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """A nested inline table with only known keys; unknown keys are reported."""
    if not isinstance(value, dict):
        raise _Bad(f"must be a table, e.g. {name} = {{ {fields[0]} = ... }}")
    for key in value:
        if key not in fields:
            card.bad(f"{name}.{key}", f"unknown field{suggest(key, fields)}")
    return dict(value)


def _read_dosage(card: _Card, value: Any) -> Dosage:
    table = _sub_table(card, "dosage", value, DOSAGE_FIELDS)
    before = len(card.problems)
    hold = _int_field(card, "dosage.hold_s", table["hold_s"], 1, 600) if "hold_s" in table else None
    reps = _int_field(card, "dosage.reps", table["reps"], 1, 100) if "reps" in table else None
    sets = _int_field(card, "dosage.sets", table.get("sets", 1), 1, 10)
    per_side = table.get("per_side", False)
    if not isinstance(per_side, bool):
        card.bad("dosage.per_side", f"must be true or false, got {per_side!r}")
    unit = table.get("unit", "reps")
    if unit not in UNITS:
        card.bad("dosage.unit", f"must be one of {', '.join(UNITS)}, got {unit!r}")
    if "hold_s" not in table and "reps" not in table:
        card.bad("dosage", "give hold_s (seconds to hold) or reps (how many), or both")
    if len(card.problems) != before:
        raise _Reported()
    return Dosage(hold_s=hold, reps=reps, sets=sets or 1, per_side=bool(per_side), unit=unit)


def _read_breath(card: _Card, value: Any) -> tuple[int, int, int, int]:
    table = _sub_table(card, "breath", value, BREATH_FIELDS)
    before = len(card.problems)
    counts = []
    for name in BREATH_FIELDS:
        required = name in ("inhale", "exhale")
        if name not in table:
            if required:
                card.bad(f"breath.{name}", "missing (seconds, e.g. 4)")
            counts.append(0)
            continue
        low = 2 if required else 0
        counts.append(_int_field(card, f"breath.{name}", table[name], low, 12) or 0)
    if len(card.problems) != before:
        raise _Reported()
    inhale, hold, exhale, hold_out = counts
    return inhale, hold, exhale, hold_out


def _read_image(card: _Card, value: Any) -> Path:
    assert card.pack_dir is not None  # only readable in user packs
    if not isinstance(value, str) or not value.strip():
        raise _Bad('must be a file name next to the pack, e.g. image = "my_stretch.png"')
    relative = Path(value)
    if relative.is_absolute() or ".." in relative.parts:
        raise _Bad(f'"{value}" must be a path relative to the pack\'s folder')
    if relative.suffix.lower() not in IMAGE_SUFFIXES:
        raise _Bad(f'"{value}" must be a PNG or GIF picture')
    full = (card.pack_dir / relative).resolve()
    if not full.is_file():
        raise _Bad(f'"{value}" not found (looked for {full})')
    return full


def _read_pose(card: _Card, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _Bad("must be the id of a built-in exercise whose figure to reuse")
    if card.pose_ids is not None and value not in card.pose_ids:
        raise _Bad(f'"{value}" is not a built-in exercise{suggest(value, card.pose_ids)}; '
                   "see `traybreak exercises list`")
    return value


def _read_replaces(card: _Card, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, got {value!r}")
    return value


class _Reported(_Bad):
    """The sub-fields' problems are already recorded; nothing more to say about the field."""


_READERS: dict[str, Callable[[_Card, Any], Any]] = {
    "id": _read_id,
    "name": lambda card, v: _text(v, NAME_CHARS),
    "kind": lambda card, v: Kind(_choice(v, (k.value for k in Kind), "kind")),
    "setting": lambda card, v: Setting(_choice(v, (s.value for s in Setting), "setting")),
    "targets": _read_targets,
    "counters": _read_counters,
    "steps": lambda card, v: _text_list(card, "steps", v, STEPS, STEP_CHARS),
    "dosage": _read_dosage,
    "duration": _read_duration,
    "cautions": lambda card, v: _text_list(card, "cautions", v, (1, 6), STEP_CHARS),
    "why": lambda card, v: _text(v, WHY_CHARS),
    "breath": _read_breath,
    "pose": _read_pose,
    "image": _read_image,
    "replaces": _read_replaces,
}
