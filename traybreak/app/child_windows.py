"""The tray side of window child processes: how a window is started (this interpreter, ``-m
traybreak``), a non-blocking handle that reads the window's one-line result (ui/protocol.py),
enforces a hard deadline and turns a crash or hang into `ignored`, and the tray's real launcher.

Every window gets a lifeline (``Lifeline``): its stdin is a pipe whose write end only the tray
holds, so when the tray dies, however it dies, the window reads end-of-file and closes
(ui/toolkit/lifeline.py); windows end with the tray instead of lingering as orphans.

Runs in the tray process (any thread); never imports tkinter. One child per window.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import IO, Any

from traybreak.core.durations import format_duration
from traybreak.core.model import Outcome, Reason
from traybreak.errors import ExitStatus
from traybreak.ui.menu import MenuEntry
from traybreak.ui.protocol import (
    PromptRequest,
    PromptResult,
    panel_args,
    panel_deadline_s,
    parse_result,
    read_panel_result,
)
from traybreak.ui.toolkit.lifeline import LIFELINE_ENV

log = logging.getLogger(__name__)

# Time the tray grants beyond the window's own timeout (start-up, slow machine) before killing it.
DEFAULT_GRACE = timedelta(seconds=20)
#: Exit statuses of a window asked to stop from outside: SIGTERM, SIGHUP, SIGINT, and our own
#: "interrupted" (a Ctrl-C the CLI caught). SIGKILL stays "crashed": the OOM killer sends it too.
STOP_STATUSES = frozenset(
    [-getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)]
    + [int(ExitStatus.INTERRUPTED)])

#: Windows: a window's child gets no console window of its own (the tray runs without one).
_NO_CONSOLE = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
#: How a window child's own warnings start on its stderr (cli/__init__.py's log format).
CHILD_WARNING = ("traybreak: WARNING: ", "traybreak: ERROR: ")
#: Warnings of window children relayed to the tray's log so far: each is said once (a chime
#: that cannot play would otherwise be said by every prompt). Bounded: a few kinds exist.
_relayed: set[str] = set()
_RELAYED_MAX = 100


class Lifeline:
    """A pipe from the tray to one window: the window's stdin is its read end, the tray holds the
    only write end and never writes on it. The kernel closes that end when the tray process
    ends (kill -9 too), and the window, watching its stdin, closes itself.

    ``popen_args(env)`` goes into the child's Popen; call ``started`` right after it, and
    ``cut`` once the window has ended (or to tell it to go).
    """

    def __init__(self) -> None:
        # Both ends are non-inheritable (PEP 446): only this child gets the read end, as its
        # stdin, and no other child of the tray ever holds the write end open.
        self._read: int | None
        self._read, self._write = os.pipe()
        self._cut = False

    def popen_args(self, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        """stdin and environment for the window's Popen (``env``: None for the tray's own)."""
        return {"stdin": self._read,
                "env": {**(os.environ if env is None else env), LIFELINE_ENV: "1"}}

    def started(self) -> None:
        """The child has its copy of the read end: drop the tray's."""
        if self._read is not None:
            os.close(self._read)
            self._read = None

    def cut(self) -> None:
        """Close the tray's end (idempotent): a window still running reads the end of it."""
        self.started()
        if not self._cut:
            self._cut = True
            os.close(self._write)


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
                self.argv, stdout=self._out, stderr=self._err, creationflags=_NO_CONSOLE,
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


#: Builds a window's command line from its command and arguments (``window_argv``).
ArgvFor = Callable[[str, Sequence[str]], list[str]]


def window_argv(command: str, args: Sequence[str]) -> list[str]:
    """How the tray starts any window: this interpreter, ``-m traybreak COMMAND ARGS``.

    ``-P``: ``-m`` would put the working directory first on sys.path, so a tray started from a
    source checkout (as the README's run command does) ran its windows from the checkout, where
    ``traybreak.icons`` does not exist, instead of from the installed package.
    """
    return [sys.executable, "-P", "-m", "traybreak", command, *args]


def launch_prompt(request: PromptRequest, *, grace: timedelta = DEFAULT_GRACE,
                  env: Mapping[str, str] | None = None, config: str | None = None,
                  argv: ArgvFor = window_argv) -> WindowProcess:
    """Start a prompt window for ``request``; killed if it has not answered by timeout + grace.

    Pass ``request.duration`` (the break's length) so the deadline covers the exercise; the
    feedback row after Done (``request.feedback``) is covered too.
    """
    extra = ["--config", config] if config else []
    deadline = (request.effective_timeout() + request.feedback + grace).total_seconds()
    return WindowProcess(argv("prompt", [*request.argv(), *extra]), deadline,
                         occurrence=request.occurrence, env=env)


class ChildLauncher:
    """The tray's launcher (``Launcher`` in app/environment.py): every window a child process.

    ``argv`` builds a window's command line (tests start stand-in scripts); ``panel_deadline``
    is how long the tray waits for the menu window before killing it; a notice window still
    open ``notice_grace`` after its time is killed.
    """

    def __init__(self, argv: ArgvFor = window_argv,
                 panel_deadline: float = panel_deadline_s(),
                 notice_grace: timedelta = DEFAULT_GRACE) -> None:
        self._argv, self._panel_deadline = argv, panel_deadline
        self._notice_grace = notice_grace
        self._panel: subprocess.Popen[str] | None = None
        self._notice: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._windows: list[tuple[subprocess.Popen[bytes], Lifeline]] = []  # history, about...

    def prompt(self, request: PromptRequest, config: str | None) -> WindowProcess:
        """Start a prompt window (``config``: the settings file it reads, if not the default).

        An open menu window is closed first: it stays on top holding the pointer and keyboard,
        and its header and entries (Take a break now) no longer hold once a prompt is up. So
        is the notice toast: the break it announced is here.
        """
        self.close_panel()
        with self._lock:
            notice, self._notice = self._notice, None
        if notice is not None and notice.poll() is None:
            notice.terminate()
        return launch_prompt(request, config=config, argv=self._argv)

    def panel(self, entries: Sequence[MenuEntry], header: str) -> str | None:
        """Show the menu as a small window and wait: the command chosen, None if none (or the
        window failed, which is logged in one short line)."""
        lifeline = Lifeline()
        try:
            proc = subprocess.Popen(self._argv("panel", panel_args(entries, header=header)),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    **lifeline.popen_args())
        except OSError as problem:
            lifeline.cut()
            log.warning("menu window failed to start: %s", problem)
            return None
        lifeline.started()
        with self._lock:
            self._panel = proc
        try:
            out, errors = proc.communicate(timeout=self._panel_deadline)
        except subprocess.TimeoutExpired:  # not the exception's text: it holds the whole menu
            proc.kill()
            proc.communicate()
            log.warning("menu window still open after %.0f s; killed", self._panel_deadline)
            return None
        finally:
            lifeline.cut()
            with self._lock:
                if self._panel is proc:
                    self._panel = None
        return _panel_choice(proc.returncode, out, errors)

    def close_panel(self) -> None:
        """Close the menu window if one is open (its ``panel`` call then returns None)."""
        with self._lock:
            proc = self._panel
        if proc is not None and proc.poll() is None:
            proc.terminate()

    def window(self, command: str, args: Sequence[str] = ()) -> None:
        """Open a window on its own (``history``, ``about``, ``config path``: ``command ARGS
        --window``); nothing waits for it, but it closes when the tray ends."""
        lifeline = Lifeline()
        try:
            proc = subprocess.Popen(self._argv(command, [*args, "--window"]),
                                    stdout=subprocess.DEVNULL, start_new_session=True,
                                    **lifeline.popen_args())
        except BaseException:
            lifeline.cut()
            raise
        lifeline.started()
        with self._lock:
            running = []
            for old, line in self._windows:  # the ended ones are reaped and their pipes closed
                if old.poll() is None:
                    running.append((old, line))
                else:
                    line.cut()
            self._windows = [*running, (proc, lifeline)]

    def notice(self, text: str, lasting: timedelta, near_window: int | None) -> None:
        """Show the notice toast (``traybreak notice``) beside the icon in X window
        ``near_window``, if known; nothing waits for it, but one still open a grace time after
        its time is killed (a hung window must not stay on screen)."""
        near = ["--near-window", hex(near_window)] if near_window is not None else []
        argv = self._argv("notice", ["--for", format_duration(lasting), *near, "--", text])
        lifeline = Lifeline()
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    start_new_session=True, creationflags=_NO_CONSOLE,
                                    **lifeline.popen_args())
        except OSError as problem:
            lifeline.cut()
            log.warning("notice window failed to start: %s", problem)
            return
        lifeline.started()
        with self._lock:
            self._notice = proc
        deadline = (lasting + self._notice_grace).total_seconds()
        threading.Thread(target=_reap, args=(proc, lifeline, deadline, "notice window"),
                         name=f"notice-{proc.pid}", daemon=True).start()


def _reap(proc: subprocess.Popen[bytes], lifeline: Lifeline, deadline_s: float,
          what: str) -> None:
    """Wait for a child whose answer nobody needs; kill it past ``deadline_s``; log a failure
    with the last line it wrote on stderr. Its lifeline is cut once it has ended."""
    try:
        _, err = proc.communicate(timeout=deadline_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        log.warning("%s %s still open after %.0f s; killed", what, proc.pid, deadline_s)
        return
    finally:
        lifeline.cut()
    if proc.returncode != 0 and proc.returncode not in STOP_STATUSES:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        log.warning("%s failed (exit status %s): %s", what, proc.returncode, last[0][:200])


def _panel_choice(code: int, out: str, err: str) -> str | None:
    """The command a finished menu window chose; None (logged) when it chose none or failed."""
    if code in STOP_STATUSES:
        log.info("menu window closed (exit status %s)", code)
        return None
    try:
        return read_panel_result(out)
    except ValueError as problem:
        last = err.strip().splitlines()[-1:] or ["no message"]
        log.warning("menu window failed (exit status %s): %s; %s", code, problem, last[0][:200])
        return None
