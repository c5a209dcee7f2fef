"""Reads each field of an ``[[exercise]]`` table: the value for Exercise, or a one-line problem.

A reader raises FieldProblem for its field, or records sub-field problems on the card and raises
Reported (dosage.reps, steps[2], ...). READERS maps each field to its reader: the plain ones are
here (id, the muscle groups and pattern, the duration, the picture, a borrowed pose), the tables'
in field_tables; the limits for pack authors and the shared readers are in field_basics.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from traybreak.catalog.field_basics import (
    ID_PATTERN,
    IMAGE_BYTES,
    IMAGE_MAGIC,
    IMAGE_SUFFIXES,
    MAX_DURATION_S,
    MIN_DURATION_S,
    NAME_CHARS,
    OPTIONAL,
    REQUIRED,
    STEP_CHARS,
    STEPS,
    USER_ONLY,
    WHY_CHARS,
    FieldProblem,
    FieldSink,
    Reported,
    choice,
    one_line,
    suggest,
    text_list,
)
from traybreak.catalog.field_tables import (
    read_breath,
    read_cautions,
    read_dosage,
    read_levels,
    read_requires,
)
from traybreak.core.durations import DurationError, parse_duration
from traybreak.core.model import Kind, Setting
from traybreak.core.muscles import GROUPS, PATTERNS

__all__ = ["ID_PATTERN", "OPTIONAL", "READERS", "REQUIRED", "USER_ONLY", "FieldProblem",
           "FieldSink", "Reported", "suggest"]


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
    "name": lambda card, v: one_line(v, NAME_CHARS),
    "kind": lambda card, v: Kind(choice(v, (k.value for k in Kind), "kind")),
    "setting": lambda card, v: Setting(choice(v, (s.value for s in Setting), "setting")),
    "targets": _read_targets,
    "counters": _read_counters,
    "steps": lambda card, v: text_list(card, "steps", v, STEPS, STEP_CHARS),
    "dosage": read_dosage,
    "duration": _read_duration,
    "cautions": read_cautions,
    "why": lambda card, v: one_line(v, WHY_CHARS),
    "breath": read_breath,
    "pose": _read_pose,
    "requires": read_requires,
    "levels": read_levels,
    "image": _read_image,
    "replaces": _read_replaces,
}
