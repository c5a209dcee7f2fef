"""What every reader of an ``[[exercise]]`` field shares: the limits for pack authors, the two
problems a reader raises (FieldProblem for its field, Reported once it has recorded its sub-fields'
problems on the card), the FieldSink it reports to, and readers of plain values: one-line text, a
list of it, a choice, a whole number, a nested table, a list of known names.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from traybreak.core.printable import control_char

REQUIRED = ("id", "name", "kind", "setting", "targets", "counters", "steps", "dosage",
            "duration", "cautions", "why")
OPTIONAL = ("breath", "pose", "requires", "levels")
USER_ONLY = ("image", "replaces")
DOSAGE_FIELDS = ("hold_s", "reps", "sets", "per_side", "unit")
BREATH_FIELDS = ("inhale", "hold", "exhale", "hold_out")
CAUTION_FIELDS = ("text", "tags")
LEVEL_FIELDS = ("hold_s", "reps", "sets", "variant")
LEVELS = (2, 5)         # how many levels a card that declares them has
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


def one_line(value: Any, limit: int) -> str:
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


def text_list(
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
            out.append(one_line(item, limit))
        except FieldProblem as err:
            card.bad(f"{name}[{index + 1}]", str(err))
    if len(out) != len(value):
        raise Reported()
    return tuple(out)


def choice(value: Any, choices: Iterable[str], what: str) -> str:
    names = list(choices)
    if not isinstance(value, str) or value not in names:
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        raise FieldProblem(f"{shown} is not a {what}{suggest(str(value), names)}; "
                           f"choose one of {', '.join(names)}")
    return value


def int_field(card: FieldSink, name: str, value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        card.bad(name, f"must be a whole number from {low} to {high}, got {value!r}")
        return None
    return value


def sub_table(card: FieldSink, name: str, value: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """A nested inline table with only known keys; unknown keys are reported."""
    if not isinstance(value, dict):
        raise FieldProblem(f"must be a table, e.g. {name} = {{ {fields[0]} = ... }}")
    for key in value:
        if key not in fields:
            card.bad(f"{name}.{key}", f"unknown field{suggest(key, fields)}")
    return dict(value)


def known_names(card: FieldSink, name: str, value: Any, known: Collection[str], what: str,
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
    names = [item for item in value if isinstance(item, str)]  # a list in it is unhashable
    if len(set(names)) != len(names):
        card.bad(name, "lists a name twice")
        return None
    return None if unknown else tuple(value)
