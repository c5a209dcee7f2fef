"""`traybreak prompt`: open the prompt window for one exercise (or a custom message) and print its
result as one JSON line. The tray launches the same command as a child process.

tkinter is imported only when the window opens, so building the CLI parser never loads it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from traybreak import paths
from traybreak.cli.common import add_command, duration_arg
from traybreak.core.durations import format_duration
from traybreak.core.model import Outcome, PromptPolicy, PromptRecord
from traybreak.core.progression import levels_for
from traybreak.errors import ExitStatus, UserError
from traybreak.ui.prompt.card import Card, exercise_card, message_card
from traybreak.ui.protocol import FEEDBACK_WAIT, PromptRequest, PromptResult

if TYPE_CHECKING:
    from traybreak.store.prompt_log import Store
    from traybreak.ui.toolkit.screen import MonitorProbe

log = logging.getLogger(__name__)

MANUAL_RULE = "manual"  # the log's rule name for prompts opened by hand with --log
UNLIMITED = -1          # --skips-left unlimited
SILENT = -1             # --sound off


def register(subparsers: object) -> None:
    """Add the ``prompt`` subcommand."""
    parser = add_command(
        subparsers, "prompt", "open the prompt window for one exercise (try it out)", run,
        description="Open the prompt window for EXERCISE_ID and print the answer as one JSON "
        "line. Nothing is logged unless --log is given. Timings take units: 45s, 2m.",
    )
    parser.add_argument("exercise_id", nargs="?", metavar="EXERCISE_ID",
                        help="the exercise to show (see `traybreak exercises list`)")
    parser.add_argument("--log", action="store_true", help="record the answer in the log")
    parser.add_argument("--mirror", action="store_true", help="show the figure mirrored")
    parser.add_argument("--message", help="show this reminder text instead of an exercise")
    parser.add_argument("--title", help="the reminder's title (with --message)")
    for flag, what in (("--timeout", "close as ignored after this long (default: config)"),
                       ("--snooze", "snooze length shown on the button (default: config)"),
                       ("--strict", "lock Skip for this long after showing (default: config)"),
                       ("--duration", "countdown length (default: the exercise's)")):
        parser.add_argument(flag, metavar="DURATION", type=duration_arg, help=what)
    parser.add_argument("--snoozes-left", type=_count, metavar="N",
                        help="snoozes still allowed (0 hides Snooze, or greys it out after "
                             "--snoozed N; default: config cap)")
    parser.add_argument("--snoozed", type=_count, default=0, metavar="N",
                        help="times this prompt was snoozed already (for the button's note)")
    parser.add_argument("--skips-left", type=_skips, metavar="N",
                        help="skips left today, or 'unlimited' (default: config daily_skips)")
    parser.add_argument("--guard-ms", type=_count, default=1500, metavar="MS",
                        help="ignore keys and clicks for this long after showing (default 1500)")
    parser.add_argument("--sound", type=_volume, metavar="VOLUME",
                        help="chime at this volume (0-100) when the window opens and when a "
                             "hold ends, or 'off' (default: config [prompt] sound, volume)")
    parser.add_argument("--occurrence", type=_count, metavar="ID", help=argparse.SUPPRESS)
    parser.add_argument("--level", type=_level, metavar="N",
                        help="show the exercise at progression level N (default: 1)")
    parser.add_argument("--levels", type=_level, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--feedback", metavar="DURATION", type=duration_arg,
                        help="after Done, offer Too easy / Too hard / This hurts for this long "
                             f"(default: {format_duration(FEEDBACK_WAIT)} with --log, else none)")
    # The window runs `prompt ID --draw-figure PIXELS` to draw a figure it has not kept yet in a
    # process of its own, so Pillow and the drawing never weigh on the window (figures/cache.py).
    parser.add_argument("--draw-figure", type=_count, metavar="PIXELS", help=argparse.SUPPRESS)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, got {text!r}")
    return int(text)


def _level(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a level of 1 or more, got {text!r}")
    return int(text)


def _skips(text: str) -> int:
    return UNLIMITED if text == "unlimited" else _count(text)


def _volume(text: str) -> int:
    if text == "off":
        return SILENT
    if not text.isdigit() or int(text) > 100:
        raise argparse.ArgumentTypeError(f"expected a volume from 0 to 100 or 'off', got {text!r}")
    return int(text)


def request_from_args(args: argparse.Namespace, policy: PromptPolicy) -> PromptRequest:
    """The request the arguments describe; unset options come from ``policy``."""
    if args.exercise_id is None and args.message is None:
        raise UserError("say which exercise to show (EXERCISE_ID) or give --message TEXT")
    if args.exercise_id is not None and args.message is not None:
        raise UserError("give either EXERCISE_ID or --message, not both")
    return PromptRequest(
        exercise_id=args.exercise_id, message=args.message, title=args.title,
        timeout=args.timeout if args.timeout is not None else policy.timeout,
        snooze=args.snooze if args.snooze is not None else policy.snooze,
        snoozes_left=args.snoozes_left if args.snoozes_left is not None else policy.max_snoozes,
        snoozed=args.snoozed,
        skips_left=_skips_left(args.skips_left, policy),
        strict=args.strict if args.strict is not None else policy.strict,
        guard_ms=args.guard_ms, duration=args.duration, mirror=args.mirror,
        occurrence=args.occurrence, sound_volume=_sound_volume(args.sound, policy),
        level=args.level, levels=args.levels, feedback=_feedback_wait(args),
    )


def _sound_volume(given: int | None, policy: PromptPolicy) -> int | None:
    if given is None:
        return policy.volume if policy.sound else None
    return None if given == SILENT else given


def _feedback_wait(args: argparse.Namespace) -> timedelta:
    """--feedback, else the tray's wait with --log (the answer is recorded), else none."""
    given: timedelta | None = args.feedback
    if given is not None:
        return given
    return FEEDBACK_WAIT if getattr(args, "log", False) else timedelta(0)


def _skips_left(given: int | None, policy: PromptPolicy) -> int | None:
    if given is None:
        return policy.daily_skips
    return None if given == UNLIMITED else given


def _policy(args: argparse.Namespace) -> PromptPolicy:
    """The config's prompt policy; a broken config falls back to defaults (warned, not fatal)."""
    given = ("timeout", "snooze", "strict", "snoozes_left", "skips_left", "sound")
    if all(getattr(args, key) is not None for key in given):
        return PromptPolicy()  # everything given (the tray's case): no need to read the file
    from traybreak.config.settings import load_or_defaults

    config, warnings = load_or_defaults(paths.config_file(getattr(args, "config", None)))
    for line in warnings:
        log.warning("%s", line)
    return config.prompt


def card_for(request: PromptRequest) -> Card:
    """The card to show: the exercise (UserError with close matches if unknown) or the message."""
    if request.exercise_id is None:
        return message_card(request.title, request.message or "")
    from traybreak.catalog.load import load_catalog

    catalog = load_catalog()
    exercise = catalog.require(request.exercise_id)
    level = request.level or 1
    variants = [lv.variant for lv in levels_for(exercise)[level - 1:level] if lv.variant]
    variant = catalog.get(variants[0]) if variants else None
    return exercise_card(exercise, request.duration, level=level, levels=request.levels,
                         variant=variant)


def check_display() -> None:
    """UserError(NO_DISPLAY) when there is no graphical session to open a window in."""
    if sys.platform in ("win32", "darwin"):
        return
    if not os.environ.get("DISPLAY"):
        where = " (Wayland without Xwayland?)" if os.environ.get("WAYLAND_DISPLAY") else ""
        raise UserError(f"no graphical session: DISPLAY is not set{where}; run this from your "
                        "desktop session", ExitStatus.NO_DISPLAY)


def run(args: argparse.Namespace) -> int:
    """Handler: show the window, print the result line, optionally log it."""
    if args.draw_figure is not None:
        return _draw_figure(args.exercise_id, args.draw_figure)
    request = request_from_args(args, _policy(args))
    check_display()
    from traybreak.ui.toolkit.screen import MonitorProbe

    probe = MonitorProbe()
    card = card_for(request)
    logged = _log_start(card, request) if args.log else None
    result = _show(request, card, probe)
    if logged is not None:
        _log_end(logged, result)
    sys.stdout.write(result.to_json() + "\n")
    sys.stdout.flush()
    return ExitStatus.OK


def _draw_figure(exercise_id: str | None, pixels: int) -> int:
    """Draw the exercise's figure at ``pixels`` into the figure cache (no window, no display)."""
    if exercise_id is None:
        raise UserError("--draw-figure needs the EXERCISE_ID whose figure to draw")
    from traybreak.catalog.load import load_catalog
    from traybreak.ui.figures.cache import FigureCache

    FigureCache(paths.figures_dir()).draw_and_keep(load_catalog().require(exercise_id), pixels)
    return ExitStatus.OK


def _show(request: PromptRequest, card: Card, probe: MonitorProbe) -> PromptResult:
    import tkinter

    from traybreak.ui.figures.cache import FigureCache
    from traybreak.ui.prompt.window import run_prompt

    chime = None
    if request.sound_volume is not None:
        from traybreak.platform.sound import Chime

        chime = Chime(request.sound_volume).play
    try:
        drawer = ([sys.executable, "-m", "traybreak", "prompt", request.exercise_id,
                   "--draw-figure"] if request.exercise_id else None)
        return run_prompt(request, card, probe, FigureCache(paths.figures_dir(), drawer), chime)
    except tkinter.TclError as err:
        if "display" in str(err).lower():
            raise UserError(f"no graphical session: {err}", ExitStatus.NO_DISPLAY) from None
        raise


def _log_start(card: Card, request: PromptRequest) -> tuple[Store, PromptRecord]:
    from traybreak.store.prompt_log import Store

    store = Store.open(paths.log_db())
    now = datetime.now(UTC)
    record = store.add_prompt(PromptRecord(
        rule=MANUAL_RULE, kind=card.kind, due_at=now, shown_at=now,
        exercise_id=request.exercise_id, snoozes=request.snoozed,
        level=(request.level or 1) if card.progresses else None,
    ))
    return store, record


def _log_end(logged: tuple[Store, PromptRecord], result: PromptResult) -> None:
    store, record = logged
    ended = datetime.now(UTC)
    store.update_prompt(replace(
        record, ended_at=ended, outcome=result.outcome, reason=result.reason,
        feedback=result.feedback,
        snoozes=record.snoozes + (1 if result.outcome is Outcome.SNOOZED else 0),
    ))
    store.close()
