"""Watching one window child: a non-blocking handle that reads the window's one-line result
(ui/protocol.py), enforces a hard deadline, and turns a crash or a hang into `ignored` (a window
stopped from outside into `stopped`). app/child_windows.py starts the windows.

Runs in the tray process (any thread); never imports tkinter.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import IO

from traybreak.app.window_lifeline import NO_CONSOLE, Lifeline
from traybreak.core.model import Outcome, Reason
from traybreak.errors import ExitStatus
from traybreak.ui.protocol import PromptResult, parse_result

__all__ = ["STOP_STATUSES", "WindowProcess"]

# The window children's lines keep the one logger name they have always had (child_windows),
# the launcher's and this module's alike: log settings and filters name that one.
log = logging.getLogger("traybreak.app.child_windows")

#: Exit statuses of a window asked to stop from outside: SIGTERM, SIGHUP, SIGINT, and our own
#: "interrupted" (a Ctrl-C the CLI caught). SIGKILL stays "crashed": the OOM killer sends it too.
STOP_STATUSES = frozenset(
    [-getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)]
    + [int(ExitStatus.INTERRUPTED)])

#: How a window child's own warnings start on its stderr (cli/__init__.py's log format).
CHILD_WARNING = ("traybreak: WARNING: ", "traybreak: ERROR: ")
#: Warnings of window children relayed to the tray's log so far: each is said once (a chime
#: that cannot play would otherwise be said by every prompt). Bounded: a few kinds exist.
_relayed: set[str] = set()
_RELAYED_MAX = 100

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
        self._lifeline = Lifeline()
        try:
            self._proc = subprocess.Popen(
                self.argv, stdout=self._out, stderr=self._err, creationflags=NO_CONSOLE,
                **self._lifeline.popen_args(env),
            )
        except BaseException:
            self._lifeline.cut()
            raise
        self._lifeline.started()
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
            # The tray closing a window (a pause, a timeout, quitting) is normal; a hang is not.
            level = logging.WARNING if reason is Reason.CRASHED else logging.INFO
            log.log(level, "window child %s closed: %s", self._proc.pid, detail)
            self._relay_warnings(self._read(self._err))   # said before it was closed
            self._set(PromptResult(Outcome.IGNORED, self._elapsed(), reason, detail,
                                   self.occurrence))
        else:  # it ended on its own meanwhile: its own answer wins
            self._finish()

    def _finish(self) -> None:
        out, err = self._read(self._out), self._read(self._err)
        code = self._proc.returncode
        if code == 0:
            self._relay_warnings(err)
            try:
                self._set(parse_result(out, self.occurrence))
                return
            except ValueError as problem:
                detail = str(problem)
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

    def _relay_warnings(self, err: str) -> None:
        """A window that ended well, or that the tray closed, may have warned (the chime could
        not play): its warnings go to the tray's log, where the user looks, each one once."""
        for line in err.splitlines():
            if line.startswith(CHILD_WARNING) and line not in _relayed \
                    and len(_relayed) < _RELAYED_MAX:
                _relayed.add(line)
                log.warning("window child %s: %s", self._proc.pid,
                            line.split(": ", 2)[-1][:300])

    def _set(self, result: PromptResult) -> None:
        self._result = result
        self._lifeline.cut()
        for handle in (self._out, self._err):
            handle.close()

    @staticmethod
    def _read(handle: IO[bytes]) -> str:
        handle.seek(0)
        return handle.read(1 << 16).decode("utf-8", errors="replace")
