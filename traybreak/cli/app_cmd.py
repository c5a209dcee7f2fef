"""`traybreak run` (the tray) and the shell control of a running tray: status, pause, resume,
break-now, skip-next, reload, quit. Control commands talk JSON over the local socket."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from traybreak import paths
from traybreak.cli.common import add_command
from traybreak.control import NotRunning, request
from traybreak.core.durations import DurationError, parse_duration
from traybreak.core.model import Kind
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
    add_command(subparsers, "resume", "end a pause", _simple("resume"))
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
    from traybreak.cli import run_tray

    return run_tray(getattr(args, "config", None), bool(getattr(args, "debug", False)))


def send(message: dict[str, Any]) -> dict[str, Any]:
    """Send one request to the running tray; UserError (exit 3) when none runs."""
    try:
        reply = request(paths.runtime_dir(), message)
    except NotRunning as err:
        raise UserError(f"{err} (start it with `traybreak`)", ExitStatus.NOT_RUNNING) from None
    if not reply.get("ok"):
        raise UserError(str(reply.get("error", "the running traybreak refused the request")),
                        ExitStatus.BAD_INPUT)
    return reply


def _simple(cmd: str) -> Any:
    def handler(args: argparse.Namespace) -> int:
        send({"cmd": cmd})
        done = {"resume": "resumed", "skip-next": "the next break will be skipped",
                "reload": "config reloaded", "quit": "traybreak is quitting"}
        print(done[cmd])
        return ExitStatus.OK

    return handler


def _pause(args: argparse.Namespace) -> int:
    if args.duration is not None:
        try:
            parse_duration(args.duration)
        except DurationError as err:
            raise UserError(f"pause: {err}") from None
        message: dict[str, Any] = {"cmd": "pause", "duration": args.duration}
    elif args.until is not None:
        message = {"cmd": "pause", "until": args.until}
    else:
        message = {"cmd": "pause"}
    send(message)
    print("paused" + (f" for {args.duration}" if args.duration else
                      f" until {args.until}" if args.until else " until you resume"))
    return ExitStatus.OK


def _break_now(args: argparse.Namespace) -> int:
    send({"cmd": "break-now", "kind": args.kind})
    print(f"a {args.kind or 'break'} prompt is on its way")
    return ExitStatus.OK


def _status(args: argparse.Namespace) -> int:
    reply = send({"cmd": "status"})
    if args.json:
        print(json.dumps(reply))
        return ExitStatus.OK
    print(f"traybreak {reply['version']} (pid {reply['pid']}): {reply['state']}")
    if reply["paused"]:
        print("  paused " + (f"until {clock_label(reply['paused_until'])}"
                             if reply["paused_until"] else "until resumed"))
    for rule in reply["rules"]:
        when = f"in {rule['remaining']}" if rule["remaining"] else (
            f"at {rule['at']}" if rule["at"] else "waiting")
        print(f"  {rule['name']:<12} next {when}")
    today = reply["today"]
    print(f"  today: {today['done']} done · {today['skipped']} skipped · "
          f"{today['ignored']} ignored · {today['natural']} natural breaks")
    return ExitStatus.OK


def clock_label(iso: str, now: datetime | None = None) -> str:
    """A time the tray sent (ISO 8601) as the tray's menu shows it, in local time: "15:30"
    today, "Fri 09:00" on another day; the text as it came if it is not a time."""
    try:
        when = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    today = (now or datetime.now()).astimezone().date()
    return when.strftime("%H:%M" if when.date() == today else "%a %H:%M")
