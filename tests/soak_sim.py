"""A long run of the whole tray app on simulated time: thousands of prompts at short intervals.

Shared by tests/app/test_soak.py and bench/soak.py (issue 18 point 10: at the shortest intervals
the tray grew 24.2 -> 26.3 MB in 25 minutes, and each prompt cost more CPU as the day's log grew).

The real App runs: its engine thread, action sink, log writer, the SQLite log, the tray's facts
and view model (tooltip and menu built on every refresh), the control socket. Only its side
effects are fakes: a tray view that keeps nothing but the latest tooltip and menu, an idle source
saying the user is at the desk, and a window launcher whose prompt windows are objects that
answer on the simulated clock (done mostly; some skips, snoozes and prompts nobody answers).
Time is ``SimClock``: the engine's sleeps return at once, having moved the clocks on to its next
deadline, so a simulated day takes seconds.

Every ``every`` prompts the run takes a ``Sample`` (process CPU time, RSS, open fds, threads)
on the engine thread, the moment the prompt is put on screen.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fakes import FakeAutostart, FakeIdle, NoWatch, OpenedFiles, SimClock

from traybreak.app.child_windows import WindowProcess
from traybreak.app.environment import Environment
from traybreak.app.tray_app import App
from traybreak.core.model import Outcome, Reason
from traybreak.ui.menu import build_menu
from traybreak.ui.protocol import PromptResult

#: The shortest intervals worth running: every rule prompts within a few minutes of active time;
#: and a custom reminder once a day, from the clock scheduler.
CONFIG = """
[breaks.stretch]
every = "20s"
duration = "5s"
[breaks.strengthen]
every = "50s"
duration = "8s"
[breaks.relax]
every = "2m"
duration = "10s"
[breaks.water]
message = "A glass of water"
at = "12:30"
[prompt]
timeout = "10s"
snooze = "15s"
notice = "5s"
"""
#: Monday 08:00 local: the run goes through a midnight or two.
START = datetime(2026, 3, 2, 8, 0).astimezone()


@dataclass(frozen=True)
class Sample:
    """The process after ``prompts`` prompts, at simulated time ``at``."""

    prompts: int
    at: datetime
    cpu_s: float      # process CPU time (user + system), all threads
    rss_kb: int
    fds: int
    threads: int


def rss_kb() -> int:
    """Resident set size of this process (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def open_fds() -> int:
    """File descriptors open in this process (Linux /proc)."""
    return len(os.listdir("/proc/self/fd"))


def os_threads() -> int:
    """Threads of this process as the kernel counts them."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return threading.active_count()


def settle(watcher: threading.Thread) -> None:
    """Let a window's watch thread finish the lines after the answer it passed on, and the OS
    reap it (a joined thread is still counted for a moment)."""
    watcher.join(5)
    for _ in range(100):
        if os_threads() <= threading.active_count():
            return
        time.sleep(0.002)


class QuietView:
    """The tray icon's stand-in for a long run: it builds the menu from each refresh's facts, as
    the real view does, and keeps only the latest (and how many notifications came)."""

    has_menu = False

    def __init__(self, on_command: Any, on_click: Any, on_menu_opening: Any) -> None:
        self.until_done = threading.Event()
        self.tooltip_now = ""
        self.menu_now: tuple[Any, ...] = ()
        self.notifications = 0
        self.refreshes = 0

    def create(self, facts: Any) -> None:
        self.refresh(facts)

    def run(self, setup: Any) -> None:
        from types import SimpleNamespace

        setup(SimpleNamespace(visible=True))
        self.until_done.wait()

    def stop(self) -> None:
        self.until_done.set()

    def refresh(self, facts: Any) -> None:
        self.refreshes += 1
        self.tooltip_now, self.menu_now = facts.tooltip, tuple(build_menu(facts.menu))

    def notify(self, text: str) -> None:
        self.notifications += 1

    def tooltip(self) -> str:
        return self.tooltip_now

    def menu_entries(self) -> tuple[Any, ...]:
        return self.menu_now


class SimWindow:
    """A prompt window on the simulated clock: it answers ``answer`` after ``after`` seconds, or
    (``answer`` None) never, and the tray's own timeout closes it."""

    def __init__(self, clock: SimClock, occurrence: int, answer: Outcome | None,
                 after: float) -> None:
        self.clock, self.occurrence, self.answer, self.after = clock, occurrence, answer, after
        self.result: PromptResult | None = None

    def watch(self, callback: Any) -> None:
        if self.answer is not None:
            self.clock.call_later(self.after, lambda: self._answered(callback))

    def _answered(self, callback: Any) -> None:
        if self.result is None:
            self.result = PromptResult(self.answer or Outcome.DONE, self.after, None, None,
                                       self.occurrence)
            callback(self.result)

    def kill(self, reason: Reason = Reason.STOPPED, detail: str = "closed") -> PromptResult:
        if self.result is None:
            self.result = PromptResult(Outcome.IGNORED, 0.0, reason, detail, self.occurrence)
        return self.result


class RealWindow(WindowProcess):
    """A real window child process (the tray's WindowProcess: pipes, files, a watch thread)
    that prints ``answer`` and ends; the simulated clock waits for it."""

    def __init__(self, clock: SimClock, occurrence: int, answer: Outcome) -> None:
        line = json.dumps({"outcome": answer.value, "elapsed_s": 1.0})
        clock.outside_began()
        self.sim = clock
        self.watcher: threading.Thread | None = None
        try:
            super().__init__([sys.executable, "-S", "-c", f"print({line!r})"], 30.0,
                             occurrence=occurrence)
        except BaseException:
            clock.outside_ended()
            raise

    def watch(self, callback: Callable[[PromptResult], None]) -> threading.Thread:
        def ended(result: PromptResult) -> None:
            self.sim.outside_ended()
            callback(result)

        self.watcher = super().watch(ended)
        return self.watcher


class SimLauncher:
    """Prompt windows on the simulated clock, answered as a seeded user would; takes a Sample
    every ``every`` prompts and ends the run (``done``) after ``prompts``. ``real``: the
    windows are real child processes (RealWindow), which always answer."""

    def __init__(self, clock: SimClock, prompts: int, every: int, seed: int = 18,
                 real: bool = False) -> None:
        self.clock, self.target, self.every, self.real = clock, prompts, every, real
        self.last_real: RealWindow | None = None
        self.rng = random.Random(seed)
        self.shown = 0
        self.samples: list[Sample] = []
        self.done = threading.Event()

    def prompt(self, request: Any, config: str | None) -> SimWindow | RealWindow:
        self.shown += 1
        if self.shown % self.every == 0 or self.shown == 1:
            if self.last_real is not None and self.last_real.watcher is not None:
                settle(self.last_real.watcher)
            self.samples.append(Sample(self.shown, self.clock.wall(), time.process_time(),
                                       rss_kb(), open_fds(), os_threads()))
        if self.shown >= self.target:
            self.done.set()
        roll = self.rng.random()
        answer = (Outcome.DONE if roll < 0.7 else Outcome.SKIPPED if roll < 0.8
                  else Outcome.SNOOZED if roll < 0.9 else None)
        if self.real:
            self.last_real = RealWindow(self.clock, request.occurrence, answer or Outcome.DONE)
            return self.last_real
        return SimWindow(self.clock, request.occurrence, answer, self.rng.uniform(2.0, 8.0))

    def panel(self, entries: Any, header: str) -> str | None:
        return None

    def window(self, command: str, args: Any = ()) -> None:
        pass


@contextmanager
def soak_home(base: Path | None = None) -> Iterator[tuple[Path, Path]]:
    """A home for the run (config, log, state; in memory under /dev/shm where there is one, so
    the log's fsyncs cost nothing) and a short runtime folder for the socket, with the XDG
    variables pointing there; all put back afterwards. Yields (home, runtime)."""
    where = base if base is not None else (Path("/dev/shm") if Path("/dev/shm").is_dir()
                                           else None)
    names = [f"XDG_{name}_HOME" for name in ("CONFIG", "DATA", "STATE")] + ["XDG_RUNTIME_DIR"]
    saved = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="tb-soak", dir=where) as home, \
            tempfile.TemporaryDirectory(prefix="tb") as runtime:
        for name in names[:3]:
            os.environ[name] = os.path.join(home, name.split("_")[1].lower())
        os.environ["XDG_RUNTIME_DIR"] = runtime
        try:
            yield Path(home), Path(runtime)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def soak(home: Path, runtime: Path, prompts: int, every: int = 1000,
         timeout_s: float = 600.0, real_windows: bool = False) -> tuple[App, list[Sample]]:
    """Run the app on simulated time until ``prompts`` prompts were shown (or ``timeout_s`` real
    seconds passed); returns the ended app and the samples (the first after prompt 1, then one
    every ``every`` prompts). ``real_windows``: each prompt a real child process (slower: tens
    of ms each). Call on the main thread (the app sets signal handlers)."""
    config = home / "config.toml"
    config.write_text(CONFIG)
    clock = SimClock(START)
    launcher = SimLauncher(clock, prompts, every, real=real_windows)
    autostart = FakeAutostart()
    env = Environment(tray_view=QuietView, idle_source=lambda: FakeIdle(timedelta(seconds=1)),
                      autostart=lambda: autostart, open_file=OpenedFiles(), launcher=launcher,
                      clocks=clock.clocks(), file_watch=lambda path, on_change: NoWatch())
    app = App(config, runtime, "fake", env)
    view = app.view
    assert isinstance(view, QuietView)

    def until_done() -> None:
        launcher.done.wait(timeout_s)
        app.quit()

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT,
                                                       signal.SIGHUP)}
    ender = threading.Thread(target=until_done, name="soak-end", daemon=True)
    ender.start()
    try:
        app.run()
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    ender.join(5)
    return app, launcher.samples


def per_prompt_ms(samples: list[Sample], first: int, last: int) -> float:
    """CPU ms per prompt between the samples at ``first`` and ``last`` prompts."""
    at = {s.prompts: s for s in samples}
    return (at[last].cpu_s - at[first].cpu_s) * 1000 / (last - first)
