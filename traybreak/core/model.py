"""Domain vocabulary shared by every layer: kinds, outcomes, rules, exercises and log records.
Plain enums and frozen dataclasses only; all times are explicit values (aware datetimes,
timedeltas), never read from a clock here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum


class Kind(StrEnum):
    """The three parts of the routine: lengthen tight muscles, train weak ones, calm down."""

    STRETCH = "stretch"
    STRENGTHEN = "strengthen"
    RELAX = "relax"


class Setting(StrEnum):
    """Where an exercise can be done; default rules prefer moves doable at a desk."""

    SEATED = "seated"
    STANDING = "standing"
    FLOOR = "floor"


class Outcome(StrEnum):
    """How a due prompt ended. Every due prompt gets exactly one."""

    DONE = "done"
    SKIPPED = "skipped"
    SNOOZED = "snoozed"
    IGNORED = "ignored"
    NATURAL = "natural"
    SUPPRESSED = "suppressed"


class Feedback(StrEnum):
    """What the user may add after Done: how the exercise felt (core.progression acts on it)."""

    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    HURTS = "hurts"


#: What the user can answer a prompt with.
ANSWERS = frozenset({Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED})
#: What a prompt window can report when it ends: an answer, or none (its own timeout).
WINDOW_OUTCOMES = ANSWERS | {Outcome.IGNORED}


class Reason(StrEnum):
    """Why a prompt was not shown or not answered (for natural, suppressed and ignored rows)."""

    IDLE = "idle"
    PAUSED = "paused"
    LOCKED = "locked"
    SUSPENDED = "suspended"
    DND = "dnd"                   # the desktop's do-not-disturb switch is on
    FULLSCREEN = "fullscreen"     # a full-screen window has the focus (presentation, call)
    OFF_HOURS = "off_hours"
    TIMEOUT = "timeout"
    STOPPED = "stopped"
    CRASHED = "crashed"
    SUPERSEDED = "superseded"
    USER = "user"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingHours:
    """Days (0 = Monday) and a daily start/end; prompts only fall inside these."""

    days: frozenset[int] = frozenset(range(5))
    start: time = time(8, 0)
    end: time = time(18, 0)

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` (local wall time) is on a working day between start and end."""
        if moment.weekday() not in self.days:
            return False
        clock = moment.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end  # a shift that runs past midnight


@dataclass(frozen=True)
class Rule:
    """One reminder: an interval of active time (``every``) or a wall-clock time (``at``).

    ``kind`` is None for a custom message reminder (water, eyes, walk), which then has ``message``.
    """

    name: str
    kind: Kind | None
    duration: timedelta
    every: timedelta | None = None
    at: time | None = None
    days: frozenset[int] | None = None
    natural_break: timedelta | None = None
    message: str | None = None
    enabled: bool = True

    @property
    def is_clock(self) -> bool:
        """True for a rule that falls due at a wall-clock time rather than after active time."""
        return self.at is not None

    def natural_break_length(self, default: timedelta) -> timedelta:
        """Idle that counts as this rule's break: its own or ``default``, at least its duration."""
        return max(self.natural_break or default, self.duration)


@dataclass(frozen=True)
class PromptPolicy:
    """How prompts behave: when they give up, how snoozing and skipping are limited."""

    timeout: timedelta = timedelta(minutes=2)
    snooze: timedelta = timedelta(minutes=5)
    max_snoozes: int = 2
    strict: timedelta = timedelta(0)           # Skip is unavailable for this long after showing
    daily_skips: int | None = None             # None: unlimited skips per day
    notice: timedelta = timedelta(seconds=10)  # pre-break notice (0: none)
    respect_dnd: bool = True                   # a due prompt waits while do-not-disturb is on
    respect_fullscreen: bool = True            # ... and while a full-screen window has focus
    max_wait: timedelta = timedelta(minutes=60)  # then it shows anyway (a forgotten switch)
    sound: bool = False                        # a chime when a prompt opens and a hold ends
    volume: int = 70                           # the chime's volume, 0-100 (a desktop slider)

    def holds_for(self, busy: frozenset[Reason]) -> Reason | None:
        """Why a due prompt waits, of the session's ``busy`` states this policy respects
        (do-not-disturb first: it is the user's own switch); None: it may show."""
        if self.respect_dnd and Reason.DND in busy:
            return Reason.DND
        if self.respect_fullscreen and Reason.FULLSCREEN in busy:
            return Reason.FULLSCREEN
        return None


@dataclass(frozen=True)
class ActivityPolicy:
    """How activity is read: the default natural-break length and the idle sampling period."""

    natural_break: timedelta = timedelta(minutes=3)
    sample_every: timedelta = timedelta(seconds=5)


@dataclass(frozen=True)
class Dosage:
    """How much of an exercise: a hold or a number of reps, times sets, maybe per side."""

    hold_s: int | None = None
    reps: int | None = None
    sets: int = 1
    per_side: bool = False
    unit: str = "reps"             # what ``reps`` counts: "reps", or "breaths" for paced breathing

    def describe(self) -> str:
        """E.g. "Hold 30 s · each side · 2 rounds", "10 reps · 2 sets" or "6 breaths"."""
        parts = []
        if self.hold_s:
            parts.append(f"Hold {self.hold_s} s")
        if self.reps:
            parts.append(f"{self.reps} {self.unit}")
        if self.per_side:
            parts.append("each side")
        if self.sets > 1:
            parts.append(f"{self.sets} {'rounds' if self.hold_s else 'sets'}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Caution:
    """One line on who should skip or adapt an exercise, or when to stop. ``tags`` name the
    conditions it is about (core.conditions.CAUTION_TAGS); none for advice that fits everyone,
    such as "Stop if it hurts."."""

    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level:
    """One step of an exercise's progression (core.progression): the dosage asked at that step
    and, optionally, a harder card shown in its place (``variant``, an exercise id)."""

    dosage: Dosage
    variant: str | None = None


@dataclass(frozen=True)
class Exercise:
    """One exercise card. ``counters`` names the imbalance pattern it addresses (core.muscles)."""

    id: str
    name: str
    kind: Kind
    targets: tuple[str, ...]
    counters: str
    setting: Setting
    steps: tuple[str, ...]
    dosage: Dosage
    duration: timedelta
    cautions: tuple[Caution, ...]
    why: str
    source: str = "built-in"       # "built-in" or the path of the user pack it came from
    pose: str | None = None        # key of its figure in the pose library; None: same as id
    image: str | None = None       # a user pack picture (absolute path), shown instead of a pose
    breath: tuple[int, int, int, int] | None = None  # pacer seconds: inhale, hold, exhale, hold out
    requires: tuple[str, ...] = ()  # props it needs (core.conditions.PROPS), e.g. ("step",)
    levels: tuple[Level, ...] = ()  # declared progression; () derives one (core.progression)

    @property
    def caution_texts(self) -> tuple[str, ...]:
        """The cautions as the card shows them."""
        return tuple(caution.text for caution in self.cautions)

    @property
    def caution_tags(self) -> frozenset[str]:
        """Every condition some caution of this card is about."""
        return frozenset(tag for caution in self.cautions for tag in caution.tags)


@dataclass(frozen=True)
class PromptRecord:
    """One prompt occurrence as the log keeps it. ``id`` is None until stored.

    A row is written when a prompt falls due and completed when it ends, so a crash in between
    leaves an open row (no outcome) that the next start closes as ignored/crashed.
    """

    rule: str
    kind: Kind | None
    due_at: datetime
    exercise_id: str | None = None
    shown_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: Outcome | None = None
    reason: Reason | None = None
    snoozes: int = 0
    id: int | None = None
    detail: str | None = None
    feedback: Feedback | None = None  # what the user added after Done
    level: int | None = None          # the progression level shown (None: before levels existed)


@dataclass(frozen=True)
class AppEvent:
    """Something that happened to the app itself: start, stop, pause, resume, reload, error."""

    at: datetime
    event: str
    detail: str = ""
