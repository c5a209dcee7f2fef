"""Durations with units at the edges ("45s", "25m", "1h30m", "7d"), timedelta inside."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)\s*([dhms])")
_WHOLE = re.compile(r"^\s*(?:\d+\s*[dhms]\s*)+$")


class DurationError(ValueError):
    """A duration string that cannot be read; the message says what is expected."""


def parse_duration(text: object) -> timedelta:
    """Read a duration such as ``"45s"``, ``"25m"``, ``"1h30m"`` or ``"7d"``.

    Units are d, h, m, s, largest first, each at most once. A bare number is refused because
    "25" could mean seconds or minutes; the error suggests the unit form instead.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise DurationError(f"expected a duration string like \"25m\", got {type(text).__name__}")
    if isinstance(text, (int, float)):
        raise DurationError(f'a bare number is ambiguous: write "{text}s" or "{text}m"')
    raw = text.strip().lower()
    if not raw:
        raise DurationError('empty duration (expected e.g. "45s", "25m" or "1h30m")')
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        raise DurationError(f'"{text}" has no unit: write "{raw}s" or "{raw}m"')
    if not _WHOLE.match(raw):
        raise DurationError(f'"{text}" is not a duration (expected e.g. "45s", "25m" or "1h30m")')
    parts = _PART.findall(raw)
    units = [unit for _, unit in parts]
    order = list(_UNITS)
    if len(set(units)) != len(units) or units != sorted(units, key=order.index):
        raise DurationError(f'"{text}": give each unit once, largest first (e.g. "1h30m")')
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))


def format_duration(value: timedelta) -> str:
    """Write a timedelta in the same form parse_duration reads (whole seconds; "0s" for zero)."""
    total = int(value.total_seconds())
    if total < 0:
        raise DurationError("negative durations have no text form")
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
    total = int(round(value.total_seconds()))
    if total < 60:
        return f"{max(total, 0)} s"
    minutes, _ = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"
