"""Durations with units at the edges ("45s", "25m", "1h30m", "7d"), timedelta inside; the short
forms status lines show ("12 min"; a clock time "15:30", "tomorrow 09:00", "Fri 09:00"); and wall
times moved by real elapsed time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
# ASCII digits only: \d alone would also accept other scripts' digits ("٣m").
_PART = re.compile(r"(\d+)\s*([dhms])", re.ASCII)
_WHOLE = re.compile(r"(?:\d+\s*[dhms]\s*)+", re.ASCII)
_EXAMPLES = 'a duration such as "45s", "25m" or "1h30m"'
_MAX_DIGITS = 20  # more than timedelta holds in any unit (999999999 days in seconds: 17 digits)


class DurationError(ValueError):
    """A duration string that cannot be read.

    The message reads "what is wrong (expected ...)", so callers can prefix it with the key.
    """


def parse_duration(text: object) -> timedelta:
    """Read a duration such as ``"45s"``, ``"25m"``, ``"1h30m"`` or ``"7d"``.

    Units are d, h, m, s, largest first, each at most once. A bare number is refused because
    "25" could mean seconds or minutes; the error suggests the unit form instead.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise DurationError(f"{type(text).__name__} is not a duration (expected {_EXAMPLES})")
    if isinstance(text, (int, float)):
        raise DurationError(
            f"{text} is a bare number, which is ambiguous (expected {_unit_hint(str(text))})"
        )
    raw = text.strip().lower()
    if not raw:
        raise DurationError(f"the duration is empty (expected {_EXAMPLES})")
    if re.fullmatch(r"\d+(\.\d+)?", raw, re.ASCII):
        raise DurationError(f'"{_shorter(text)}" has no unit (expected {_unit_hint(raw)})')
    if not _WHOLE.fullmatch(raw):
        raise DurationError(f'"{_shorter(text)}" is not a duration (expected {_EXAMPLES})')
    parts = _PART.findall(raw)
    units = [unit for _, unit in parts]
    order = list(_UNITS)
    if len(set(units)) != len(units) or units != sorted(units, key=order.index):
        raise DurationError(
            f'"{_shorter(text)}" repeats a unit or has them out of order '
            '(expected each unit once, largest first, e.g. "1h30m")'
        )
    too_long = DurationError(f'"{_shorter(text)}" is too long (expected at most 999999999d)')
    if any(len(number.lstrip("0")) > _MAX_DIGITS for number, _ in parts):
        raise too_long  # before int(): Python will not read over 4,300 digits (a ValueError)
    try:
        return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))
    except OverflowError:
        raise too_long from None


def _shorter(text: str) -> str:
    """``text`` cut for a one-line message (a hostile duration can be megabytes long)."""
    return text if len(text) <= 40 else text[:37] + "..."


def _unit_hint(number: str) -> str:
    """What a unit-less number should have been written as."""
    if re.fullmatch(r"\d+", number, re.ASCII):
        return f'a unit: "{_shorter(number)}s" or "{_shorter(number)}m"'
    return 'whole numbers with units, e.g. "90s" or "1h30m"'


def format_duration(value: timedelta) -> str:
    """Write a timedelta in the same form parse_duration reads (whole seconds; "0s" for zero)."""
    total = int(value.total_seconds())
    if total < 0:
        raise DurationError("a negative duration has no text form (expected 0s or more)")
    if total == 0:
        return "0s"
    out = []
    for unit, size in _UNITS.items():
        count, total = divmod(total, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


def humanize(value: timedelta) -> str:
    """A short human form for status lines: "12 min", "1 h 5 min", "40 s"."""
    total = round(value.total_seconds())
    if total < 60:
        return f"{max(total, 0)} s"
    minutes, _ = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def clock_label(when: datetime, today: date) -> str:
    """A clock time as the tray's menu and ``traybreak status`` show it: "15:30" when it falls on
    ``today``, "tomorrow 14:30" the next day, "Fri 09:00" on another day within a week either
    side, else with its date, "Thu 3 Dec 15:30" (and the year when it is not ``today``'s: a
    weekday alone a week or more away would name the wrong day).

    ``when`` is read as it stands, its own date and wall time with no zone conversion: give it in
    the zone ``today`` was taken in (local time, for what the user sees).
    """
    day = when.date()
    if day == today + timedelta(days=1):
        return when.strftime("tomorrow %H:%M")  # a pause until 14:30 asked for at 15:03
    if day == today:
        return when.strftime("%H:%M")
    if abs(day - today) < timedelta(days=7):
        return when.strftime("%a %H:%M")
    year = f" {day.year}" if day.year != today.year else ""
    return f"{when:%a} {day.day} {when:%b}{year} {when:%H:%M}"  # %-d is not on every platform


def next_clock_phrase(when: datetime, today: date) -> str:
    """When a clock rule is next due, to follow "next": "at 15:30" today, else the clock_label
    alone ("tomorrow 15:30", "Mon 12:30")."""
    label = clock_label(when, today)
    return f"at {label}" if when.date() == today else label


def shift(moment: datetime, seconds: float) -> datetime:
    """``moment`` moved by real elapsed ``seconds`` (aware datetime arithmetic is wall arithmetic,
    which is off by the DST change when one lies in between)."""
    return (moment.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(moment.tzinfo)
