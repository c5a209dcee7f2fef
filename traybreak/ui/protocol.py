"""What a child window and the tray say to each other: the request a window is started with (its
arguments after ``traybreak prompt`` / ``panel`` / ``settings``) and the one JSON line it prints on
stdout when it ends. Both sides import this module, so the format is written once.

Pure: no tkinter, no subprocess (app/child_windows.py starts the processes).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from traybreak.core.durations import format_duration
from traybreak.core.model import WINDOW_OUTCOMES, Feedback, Outcome, Reason
from traybreak.ui.menu import MenuEntry

log = logging.getLogger(__name__)


def last_json_object(text: str, who: str) -> dict[str, Any]:
    """The JSON object on the last non-empty line of a window's stdout.

    Raises ValueError naming ``who`` and what is wrong.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{who} printed nothing")
    try:
        body = json.loads(lines[-1])
    except json.JSONDecodeError as err:
        raise ValueError(f"{who} printed something that is not JSON: {lines[-1][:80]!r}") \
            from err
    if not isinstance(body, dict):
        raise ValueError(f"{who} printed JSON that is not an object")
    return body


# -- the prompt window ----------------------------------------------------------------------

#: How long the prompts the tray shows keep "Too easy / Too hard / This hurts" up after Done
#: (never past the time the prompt would have closed by itself; ui/prompt/window.py).
FEEDBACK_WAIT = timedelta(seconds=8)


@dataclass(frozen=True)
class PromptRequest:
    """Everything a prompt window needs to know; round-trips through ``argv()`` and the CLI.

    ``exercise_id`` None means a message-only reminder (``message``/``title``). ``duration``
    overrides the countdown length (None: the exercise's own duration). ``skips_left`` None
    means unlimited. ``snoozed`` is how often this occurrence was snoozed already (for the
    "Snoozed twice already" reason); with ``snoozes_left`` 0 too, the window has no Snooze.
    ``sound_volume``: the chime's volume (0–100) when it opens and at each hold's end; None:
    silent.
    ``level`` of ``levels``: the exercise's progression level (core.progression; None: its
    first, for a card shown by hand). ``feedback``: how long the window offers "Too easy / Too
    hard / This hurts" after Done (0: it closes at Done, as `traybreak prompt` does without --log).
    """

    exercise_id: str | None = None
    message: str | None = None
    title: str | None = None
    timeout: timedelta = timedelta(minutes=2)
    snooze: timedelta = timedelta(minutes=5)
    snoozes_left: int = 2
    snoozed: int = 0
    skips_left: int | None = None
    strict: timedelta = timedelta(0)
    guard_ms: int = 1500
    duration: timedelta | None = None
    mirror: bool = False
    occurrence: int | None = None
    sound_volume: int | None = None
    level: int | None = None
    levels: int | None = None
    feedback: timedelta = timedelta(0)

    def argv(self) -> list[str]:
        """Arguments after ``traybreak prompt`` that reproduce this request."""
        args: list[str] = [self.exercise_id] if self.exercise_id else []
        # "--opt=value": a message starting with "-" must not read as an option
        if self.message is not None:
            args.append(f"--message={self.message}")
        if self.title is not None:
            args.append(f"--title={self.title}")
        args += ["--timeout", format_duration(self.timeout),
                 "--snooze", format_duration(self.snooze),
                 "--snoozes-left", str(self.snoozes_left), "--snoozed", str(self.snoozed),
                 "--strict", format_duration(self.strict), "--guard-ms", str(self.guard_ms)]
        args += ["--skips-left", "unlimited" if self.skips_left is None else str(self.skips_left)]
        if self.duration is not None:
            args += ["--duration", format_duration(self.duration)]
        if self.mirror:
            args.append("--mirror")
        if self.occurrence is not None:
            args += ["--occurrence", str(self.occurrence)]
        args += ["--sound", "off" if self.sound_volume is None else str(self.sound_volume)]
        if self.level is not None:
            args += ["--level", str(self.level)]
        if self.levels is not None:
            args += ["--levels", str(self.levels)]
        if self.feedback > timedelta(0):
            args += ["--feedback", format_duration(self.feedback)]
        return args

    def effective_timeout(self, countdown: timedelta | None = None) -> timedelta:
        """When the window gives up: ``timeout`` after the break's length has run, the same rule
        as the engine's (docs/engine.md). The length is ``duration``, else ``countdown`` (the
        exercise's own, for a request that sets no duration), else nothing."""
        length = self.duration if self.duration is not None else countdown
        return self.timeout + (length or timedelta(0))


@dataclass(frozen=True)
class PromptResult:
    """How a window ended, as the tray logs it. ``detail`` explains crashes in one line;
    ``feedback`` is what the user added after Done."""

    outcome: Outcome
    elapsed_s: float
    reason: Reason | None = None
    detail: str | None = None
    occurrence: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    feedback: Feedback | None = None

    def to_json(self) -> str:
        """The one line a window prints on stdout."""
        body: dict[str, Any] = {"outcome": str(self.outcome), "elapsed_s": round(self.elapsed_s, 3)}
        if self.reason is not None:
            body["reason"] = str(self.reason)
        if self.detail is not None:
            body["detail"] = self.detail
        if self.occurrence is not None:
            body["occurrence"] = self.occurrence
        if self.feedback is not None:
            body["feedback"] = str(self.feedback)
        body.update(self.extra)
        return json.dumps(body, ensure_ascii=False)


def parse_result(text: str, occurrence: int | None = None) -> PromptResult:
    """Read a window's stdout: its last non-empty line must be a valid result object.

    Raises ValueError naming what is wrong (the caller turns that into ignored/crashed).
    """
    body = last_json_object(text, "window")
    outcome, elapsed = body.pop("outcome", None), body.pop("elapsed_s", None)
    if outcome not in {str(a) for a in WINDOW_OUTCOMES}:
        raise ValueError(f"unknown outcome {outcome!r}")
    if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)) or not (
        math.isfinite(elapsed) and elapsed >= 0
    ):
        raise ValueError(f"bad elapsed_s {elapsed!r}")
    reason = body.pop("reason", None)
    try:
        parsed_reason = Reason(reason) if reason is not None else None
    except ValueError as err:
        raise ValueError(f"unknown reason {reason!r}") from err
    detail = body.pop("detail", None)
    occ = body.pop("occurrence", occurrence)
    feedback = _feedback(body.pop("feedback", None), outcome)
    return PromptResult(Outcome(outcome), float(elapsed), parsed_reason,
                        str(detail) if detail is not None else None,
                        occ if isinstance(occ, int) else occurrence, body, feedback)


def _feedback(value: object, outcome: str) -> Feedback | None:
    """The feedback of a done result; a word this version does not know is dropped (logged), as
    the answer itself still counts."""
    if value is None or outcome != Outcome.DONE.value:
        return None
    try:
        return Feedback(str(value))
    except ValueError:
        log.warning("window result: unknown feedback %r left out", value)
        return None


# -- the panel (the tray menu as a window) ----------------------------------------------------

#: How long the panel stays open untouched: the tray's request and `traybreak panel`'s default.
PANEL_TIMEOUT = timedelta(seconds=30)
#: However busy the pointer and keys, the panel closes itself this many timeouts after it opened
#: (a grabbed popup must not stay forever); the tray waits a little longer before killing it.
PANEL_LONGEST = 4


def panel_deadline_s(timeout_s: float = PANEL_TIMEOUT.total_seconds()) -> float:
    """Seconds after which the tray kills a panel still open: past its own longest life."""
    return PANEL_LONGEST * timeout_s + 10


def panel_args(entries: Sequence[MenuEntry], *, header: str = "",
               timeout_s: float = PANEL_TIMEOUT.total_seconds(),
               at: tuple[int, int] | None = None) -> list[str]:
    """Arguments after ``traybreak panel`` that show ``entries`` (for
    ``app/child_windows.window_argv``)."""
    menu = json.dumps([entry.to_json() for entry in entries], ensure_ascii=False,
                      separators=(",", ":"))
    args = ["--menu-json", menu, "--timeout", f"{max(1, round(timeout_s))}s"]
    if header:
        args += ["--header", header]
    if at is not None:
        args += ["--at", f"{at[0]},{at[1]}"]
    return args


def result_line(command: str | None, via: str) -> str:
    """The one JSON line the panel prints: the command chosen (None: dismissed) and how."""
    return json.dumps({"command": command, "via": via}, ensure_ascii=False)


def read_panel_result(text: str) -> str | None:
    """The command from a panel's stdout (its last non-empty line); None when dismissed.

    Raises ValueError when the output is not a panel result (the tray then just ignores it).
    """
    body = last_json_object(text, "the panel")
    if "command" not in body:
        raise ValueError("the panel's JSON has no \"command\"")
    command = body["command"]
    if command is not None and not isinstance(command, str):
        raise ValueError(f"the panel's command is not text: {command!r}")
    return command


def parse_menu_json(text: str) -> tuple[MenuEntry, ...]:
    """Menu entries from JSON: a list of ``MenuEntry.to_json()`` dicts, or ``{"entries": [...]}``.

    Raises ValueError with one line naming what is wrong.
    """
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"the menu is not valid JSON ({err.msg} at line {err.lineno})") from None
    if isinstance(data, dict):
        data = data.get("entries")
    if not isinstance(data, list) or not data:
        raise ValueError("the menu must be a non-empty JSON list of entries")
    try:
        return tuple(MenuEntry.from_json(item) for item in data)
    except (KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"a menu entry is malformed ({type(err).__name__}: {err}); each needs "
                         "a \"label\"") from None


# -- the settings window ---------------------------------------------------------------------

def settings_args(config: Path) -> list[str]:
    """Arguments after ``traybreak settings`` that edit ``config`` (the tray's own file)."""
    return ["--config", str(config)]


def settings_result_line(saved: bool, tray: str) -> str:
    """The one JSON line the settings window prints when it closes: whether it saved, and what
    the running tray did about it: "reloaded", "unchanged" (nothing saved, or the tray had it
    already), or why not in one line ("traybreak is not running")."""
    return json.dumps({"closed": True, "saved": saved, "tray": tray}, ensure_ascii=False)


def welcome_result_line(saved: bool, tray: str, started: bool) -> str:
    """The welcome window's line: the settings window's, and ``started`` (Start, not Skip)."""
    return json.dumps({"closed": True, "saved": saved, "tray": tray, "started": started},
                      ensure_ascii=False)


def read_settings_result(text: str) -> dict[str, Any]:
    """The settings window's result from its stdout; ValueError when it is not one."""
    body = last_json_object(text, "the settings window")
    if not isinstance(body.get("saved"), bool) or not isinstance(body.get("tray"), str):
        raise ValueError("the settings window's JSON has no \"saved\" and \"tray\"")
    return body
