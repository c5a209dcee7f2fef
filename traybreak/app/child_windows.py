"""The tray side of window child processes: how a window is started (this interpreter, ``-m
traybreak``), starting a prompt with its deadline, and the tray's real launcher (ChildLauncher:
the prompt, the menu window it waits for, the windows and the notice toast nobody waits for).

Beside it: window_process (WindowProcess: watching a window's result and its deadline) and
window_lifeline (Lifeline: every window closes when the tray ends).

Runs in the tray process (any thread); never imports tkinter. One child per window.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from traybreak.app.window_lifeline import NO_CONSOLE, Lifeline
from traybreak.app.window_process import STOP_STATUSES, WindowProcess
from traybreak.core.durations import format_duration
from traybreak.ui.menu import MenuEntry
from traybreak.ui.protocol import (
    PromptRequest,
    panel_args,
    panel_deadline_s,
    read_panel_result,
)

__all__ = ["DEFAULT_GRACE", "STOP_STATUSES", "ArgvFor", "ChildLauncher", "Lifeline",
           "PromptRequest", "WindowProcess", "launch_prompt", "window_argv"]

log = logging.getLogger(__name__)

# Time the tray grants beyond the window's own timeout (start-up, slow machine) before killing it.
DEFAULT_GRACE = timedelta(seconds=20)

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
                                    start_new_session=True, creationflags=NO_CONSOLE,
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
