"""What the settings window shows, as data: its sections and rows, the words on them, and what
it asks of the draft it edits (config/draft.py's SettingsDraft, passed in: ui never imports
config). Pure: no tkinter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from traybreak.core.conditions import CAUTION_LABELS, CAUTION_TAGS, PROPS

FieldValue = str | bool


class RuleLike(Protocol):
    """A reminder rule as the draft lists it."""

    @property
    def name(self) -> str: ...
    @property
    def builtin(self) -> bool: ...
    @property
    def message(self) -> str | None: ...


class Draft(Protocol):
    """The settings being edited; every field is named by its dotted config key."""

    @property
    def rules(self) -> Sequence[RuleLike]: ...
    def value(self, key: str) -> FieldValue: ...
    def set(self, key: str, value: FieldValue) -> None: ...
    def problems(self) -> dict[str, str]: ...
    def other_problems(self) -> list[tuple[str, str, bool]]: ...
    def blocking(self) -> str | None: ...
    def changed(self) -> bool: ...
    def save(self) -> bool: ...


@dataclass(frozen=True)
class Entry:
    """A text field: ``before`` it on the row, ``key`` in the draft, ``chars`` wide."""

    before: str
    key: str
    chars: int = 6
    after: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a section: a label (or a check box for ``flag``), then its entries, or the
    check boxes of a set field (``set_key``: one box per item of ``choices``, (item, words));
    with ``columns``, the label has a line of its own and the boxes stand below it in that many
    columns (a long list: the conditions, the props)."""

    label: str
    entries: tuple[Entry, ...] = ()
    flag: str | None = None        # a check box on the left, for this key
    hint: str = ""                 # muted words after the entries
    set_key: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    columns: int = 0
    action: str = ""               # a button after the entries: a key of ACTIONS

    @property
    def keys(self) -> tuple[str, ...]:
        """The draft keys this row shows."""
        own = [key for key in (self.flag, self.set_key) if key]
        return (*(entry.key for entry in self.entries), *own)


def set_text(chosen: Sequence[str], choices: Sequence[tuple[str, str]]) -> str:
    """A set field's value from the boxes ticked, in the boxes' order: "seated,floor"."""
    return ",".join(item for item, _ in choices if item in chosen)


def set_items(value: FieldValue) -> set[str]:
    """The items of a set field's value."""
    return {item.strip() for item in str(value).split(",") if item.strip()}


def rule_label(rule: RuleLike) -> str:
    """"Stretch", "Water": the rule's name as a label."""
    return rule.name.replace("_", " ").replace("-", " ").capitalize()


def rule_keys(name: str) -> dict[str, str]:
    """The draft's keys of one rule's fields by their short name."""
    return {part: f"breaks.{name}.{part}"
            for part in ("enabled", "schedule", "every", "at", "days", "duration")}


#: The conditions ``[exercises] avoid`` may name, as check boxes: (caution tag, its label).
CONDITION_CHOICES = tuple((tag, CAUTION_LABELS[tag]) for tag in CAUTION_TAGS)
#: The props ``[exercises] have`` may name, as check boxes: (prop, its label).
PROP_CHOICES = tuple((prop.id, prop.short) for prop in PROPS.values())
CONDITIONS_LABEL = "Leave out exercises not advised with"
CONDITIONS_HINT = "tick what applies to you"
CONDITIONS = Row(CONDITIONS_LABEL, set_key="exercises.avoid", choices=CONDITION_CHOICES,
                 columns=4, hint=CONDITIONS_HINT)

SECTIONS: tuple[tuple[str, tuple[Row, ...]], ...] = (
    ("Working hours", (
        Row("Only prompt during working hours", (
            Entry("on", "hours.days", 9), Entry("from", "hours.start"), Entry("to", "hours.end"),
        ), flag="hours"),
    )),
    ("Breaks you take anyway", (
        Row("Away from the computer this long counts as a break",
            (Entry("", "activity.natural_break"),)),
    )),
    ("Prompts", (
        Row("Close an unanswered prompt this long after its break", (
            Entry("", "prompt.timeout"),)),
        Row("Snooze puts a prompt off for", (
            Entry("", "prompt.snooze"), Entry("at most", "prompt.max_snoozes", 3, "times"),
        )),
        Row("Skips allowed per day", (Entry("", "prompt.daily_skips", 3),),
            hint="empty: no limit"),
        Row("Skip is unavailable for the first", (Entry("", "prompt.strict"),),
            hint="0s: always available"),
    )),
    ("Notice and sound", (
        Row("A heads-up this long before a break", (Entry("", "prompt.notice"),),
            hint="0s: none"),
        Row("A soft chime when a prompt opens and as a hold ends", (
            Entry("at volume", "prompt.volume", 3, "of 100"),), flag="prompt.sound",
            action="play"),
    )),
    ("Exercises", (
        Row("Only exercises done", set_key="exercises.settings",
            choices=(("seated", "seated"), ("standing", "standing"), ("floor", "on the floor"))),
        CONDITIONS,
        Row("What you have at hand", set_key="exercises.have", choices=PROP_CHOICES, columns=4,
            hint="exercises needing anything else are left out"),
    )),
)

#: What each field is called in a message next to it ("Every: ...").
FIELD_NAMES: dict[str, str] = {
    "every": "Every", "at": "At", "days": "Days", "duration": "Lasts",
    "hours.days": "Days", "hours.start": "From", "hours.end": "To",
    "prompt.max_snoozes": "At most", "prompt.volume": "Volume",
}

#: The buttons a row may have, by Row.action: their words. The window shows one only when its
#: caller gave it a way to do it (the chime: a sound player, from platform/, which ui may not
#: import).
ACTIONS: dict[str, str] = {"play": "Play"}
#: The field whose value an action uses, which must be good for the button to work.
ACTION_FIELDS: dict[str, str] = {"play": "prompt.volume"}

TITLE = "traybreak settings"
TAG = "Settings"
HEADING = "How traybreak reminds you"
RULE_HINT = ("every: active time between breaks · at: a time of day · on: days such as "
             "mon-fri, empty for every day")
AUTOSTART = "Start traybreak when I log in"
OTHER_PROBLEMS = ("Your file has problems this window has no field for; traybreak does not "
                  "use the file until you fix them in it:")
BLOCKED = "Fix the value marked in red to save"


def short_path(path: Path, home: Path, longest: int = 40) -> str:
    """The file's path for the footer: ~ for the home folder, and a long one shortened in the
    middle so it stays on one line ("/tmp/…/traybreak/config.toml")."""
    text = f"~/{path.relative_to(home).as_posix()}" if path.is_relative_to(home) else str(path)
    parts = text.split("/")
    for keep in range(min(3, len(parts) - 1), 0, -1):
        if len(text) <= longest:
            break
        text = "/".join([parts[0], "…", *parts[-keep:]])
    return text


def field_name(key: str) -> str:
    """What a field is called in its message: its own name, else the last part of its key."""
    if key in FIELD_NAMES:
        return FIELD_NAMES[key]
    return FIELD_NAMES.get(key.rsplit(".", 1)[-1], "")


def brief(detail: str) -> str:
    """A problem without config check's list of every key it knows, which the window's list of
    problems has no room for: 'unknown key; did you mean "snooze"?'."""
    return re.sub(r" \(expected (one|any) of: [^)]*\)$", "", detail)


def message_for(key: str, detail: str, row_keys: Sequence[str]) -> str:
    """A problem as shown under its row: named by its field when the row has more than one."""
    name = field_name(key)
    return f"{name}: {detail}" if len(row_keys) > 1 and name else detail
