"""Config as TOML text: the full effective config (``config show``) and the commented defaults file.

Only writes text; both forms load back to the Config they came from (tests/config/).
"""

from __future__ import annotations

from typing import Any

from traybreak.config.settings import Config, default_config
from traybreak.config.values import dotted, format_clock, format_days
from traybreak.core.conditions import PROPS
from traybreak.core.durations import format_duration
from traybreak.core.model import Rule, Setting, WorkingHours

RULE_HELP: dict[str, str] = {
    "kind": '"stretch", "strengthen" or "relax"; needed when NAME is not a kind',
    "message": "a custom reminder's text, shown instead of an exercise",
    "every": "active time (not wall-clock time) between prompts",
    "at": "or instead: a time of day, 24-hour clock",
    "days": 'only on these days, e.g. "mon,wed,fri"; absent: every day',
    "duration": "how long the break's exercise takes",
    "natural_break": "idle this long counts as this break taken",
    "enabled": "false turns this rule off",
}
SECTION_HELP: dict[str, dict[str, str]] = {
    "activity": {
        "natural_break": "idle at least this long counts as a break taken",
        "sample_every": "how often idle time is read",
    },
    "prompt": {
        "timeout": "an unanswered prompt closes and is logged as ignored",
        "snooze": "how long Snooze puts a prompt off",
        "max_snoozes": "snoozes allowed per prompt",
        "strict": "Skip is unavailable this long after a prompt shows",
        "daily_skips": "skips allowed per day; absent: unlimited",
        "notice": "a heads-up this long before a break; 0s: none",
        "respect_dnd": "a due prompt waits while the desktop's do-not-disturb is on",
        "respect_fullscreen": "a due prompt waits while a full-screen window has focus",
        "max_wait": "a prompt waits for those at most this long, then shows",
        "sound": "a soft chime when a prompt opens and when a hold ends",
        "volume": "the chime's volume, 0 to 100",
    },
    "hours": {
        "days": "working days",
        "start": "no prompts before this time",
        "end": "nor after this one",
    },
    "exercises": {
        "exclude": "exercise ids never to show",
        "favourites": "exercise ids to prefer",
        "settings": 'only exercises done "seated", "standing" or on the "floor"',
        "avoid": 'leave out cards with a caution for these, e.g. ["osteoporosis"]',
        "have": "props at hand; cards needing any other are left out",
    },
}
_SECTION_INTRO: dict[str, str] = {
    "activity": "# How activity is read.",
    "prompt": "# How prompts behave.",
    "hours": "# Optional working hours: no prompts outside them. Absent: no limit.",
    "exercises": "# Which exercises may be picked.",
}
_HEADER = """\
# traybreak config file.
#
# Every value below is a built-in default, so as it stands this file changes nothing.
# Keep only the lines you change; traybreak fills in the rest. Lines starting with "#" are
# comments; remove the "# " in front of an example to use it. Durations always carry a
# unit: "45s", "25m", "1h30m", "1d". Check your edits with: traybreak config check

# Each [breaks.NAME] table is one reminder rule: "every" (active time) or "at" (time of day).
"""
_CUSTOM_RULE = """
# A custom reminder: a name that is not a kind, with a message instead of an exercise.
# [breaks.water]
# message = "Time for a glass of water"
# every = "45m"
# duration = "30s"
"""
_SECTION_EXAMPLES: dict[str, dict[str, Any]] = {"prompt": {"daily_skips": 3}}
_COMMENT_COLUMN = 24


def config_tables(config: Config) -> dict[str, dict[str, Any]]:
    """The config in full as TOML-ready tables (durations and times as their text forms)."""
    prompt = config.prompt
    tables: dict[str, dict[str, Any]] = {
        "breaks": {rule.name: rule_table(rule) for rule in config.rules},
        "activity": {
            "natural_break": format_duration(config.activity.natural_break),
            "sample_every": format_duration(config.activity.sample_every),
        },
        "prompt": {
            "timeout": format_duration(prompt.timeout),
            "snooze": format_duration(prompt.snooze),
            "max_snoozes": prompt.max_snoozes,
            "strict": format_duration(prompt.strict),
            **({} if prompt.daily_skips is None else {"daily_skips": prompt.daily_skips}),
            "notice": format_duration(prompt.notice),
            "respect_dnd": prompt.respect_dnd,
            "respect_fullscreen": prompt.respect_fullscreen,
            "max_wait": format_duration(prompt.max_wait),
            "sound": prompt.sound,
            "volume": prompt.volume,
        },
    }
    if config.hours is not None:
        tables["hours"] = hours_table(config.hours)
    tables["exercises"] = {
        "exclude": list(config.exercises.exclude),
        "favourites": list(config.exercises.favourites),
        "settings": [item.value for item in Setting if item in config.exercises.settings],
        "avoid": list(config.exercises.avoid),
        "have": [prop for prop in PROPS if prop in config.exercises.have],
    }
    return tables


def rule_table(rule: Rule) -> dict[str, Any]:
    """One rule as its [breaks.NAME] table; the kind is left out where the name says it."""
    table: dict[str, Any] = {}
    if rule.kind is not None and rule.kind.value != rule.name:
        table["kind"] = rule.kind.value
    if rule.message is not None:
        table["message"] = rule.message
    if rule.every is not None:
        table["every"] = format_duration(rule.every)
    if rule.at is not None:
        table["at"] = format_clock(rule.at)
    if rule.days is not None:
        table["days"] = format_days(rule.days)
    table["duration"] = format_duration(rule.duration)
    if rule.natural_break is not None:
        table["natural_break"] = format_duration(rule.natural_break)
    table["enabled"] = rule.enabled
    return table


def hours_table(hours: WorkingHours) -> dict[str, Any]:
    """Working hours as the [hours] table."""
    return {"days": format_days(hours.days), "start": format_clock(hours.start),
            "end": format_clock(hours.end)}


def effective_toml(config: Config) -> str:
    """``config`` in full as TOML (for ``config show``); it loads back to an equal Config."""
    head = "# traybreak: the effective config (built-in defaults with your file applied)\n\n"
    import tomli_w  # only when writing TOML: the tray process never needs it at rest

    return head + tomli_w.dumps(config_tables(config))


def defaults_toml() -> str:
    """A commented config file a user can start from (the defaults plus commented examples);
    it loads back to exactly the defaults."""
    tables = config_tables(default_config())
    parts = [_HEADER]
    for number, (name, table) in enumerate(tables["breaks"].items()):
        examples: dict[str, Any] = {}
        if number == 0:  # show the optional rule keys once, on the first rule
            examples = {"days": "mon-fri", "natural_break": "5m"}
        parts.append(("\n" if number else "") + _table_text(
            dotted("breaks", name), table, examples, RULE_HELP if number == 0 else {}))
    parts.append(_CUSTOM_RULE)
    for name, helps in SECTION_HELP.items():
        intro = f"\n{_SECTION_INTRO[name]}\n"
        if name == "hours":  # off by default: the whole table is a commented example
            parts.append(intro + _table_text(name, hours_table(WorkingHours()), {}, helps, "# "))
        else:
            parts.append(intro + _table_text(
                name, tables[name], _SECTION_EXAMPLES.get(name, {}), helps))
    return "".join(parts)


def _table_text(
    header: str, active: dict[str, Any], examples: dict[str, Any], helps: dict[str, str],
    prefix: str = "",
) -> str:
    """A [header] table: its keys, then commented example keys; ``prefix`` "# " comments it all."""
    lines = [f"{prefix}[{header}]"]
    for key, value in active.items():
        lines.append(_key_line(key, value, helps.get(key), prefix))
    for key, value in examples.items():
        if key not in active:
            lines.append(_key_line(key, value, helps.get(key), prefix="# "))
    return "\n".join(lines) + "\n"


def _key_line(key: str, value: Any, help_text: str | None, prefix: str = "") -> str:
    """``key = value`` with its help aligned in one column; arrays stay on one line."""
    line = f"{prefix}{key} = {_inline(value)}"
    return f"{line:<{_COMMENT_COLUMN - 2}}  # {help_text}" if help_text else line


def _inline(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    import tomli_w

    return tomli_w.dumps({"v": value}).strip().removeprefix("v = ")
