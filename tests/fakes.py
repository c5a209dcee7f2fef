"""Hand-written fakes and sample data shared by the tests (import as `from fakes import ...`)."""

from __future__ import annotations

from datetime import timedelta

from traybreak.core.model import Caution, Dosage, Exercise, Kind, Setting

# --- sample_exercises: the built-in manifest as Exercise objects (owner: rotation/stats tests) ---

# id, kind, setting, targets (space-separated), counters, as in the exercise manifest.
_SAMPLE_ROWS = (
    ("seated_hip_flexor_stretch", "stretch", "seated", "hip_flexors", "front_hip"),
    ("standing_hip_flexor_lunge", "stretch", "standing", "hip_flexors", "front_hip"),
    ("seated_hamstring_stretch", "stretch", "seated", "hamstrings", "back_of_legs"),
    ("standing_hamstring_stretch", "stretch", "standing", "hamstrings", "back_of_legs"),
    ("seated_figure_four", "stretch", "seated", "piriformis", "side_of_hip"),
    ("standing_figure_four", "stretch", "standing", "piriformis", "side_of_hip"),
    ("doorway_chest_stretch", "stretch", "standing", "chest", "rounded_shoulders"),
    ("seated_chest_opener", "stretch", "seated", "chest", "rounded_shoulders"),
    ("upper_trap_stretch", "stretch", "seated", "upper_traps neck", "forward_head"),
    ("levator_scapulae_stretch", "stretch", "seated", "upper_traps", "forward_head"),
    ("seated_neck_rotation", "stretch", "seated", "neck", "forward_head"),
    ("desk_lat_stretch", "stretch", "standing", "lats", "rounded_shoulders"),
    ("standing_side_reach", "stretch", "standing", "lats quadratus_lumborum", "side_of_hip"),
    ("seated_side_bend", "stretch", "seated", "quadratus_lumborum", "side_of_hip"),
    ("standing_calf_stretch", "stretch", "standing", "calves", "back_of_legs"),
    ("wrist_flexor_stretch", "stretch", "seated", "wrist_flexors", "forearms"),
    ("seated_thoracic_extension", "stretch", "seated", "thoracic_spine", "stiff_upper_back"),
    ("seated_thoracic_rotation", "stretch", "seated", "thoracic_spine", "stiff_upper_back"),
    ("standing_cat_cow", "stretch", "standing", "thoracic_spine", "stiff_upper_back"),
    ("seated_glute_squeeze", "strengthen", "seated", "glute_max", "front_hip"),
    ("sit_to_stand", "strengthen", "standing", "glute_max", "back_of_legs"),
    ("glute_bridge", "strengthen", "floor", "glute_max", "front_hip"),
    ("standing_hip_abduction", "strengthen", "standing", "glute_med", "side_of_hip"),
    ("clamshell", "strengthen", "floor", "glute_med", "side_of_hip"),
    ("standing_hip_hike", "strengthen", "standing", "glute_med obliques", "side_of_hip"),
    ("seated_core_brace", "strengthen", "seated", "deep_core", "front_hip"),
    ("seated_march", "strengthen", "seated", "deep_core", "front_hip"),
    ("dead_bug", "strengthen", "floor", "deep_core", "front_hip"),
    ("wall_side_plank", "strengthen", "standing", "obliques", "side_of_hip"),
    ("scapular_squeeze", "strengthen", "seated", "rhomboids", "rounded_shoulders"),
    ("band_pull_apart", "strengthen", "standing", "rhomboids lower_traps", "rounded_shoulders"),
    ("wall_angel", "strengthen", "standing", "lower_traps", "rounded_shoulders"),
    ("standing_y_raise", "strengthen", "standing", "lower_traps", "forward_head"),
    ("chin_tuck", "strengthen", "seated", "deep_neck_flexors", "forward_head"),
    ("wall_chin_tuck", "strengthen", "standing", "deep_neck_flexors", "forward_head"),
    ("bird_dog", "strengthen", "floor", "spinal_erectors deep_core", "back_of_legs"),
    ("standing_hip_hinge", "strengthen", "standing", "spinal_erectors glute_max", "back_of_legs"),
    ("seated_back_extension", "strengthen", "seated", "spinal_erectors", "stiff_upper_back"),
    ("wrist_extensor_lift", "strengthen", "seated", "wrist_extensors", "forearms"),
    ("box_breathing", "relax", "seated", "breathing", "stress"),
    ("long_exhale_breathing", "relax", "seated", "breathing", "stress"),
    ("belly_breathing", "relax", "seated", "breathing", "stress"),
    ("shoulder_drop", "relax", "seated", "whole_body upper_traps", "stress"),
    ("progressive_relaxation", "relax", "seated", "whole_body", "stress"),
    ("body_scan", "relax", "seated", "whole_body", "stress"),
    ("eye_distance_rest", "relax", "seated", "eyes", "stress"),
    ("eye_palming", "relax", "seated", "eyes", "stress"),
    ("daily_wind_down", "relax", "seated", "breathing whole_body", "stress"),)


def sample_exercises() -> tuple[Exercise, ...]:
    """The manifest's built-in exercises as plain Exercise values, independent of the TOML pack.

    Only id, kind, setting, targets and counters carry meaning; the card text is filler.
    """
    return tuple(
        Exercise(
            id=ident, name=ident.replace("_", " ").capitalize(), kind=Kind(kind),
            targets=tuple(targets.split()), counters=counters, setting=Setting(setting),
            steps=("Do it gently.",), dosage=Dosage(hold_s=30), duration=timedelta(seconds=30),
            cautions=(Caution("Stop if it hurts."),), why="Sample.",
        )
        for ident, kind, setting, targets, counters in _SAMPLE_ROWS
    )


# --- break engine: a simulated desk with explicit time (owner: engine/service tests) -----------

import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402


class FakeBusy:
    """A BusySource whose answer the test sets (a frozenset of Reasons, None: unknown, or an
    exception to raise); counts how often it was asked."""

    name = "fake-busy"

    def __init__(self, value: object = frozenset()) -> None:
        self.value = value
        self.calls = 0
        self.closed = False

    def busy(self) -> object:
        self.calls += 1
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value

    def close(self) -> None:
        self.closed = True


class FakeIdle:
    """An IdleSource whose answer the test sets; counts how often it was asked."""

    name = "fake"

    def __init__(self, idle: timedelta | None = timedelta(0)) -> None:
        self.value = idle
        self.calls = 0
        self.closed = False

    def idle(self) -> timedelta | None:
        self.calls += 1
        return self.value

    def close(self) -> None:
        self.closed = True


class CountingWaker:
    """A waker (an idle source's ``set_waker`` argument) that counts its calls from any thread."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            self.count += 1


class ListSink:
    """A service sink that keeps every action and lets a test wait for the next batch."""

    def __init__(self) -> None:
        self.actions: list[object] = []
        self._cond = threading.Condition()

    def __call__(self, actions) -> None:  # type: ignore[no-untyped-def]
        with self._cond:
            self.actions.extend(actions)
            self._cond.notify_all()

    def wait_for(self, test: Callable[[list[object]], bool], timeout: float = 5.0) -> bool:
        """Block until ``test(actions)`` holds (True) or ``timeout`` passes (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: test(self.actions), timeout)


@dataclass
class DeskSim:
    """Drives an Engine (and optionally a ClockScheduler) through simulated time.

    ``now`` is aware local wall time and moves with real elapsed time (across DST, too) unless
    the test moves the wall clock itself; ``mono`` is the suspend-inclusive monotonic clock.
    The simulated user answers prompts through ``respond`` (rule name -> (outcome, delay)).
    """

    engine: object
    now: datetime
    scheduler: object | None = None
    mono: float = 1000.0
    step: float = 5.0
    last_input: float | None = None           # mono of the last input; None: idle unknown
    respond: Callable[[object], tuple[object, float] | None] = lambda show: None
    actions: list[tuple[datetime, object]] = field(default_factory=list)
    pending: list[tuple[float, int, object]] = field(default_factory=list)

    def _advance(self, seconds: float) -> None:
        self.now = (self.now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(
            self.now.tzinfo)
        self.mono += seconds

    def _idle(self) -> timedelta | None:
        if self.last_input is None:
            return None
        return timedelta(seconds=max(0.0, self.mono - self.last_input))

    def tick(self) -> None:
        due = self.scheduler.due(self.now) if self.scheduler is not None else []
        self._record(self.engine.tick(self.now, self.mono, self._idle(), due))
        for item in [p for p in self.pending if p[0] <= self.mono]:
            self.pending.remove(item)
            self._record(self.engine.answer(self.now, self.mono, item[1], item[2]))

    def _record(self, actions: list[object]) -> None:
        for action in actions:
            self.actions.append((self.now, action))
            if type(action).__name__ == "ShowPrompt":
                reply = self.respond(action)
                if reply is not None:
                    outcome, delay = reply
                    self.pending.append((self.mono + delay, action.occurrence, outcome))

    def work(self, seconds: float) -> None:
        """The user types and clicks throughout (input at every tick)."""
        self._run(seconds, active=True)

    def away(self, seconds: float) -> None:
        """No input at all for ``seconds`` (lunch, a meeting away from the keyboard)."""
        self._run(seconds, active=False)

    def _run(self, seconds: float, active: bool) -> None:
        end = self.mono + seconds
        while self.mono < end - 1e-9:
            self._advance(min(self.step, end - self.mono))
            if active and self.last_input is not None:
                self.last_input = self.mono
            self.tick()

    def suspend(self, seconds: float) -> None:
        """The machine sleeps: wall and suspend-inclusive mono jump, the idle clock stands still."""
        if self.last_input is not None:
            idle_before = self.mono - self.last_input
            self._advance(seconds)
            self.last_input = self.mono - idle_before
        else:
            self._advance(seconds)

    def set_clock(self, seconds: float) -> None:
        """Someone (or NTP) moves the wall clock; no real time passes."""
        self.now = (self.now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(
            self.now.tzinfo)

    def of_type(self, name: str) -> list[tuple[datetime, object]]:
        return [(at, a) for at, a in self.actions if type(a).__name__ == name]


class TickClock:
    """Explicit time for an Engine: wall (from ``start``) and monotonic move together, ``step`` s
    per tick, the user at the desk (idle 1 s); ``actions`` keeps what ``run`` returned."""

    def __init__(self, engine: Any, start: datetime, step: float = 10.0) -> None:
        self.engine, self.start, self.step, self.mono = engine, start, step, 0.0
        self.actions: list[object] = []

    @property
    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.mono)

    def run(self, seconds: float) -> list[object]:
        out: list[object] = []
        end = self.mono + seconds
        while self.mono < end:
            self.mono += self.step
            out += self.engine.tick(self.now, self.mono, timedelta(seconds=1))
        self.actions += out
        return out


# --- the tray process's environment: hand-written side effects (owner: app tests) --------------

import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from traybreak.app.child_windows import WindowProcess  # noqa: E402
from traybreak.app.clocks import Clocks  # noqa: E402
from traybreak.app.environment import Environment  # noqa: E402
from traybreak.platform.autostart.base import AutostartState, AutostartStatus  # noqa: E402
from traybreak.ui.menu import build_menu  # noqa: E402


class FakeView:
    """Stands in for the tray icon: keeps what it is shown (tooltip, menu); ``run`` plays the
    test's ``scenario`` on the main thread while the app runs, as the icon's loop would block
    there."""

    has_menu = False

    def __init__(self, on_command: Callable[[str], None], on_click: Callable[[], None],
                 on_menu_opening: Callable[[], None]) -> None:
        self.on_command, self.on_click = on_command, on_click
        self.on_menu_opening = on_menu_opening  # a test opens the "native menu" with this
        self.scenario: Callable[[], None] = lambda: None
        self.tooltip_now = ""
        self.menu_now: tuple[Any, ...] = ()
        self.notes: list[str] = []
        self.error: BaseException | None = None

    def create(self, facts: Any) -> None:
        self.refresh(facts)

    def run(self, setup: Callable[[Any], None]) -> None:
        setup(SimpleNamespace(visible=True))
        try:
            self.scenario()
        except BaseException as err:  # App.run would log it and carry on: keep it for the test
            self.error = err

    def stop(self) -> None:
        pass

    def refresh(self, facts: Any) -> None:
        self.tooltip_now, self.menu_now = facts.tooltip, build_menu(facts.menu)

    def notify(self, text: str) -> None:
        self.notes.append(text)

    def icon_window(self) -> int | None:
        return None

    def tooltip(self) -> str:
        return self.tooltip_now

    def menu_entries(self) -> tuple[Any, ...]:
        return self.menu_now


class FakeAutostart:
    """A login entry kept in memory; ``enabled_with`` is the command it was last enabled with."""

    def __init__(self, state: AutostartState = AutostartState.DISABLED) -> None:
        self.state = state
        self.enabled_with: list[str] | None = None

    def status(self) -> AutostartStatus:
        return AutostartStatus(self.state, "in memory")

    def enable(self, argv: list[str]) -> AutostartStatus:
        self.state, self.enabled_with = AutostartState.ENABLED, list(argv)
        return self.status()

    def disable(self) -> AutostartStatus:
        self.state = AutostartState.DISABLED
        return self.status()


class OpenedFiles(list[Path]):
    """A file opener that only keeps the paths it was asked to open."""

    def __call__(self, path: Path) -> bool:
        self.append(path)
        return True


class ScriptLauncher:
    """A launcher whose prompt windows are real child processes running ``script`` (python -c);
    the panel and the other windows are only kept (``panels``, ``opened``), the panel chooses
    ``panel_choice``."""

    def __init__(self, script: str, panel_choice: str | None = None) -> None:
        self.script, self.panel_choice = script, panel_choice
        self.prompts: list[Any] = []
        self.panels: list[tuple[tuple[Any, ...], str]] = []
        self.opened: list[str] = []   # "history", "config path --config FILE", ...
        self.notices: list[tuple[str, Any, int | None]] = []   # (text, lasting, near_window)

    def prompt(self, request: Any, config: str | None) -> WindowProcess:
        self.prompts.append(request)
        return WindowProcess([sys.executable, "-c", self.script], 10.0,
                             occurrence=request.occurrence)

    def panel(self, entries: Sequence[Any], header: str) -> str | None:
        self.panels.append((tuple(entries), header))
        return self.panel_choice

    def window(self, command: str, args: Sequence[str] = ()) -> None:
        self.opened.append(" ".join([command, *args]))

    def notice(self, text: str, lasting: Any, near_window: int | None) -> None:
        self.notices.append((text, lasting, near_window))


#: A prompt window for tests that expect none: it ends at once, crashed, saying so.
UNEXPECTED_WINDOW = "raise SystemExit('a prompt window this test did not expect')"


class NoWatch:
    """A config-file watch that never calls back (the app's check on each wake still runs, and
    as on a platform without a watch, the engine wakes every ``refresh_s`` to do it)."""

    active = False

    def close(self) -> None:
        pass


def fake_environment(**changes: Any) -> Environment:
    """An Environment of fakes (the real clocks: the app runs in real time), with ``changes``."""
    autostart = FakeAutostart()
    env = Environment(tray_view=FakeView, idle_source=lambda: FakeIdle(None),
                      autostart=lambda: autostart, open_file=OpenedFiles(),
                      launcher=ScriptLauncher(UNEXPECTED_WINDOW), clocks=Clocks(),
                      file_watch=lambda path, on_change: NoWatch())
    return replace(env, **changes)


# --- simulated time for the whole app (owner: the soak, tests/soak_sim.py) ---------------------

import heapq  # noqa: E402
import itertools  # noqa: E402


class SimClock:
    """Simulated time for a running App: wall (aware local, from ``start``), mono and steady move
    together, and only when the engine sleeps (``wait``): its sleep returns at once, with the
    clocks moved on to its deadline, or to the first callback (``call_later``: a window's answer)
    due before it, which is run there, on the engine thread.

    While ``outside`` is above 0 (real window processes are open), a sleep first waits up to
    ``outside_s`` real seconds for them to wake the engine, so they can answer in time."""

    def __init__(self, start: datetime, mono: float = 1000.0, outside_s: float = 5.0) -> None:
        self._start, self._mono0 = start.astimezone(UTC), mono
        self.mono = mono
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self.outside, self.outside_s = 0, outside_s
        self._outside_lock = threading.Lock()

    def outside_began(self) -> None:
        """A real process the simulation must wait for has started (any thread)."""
        with self._outside_lock:
            self.outside += 1

    def outside_ended(self) -> None:
        """That process has ended (any thread)."""
        with self._outside_lock:
            self.outside -= 1

    def wall(self) -> datetime:
        return (self._start + timedelta(seconds=self.mono - self._mono0)).astimezone()

    def call_later(self, seconds: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the clock has moved ``seconds`` on."""
        heapq.heappush(self._due, (self.mono + seconds, next(self._order), callback))

    def wait(self, event: threading.Event, timeout: float) -> bool:
        """The engine's sleep: no real time passes (unless ``outside``)."""
        with self._outside_lock:
            outside = self.outside
        if outside > 0:
            event.wait(self.outside_s)
        end = self.mono + timeout
        while not event.is_set() and self._due and self._due[0][0] <= end:
            at, _, callback = heapq.heappop(self._due)
            self.mono = max(self.mono, at)
            callback()
        if not event.is_set():
            self.mono = end
        return event.is_set()

    def clocks(self) -> Clocks:
        return Clocks(wall=self.wall, mono=lambda: self.mono, steady=lambda: self.mono,
                      wait=self.wait)
