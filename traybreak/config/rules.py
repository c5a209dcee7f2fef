"""Reminder rules: the built-in ones, and [breaks.NAME] tables read over them.

A table for a built-in rule changes only the fields it names; any other name is a new rule,
which must say when (every or at) and what (a kind or a message).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time, timedelta
from typing import Any

from traybreak.config import values
from traybreak.config.values import Problems, Reader
from traybreak.core.durations import format_duration
from traybreak.core.model import Kind, Rule

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("stretch", Kind.STRETCH, duration=timedelta(seconds=45), every=timedelta(minutes=25)),
    Rule("strengthen", Kind.STRENGTHEN, duration=timedelta(minutes=2), every=timedelta(minutes=55)),
    Rule("relax", Kind.RELAX, duration=timedelta(minutes=5), at=time(15, 30)),
)
# A new rule's duration when it gives none: its kind's default, else a short custom reminder.
KIND_DURATIONS: dict[Kind | None, timedelta] = {
    **{rule.kind: rule.duration for rule in DEFAULT_RULES},
    None: timedelta(seconds=30),
}
# The keys of a [breaks.NAME] table -> reader; the keys are Rule's field names on purpose.
RULE_KEYS: dict[str, Reader] = {
    "every": values.positive_duration,
    "at": values.clock_time,
    "days": values.day_set,
    "duration": values.positive_duration,
    "natural_break": values.positive_duration,
    "kind": values.kind,
    "message": values.message,
    "enabled": values.flag,
}
_RULE_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}", re.ASCII)


def read_rules(raw: object, problems: Problems) -> tuple[Rule, ...]:
    """The default rules with the file's [breaks.NAME] tables applied, then the new ones."""
    rules = {rule.name: rule for rule in DEFAULT_RULES}
    if not isinstance(raw, dict):
        problems.add("breaks", f"{values.describe(raw)} is not a table "
                               "(expected [breaks.NAME] tables such as [breaks.stretch])")
        return DEFAULT_RULES
    for name, table in raw.items():
        rule = _read_rule(name, table, rules.get(name), problems)
        if rule is not None:
            rules[name] = rule
    return tuple(rules.values())


def _read_rule(name: str, table: object, base: Rule | None, problems: Problems) -> Rule | None:
    """One [breaks.NAME] table over its default rule (or a new one); None when unusable."""
    key = values.dotted("breaks", name)
    if not isinstance(table, dict):
        problems.add(key, f"{values.describe(table)} is not a table (expected a [{key}] table)")
        return None
    if not _RULE_NAME.fullmatch(name):
        problems.add(key, 'not a usable rule name (expected up to 40 letters, digits, "-" or "_")')
        return None
    changes = problems.read_table(key, table, RULE_KEYS)
    if "every" in table and "at" in table:
        problems.add(key, 'has both "every" and "at" (expected exactly one: "every" for active '
                          'time, "at" for a time of day)')
        return None
    if base is None:
        base = _new_rule(key, name, table, changes, problems)
    elif "every" in table:  # the schedule is replaced as a whole: every and at exclude each other
        base = replace(base, at=None)
    elif "at" in table:
        base = replace(base, every=None)
    rule = replace(base, **changes)
    if rule.every is not None and rule.every <= rule.duration:
        problems.add(f"{key}.every",
                     f"{format_duration(rule.every)} is not longer than the break's duration "
                     f"{format_duration(rule.duration)} (expected more than the duration)")
    return rule


def _new_rule(
    key: str, name: str, table: dict[str, Any], changes: dict[str, Any], problems: Problems
) -> Rule:
    """A rule that is not one of the defaults: it must say when, and what (kind or message)."""
    if "every" not in table and "at" not in table:
        problems.add(key, 'has neither "every" nor "at" (expected one of them, e.g. '
                          'every = "45m" for active time or at = "12:00" for a time of day)')
    if "kind" not in table and "message" not in table:
        hint = values.did_you_mean(name, [rule.name for rule in DEFAULT_RULES])
        problems.add(key, f'"{name}" is not a kind, and the rule has no kind or message{hint} '
                          '(expected kind = "stretch", "strengthen" or "relax", or message = "…")')
    kind = changes.get("kind")
    kind = kind if isinstance(kind, Kind) else None
    return Rule(name=name, kind=kind, duration=KIND_DURATIONS[kind])
