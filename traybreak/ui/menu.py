"""The tray menu as plain data: what it holds in each state, and the command each entry sends.

Pure: no pystray here. ui/tray/icon.py turns this into a native menu; the panel window (used
where the tray backend has no menu, e.g. XEmbed) shows the same entries from its JSON form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from traybreak.core.model import Kind


@dataclass(frozen=True)
class MenuEntry:
    """One menu line. ``command`` is sent to the engine queue; None makes a label or a submenu."""

    label: str
    command: str | None = None
    enabled: bool = True
    checked: bool | None = None            # None: not a checkbox
    children: tuple[MenuEntry, ...] = field(default_factory=tuple)
    default: bool = False                  # the action of a plain click on the icon

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly dict (for the panel window child process)."""
        out: dict[str, Any] = {"label": self.label, "command": self.command,
                               "enabled": self.enabled}
        if self.checked is not None:
            out["checked"] = self.checked
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MenuEntry:
        """The inverse of to_json."""
        return cls(
            label=str(data["label"]), command=data.get("command"),
            enabled=bool(data.get("enabled", True)), checked=data.get("checked"),
            children=tuple(cls.from_json(c) for c in data.get("children", ())),
        )


SEPARATOR = MenuEntry("-", enabled=False)

PAUSE_CHOICES: tuple[tuple[str, str], ...] = (
    ("30 minutes", "pause 30m"),
    ("1 hour", "pause 1h"),
    ("Until tomorrow", "pause tomorrow"),
    ("Until I resume", "pause indefinitely"),
)


@dataclass(frozen=True)
class MenuFacts:
    """What the menu needs to know about the app right now."""

    paused: bool
    paused_label: str = ""                 # e.g. "Paused until 14:30"
    prompt_open: bool = False
    done_today: int = 0
    skipped_today: int = 0
    autostart: bool = False
    waiting: str = ""                      # why prompts wait, e.g. "Waiting: do not disturb"
    problem: str = ""                      # e.g. "Log can't be written: disk full"
    kinds: Sequence[Kind] = (Kind.STRETCH, Kind.STRENGTHEN, Kind.RELAX)


def build_menu(facts: MenuFacts) -> tuple[MenuEntry, ...]:
    """The whole menu, top to bottom."""
    take = tuple(
        MenuEntry(kind.value.capitalize(), f"break-now {kind.value}", enabled=not facts.prompt_open)
        for kind in facts.kinds
    )
    pause = tuple(MenuEntry(label, command) for label, command in PAUSE_CHOICES)
    today = f"Today: {facts.done_today} done · {facts.skipped_today} skipped"
    notes = [note for note in (facts.problem, facts.waiting) if note]  # lines, not commands
    entries = [
        *([*(MenuEntry(note, enabled=False) for note in notes), SEPARATOR] if notes else []),
        MenuEntry("Take a break now", children=take, enabled=not facts.prompt_open),
        MenuEntry("Pause", children=pause),
        MenuEntry(f"Resume ({facts.paused_label})" if facts.paused and facts.paused_label
                  else "Resume", "resume", enabled=facts.paused),
        MenuEntry("Skip next break", "skip-next", enabled=not facts.paused),
        SEPARATOR,
        MenuEntry(today, "open-history"),
        MenuEntry("History", "open-history"),
        MenuEntry("Settings…", "open-settings"),
        # The command sets the state opposite to the box shown, so a click never inverts it.
        MenuEntry("Start at login", "autostart off" if facts.autostart else "autostart on",
                  checked=facts.autostart),
        SEPARATOR,
        MenuEntry("About traybreak", "about"),
        MenuEntry("Quit", "quit"),
    ]
    return tuple(entries)


def find_command(entries: Sequence[MenuEntry], label_path: Sequence[str]) -> str | None:
    """The command behind a label path such as ("Pause", "1 hour") — used by tests and the panel."""
    level: Sequence[MenuEntry] = entries
    for depth, label in enumerate(label_path):
        match = next((e for e in level if e.label == label), None)
        if match is None:
            return None
        if depth == len(label_path) - 1:
            return match.command
        level = match.children
    return None
