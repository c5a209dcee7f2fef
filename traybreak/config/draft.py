"""The settings window's model: the user's config file as a draft that fields edit, checked by the
rules of ``config check`` after every edit and saved with the user's comments, key order and
everything the window does not show kept as they were.

A field is named by its dotted key ("prompt.snooze", "breaks.stretch.every"), two by what they
stand for: "breaks.NAME.schedule" ("every" or "at": which of the two keys the rule has) and
"hours" (whether the file has an [hours] table). Text fields hold the text typed; flags a bool;
a "set" (exercises.settings, avoid, have) its items joined by commas ("seated,standing"), written
as an array; the same items in another order are no edit.
Only what the user changed is written: a key the file does not have is added only when its
field was edited, so the file keeps holding only what differs from the defaults.

Writing uses tomlkit, imported only here and only by the settings and welcome windows: the tray
never writes the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from traybreak.config import values
from traybreak.config.rules import DEFAULT_RULES
from traybreak.config.settings import Config, ConfigError, read_data, read_toml
from traybreak.core.conditions import PROPS
from traybreak.core.durations import format_duration
from traybreak.core.model import Setting, WorkingHours
from traybreak.errors import ExitStatus, UserError

__all__ = ["FieldKind", "FieldValue", "RuleShown", "SaveRefused", "SettingsDraft"]

FieldKind = Literal["duration", "clock", "days", "count", "flag", "choice", "set"]
FieldValue = str | bool
#: The fields of the sections the window shows: (table, key) -> kind. Rules' come from RULE_FIELDS.
SECTION_FIELDS: dict[tuple[str, str], FieldKind] = {
    ("hours", "days"): "days",
    ("hours", "start"): "clock",
    ("hours", "end"): "clock",
    ("activity", "natural_break"): "duration",
    ("prompt", "timeout"): "duration",
    ("prompt", "snooze"): "duration",
    ("prompt", "max_snoozes"): "count",
    ("prompt", "daily_skips"): "count",
    ("prompt", "strict"): "duration",
    ("prompt", "notice"): "duration",
    ("prompt", "sound"): "flag",
    ("prompt", "volume"): "count",
    ("exercises", "settings"): "set",
    ("exercises", "avoid"): "set",
    ("exercises", "have"): "set",
}
RULE_FIELDS: dict[str, FieldKind] = {
    "enabled": "flag", "every": "duration", "at": "clock", "days": "days", "duration": "duration",
}
#: Fields whose blank text means "absent": every day, no limit.
OPTIONAL = frozenset({"days", "daily_skips"})
_HOURS_KEYS = ("days", "start", "end")
SECTIONS = tuple(dict.fromkeys(table for table, _ in SECTION_FIELDS))
_SCHEDULE = ("every", "at")
_RULE_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}", re.ASCII)
_WHOLE_NUMBER = re.compile(r"[+-]?\d+", re.ASCII)
_BOM = "\ufeff"


class SaveRefused(UserError):
    """The draft cannot be saved as it is; the message says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ExitStatus.BAD_INPUT)


@dataclass(frozen=True)
class RuleShown:
    """A reminder rule as the window lists it: its name, and the message of a custom reminder."""

    name: str
    builtin: bool
    message: str | None = None


class SettingsDraft:
    """One config file being edited. ``load`` it, ``set`` fields, read ``problems`` (each on
    its field) and ``other_problems``, then ``save``. Nothing touches the file before ``save``."""

    def __init__(self, path: Path, text: str | None) -> None:
        self.path = path
        self._text = text                      # as loaded, None: the file did not exist
        body = (text or "").removeprefix(_BOM)
        self._data: dict[str, Any] = tomllib.loads(body)
        config, problems = read_data(self._data, str(path))
        self._check_editable()
        self.rules = self._rules_shown(config)
        self._kinds = self._field_kinds()
        self._loaded = {key: self._shown(key, config) for key in self._kinds}
        self._edits: dict[str, FieldValue] = {}
        #: Problems the file had when loaded, as (key, detail): they do not block a save.
        self._known = set(problems.keyed)
        self._problems = problems.keyed

    @classmethod
    def load(cls, path: Path) -> SettingsDraft:
        """The file at ``path`` (missing: an empty one). ConfigError when it cannot be edited
        here: unreadable, not TOML, or a table the window edits is not a table."""
        read_toml(path)  # the same one-line errors as everywhere for a file that is not TOML
        try:
            text: str | None = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            text = None
        except OSError as err:  # it was readable a moment ago
            raise ConfigError([f"{path}: cannot read it: {err.strerror}"]) from None
        return cls(path, text)

    # -- reading -------------------------------------------------------------------------

    @property
    def keys(self) -> tuple[str, ...]:
        """Every field, in the window's order."""
        return tuple(self._kinds)

    def kind(self, key: str) -> FieldKind:
        """What a field holds: a schedule is a "choice" of "every" or "at", "hours" a flag."""
        return self._kinds[key]

    def value(self, key: str) -> FieldValue:
        """What the field shows now: the user's edit, else the file's value, else the default."""
        return self._edits.get(key, self._loaded[key])

    def changed(self) -> bool:
        """Whether any field differs from the file as loaded."""
        return bool(self._edits)

    def problems(self) -> dict[str, str]:
        """What is wrong, by field, for every field with a problem (the first one each)."""
        found: dict[str, str] = {}
        for key, detail in self._problems:
            field = self._field_for(key)
            if field is not None:
                found.setdefault(field, detail)
        return found

    def other_problems(self) -> list[tuple[str, str, bool]]:
        """Problems on keys the window has no field for, as (key, detail, new): ``new`` when
        an edit caused it (it blocks a save), else the file had it already (it does not)."""
        return [(key, detail, (key, detail) not in self._known)
                for key, detail in self._problems if self._field_for(key) is None]

    def blocking(self) -> str | None:
        """Why Save is refused now ("prompt.snooze: …"), None when it may save."""
        for key, detail in self._problems:
            if self._field_for(key) is not None or (key, detail) not in self._known:
                return f"{key}: {detail}"
        return None

    # -- editing -------------------------------------------------------------------------

    def set(self, key: str, value: FieldValue) -> None:
        """Change a field and check the whole draft again (every problem, by config's rules)."""
        if key not in self._kinds:
            raise KeyError(key)
        if value == self._loaded[key] or (self._kinds[key] == "set"
                                          and _items(value) == _items(self._loaded[key])):
            self._edits.pop(key, None)
        else:
            self._edits[key] = value
        self._problems = self._check(self.render())

    def render(self) -> str:
        """The file as it would be saved: the loaded text with the edits applied."""
        if not self._edits:
            return self._text or ""
        import tomlkit  # only when a draft is edited: the window's open stays quick

        body = (self._text or "").removeprefix(_BOM)
        doc = tomlkit.parse(body)
        for rule in self.rules:  # in the window's order, so new tables come in that order
            self._apply_rule(doc, rule.name)
        self._apply_hours(doc)
        for table, key in SECTION_FIELDS:
            if table != "hours" or self.value("hours") is True:
                self._apply_field(doc, (table, key))
        out = tomlkit.dumps(doc)
        if out.endswith("\n\n"):  # a table added last keeps its blank line to the end
            out = out.rstrip("\n") + "\n"
        if not body.startswith("\n"):  # nor does a table removed first leave one at the top
            out = out.lstrip("\n")
        if "\r\n" in body:  # keep a Windows file's line ends on the lines added too
            out = out.replace("\r\n", "\n").replace("\n", "\r\n")
        return (_BOM if (self._text or "").startswith(_BOM) else "") + out

    def save(self) -> bool:
        """Write the edits, atomically (a temporary file beside it, then a rename); False when
        there was nothing to write (the file is not touched then). SaveRefused while a value is
        bad, or when something else changed the file since it was loaded (nothing is written)."""
        problem = self.blocking()
        if problem is not None:
            raise SaveRefused(f"not saved: {problem}")
        text = self.render()
        if text == (self._text or ""):  # nothing that shows in the file (a greyed field)
            return False
        if _current_text(self.path) != self._text:
            raise SaveRefused(f"not saved: {self.path} was changed by another program since this "
                              "window opened it; close the window and open it again")
        _replace_file(self.path, text.encode("utf-8"))
        return True

    # -- inside ----------------------------------------------------------------------------

    def _check_editable(self) -> None:
        """A table the window writes into must be a table (else saving would need to drop it)."""
        breaks = self._data.get("breaks")
        tables = {name: self._data.get(name) for name in ("breaks", *SECTIONS)}
        if isinstance(breaks, dict):
            tables.update({values.dotted("breaks", rule.name): breaks.get(rule.name)
                           for rule in DEFAULT_RULES})
        for key, table in tables.items():
            if table is not None and not isinstance(table, dict):
                raise ConfigError([f"{self.path}: {key}: {values.describe(table)} is not a table "
                                   f"(expected a [{key}] table); fix it in the file first "
                                   "(traybreak config check)"])

    def _rules_shown(self, config: Config) -> tuple[RuleShown, ...]:
        """The built-in rules, then the file's own that have a usable name and table."""
        shown = [RuleShown(rule.name, True) for rule in DEFAULT_RULES]
        builtin = {rule.name for rule in DEFAULT_RULES}
        for name, table in self._data.get("breaks", {}).items():
            if name not in builtin and _RULE_NAME.fullmatch(name) and isinstance(table, dict):
                message = table.get("message")
                shown.append(RuleShown(name, False, message if isinstance(message, str) else None))
        return tuple(shown)

    def _field_kinds(self) -> dict[str, FieldKind]:
        kinds: dict[str, FieldKind] = {}
        for rule in self.rules:
            for key, kind in RULE_FIELDS.items():
                kinds[_dotted("breaks", rule.name, key)] = kind
                if key == "enabled":
                    kinds[_dotted("breaks", rule.name, "schedule")] = "choice"
        kinds["hours"] = "flag"
        kinds.update({_dotted(*path): kind for path, kind in SECTION_FIELDS.items()})
        return kinds

    def _shown(self, key: str, config: Config) -> FieldValue:
        """What a field shows for the file as loaded."""
        path = tuple(key.split("."))
        if key == "hours":
            return "hours" in self._data
        if path[-1] == "schedule":
            table = self._data.get("breaks", {}).get(path[1], {})
            rule = config.rule(path[1])
            if "every" in table or "at" in table:
                return "every" if "every" in table else "at"
            return "at" if rule is not None and rule.at is not None else "every"
        raw = _lookup(self._data, path)
        if raw is None:
            return _effective(config, path)
        return raw if isinstance(raw, bool) and self._kinds[key] == "flag" else _as_text(raw)

    def _field_for(self, key: str) -> str | None:
        """The field a problem's key belongs to, if the window shows it."""
        return key if key in self._kinds else None

    def _check(self, text: str) -> list[tuple[str, str]]:
        try:
            data = tomllib.loads(text.removeprefix(_BOM))
        except tomllib.TOMLDecodeError as err:  # tomlkit wrote what tomllib refuses: say so
            return [("", f"the file would not be valid TOML ({err}); please report this")]
        return read_data(data, str(self.path))[1].keyed

    def _apply_field(self, doc: Any, path: tuple[str, ...]) -> None:
        key = _dotted(*path)
        if key not in self._edits:
            return
        value = self._edits[key]
        if path[-1] in OPTIONAL and isinstance(value, str) and not value.strip():
            table = _table(doc, path[:-1], create=False)
            if table is not None and path[-1] in table:
                del table[path[-1]]
            return
        _put(_table(doc, path[:-1]), path[-1], _toml_value(self._kinds[key], value))

    def _apply_rule(self, doc: Any, name: str) -> None:
        schedule = _dotted("breaks", name, "schedule")
        mode = str(self.value(schedule))
        touched = schedule in self._edits or _dotted("breaks", name, mode) in self._edits
        for key in RULE_FIELDS:
            if key not in _SCHEDULE:
                self._apply_field(doc, ("breaks", name, key))
        if not touched:
            return
        table = _table(doc, ("breaks", name))
        for other in _SCHEDULE:  # a rule has one of the two: the one chosen
            if other != mode and other in table:
                del table[other]
        key = _dotted("breaks", name, mode)
        _put(table, mode, _toml_value(self._kinds[key], self.value(key)))

    def _apply_hours(self, doc: Any) -> None:
        on = self.value("hours") is True
        if on == self._loaded["hours"]:
            return
        if not on:
            del doc["hours"]
            return
        for key in _HOURS_KEYS:  # turned on: all three, so the file says what the window showed
            full = _dotted("hours", key)
            _put(_table(doc, ("hours",)), key, _toml_value(self._kinds[full], self.value(full)))


def _dotted(*parts: str) -> str:
    return values.dotted(*parts)


def _items(value: FieldValue) -> set[str]:
    """A set field's items, for comparing: "a, b" and "b,a" hold the same."""
    return {item.strip() for item in str(value).split(",") if item.strip()}


def _lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _as_text(raw: object) -> str:
    """A file's value as a field shows it: text as it is, a TOML time as HH:MM, others as they
    look in the file (a bare 25, true)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M" if not raw.second else "%H:%M:%S")
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return ",".join(raw)
    return values.describe(raw)


def _effective(config: Config, path: tuple[str, ...]) -> FieldValue:
    """A field's value where the file says nothing: what the running config uses."""
    prefs = config.exercises
    if path == ("exercises", "settings"):
        return ",".join(item.value for item in Setting if item in prefs.settings)
    if path == ("exercises", "avoid"):
        return ",".join(prefs.avoid)
    if path == ("exercises", "have"):  # in the vocabulary's order, as `config show` lists them
        return ",".join(prop for prop in PROPS if prop in prefs.have)
    if path[0] == "breaks":
        rule = config.rule(path[1])
        return _field_value(getattr(rule, path[2])) if rule is not None else ""
    section = getattr(config, path[0])
    if section is None:  # no [hours]: what turning them on starts from
        section = WorkingHours()
    return _field_value(getattr(section, path[1]))


def _field_value(value: object) -> FieldValue:
    """A running config's value as its field shows it: a flag's box a bool, others as text."""
    return value if isinstance(value, bool) else _format(value)


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    if isinstance(value, dt.time):
        return values.format_clock(value)
    if isinstance(value, frozenset):
        return values.format_days(value)
    return str(value)


def _toml_value(kind: FieldKind, value: FieldValue) -> object:
    """What a field's text is written as: a number for a count that reads as one, else text.
    A bad value is written as typed, so the check finds it and says what is wrong."""
    if isinstance(value, bool):
        return value
    text = value.strip()
    if kind == "count" and _WHOLE_NUMBER.fullmatch(text):
        return int(text)
    if kind == "set":
        return [item.strip() for item in text.split(",") if item.strip()]
    return text


def _table(doc: Any, path: tuple[str, ...], create: bool = True) -> Any:
    """The (tomlkit) table at ``path``, created when missing (a [breaks.NAME] table's parent
    as a super table, so the file gets [breaks.stretch] and no empty [breaks])."""
    import tomlkit

    node = doc
    for depth, part in enumerate(path):
        if part not in node:
            if not create:
                return None
            parent = depth + 1 < len(path)
            new = tomlkit.table(is_super_table=parent)
            if not parent:  # a blank line after it, before whatever table follows
                new.add(tomlkit.nl())
            node[part] = new
        node = node[part]
    return node


def _put(table: Any, key: str, value: object) -> None:
    """Set ``key`` in ``table``: in place when it is there (its comment stays), else after the
    table's last key. Appending would put it below the comments that close the table, which
    belong to what follows (tomlkit keeps them in this table's body)."""
    from tomlkit.items import Table

    if key in table:
        table[key] = value
        return
    if isinstance(table, Table):
        body = table.value.body
        last = max((n for n, (name, _) in enumerate(body) if name is not None), default=-1)
        if last + 1 < len(body):
            # tomlkit has no public insert by position; _insert_at is stable since 0.7
            table.value._insert_at(last + 1, key, value)
            return
    table[key] = value


def _current_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None


def _replace_file(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file in its folder and a rename: a reader (the tray)
    sees the old file or the new one, never half of one. The file keeps its permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(name, mode)
        else:  # mkstemp makes it 0600; a new config file gets what the user's umask gives
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(name, 0o666 & ~umask)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the write's own error is the one to tell
            os.unlink(name)
        raise
