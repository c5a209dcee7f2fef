"""What the break engine asks the app to do (show, close, record, notify) and its status snapshot.

Plain frozen dataclasses: the engine returns them, the app (or a test) carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from traybreak.core.model import Kind, PromptRecord, Rule


class EngineState(StrEnum):
    """What the tray shows: counting work, user away, a prompt up, paused, or outside hours."""

    ACTIVE = "active"
    AWAY = "away"
    PROMPTING = "prompting"
    PAUSED = "paused"
    OFF_HOURS = "off_hours"


@dataclass(frozen=True)
class ShowPrompt:
    """Open the prompt window for ``occurrence`` (again, after a snooze: same id, more snoozes)."""

    occurrence: int
    rule: Rule
    kind: Kind | None
    message: str | None
    due_at: datetime
    snoozes: int
    snooze_allowed: bool
    skip_allowed: bool = True
    manual: bool = False          # the user asked for this break (break now)


@dataclass(frozen=True)
class ClosePrompt:
    """Close the window of ``occurrence``; the engine ended it (timeout, superseded, paused...)."""

    occurrence: int
    reason: str


@dataclass(frozen=True)
class Record:
    """Write ``record`` to the log, keyed by ``occurrence``.

    ``record.outcome`` None means a prompt fell due and is still open (insert the row now, so a
    crash leaves an open row); a later Record with the same occurrence completes that row. An
    occurrence seen first with an outcome is inserted complete. Each occurrence ends exactly once.
    """

    occurrence: int
    record: PromptRecord


@dataclass(frozen=True)
class Notice:
    """A break is near: ``rule`` falls due in ``remaining`` of active time (tray notification)."""

    rule: str
    kind: Kind | None
    remaining: timedelta


@dataclass(frozen=True)
class StateChanged:
    """The engine's state changed (tray icon and tooltip)."""

    state: EngineState


Action = ShowPrompt | ClosePrompt | Record | Notice | StateChanged


@dataclass(frozen=True)
class RuleStatus:
    """One rule in a status snapshot. ``remaining`` is active time left; None for clock rules."""

    name: str
    kind: Kind | None
    remaining: timedelta | None
    every: timedelta | None


@dataclass(frozen=True)
class Status:
    """A snapshot for the tray tooltip and ``traybreak status``."""

    state: EngineState
    paused: bool
    paused_until: datetime | None
    skip_next: bool
    prompt: str | None              # rule of the prompt on screen or pending, if any
    rules: tuple[RuleStatus, ...]
    idle: timedelta | None          # latest idle sample; None = unknown
