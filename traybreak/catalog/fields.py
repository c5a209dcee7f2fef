"""Reads each field of an ``[[exercise]]`` table: the value for Exercise, or a one-line problem.

A reader raises FieldProblem for its field, or records sub-field problems on the card and raises
Reported (dosage.reps, steps[2], ...). Limits for pack authors live here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from traybreak.core.conditions import CAUTION_TAGS, PROPS
from traybreak.core.durations import DurationError, parse_duration
from traybreak.core.model import Caution, Dosage, Kind, Setting
from traybreak.core.muscles import GROUPS, PATTERNS
from traybreak.core.printable import control_char

REQUIRED = ("id", "name", "kind", "setting", "targets", "counters", "steps", "dosage",
            "duration", "cautions", "why")
OPTIONAL = ("breath", "pose", "requires")
USER_ONLY = ("image", "replaces")
DOSAGE_FIELDS = ("hold_s", "reps", "sets", "per_side", "unit")
BREATH_FIELDS = ("inhale", "hold", "exhale", "hold_out")
CAUTION_FIELDS = ("text", "tags")
UNITS = ("reps", "breaths")
IMAGE_SUFFIXES = (".png", ".gif", ".jpg", ".jpeg")   # what the figure code opens with Pillow
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff")
IMAGE_BYTES = 8 * 10**6  # a photo straight from a phone; anything bigger is a mistake

STEPS = (3, 6)          # how many steps a card has
CAUTIONS = (1, 6)
STEP_CHARS = 120        # a step or caution is one short sentence
WHY_CHARS = 160
NAME_CHARS = 40
MIN_DURATION_S = 10
MAX_DURATION_S = 15 * 60
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")


class FieldProblem(Exception):
    """One problem with one field's value; the message says what is wrong."""


class Reported(FieldProblem):
    """The sub-fields' problems are already recorded; nothing more to say about the field."""


class FieldSink:
    """What a reader may consult (the pack's folder, borrowable poses) and report problems to."""

    def __init__(self, pack_dir: Path | None, pose_ids: Collection[str] | None) -> None:
        self.pack_dir = pack_dir
        self.pose_ids = pose_ids
        self.problems: list[str] = []

    def bad(self, name: str, message: str) -> None:
        """Record a problem with field ``name``."""
        self.problems.append(f"{name}: {message}")


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for a close match, else an empty string."""
    import difflib  # only after a mistake; the tray process never needs it otherwise

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldProblem("must be a non-empty string")
    if "\n" in value.strip():
        raise FieldProblem("must be one line")
    if len(value) > limit:
        raise FieldProblem(f"too long ({len(value)} characters; keep it under {limit})")
    # An escape sequence would reach the terminal of `exercises list`; a newline is refused
    # above in its own words, and a tab is harmless.
    bad = control_char(value.strip(), lines=True)
    if bad is not None:
        raise FieldProblem(f"has a control character ({bad}) that cannot be shown; remove it")
    return value.strip()


def _text_list(
    card: FieldSink, name: str, value: Any, count: tuple[int, int], limit: int
) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldProblem("must be a list of strings, e.g. [\"...\", \"...\"]")
    low, high = count
    if not low <= len(value) <= high:
        raise FieldProblem(f"need {low}–{high} {name}, got {len(value)}")
    out: list[str] = []
    for index, item in enumerate(value):
        try:
            out.append(_text(item, limit))
        except FieldProblem as err:
            card.bad(f"{name}[{index + 1}]", str(err))
    if len(out) != len(value):
        raise Reported()
    return tuple(out)


def _choice(value: Any, choices: Iterable[str], what: str) -> str:
    names = list(choices)
    if not isinstance(value, str) or value not in names:
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        raise FieldProblem(f"{shown} is not a {what}{suggest(str(value), names)}; "
                           f"choose one of {', '.join(names)}")
    return value


def _read_id(card: FieldSink, value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise FieldProblem(f"{value!r} is not a valid id: use 2–40 lowercase letters, digits or _, "
                           "starting with a letter")
    return value


def _read_targets(card: FieldSink, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise FieldProblem('must be a non-empty list of muscle group ids, e.g. ["hamstrings"]')
    unknown = [item for item in value if not isinstance(item, str) or item not in GROUPS]
    for item in unknown:
        card.bad("targets", f'"{item}" is not a muscle group{suggest(str(item), GROUPS)}; '
                            "list them with `traybreak exercises groups`")
    if unknown:
        raise Reported()
    if len(set(value)) != len(value):
        raise FieldProblem("lists a group twice")
    return tuple(value)


def _read_counters(card: FieldSink, value: Any) -> str:
    if not isinstance(value, str) or value not in PATTERNS:
        raise FieldProblem(f'"{value}" is not a pattern{suggest(str(value), PATTERNS)}; '
                           f"choose one of {', '.join(PATTERNS)}")
    return value


def _read_duration(card: FieldSink, value: Any) -> timedelta:
    try:
        span = parse_duration(value)
    except DurationError as err:
        raise FieldProblem(str(err)) from None
    if not MIN_DURATION_S <= span.total_seconds() <= MAX_DURATION_S:
        raise FieldProblem(f'"{value}" is out of range: an exercise takes between 10s and 15m')
    return span


def _int_field(card: FieldSink, name: str, value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        card.bad(name, f"must be a whole number from {low} to {high}, got {value!r}")
        return None
    return value


def _sub_table(card: FieldSink, name: str, value: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """A nested inline table with only known keys; unknown keys are reported."""
    if not isinstance(value, dict):
        raise FieldProblem(f"must be a table, e.g. {name} = {{ {fields[0]} = ... }}")
    for key in value:
        if key not in fields:
            card.bad(f"{name}.{key}", f"unknown field{suggest(key, fields)}")
    return dict(value)


def _read_dosage(card: FieldSink, value: Any) -> Dosage:
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
        raise Reported()
    return Dosage(hold_s=hold, reps=reps, sets=sets or 1, per_side=bool(per_side), unit=unit)


def _read_breath(card: FieldSink, value: Any) -> tuple[int, int, int, int]:
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
        raise Reported()
    inhale, hold, exhale, hold_out = counts
    return inhale, hold, exhale, hold_out


def _read_cautions(card: FieldSink, value: Any) -> tuple[Caution, ...]:
    """Each caution is a line of text, or { text = "...", tags = ["osteoporosis", ...] }."""
    if not isinstance(value, list):
        raise FieldProblem('must be a list, e.g. [{ text = "Skip it with a shoulder injury.", '
                           'tags = ["shoulder"] }, "Stop if it hurts."]')
    low, high = CAUTIONS
    if not low <= len(value) <= high:
        raise FieldProblem(f"need {low}–{high} cautions, got {len(value)}")
    before = len(card.problems)
    out: list[Caution] = []
    for index, item in enumerate(value, start=1):
        name = f"cautions[{index}]"
        try:
            out.append(_read_caution(card, name, item))
        except Reported:
            pass
        except FieldProblem as err:
            card.bad(name, str(err))
    if len(card.problems) != before:
        raise Reported()
    return tuple(out)


def _read_caution(card: FieldSink, name: str, item: Any) -> Caution:
    if not isinstance(item, dict):
        return Caution(_text(item, STEP_CHARS))
    table = _sub_table(card, name, item, CAUTION_FIELDS)
    before = len(card.problems)
    if "text" not in table:
        card.bad(f"{name}.text", 'missing; add e.g. text = "Skip it with a shoulder injury."')
    if "tags" not in table:
        card.bad(f"{name}.tags", 'missing; add e.g. tags = ["shoulder"], or write the caution '
                                 "as plain text when it is for everyone")
    text = tags = None
    try:
        text = _text(table.get("text"), STEP_CHARS) if "text" in table else None
    except FieldProblem as err:
        card.bad(f"{name}.text", str(err))
    if "tags" in table:
        tags = _known_names(card, f"{name}.tags", table["tags"], CAUTION_TAGS, "caution tag",
                            '["osteoporosis"]')
    if len(card.problems) != before or text is None or tags is None:
        raise Reported()
    return Caution(text, tags)


def _known_names(card: FieldSink, name: str, value: Any, known: Collection[str], what: str,
                 example: str) -> tuple[str, ...] | None:
    """A non-empty list of names from ``known``; each unknown one is reported with the list of
    known names (None then)."""
    if not isinstance(value, list) or not value:
        card.bad(name, f"must be a non-empty list of {what}s, e.g. {example}")
        return None
    unknown = [item for item in value if not isinstance(item, str) or item not in known]
    for item in unknown:
        card.bad(name, f'"{item}" is not a {what}{suggest(str(item), known)}; '
                       f"use any of {', '.join(known)}")
    names = [item for item in value if isinstance(item, str)]  # an array may hold a table
    if len(set(names)) != len(names):
        card.bad(name, "lists a name twice")
        return None
    return None if unknown else tuple(value)


def _read_requires(card: FieldSink, value: Any) -> tuple[str, ...]:
    props = _known_names(card, "requires", value, PROPS, "prop", '["wall"]')
    if props is None:
        raise Reported()
    return props


def _read_image(card: FieldSink, value: Any) -> str:
    assert card.pack_dir is not None  # only readable in user packs
    if not isinstance(value, str) or not value.strip():
        raise FieldProblem('must be a file name next to the pack, e.g. image = "my_stretch.png"')
    if "\0" in value:  # no file has such a name; the path functions would raise ValueError
        raise FieldProblem(f"{value!r} has a NUL character; give the picture's file name")
    relative = Path(value)
    if relative.is_absolute() or ".." in relative.parts:
        raise FieldProblem(f'"{value}" must be a path relative to the pack\'s folder')
    if relative.suffix.lower() not in IMAGE_SUFFIXES:
        raise FieldProblem(f'"{value}" must be a PNG, GIF or JPEG picture')
    folder = card.pack_dir.resolve()
    try:
        full = (folder / relative).resolve()
    except (OSError, RuntimeError) as err:  # a loop of links
        raise FieldProblem(f'"{value}" cannot be followed: {err}') from None
    if not full.is_relative_to(folder):  # a link leading out: the docs promise it stays inside
        raise FieldProblem(f'"{value}" leads outside the pack\'s folder (to {full}); put the '
                           "picture itself in the folder, not a link to it")
    if not full.is_file():
        raise FieldProblem(f'"{value}" not found (looked for {full})')
    try:
        size = full.stat().st_size
        with full.open("rb") as picture:
            head = picture.read(8)
    except OSError as err:
        raise FieldProblem(f'"{value}" cannot be read: {err.strerror or err}') from None
    if size > IMAGE_BYTES:
        raise FieldProblem(f'"{value}" is {size / 1e6:.0f} MB; keep pictures under '
                           f"{IMAGE_BYTES // 10**6} MB (a prompt shows them at most 340 px wide)")
    if not head.startswith(IMAGE_MAGIC):
        raise FieldProblem(f'"{value}" is not really a PNG, GIF or JPEG picture (check its format)')
    return str(full)


def _read_pose(card: FieldSink, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise FieldProblem("must be the id of a built-in exercise whose figure to reuse")
    if card.pose_ids is not None and value not in card.pose_ids:
        raise FieldProblem(f'"{value}" is not a built-in exercise{suggest(value, card.pose_ids)}; '
                   "see `traybreak exercises list`")
    return value


def _read_replaces(card: FieldSink, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldProblem(f"must be true or false, got {value!r}")
    return value


READERS: dict[str, Callable[[FieldSink, Any], Any]] = {
    "id": _read_id,
    "name": lambda card, v: _text(v, NAME_CHARS),
    "kind": lambda card, v: Kind(_choice(v, (k.value for k in Kind), "kind")),
    "setting": lambda card, v: Setting(_choice(v, (s.value for s in Setting), "setting")),
    "targets": _read_targets,
    "counters": _read_counters,
    "steps": lambda card, v: _text_list(card, "steps", v, STEPS, STEP_CHARS),
    "dosage": _read_dosage,
    "duration": _read_duration,
    "cautions": _read_cautions,
    "why": lambda card, v: _text(v, WHY_CHARS),
    "breath": _read_breath,
    "pose": _read_pose,
    "requires": _read_requires,
    "image": _read_image,
    "replaces": _read_replaces,
}
