"""Single config values: read a raw TOML value into its typed form, or write it back as text.

Readers return the typed value or raise Invalid reading "what is wrong (expected …)"; Problems adds
the file and the dotted key. The writers produce exactly what the readers accept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from traybreak.core.conditions import CAUTION_TAGS, PROPS
from traybreak.core.durations import DurationError, parse_duration
from traybreak.core.model import WEEKDAYS, Kind, Setting
from traybreak.core.printable import control_char

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS_EXAMPLE = 'days such as "mon-fri", "mon,wed,fri" or "sat-sun"'
_DURATION_EXAMPLE = 'a duration such as "45s", "25m" or "1h30m"'
#: A reminder's message is a sentence or two; a page of text would not fit a prompt window.
MESSAGE_CHARS = 500

Reader = Callable[[object], object]


class Invalid(ValueError):
    """A value that cannot be used; ``str()`` reads "what is wrong (expected …)"."""

    def __init__(self, what: str, expected: str | None = None) -> None:
        super().__init__(what if expected is None else f"{what} (expected {expected})")


class Problems:
    """Collects the problems of one file, each as "FILE: key: what is wrong (expected …)";
    ``keyed`` holds the same as (dotted key, what is wrong), for showing each by its field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[str] = []
        self.keyed: list[tuple[str, str]] = []

    def add(self, key: str, detail: str) -> None:
        self.items.append(f"{self.file}: {key}: {detail}")
        self.keyed.append((key, detail))

    def unknown(self, key: str, name: str, known: Iterable[str]) -> None:
        names = list(known)
        self.add(key, f"unknown key{did_you_mean(name, names)} "
                      f"(expected one of: {', '.join(names)})")

    def read_table(self, key: str, table: object, keys: Mapping[str, Reader]) -> dict[str, Any]:
        """The valid values of one table by field name; each bad or unknown key is a problem.

        ``key`` is the table's dotted key, already quoted where needed.
        """
        if not isinstance(table, dict):
            self.add(key, f"{describe(table)} is not a table (expected a [{key}] table)")
            return {}
        changes: dict[str, Any] = {}
        for name, value in table.items():
            reader = keys.get(name)
            if reader is None:
                self.unknown(f"{key}.{dotted(name)}", name, keys)
                continue
            try:
                changes[name] = reader(value)
            except Invalid as err:
                self.add(f"{key}.{dotted(name)}", str(err))
        return changes


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean "x"?' for the closest choice, or "" when nothing is close."""
    import difflib  # only after a mistake; the tray process never needs it otherwise

    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def dotted(*parts: str) -> str:
    """A TOML dotted key, quoting the parts that are not bare keys: breaks."my rule".every."""
    return ".".join(part if _BARE_KEY.fullmatch(part) else json.dumps(part) for part in parts)


def describe(value: object) -> str:
    """A value as it looks in the file ("25", "true", an array) for use in messages."""
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...", ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    kinds = {list: "an array", dict: "a table", dt.datetime: "a date-time", dt.date: "a date",
             dt.time: "a time"}
    return next((name for cls, name in kinds.items() if isinstance(value, cls)), "a value")


def duration(value: object) -> timedelta:
    """A duration string with units; "0s" allowed."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid(f"{describe(value)} is not a duration", _DURATION_EXAMPLE)
    try:
        return parse_duration(value)
    except DurationError as err:
        raise Invalid(str(err)) from None


def positive_duration(value: object) -> timedelta:
    """A duration string with units, longer than zero."""
    result = duration(value)
    if result <= timedelta(0):
        raise Invalid(f"{describe(value)} is zero", "more than 0s, e.g. \"30s\"")
    return result


def clock_time(value: object) -> dt.time:
    """A 24-hour time of day, "HH:MM" (a TOML local time such as 15:30:00 is accepted too)."""
    if isinstance(value, dt.time) and value.tzinfo is None and not value.second | value.microsecond:
        return value
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.time(int(match[1]), int(match[2]))
    raise Invalid(f"{describe(value)} is not a time of day", 'a 24-hour time such as "15:30"')


def format_clock(value: dt.time) -> str:
    """"HH:MM", as clock_time reads it."""
    return value.strftime("%H:%M")


def day_set(value: object) -> frozenset[int]:
    """Weekdays (0 = Monday) from "mon-fri", "mon,wed,fri", "sat-sun" or "fri-mon" (wraps)."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{describe(value)} is not a set of days", _DAYS_EXAMPLE)
    days: set[int] = set()
    for part in value.lower().split(","):
        ends = [_weekday(end.strip(), value) for end in part.split("-")]
        if len(ends) > 2:
            what = f'"{part.strip()}" in {describe(value)} is not a day range'
            raise Invalid(what, _DAYS_EXAMPLE)
        first, last = ends[0], ends[-1]
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)


def _weekday(name: str, whole: str) -> int:
    for names in (WEEKDAYS, _FULL_DAY_NAMES):
        if name in names:
            return names.index(name)
    what = f'"{name}" in {describe(whole)} is not a day' if name else f"{describe(whole)} has a gap"
    raise Invalid(f"{what}{did_you_mean(name, WEEKDAYS)}", _DAYS_EXAMPLE)


def format_days(days: frozenset[int]) -> str:
    """The shortest text day_set reads back as ``days``: runs become ranges ("mon-fri,sun")."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        WEEKDAYS[run[0]] if len(run) == 1 else f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}"
        for run in runs
    )


def count(value: object) -> int:
    """A whole number, zero or more."""
    if isinstance(value, str) and value.strip().isdigit():
        raise Invalid(f"{describe(value)} is a string", f"a number without quotes: {value.strip()}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{describe(value)} is not a whole number", "a whole number such as 2")
    if value < 0:
        raise Invalid(f"{value} is negative", "0 or more")
    return value


def percent(value: object) -> int:
    """A whole number from 0 to 100."""
    number = count(value)
    if number > 100:
        raise Invalid(f"{number} is more than 100", "a whole number from 0 to 100")
    return number


def flag(value: object) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise Invalid(f"{describe(value)} is not true or false", "true or false, without quotes")
    return value


def text(value: object) -> str:
    """Some text that is not blank."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{describe(value)} is not a text", 'words in quotes, e.g. "Drink water"')
    return value.strip()


def message(value: object) -> str:
    """A reminder's words, as a prompt window shows them: not blank, at most MESSAGE_CHARS
    long, and only characters a window can show (lines and tabs allowed). A NUL would fail every
    prompt of the rule, an escape sequence would reach a terminal."""
    words = text(value)
    if len(words) > MESSAGE_CHARS:
        raise Invalid(f"{len(words):,} characters is too long for a prompt",
                      f"at most {MESSAGE_CHARS} characters: a sentence or two")
    bad = control_char(words, lines=True)
    if bad is not None:
        raise Invalid(f"has a control character ({bad}) that a window cannot show",
                      "plain text: remove it")
    return words


def kind(value: object) -> Kind:
    """One of the exercise kinds."""
    choices = [member.value for member in Kind]
    if isinstance(value, str) and value.strip().lower() in choices:
        return Kind(value.strip().lower())
    hint = did_you_mean(value, choices) if isinstance(value, str) else ""
    raise Invalid(f"{describe(value)} is not a kind{hint}", _one_of(choices))


def name_list(value: object) -> tuple[str, ...]:
    """An array of names (exercise ids) without spaces; repeats are dropped."""
    if not isinstance(value, list):
        raise Invalid(f"{describe(value)} is not an array", 'an array of ids, e.g. ["neck-roll"]')
    for item in value:
        if not isinstance(item, str) or not item or any(char.isspace() for char in item):
            raise Invalid(f"{describe(item)} is not an exercise id", "ids without spaces")
    return tuple(dict.fromkeys(value))


def settings(value: object) -> frozenset[Setting]:
    """A non-empty array of settings ("seated", "standing", "floor")."""
    choices = [member.value for member in Setting]
    if not isinstance(value, list) or not value:
        raise Invalid(f"{describe(value)} is not a list of settings",
                      f"a non-empty array of {_one_of(choices)}")
    for item in value:
        if item not in choices:
            hint = did_you_mean(item, choices) if isinstance(item, str) else ""
            raise Invalid(f"{describe(item)} is not a setting{hint}", _one_of(choices))
    return frozenset(Setting(item) for item in value)


def caution_tags(value: object) -> tuple[str, ...]:
    """An array of caution tags ("osteoporosis", "wrist", ...); repeats are dropped."""
    return _known_names(value, CAUTION_TAGS, "caution tag", '["osteoporosis", "wrist"]')


def props(value: object) -> frozenset[str]:
    """An array of props at hand ("wall", "doorway", ...); may be empty."""
    return frozenset(_known_names(value, PROPS, "prop", '["wall", "doorway"]'))


def _known_names(value: object, known: Iterable[str], what: str, example: str) -> tuple[str, ...]:
    """An array of names out of ``known``; every unknown one is named in one problem, together
    with the whole list of known names."""
    names = list(known)
    if not isinstance(value, list):
        raise Invalid(f"{describe(value)} is not an array", f"an array of {what}s, e.g. {example}")
    unknown = [item for item in value if item not in names]
    if len(unknown) == 1:
        item = unknown[0]
        hint = did_you_mean(item, names) if isinstance(item, str) else ""
        raise Invalid(f"{describe(item)} is not a {what}{hint}", f"any of: {', '.join(names)}")
    if unknown:
        shown = ", ".join(describe(item) + _close(item, names) for item in unknown)
        raise Invalid(f"not {what}s: {shown}", f"any of: {', '.join(names)}")
    return tuple(dict.fromkeys(value))


def _close(item: object, names: list[str]) -> str:
    """' (did you mean "x"?)' for a close name, else ""."""
    hint = did_you_mean(item, names) if isinstance(item, str) else ""
    return f" ({hint.removeprefix('; ')})" if hint else ""


def _one_of(choices: list[str]) -> str:
    quoted = [f'"{choice}"' for choice in choices]
    return f"{', '.join(quoted[:-1])} or {quoted[-1]}"

