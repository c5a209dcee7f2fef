"""The control vocabulary shared by the menu and the shell: requests as JSON objects, their
validation, and the status reply. Pure functions; app/tray_app.py carries the requests out.

Requests: {"cmd": "status"}, {"cmd": "pause", "duration": "30m"} | {"cmd": "pause", "until":
"14:30" | "tomorrow"} | {"cmd": "pause"} (until resumed), {"cmd": "resume"}, {"cmd": "skip-next"},
{"cmd": "break-now", "kind": "stretch" | null}, {"cmd": "reload"} ({"cmd": "reload", "if_changed":
true}: only when the file changed since the tray last read it; the settings window sends it after
a save, which the file watch may have picked up already), {"cmd": "quit"}, {"cmd": "show-panel"},
and menu-only ones: open-history, open-settings (the settings window), edit-settings (the file in
an editor), about, and {"cmd":
"autostart", "enabled": true | false} (set start at login, never toggle it: the menu's box may be
stale).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from traybreak import __version__
from traybreak.core.actions import Status
from traybreak.core.durations import DurationError, format_duration, parse_duration
from traybreak.core.model import Kind, Rule, WorkingHours
from traybreak.core.stats import Counts

COMMANDS = frozenset({
    "status", "pause", "resume", "skip-next", "break-now", "reload", "quit", "show-panel",
    "open-history", "open-settings", "edit-settings", "autostart", "about",
})
# "Until tomorrow" without working hours: the start of the next day as people live it.
TOMORROW_AT = time(4, 0)
# The longest timed pause: a holiday. Longer is what "until resumed" is for, and an end years
# away would only be a typo (and past the year 9999, no end at all: an OverflowError).
MAX_PAUSE = timedelta(days=30)


class BadRequest(ValueError):
    """A request the app cannot carry out; the message is the one-line reply."""


def menu_request(command: str) -> dict[str, Any]:
    """A menu entry's command ("pause 30m", "break-now relax") as a request object."""
    verb, _, arg = command.partition(" ")
    if verb == "pause":
        if arg in ("", "indefinitely"):
            return {"cmd": "pause"}
        if arg == "tomorrow":
            return {"cmd": "pause", "until": "tomorrow"}
        return {"cmd": "pause", "duration": arg}
    if verb == "break-now":
        return {"cmd": "break-now", "kind": arg or None}
    if verb == "autostart":
        return {"cmd": "autostart", "enabled": {"on": True, "off": False}.get(arg)}
    return {"cmd": verb}


def check(request: dict[str, Any]) -> str:
    """The request's command, or BadRequest naming what is wrong."""
    cmd = request.get("cmd")
    if cmd not in COMMANDS:
        raise BadRequest(f"unknown command {cmd!r}")
    return str(cmd)


@dataclass(frozen=True)
class PauseRequest:
    """A pause as the engine takes it: until ``until`` (None: until resumed)."""

    until: datetime | None


def pause_until(request: dict[str, Any], now: datetime,
                hours: WorkingHours | None) -> PauseRequest:
    """When a pause request ends. ``now`` is aware local time."""
    duration, until = request.get("duration"), request.get("until")
    if duration is not None and until is not None:
        raise BadRequest("give a duration or an end time, not both")
    if duration is not None:
        return PauseRequest(now + pause_length(duration))
    if until is None:
        return PauseRequest(None)
    if until == "tomorrow":
        start = hours.start if hours is not None else TOMORROW_AT
        return PauseRequest(datetime.combine(now.date() + timedelta(days=1), start, now.tzinfo))
    return PauseRequest(_next_clock_time(str(until), now))


def pause_length(text: object) -> timedelta:
    """How long a pause of ``text`` ("30m") lasts; BadRequest, one line, when it is not a
    duration, is zero, or is longer than MAX_PAUSE."""
    try:
        length = parse_duration(text)
    except DurationError as err:
        raise BadRequest(f"pause: {err}") from None
    if length <= timedelta(0):
        raise BadRequest("pause: the duration must be longer than 0s")
    if length > MAX_PAUSE:
        longest = format_duration(MAX_PAUSE)
        raise BadRequest(f"pause: {format_duration(length)} is longer than the longest pause, "
                         f"{longest} (expected at most {longest}; for longer, "
                         "`traybreak pause --indefinitely`, then `traybreak resume`)")
    return length


def _next_clock_time(text: str, now: datetime) -> datetime:
    try:
        clock = time.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"pause: {text!r} is not a time (expected HH:MM, e.g. 14:30)") from None
    moment = datetime.combine(now.date(), clock, now.tzinfo)
    return moment if moment > now else moment + timedelta(days=1)


def break_kind(request: dict[str, Any], status: Status | None) -> Kind:
    """The kind for "break now": as asked, else the kind whose break is nearest."""
    asked = request.get("kind")
    if asked:
        try:
            return Kind(asked)
        except ValueError:
            choices = ", ".join(k.value for k in Kind)
            raise BadRequest(f"break-now: unknown kind {asked!r} (expected {choices})") from None
    timed = [r for r in (status.rules if status else ()) if r.kind and r.remaining is not None]
    if timed:
        nearest = min(timed, key=lambda r: r.remaining or timedelta(0))
        assert nearest.kind is not None
        return nearest.kind
    return Kind.STRETCH


def autostart_wanted(request: dict[str, Any]) -> bool:
    """Whether an autostart request turns start at login on (True) or off (False)."""
    enabled = request.get("enabled")
    if not isinstance(enabled, bool):
        raise BadRequest(f"autostart: expected enabled true or false, got {enabled!r}")
    return enabled


def status_reply(status: Status | None, today: Counts, rules: tuple[Rule, ...],
                 extra: dict[str, Any]) -> dict[str, Any]:
    """The `traybreak status --json` object."""
    by_name = {rule.name: rule for rule in rules}
    rule_rows = []
    for row in status.rules if status else ():
        rule = by_name.get(row.name)
        rule_rows.append({
            "name": row.name,
            "kind": row.kind.value if row.kind else None,
            "remaining": format_duration(row.remaining) if row.remaining is not None else None,
            "every": format_duration(row.every) if row.every is not None else None,
            "at": rule.at.strftime("%H:%M") if rule is not None and rule.at else None,
            "next_at": row.next_at.isoformat() if row.next_at else None,
            "prompt": row.prompt,   # its prompt's phase: waiting, shown, snoozed, queued
            "until": row.until.isoformat() if row.until else None,   # a snoozed one's return
        })
    return {
        "ok": True,
        "state": status.state.value if status else "starting",
        "pid": os.getpid(),
        "version": __version__,
        "paused": bool(status and status.paused),
        "paused_until": status.paused_until.isoformat() if status and status.paused_until else None,
        "skip_next": bool(status and status.skip_next),
        "prompt": status.prompt if status else None,
        "rules": rule_rows,
        "today": {"done": today.done, "skipped": today.skipped, "snoozed": today.snoozed,
                  "ignored": today.ignored, "natural": today.natural,
                  "suppressed": today.suppressed},
        "idle_s": round(status.idle.total_seconds(), 1) if status and status.idle else None,
        # the busy state prompts wait for ("dnd", "fullscreen"), null when they don't wait
        "waiting_for": status.busy.value if status and status.busy else None,
        **extra,
    }
