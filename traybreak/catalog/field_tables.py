"""Readers of the ``[[exercise]]`` fields that are tables or lists of them: dosage, levels,
breath, cautions (text, or text with tags), and requires. Each records its sub-fields' problems on
the card (dosage.reps, levels[2].sets, cautions[1].tags) and then raises Reported.
"""

from __future__ import annotations

from typing import Any

from traybreak.catalog.field_basics import (
    BREATH_FIELDS,
    CAUTION_FIELDS,
    CAUTIONS,
    DOSAGE_FIELDS,
    ID_PATTERN,
    LEVEL_FIELDS,
    LEVELS,
    STEP_CHARS,
    UNITS,
    FieldProblem,
    FieldSink,
    Reported,
    int_field,
    known_names,
    one_line,
    sub_table,
)
from traybreak.core.conditions import CAUTION_TAGS, PROPS
from traybreak.core.model import Caution, Dosage, Level

__all__ = ["read_breath", "read_cautions", "read_dosage", "read_levels", "read_requires"]


def read_dosage(card: FieldSink, value: Any) -> Dosage:
    table = sub_table(card, "dosage", value, DOSAGE_FIELDS)
    before = len(card.problems)
    hold = int_field(card, "dosage.hold_s", table["hold_s"], 1, 600) if "hold_s" in table else None
    reps = int_field(card, "dosage.reps", table["reps"], 1, 100) if "reps" in table else None
    sets = int_field(card, "dosage.sets", table.get("sets", 1), 1, 10)
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


def read_levels(card: FieldSink, value: Any) -> tuple[Level, ...]:
    """``levels = [{ reps = 8 }, { reps = 12 }, { reps = 12, sets = 2 }]``, or a level that shows
    a harder card: ``{ variant = "sit_to_stand" }``. Each side and the unit come from ``dosage``
    (validate.py fills them in and checks that each level asks more than the one before)."""
    low, high = LEVELS
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise FieldProblem(f"must be a list of {low}–{high} tables, easiest first, e.g. "
                           "[{ reps = 8 }, { reps = 12 }, { reps = 12, sets = 2 }]")
    before = len(card.problems)
    levels = []
    for number, item in enumerate(value, start=1):
        name = f"levels[{number}]"
        try:
            table = sub_table(card, name, item, LEVEL_FIELDS)
        except FieldProblem as err:
            card.bad(name, str(err))
            continue
        variant = table.get("variant")
        if variant is not None and (not isinstance(variant, str)
                                    or not ID_PATTERN.fullmatch(variant)):
            card.bad(f"{name}.variant", f"{variant!r} is not an exercise id")
        if variant is None and "hold_s" not in table and "reps" not in table:
            card.bad(name, "give hold_s or reps (or both), or variant = an exercise id")
        hold = int_field(card, f"{name}.hold_s", table["hold_s"], 1, 600) \
            if "hold_s" in table else None
        reps = int_field(card, f"{name}.reps", table["reps"], 1, 100) if "reps" in table else None
        sets = int_field(card, f"{name}.sets", table.get("sets", 1), 1, 10) or 1
        levels.append(Level(Dosage(hold_s=hold, reps=reps, sets=sets), variant))
    if len(card.problems) != before:
        raise Reported()
    return tuple(levels)


def read_breath(card: FieldSink, value: Any) -> tuple[int, int, int, int]:
    table = sub_table(card, "breath", value, BREATH_FIELDS)
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
        counts.append(int_field(card, f"breath.{name}", table[name], low, 12) or 0)
    if len(card.problems) != before:
        raise Reported()
    inhale, hold, exhale, hold_out = counts
    return inhale, hold, exhale, hold_out


def read_cautions(card: FieldSink, value: Any) -> tuple[Caution, ...]:
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
        return Caution(one_line(item, STEP_CHARS))
    table = sub_table(card, name, item, CAUTION_FIELDS)
    before = len(card.problems)
    if "text" not in table:
        card.bad(f"{name}.text", 'missing; add e.g. text = "Skip it with a shoulder injury."')
    if "tags" not in table:
        card.bad(f"{name}.tags", 'missing; add e.g. tags = ["shoulder"], or write the caution '
                                 "as plain text when it is for everyone")
    text = tags = None
    try:
        text = one_line(table.get("text"), STEP_CHARS) if "text" in table else None
    except FieldProblem as err:
        card.bad(f"{name}.text", str(err))
    if "tags" in table:
        tags = known_names(card, f"{name}.tags", table["tags"], CAUTION_TAGS, "caution tag",
                            '["osteoporosis"]')
    if len(card.problems) != before or text is None or tags is None:
        raise Reported()
    return Caution(text, tags)


def read_requires(card: FieldSink, value: Any) -> tuple[str, ...]:
    props = known_names(card, "requires", value, PROPS, "prop", '["wall"]')
    if props is None:
        raise Reported()
    return props
