"""What the welcome window (first run) says and offers, as data: its words, and what it asks of
the schedule presets it is handed (config/presets.py's, passed in: ui never imports config).
Pure: no tkinter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class PresetLike(Protocol):
    """A schedule preset: its name, its label, what it means and the fields it sets."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def values(self) -> Mapping[str, str]: ...


TITLE = "Welcome to traybreak"
TAG = "Welcome"
HEADING = "Breaks for a back that sits all day"
WHAT_IT_DOES = (
    "traybreak sits in your system tray and, while you work, reminds you to take short breaks: "
    "a stretch for what sitting tightens, a move for what it weakens, and a few calm minutes in "
    "the afternoon. Each reminder shows one exercise with a countdown, and time away from the "
    "computer counts as a break. Everything stays on this computer.")
HOW_OFTEN = "How often"
CONDITIONS_HINT = "tick what applies to you"
MENU_NOTE = "traybreak is also added to your applications menu."
LATER = "You can change all of this later: Settings… in the tray menu"
START = "Start"
SKIP = "Skip"
