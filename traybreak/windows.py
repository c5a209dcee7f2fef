"""The tray side of window child processes: the prompt request (argv), its one-line JSON result,
and a non-blocking handle that enforces a hard deadline and turns a crash or hang into `ignored`.

Runs in the tray process (any thread); never imports tkinter. One child per window.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from traybreak.core.durations import format_duration
from traybreak.core.model import Outcome, Reason
from traybreak.errors import ExitStatus

log = logging.getLogger(__name__)

ANSWERS = (Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED, Outcome.IGNORED)
# After the countdown ends, a window stays at least this long (or its timeout, if shorter) so a
# user still finishing the exercise is not timed out mid-hold.
AFTER_COUNTDOWN = timedelta(seconds=30)
# Time the tray grants beyond the window's own timeout (start-up, slow machine) before killing it.
DEFAULT_GRACE = timedelta(seconds=20)
#: Exit statuses of a window asked to stop from outside: SIGTERM, SIGHUP, SIGINT, and our own
#: "interrupted" (a Ctrl-C the CLI caught). SIGKILL stays "crashed": the OOM killer sends it too.
STOP_STATUSES = frozenset(
    [-getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)]
    + [int(ExitStatus.INTERRUPTED)])


@dataclass(frozen=True)
class PromptRequest:
    """Everything a prompt window needs to know; round-trips through ``argv()`` and the CLI.

    ``exercise_id`` None means a message-only reminder (``message``/``title``). ``duration``
    overrides the countdown length (None: the exercise's own duration). ``skips_left`` None
    means unlimited. ``snoozed`` is how often this occurrence was snoozed already (for the
    "Snoozed twice already" reason).
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
        return args

    def effective_timeout(self, countdown: timedelta | None = None) -> timedelta:
        """When the window gives up: ``timeout``, but not before the countdown has run out
        plus a little time to answer (AFTER_COUNTDOWN, or ``timeout`` if that is shorter)."""
        countdown = countdown if countdown is not None else self.duration
        if countdown is None:
            return self.timeout
        return max(self.timeout, countdown + min(AFTER_COUNTDOWN, self.timeout))


@dataclass(frozen=True)
class PromptResult:
    """How a window ended, as the tray logs it. ``detail`` explains crashes in one line."""

    outcome: Outcome
    elapsed_s: float
    reason: Reason | None = None
    detail: str | None = None
    occurrence: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The one line a window prints on stdout."""
        body: dict[str, Any] = {"outcome": str(self.outcome), "elapsed_s": round(self.elapsed_s, 3)}
        if self.reason is not None:
            body["reason"] = str(self.reason)
        if self.detail is not None:
            body["detail"] = self.detail
        if self.occurrence is not None:
            body["occurrence"] = self.occurrence
        body.update(self.extra)
        return json.dumps(body, ensure_ascii=False)


def parse_result(text: str, occurrence: int | None = None) -> PromptResult:
    """Read a window's stdout: its last non-empty line must be a valid result object.

    Raises ValueError naming what is wrong (the caller turns that into ignored/crashed).
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("printed nothing")
    try:
        body = json.loads(lines[-1])
    except json.JSONDecodeError as err:
        raise ValueError(f"printed something that is not JSON: {lines[-1][:80]!r}") from err
    if not isinstance(body, dict):
        raise ValueError("printed JSON that is not an object")
    outcome, elapsed = body.pop("outcome", None), body.pop("elapsed_s", None)
    if outcome not in {str(a) for a in ANSWERS}:
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
    return PromptResult(Outcome(outcome), float(elapsed), parsed_reason,
                        str(detail) if detail is not None else None,
                        occ if isinstance(occ, int) else occurrence, body)


class WindowProcess:
    """A running window child: ``poll()`` never blocks; past ``deadline_s`` the child is killed.

    stdout and stderr go to temporary files, not pipes, so a chatty or stuck child can never
    block on a full pipe and nothing needs a reader thread.
    """

    def __init__(self, argv: Sequence[str], deadline_s: float, *, occurrence: int | None = None,
                 env: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.argv = list(argv)
        self.occurrence = occurrence
        self._clock = clock
        self._started = clock()
        self._deadline = self._started + deadline_s
        # Kept open for the child's whole life and closed in _set(): no context manager fits.
        self._out: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._err: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._result: PromptResult | None = None
        self._lock = threading.Lock()
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
        self._proc = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=self._out, stderr=self._err,
            env=dict(env) if env is not None else None, creationflags=flags,
        )
        log.debug("window child %s started: %s", self._proc.pid, self.argv)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._proc.pid

    @property
    def result(self) -> PromptResult | None:
        """The result once the child has ended (or was ended), else None."""
        return self._result

    def poll(self) -> PromptResult | None:
        """The result if the child has ended; kills it (ignored/crashed) once past the deadline."""
        with self._lock:
            if self._result is None:
                if self._proc.poll() is not None:
                    self._finish()
                elif self._clock() >= self._deadline:
                    self._kill(Reason.CRASHED, "no answer before the deadline; killed")
            return self._result

    def wait(self, timeout: float | None = None) -> PromptResult | None:
        """Block up to ``timeout`` seconds (None: until the deadline) for the result."""
        end = self._deadline if timeout is None else min(self._deadline, self._clock() + timeout)
        while (result := self.poll()) is None:
            left = end - self._clock()
            if left <= 0:
                return self.poll() if timeout is None else None
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=min(left, 0.25))
        return result

    def kill(self, reason: Reason = Reason.STOPPED,
             detail: str = "closed by the tray") -> PromptResult:
        """End the child now (tray quitting, prompt superseded): ignored with ``reason``."""
        with self._lock:
            if self._result is None:
                self._kill(reason, detail)
            assert self._result is not None
            return self._result

    def watch(self, callback: Callable[[PromptResult], None]) -> threading.Thread:
        """Wait on a daemon thread and call ``callback(result)`` there once the child ends."""
        def run() -> None:
            result = self.wait()
            callback(result if result is not None else self.kill(Reason.CRASHED, "lost"))

        thread = threading.Thread(target=run, name=f"window-{self.pid}", daemon=True)
        thread.start()
        return thread

    def _elapsed(self) -> float:
        return max(0.0, self._clock() - self._started)

    def _kill(self, reason: Reason, detail: str) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
            log.warning("window child %s killed: %s", self._proc.pid, detail)
            self._set(PromptResult(Outcome.IGNORED, self._elapsed(), reason, detail,
                                   self.occurrence))
        else:  # it ended on its own meanwhile: its own answer wins
            self._finish()

    def _finish(self) -> None:
        out, err = self._read(self._out), self._read(self._err)
        code = self._proc.returncode
        if code == 0:
            try:
                self._set(parse_result(out, self.occurrence))
                return
            except ValueError as problem:
                detail = f"window {problem}"
        elif code in STOP_STATUSES:
            # Asked to stop from outside (the session ending signals every process of it, Ctrl-C
            # the terminal's whole group): as the tray itself would have closed it at quit.
            detail = f"window stopped from outside (exit status {code})"
            log.info("window child %s: %s", self._proc.pid, detail)
            self._set(PromptResult(Outcome.IGNORED, self._elapsed(), Reason.STOPPED, detail,
                                   self.occurrence))
            return
        else:
            last = err.strip().splitlines()[-1:] or ["no message"]
            detail = f"window exited with status {code}: {last[0][:200]}"
        log.warning("window child %s: %s", self._proc.pid, detail)
        self._set(PromptResult(Outcome.IGNORED, self._elapsed(), Reason.CRASHED, detail,
                               self.occurrence))

    def _set(self, result: PromptResult) -> None:
        self._result = result
        for handle in (self._out, self._err):
            handle.close()

    @staticmethod
    def _read(handle: IO[bytes]) -> str:
        handle.seek(0)
        return handle.read(1 << 16).decode("utf-8", errors="replace")


def window_argv(command: str, args: Sequence[str]) -> list[str]:
    """How the tray starts any window: this interpreter, ``-m traybreak COMMAND ARGS``.

    ``-P``: ``-m`` would put the working directory first on sys.path, so a tray started from a
    source checkout (as the README's run command does) ran its windows from the checkout, where
    ``traybreak.icons`` does not exist, instead of from the installed package.
    """
    return [sys.executable, "-P", "-m", "traybreak", command, *args]


def launch_prompt(request: PromptRequest, *, grace: timedelta = DEFAULT_GRACE,
                  env: Mapping[str, str] | None = None, config: str | None = None) -> WindowProcess:
    """Start a prompt window for ``request``; killed if it has not answered by timeout + grace.

    Pass ``request.duration`` (the exercise's countdown) so the deadline covers the exercise.
    """
    extra = ["--config", config] if config else []
    deadline = (request.effective_timeout() + grace).total_seconds()
    return WindowProcess(window_argv("prompt", [*request.argv(), *extra]), deadline,
                         occurrence=request.occurrence, env=env)
