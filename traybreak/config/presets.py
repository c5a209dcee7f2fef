"""The schedule presets the welcome window offers: gentle, standard (the built-in defaults) and
active. Each sets how often the stretch and strengthen reminders come and how long their breaks
last, as the settings draft's fields (config/draft.py) so that a preset is saved like any edit:
only what differs from the file, comments kept. The daily relax break stays as it is.

docs/config.md lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from traybreak.config.rules import DEFAULT_RULES
from traybreak.core.durations import format_duration, humanize, parse_duration

__all__ = ["DEFAULT_PRESET", "PRESETS", "Preset", "preset_of"]

_RULES = ("stretch", "strengthen")


@dataclass(frozen=True)
class Preset:
    """A schedule: ``every`` and ``duration`` of the stretch and strengthen rules."""

    name: str
    label: str
    stretch: tuple[str, str]        # (every, duration)
    strengthen: tuple[str, str]

    @property
    def values(self) -> dict[str, str]:
        """The draft's fields it sets: "breaks.stretch.every" -> "25m", ... (and each rule's
        schedule to "every", since that is the key it gives)."""
        fields = {}
        for rule, (every, duration) in zip(_RULES, (self.stretch, self.strengthen), strict=True):
            fields[f"breaks.{rule}.schedule"] = "every"
            fields[f"breaks.{rule}.every"] = every
            fields[f"breaks.{rule}.duration"] = duration
        return fields

    @property
    def summary(self) -> str:
        """What it means, in a line: "a 45 s stretch every 25 min, a 2 min strengthening
        move every 55 min"."""
        (every, lasts), (every2, lasts2) = (
            tuple(humanize(parse_duration(text)) for text in pair)
            for pair in (self.stretch, self.strengthen))
        return f"a {lasts} stretch every {every}, a {lasts2} strengthening move every {every2}"


def _defaults() -> tuple[tuple[str, str], tuple[str, str]]:
    rules = {rule.name: rule for rule in DEFAULT_RULES}
    every_and_duration = []
    for name in _RULES:
        every = rules[name].every
        assert every is not None  # both built-in rules are "every" rules
        every_and_duration.append((format_duration(every), format_duration(rules[name].duration)))
    return every_and_duration[0], every_and_duration[1]


PRESETS: tuple[Preset, ...] = (
    # Fewer, shorter breaks: for a first week, or days full of meetings.
    Preset("gentle", "Gentle", ("40m", "30s"), ("1h30m", "1m")),
    # The built-in defaults: a micro-break about every half hour, a longer one each hour.
    Preset("standard", "Standard", *_defaults()),
    # More often and longer: for long desk days, or a back that asks for more.
    Preset("active", "Active", ("20m", "1m"), ("40m", "3m")),
)
DEFAULT_PRESET = "standard"
"""What a user who skips the choice gets: the built-in defaults, no file written."""


def preset_of(value: Mapping[str, object]) -> str | None:
    """The preset whose every value ``value`` (a field key -> its value now) holds, if any:
    durations compared by length, so "1h30m" and "90m" are the same."""
    for preset in PRESETS:
        if all(_same(key, value.get(key), wanted) for key, wanted in preset.values.items()):
            return preset.name
    return None


def _same(key: str, have: object, wanted: str) -> bool:
    if key.endswith(".schedule") or not isinstance(have, str):
        return have == wanted
    try:
        return parse_duration(have) == parse_duration(wanted)
    except ValueError:
        return False

