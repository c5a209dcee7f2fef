"""`traybreak run` (the tray) and the shell control of a running tray: status, pause, resume,
break-now, skip-next, reload, quit. Control commands talk JSON over the local socket."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import Any

from traybreak import paths
from traybreak.app.control_socket import NotRunning, request
from traybreak.app.requests import BadRequest, pause_length
from traybreak.cli.common import add_command
from traybreak.core.actions import busy_words, prompt_words
from traybreak.core.durations import clock_label, next_clock_phrase
from traybreak.core.model import Kind, Reason
from traybreak.errors import ExitStatus, UserError


def register(subparsers: Any) -> None:
    """Add `run` and the control commands."""
    add_command(subparsers, "run", "start the tray (the default when no command is given)", _run,
                description="Start traybreak in the system tray, in the foreground. Ctrl-C or "
                "`traybreak quit` stops it. A second start shows the running one's menu.")
    status = add_command(subparsers, "status", "show what the running traybreak is doing",
                         _status)
    status.add_argument("--json", action="store_true", help="one JSON object")
    pause = add_command(subparsers, "pause", "pause prompts for a while, until a time, or "
                        "until resumed", _pause)
    group = pause.add_mutually_exclusive_group(required=True)
    group.add_argument("duration", nargs="?", help='how long, e.g. "30m" or "1h30m"')
    group.add_argument("--until", metavar="HH:MM", help='until this time (or "tomorrow")')
    group.add_argument("--indefinitely", action="store_true", help="until `traybreak resume`")
    add_command(subparsers, "resume", "end a pause", _resume)
    now = add_command(subparsers, "break-now", "take a break now", _break_now)
    now.add_argument("kind", nargs="?", choices=[k.value for k in Kind],
                     help="which kind (default: the one due soonest)")
    add_command(subparsers, "skip-next", "skip the prompt on screen, or else the next one",
                _simple("skip-next"))
    add_command(subparsers, "reload", "re-read the config file", _simple("reload"))
    add_command(subparsers, "quit", "stop the running traybreak", _simple("quit"))


def _run(args: argparse.Namespace) -> int:
    # Only reached when argparse parsed the start (e.g. `traybreak run --help` is not a start);
    # plain starts skip the parser: cli.tray_start_options.
    from traybreak.app.startup import run  # the tray's imports only when the tray starts

    return run(getattr(args, "config", None), bool(getattr(args, "debug", False)))


def send(message: dict[str, Any]) -> dict[str, Any]:
    """Send one request to the running tray; UserError (exit 3) when none runs. While the
    tray's log cannot be written, says so on stderr (the command itself worked)."""
    try:
        reply = request(paths.runtime_dir(), message)
    except paths.NoPrivateDir as err:
        raise UserError(str(err), ExitStatus.FAILURE) from None
    except NotRunning as err:
        raise UserError(f"{err} (start it with `traybreak`)", ExitStatus.NOT_RUNNING) from None
    if not reply.get("ok"):
        raise UserError(str(reply.get("error", "the running traybreak refused the request")),
                        ExitStatus.BAD_INPUT)
    problem = reply.get("log_problem")
    if problem:
        print(f"traybreak: done, but it could not be logged: {problem}. The tray keeps "
              f"{reply.get('log_waiting', 'the')} rows in memory and writes them as soon as it "
              "can.", file=sys.stderr)
    return reply


def _simple(cmd: str) -> Any:
    def handler(args: argparse.Namespace) -> int:
        send({"cmd": cmd})
        done = {"skip-next": "the next break will be skipped",
                "reload": "config reloaded", "quit": "traybreak is quitting"}
        print(done[cmd])
        return ExitStatus.OK

    return handler


def _pause(args: argparse.Namespace) -> int:
    if args.duration is not None:
        try:  # said here too, so a bad pause is refused even with no tray running
            pause_length(args.duration)
        except BadRequest as err:
            raise UserError(str(err)) from None
        message: dict[str, Any] = {"cmd": "pause", "duration": args.duration}
    elif args.until is not None:
        message = {"cmd": "pause", "until": args.until}
    else:
        message = {"cmd": "pause"}
    reply = send(message)
    until = reply.get("until") or args.until  # the tray's reckoning: maybe tomorrow
    print("paused" + (f" for {args.duration}" if args.duration else
                      f" until {sent_time_label(until)}" if until else " until you resume"))
    return ExitStatus.OK


def _resume(args: argparse.Namespace) -> int:
    reply = send({"cmd": "resume"})
    print("resumed" if reply.get("paused", True) else "not paused: nothing to resume")
    return ExitStatus.OK


def _break_now(args: argparse.Namespace) -> int:
    send({"cmd": "break-now", "kind": args.kind})
    print(f"a {args.kind or 'break'} prompt is on its way")
    return ExitStatus.OK


def _status(args: argparse.Namespace) -> int:
    if args.json:
        return _status_json()
    reply = send({"cmd": "status"})
    print(f"traybreak {reply['version']} (pid {reply['pid']}): {reply['state']}")
    if reply["paused"]:
        print("  paused " + (f"until {sent_time_label(reply['paused_until'])}"
                             if reply["paused_until"] else "until resumed"))
    waiting = _waiting_words(reply.get("waiting_for"))
    if waiting:
        print(f"  {waiting}")
    for rule in reply["rules"]:
        print(f"  {rule['name']:<12} {rule_line(rule)}")
    today = reply["today"]
    print(f"  today: {today['done']} done · {today['skipped']} skipped · "
          f"{today['ignored']} ignored · {today['natural']} natural breaks")
    return ExitStatus.OK


def _waiting_words(busy: object) -> str | None:
    """"Waiting: do not disturb" for the reply's ``waiting_for``; None for none or an unknown
    word (a newer tray's)."""
    try:
        return busy_words(Reason(busy)) if isinstance(busy, str) else None
    except ValueError:
        return None


def _status_json() -> int:
    """Always one JSON object, ``running`` false (exit 3) when no tray answers."""
    try:
        reply = send({"cmd": "status"})
    except UserError as err:
        if err.status != ExitStatus.NOT_RUNNING:
            raise
        print(json.dumps({"running": False, "error": str(err)}))
        return ExitStatus.NOT_RUNNING
    print(json.dumps({"running": True, **reply}))
    return ExitStatus.OK


def rule_line(rule: dict[str, Any], now: datetime | None = None) -> str:
    """What one rule of the status reply is doing: its prompt's state, else when it is next."""
    until, next_at = (_local(rule.get(key)) for key in ("until", "next_at"))
    words = prompt_words(rule.get("prompt"), until, _today(now))
    if words is not None:
        return words
    if rule["remaining"]:
        return f"next in {rule['remaining']}"
    if next_at is not None:
        return f"next {next_clock_phrase(next_at, _today(now))}"
    return f"next at {rule['at']}" if rule["at"] else "waiting"


def _local(iso: str | None) -> datetime | None:
    """A time the tray sent (ISO 8601) in local time; None if absent or not a time."""
    try:
        return datetime.fromisoformat(iso).astimezone() if iso else None
    except ValueError:
        return None


def _today(now: datetime | None) -> date:
    return (now or datetime.now()).astimezone().date()


def sent_time_label(iso: str, now: datetime | None = None) -> str:
    """A time the tray sent (ISO 8601) as the tray's menu shows it, in local time (the
    durations.clock_label of it); the text as it came if it is not a time."""
    when = _local(iso)
    return clock_label(when, _today(now)) if when is not None else iso
