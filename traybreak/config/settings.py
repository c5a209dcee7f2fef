"""The user's settings: defaults live in code, the TOML file holds only what the user changed.

Loading never writes anything. Every problem in a file is collected (not just the first), each as
"FILE: key: what is wrong (expected …)" with a dotted key such as breaks.stretch.every.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from traybreak import user_files
from traybreak.config import values
from traybreak.config.rules import DEFAULT_RULES, KIND_DURATIONS, RULE_KEYS, read_rules
from traybreak.config.values import Reader
from traybreak.core.conditions import USUAL_PROPS
from traybreak.core.durations import format_duration
from traybreak.core.model import (
    ActivityPolicy,
    PromptPolicy,
    Rule,
    Setting,
    WorkingHours,
)
from traybreak.core.printable import printable
from traybreak.errors import ExitStatus, UserError

__all__ = [
    "DEFAULT_RULES", "KIND_DURATIONS", "RULE_KEYS", "SECTION_KEYS", "TABLES", "Config",
    "ConfigError", "ExercisePrefs", "default_config",
    "load_config", "load_or_defaults", "read_data", "read_toml",
]

logger = logging.getLogger(__name__)

# The file's schema: key -> reader. The keys are the dataclass field names on purpose.
SECTION_KEYS: dict[str, dict[str, Reader]] = {
    "activity": {
        "natural_break": values.positive_duration,
        "sample_every": values.positive_duration,
    },
    "prompt": {
        "timeout": values.positive_duration,
        "snooze": values.positive_duration,
        "max_snoozes": values.count,
        "strict": values.duration,
        "daily_skips": values.count,
        "notice": values.duration,
        "respect_dnd": values.flag,
        "respect_fullscreen": values.flag,
        "max_wait": values.positive_duration,
        "sound": values.flag,
        "volume": values.percent,
    },
    "hours": {"days": values.day_set, "start": values.clock_time, "end": values.clock_time},
    "exercises": {
        "exclude": values.name_list,
        "favourites": values.name_list,
        "settings": values.settings,
        "avoid": values.caution_tags,
        "have": values.props,
    },
}
TABLES: tuple[str, ...] = ("breaks", *SECTION_KEYS)


@dataclass(frozen=True)
class ExercisePrefs:
    """Which exercises the rotation may pick: never these, prefer those, only in these settings,
    none with a caution for a condition in ``avoid``, none needing a prop not in ``have``."""

    exclude: tuple[str, ...] = ()
    favourites: tuple[str, ...] = ()
    settings: frozenset[Setting] = frozenset({Setting.SEATED, Setting.STANDING})
    avoid: tuple[str, ...] = ()
    have: frozenset[str] = USUAL_PROPS


@dataclass(frozen=True)
class Config:
    """Everything the user can set. ``hours`` None means no working-hours limit."""

    rules: tuple[Rule, ...] = DEFAULT_RULES
    activity: ActivityPolicy = field(default_factory=ActivityPolicy)
    prompt: PromptPolicy = field(default_factory=PromptPolicy)
    hours: WorkingHours | None = None
    exercises: ExercisePrefs = field(default_factory=ExercisePrefs)

    def rule(self, name: str) -> Rule | None:
        """The rule called ``name``, if there is one."""
        return next((rule for rule in self.rules if rule.name == name), None)


class ConfigError(UserError):
    """A config file with problems; ``problems`` holds every one, formatted for printing."""

    def __init__(self, problems: list[str]) -> None:
        # One line each, even when a file name or a quoted value holds a newline or an escape
        self.problems = [printable(problem, lines=False) for problem in problems]
        more = len(self.problems) - 1
        suffix = f' [and {more} more: run "traybreak config check"]' if more > 0 else ""
        super().__init__(self.problems[0] + suffix, ExitStatus.BAD_INPUT)


def default_config() -> Config:
    """The built-in settings, used for everything the file does not say."""
    return Config()


def read_toml(path: Path) -> dict[str, Any] | None:
    """The file parsed, None when it does not exist; ConfigError (one line) when it cannot be
    used: what ``load_config`` reads, for the settings window's draft."""
    return _read_toml(path)


def read_data(data: dict[str, Any], file: str) -> tuple[Config, values.Problems]:
    """The config that parsed TOML ``data`` gives and every problem in it, by the rules of
    ``load_config`` (all but the exercise-id check). The config skips what is wrong: the
    defaults stand in for bad values. ``file`` names the file in the problems."""
    problems = values.Problems(file)
    return _build(data, problems), problems


def load_config(path: Path, exercise_ids: Collection[str] | None = None) -> Config:
    """The defaults overridden by the file at ``path``; a missing file means the defaults.

    Raises ConfigError listing every problem found. Never writes anything. With
    ``exercise_ids`` (the catalog's, which config may not import), an id in ``[exercises]``
    that is not among them is a problem too.
    """
    data = _read_toml(path)
    if data is None:
        return default_config()
    config, problems = read_data(data, str(path))
    if exercise_ids is not None:
        _check_exercise_ids(config.exercises, exercise_ids, problems)
    if problems.items:
        raise ConfigError(problems.items)
    return config


def load_or_defaults(path: Path) -> tuple[Config, list[str]]:
    """For the tray: the file's config, or the defaults plus the problems when it has any.

    Never raises for a bad file and never touches it.
    """
    try:
        return load_config(path), []
    except ConfigError as err:
        logger.warning("%s has %d problem(s); using the defaults", path, len(err.problems))
        return default_config(), err.problems


def _read_toml(path: Path) -> dict[str, Any] | None:
    """The parsed file, None when it does not exist; ConfigError when it cannot be used: not a
    regular file (a FIFO would block the tray), too big, not UTF-8, invalid or nested too deep
    (user_files.py)."""
    try:
        return user_files.read_toml(path)
    except FileNotFoundError:
        return None
    except user_files.InvalidToml as err:
        raise ConfigError([_syntax_problem(path, str(err))]) from None
    except user_files.UnusableFile as err:
        raise ConfigError([f"{path}: {err}"]) from None


def _syntax_problem(path: Path, message: str) -> str:
    """tomllib's "Reason (at line L, column C)" as "FILE: line L, column C: invalid TOML: …"."""
    where = re.search(r"\s*\(at (line \d+, column \d+|end of document)\)$", message)
    place = "somewhere"
    if where:
        place = "end of file" if where[1] == "end of document" else where[1]
        message = message[: where.start()]
    return (f'{path}: {place}: invalid TOML: {message} '
            '(expected TOML such as: every = "25m", see "traybreak config defaults")')


def _build(data: dict[str, Any], problems: values.Problems) -> Config:
    """The config from parsed TOML, tables read in file order so problems come in file order."""
    rules = DEFAULT_RULES
    changes: dict[str, dict[str, Any]] = {name: {} for name in SECTION_KEYS}
    for name, table in data.items():
        if name == "breaks":
            rules = read_rules(table, problems)
        elif name in SECTION_KEYS:
            changes[name] = problems.read_table(name, table, SECTION_KEYS[name])
        else:
            problems.unknown(values.dotted(name), name, TABLES)
    config = Config(
        rules=rules,
        activity=replace(ActivityPolicy(), **changes["activity"]),
        prompt=replace(PromptPolicy(), **changes["prompt"]),
        hours=replace(WorkingHours(), **changes["hours"]) if "hours" in data else None,
        exercises=replace(ExercisePrefs(), **changes["exercises"]),
    )
    _check_across(config, problems)
    return config


def _check_across(config: Config, problems: values.Problems) -> None:
    """Problems that involve two keys; reported on the key a user would change."""
    activity = config.activity
    if activity.sample_every >= activity.natural_break:
        problems.add("activity.sample_every",
                     f"{format_duration(activity.sample_every)} is not shorter than natural_break "
                     f"{format_duration(activity.natural_break)} (expected a shorter period)")
    if config.hours is not None and config.hours.start == config.hours.end:
        problems.add("hours.end", f"{values.format_clock(config.hours.end)} is the same as start, "
                                  "leaving no working time (expected a different time)")
    both = set(config.exercises.favourites) & set(config.exercises.exclude)
    if both:
        problems.add("exercises.favourites", f"{', '.join(sorted(both))} also in exclude "
                                             "(expected each id in only one of the two lists)")


def _check_exercise_ids(prefs: ExercisePrefs, known: Collection[str],
                        problems: values.Problems) -> None:
    """An id no exercise has, in exclude or favourites, with the closest one as a suggestion."""
    for key, ids in (("exercises.exclude", prefs.exclude),
                     ("exercises.favourites", prefs.favourites)):
        for unknown in (i for i in ids if i not in known):
            problems.add(key, f'unknown exercise "{unknown}"{values.did_you_mean(unknown, known)} '
                              "(expected an id from `traybreak exercises list`)")
