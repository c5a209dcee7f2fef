"""What the break engine asks the app to do (show, close, record, notify) and its status snapshot.

Plain frozen dataclasses: the engine returns them, the app (or a test) carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from traybreak.core.durations import clock_label
from traybreak.core.model import Kind, PromptRecord, Reason, Rule


class EngineState(StrEnum):
    """What the tray shows: counting work, user away, a prompt up, paused, or outside hours."""

    ACTIVE = "active"
    AWAY = "away"
    PROMPTING = "prompting"
    PAUSED = "paused"
    OFF_HOURS = "off_hours"


@dataclass(frozen=True)
class ShowPrompt:
    """Open the prompt window for ``occurrence`` (again, after a snooze: same id, more snoozes).

    ``exercise_id`` is the exercise the app chose at the first show and told the engine (None
    until then): a re-show after a snooze shows that same card, at the same ``level``.
    ``skips_left``: skips left today under ``[prompt] daily_skips`` (None: unlimited).
    """

    occurrence: int
    rule: Rule
    kind: Kind | None
    message: str | None
    due_at: datetime
    snoozes: int
    snooze_allowed: bool
    skips_left: int | None = None
    manual: bool = False          # the user asked for this break (break now)
    exercise_id: str | None = None
    level: int | None = None      # its progression level, noted with the exercise

    @property
    def skip_allowed(self) -> bool:
        """False once today's skips are used up (the window hides Skip; a skip is still taken)."""
        return self.skips_left is None or self.skips_left > 0


@dataclass(frozen=True)
class ClosePrompt:
    """Close the window of ``occurrence``; the engine ended it (timeout, superseded, paused...)."""

    occurrence: int
    reason: str


@dataclass(frozen=True)
class Record:
    """Write ``record`` to the log, keyed by ``occurrence``.

    ``record.outcome`` None means a prompt fell due and is still open (insert the row now, so a
    crash leaves an open row); a later Record with the same occurrence rewrites that row: still
    open (it now names the exercise on screen) or complete. An occurrence seen first with an
    outcome is inserted complete. Each occurrence ends exactly once.
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


# What a rule's prompt is doing, in the words of the tooltip and `traybreak status`.
_PROMPT_WORDS = {"shown": "on screen now", "waiting": "waiting for you to come back",
                 "queued": "next, after the prompt on screen",
                 "held": "held back until the screen is free"}
#: Why prompts wait (Status.busy), in the words of the tooltip and `traybreak status`.
BUSY_WORDS = {Reason.DND: "do not disturb", Reason.FULLSCREEN: "full screen"}


def busy_words(busy: Reason | None) -> str | None:
    """"Waiting: do not disturb" while prompts wait for a busy state; None when they don't."""
    return None if busy is None else f"Waiting: {BUSY_WORDS.get(busy, busy.value)}"


def prompt_words(prompt: str | None, until: datetime | None, today: date) -> str | None:
    """What a rule's prompt (RuleStatus.prompt) is doing: "on screen now", "snoozed until
    15:05"...; None when it has none."""
    if prompt == "snoozed" and until is not None:
        return f"snoozed until {clock_label(until, today)}"
    return _PROMPT_WORDS.get(prompt or "")


@dataclass(frozen=True)
class RuleStatus:
    """One rule in a status snapshot. ``remaining`` is active time left; None for clock rules.

    ``prompt``: its prompt's phase when it has one ("waiting", "shown", "snoozed", "queued",
    "held": held back while the session is busy),
    ``until``: when a snoozed one comes back; ``next_at``: a clock rule's next due time;
    ``counting``: its countdown runs as the user keeps working (Status.at moves it on).
    """

    name: str
    kind: Kind | None
    remaining: timedelta | None
    every: timedelta | None
    prompt: str | None = None
    until: datetime | None = None
    next_at: datetime | None = None
    counting: bool = False


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
    as_of: float | None = None      # the monotonic time of the tick it describes
    busy: Reason | None = None      # prompts wait for this busy state (DND, full screen)

    def at(self, mono: float) -> Status:
        """This status moved on to ``mono``: countdowns that run lose the time since the tick
        (as if the user kept working), so a status asked for between wakes is not frozen."""
        if self.as_of is None or mono <= self.as_of:
            return self
        gone = timedelta(seconds=mono - self.as_of)
        rules = tuple(
            replace(r, remaining=max(r.remaining - gone, timedelta(0)))
            if r.counting and r.remaining is not None else r for r in self.rules)
        return replace(self, rules=rules, as_of=mono)
