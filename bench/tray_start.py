"""Bench: time from starting `traybreak` to its icon docked and viewable in the tray (xorg).

Run: python bench/tray_start.py [--runs 10] [--breakdown-runs 5] [--no-breakdown] [--no-bytecode]

Starts a private Xvfb + trayer (tests/e2e/xdesktop.py), then the real `traybreak` command
(the launcher next to this interpreter) in an isolated XDG_* home, ``--runs`` + 1 times: the
first start is cold and discarded, the others are warm (files cached, bytecode cached in a
private PYTHONPYCACHEPREFIX as an installed package has it, the log database exists).
The clock runs from just before the process is spawned to the moment the icon window is
reparented into trayer and viewable, seen through X events (bench/xwatch.py), and on to the
moment its pixels are on screen (pystray paints on Expose). The CPU time the process had used
when it docked is shown too: load on the machine inflates it much less than the wall time.
Each run ends with `traybreak quit`.

Then the breakdown: the same start through bench/step_probe.py, which times each step in the
process (interpreter, imports, tray host check, database, catalog, icon drawing, the dock
request), and starts under `python -X importtime` to show which imports dominate.

Budget (issue 6): icon visible <= 300 ms after start on a warm machine. Exit status 1 if the
median to docked and viewable is over it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from e2e.xdesktop import Desktop, end_process, missing_tools, skip_reason  # noqa: E402
from engine_at_rest import cpu_seconds  # noqa: E402
from xwatch import WindowWatcher  # noqa: E402

BUDGET_MS = 300.0
ICON_CLASS = ("traybreakSystemTrayIcon", "traybreak")
PAINTED_COLOURS = 16   # the drawn icon shows ~150 distinct colours, its empty window 1 or 2


def launcher() -> str:
    """The `traybreak` console script of this interpreter's environment."""
    beside = Path(sys.executable).parent / "traybreak"
    found = str(beside) if beside.exists() else shutil.which("traybreak")
    if not found:
        raise SystemExit("no `traybreak` command found next to this python or on PATH")
    return found


def isolated_env(desk: Desktop, home: Path, bytecode: bool = True) -> dict[str, str]:
    """The desktop's environment with every XDG_* directory inside ``home``; ``bytecode``
    False leaves Python to compile what has no .pyc beside it (an editable checkout) each time."""
    run = home / "run"
    run.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {**desk.env, "XDG_RUNTIME_DIR": str(run)}
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):
        env[var] = str(home / sub)
    for var in ("TRAYBREAK_CONFIG", "PYSTRAY_BACKEND"):
        env.pop(var, None)
    # A warm machine has bytecode: an installed package's .pyc files. Cache it privately, not
    # in the source tree, even where PYTHONDONTWRITEBYTECODE is set (as in this dev container).
    # Set to "" rather than removed: Desktop.spawn lays this env over its own, which has it.
    env["PYTHONDONTWRITEBYTECODE"] = "" if bytecode else "1"
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache") if bytecode else ""
    return env


@dataclass(frozen=True)
class Start:
    """One timed start: spawn time (monotonic), then ms from spawn to the icon docked and
    viewable, to its pixels on screen, and the CPU ms the process had used when it docked."""

    spawned: float
    docked_ms: float
    painted_ms: float
    cpu_ms: float


class Starter:
    """Starts the tray app on ``desk`` and times its icon; one instance per bench."""

    def __init__(self, desk: Desktop, home: Path, bytecode: bool = True) -> None:
        self.desk, self.env = desk, isolated_env(desk, home, bytecode)
        self.watcher = WindowWatcher(desk.display_name)

    def icon_ready(self, window: Any) -> bool:
        w = self.watcher
        return (w.wm_class(window) == ICON_CLASS and w.viewable(window)
                and w.docked_in_trayer(window))

    def start(self, argv: list[str], extra_env: dict[str, str] | None = None,
              stderr: Any = subprocess.DEVNULL) -> Start:
        """Start ``argv``, time its icon, then quit it."""
        self.watcher.reset()
        spawned = time.monotonic()
        proc = self.desk.spawn(argv, env={**self.env, **(extra_env or {})}, stderr=stderr)
        seen = self.watcher.wait(self.icon_ready, 15.0)
        cpu = cpu_seconds(proc.pid) if seen is not None else 0.0
        painted = self.wait_painted(seen[0]) if seen is not None else None
        self.quit(proc)
        if seen is None or painted is None:
            raise SystemExit(f"the icon never docked and showed ({' '.join(argv)}); exit "
                             f"status {proc.returncode}")
        return Start(spawned, (seen[1] - spawned) * 1000, (painted - spawned) * 1000,
                     cpu * 1000)

    def wait_painted(self, wid: int) -> float | None:
        """When the icon's pixels are on screen (polled every 2 ms; pystray draws on Expose)."""
        window = self.watcher.conn.create_resource_object("window", wid)
        end = time.monotonic() + 5
        while time.monotonic() < end:
            if self.watcher.colours(window) >= PAINTED_COLOURS:
                return time.monotonic()
            time.sleep(0.002)
        return None

    def quit(self, proc: subprocess.Popen[bytes]) -> None:
        subprocess.run([launcher(), "quit"], env=self.env, capture_output=True, timeout=20,
                       check=False)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            end_process(proc)


class Timeline:
    """Step timings of several probed starts (bench/step_probe.py), printed as medians."""

    def __init__(self) -> None:
        self.steps: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.missing: set[str] = set()

    def add(self, path: Path, spawned: float, **observed: float) -> None:
        """Read one probe file; ``spawned`` on the probe's clock; ``observed``: label → ms from
        spawn of things seen from outside (an X window becoming viewable)."""
        first: dict[str, tuple[float, float]] = {}
        for line in path.read_text().splitlines():
            name, start, end = json.loads(line)
            if start is None:
                self.missing.add(name)
            elif name not in first:   # e.g. the log event row: its first call, at start-up
                first[name] = ((start - spawned) * 1000, (end - start) * 1000)
        first.update((label.replace("_", " "), (ms, 0.0)) for label, ms in observed.items())
        for name, value in first.items():
            self.steps[name].append(value)

    def print(self, title: str) -> None:
        print(f"\n{title}")
        print(f"  {'step':56s} {'starts at':>9s} {'takes':>8s}")
        rows = sorted(self.steps.items(), key=lambda item: statistics.median(s for s, _ in item[1]))
        for name, values in rows:
            at = statistics.median(s for s, _ in values)
            took = statistics.median(d for _, d in values)
            print(f"  {name:56s} {at:9.1f} {took:8.1f}" if took else f"  {name:56s} {at:9.1f}")
        for name in sorted(self.missing):
            print(f"  (step not timed: {name})")


def breakdown(starter: Starter, runs: int, folder: Path) -> None:
    """Print the median start-up timeline of ``runs`` probed starts."""
    timeline = Timeline()
    for run in range(runs):
        path = folder / f"timeline-{run}.jsonl"
        start = starter.start([sys.executable, str(HERE / "step_probe.py"), "run"],
                              {"TRAYBREAK_BENCH_TIMELINE": str(path)})
        timeline.add(path, start.spawned, icon_docked_and_viewable_in_trayer=start.docked_ms,
                     icon_painted_on_screen=start.painted_ms)
    timeline.print(f"where the time goes (median of {runs} probed warm starts; ms from spawn):")


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def read_importtime(text: str) -> tuple[dict[str, float], dict[str, float]]:
    """(own ms per package, cumulative ms per import made at top level or inside a function)
    from -X importtime output; traybreak is split one level down (which part of the app)."""
    own: dict[str, float] = defaultdict(float)
    roots: dict[str, float] = defaultdict(float)
    for line in text.splitlines():
        match = IMPORT_LINE.match(line)
        if match is None:
            continue
        self_us, cumulative_us, indent, module = match.groups()
        parts = module.split(".")
        own[".".join(parts[:2]) if parts[0] == "traybreak" else parts[0]] += int(self_us) / 1000
        if len(indent) == 1:
            roots[module] += int(cumulative_us) / 1000
    return own, roots


def import_profile(starter: Starter, folder: Path, runs: int, top: int) -> None:
    """``runs`` starts under -X importtime: median import cost per package and per import."""
    owns: list[dict[str, float]] = []
    rootss: list[dict[str, float]] = []
    for run in range(runs):
        log = folder / f"importtime-{run}.txt"
        with log.open("wb") as sink:
            starter.start([sys.executable, "-X", "importtime", launcher()], stderr=sink)
        own, roots = read_importtime(log.read_text(errors="replace"))
        owns.append(own)
        rootss.append(roots)

    def median_of(tables: list[dict[str, float]]) -> list[tuple[float, str]]:
        names = {name for table in tables for name in table}
        return sorted(((statistics.median(t.get(n, 0.0) for t in tables), n) for n in names),
                      reverse=True)

    total = statistics.median(sum(own.values()) for own in owns)
    print(f"\nimports in a warm start (python -X importtime, median of {runs}): "
          f"{total:.0f} ms in all")
    print("  by package (own time of its modules):")
    for ms, package in median_of(owns)[:top]:
        print(f"    {package:40s} {ms:7.1f} ms")
    print("  by import statement run at module level or inside a function (cumulative):")
    for ms, module in median_of(rootss)[:top]:
        print(f"    {module:40s} {ms:7.1f} ms")


def interpreter_floor(runs: int) -> float:
    """Median ms for `python -c pass` with site: what any Python program pays to start."""
    times = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.monotonic() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="warm starts to time")
    parser.add_argument("--breakdown-runs", type=int, default=5,
                        help="probed starts for the per-step timeline")
    parser.add_argument("--no-breakdown", action="store_true", help="only the headline figure")
    parser.add_argument("--top", type=int, default=12, help="packages listed in the profile")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="write no .pyc files (modules without one are compiled each start)")
    args = parser.parse_args()
    missing = missing_tools(tray=True)
    if missing:
        raise SystemExit(skip_reason(missing))
    load = os.getloadavg()[0]
    with Desktop(tray=True) as desk, tempfile.TemporaryDirectory() as tmp:
        starter = Starter(desk, Path(tmp) / "home", bytecode=not args.no_bytecode)
        cold = starter.start([launcher()]).docked_ms
        runs = [starter.start([launcher()]) for _ in range(args.runs)]
        times = [r.docked_ms for r in runs]
        median = statistics.median(times)
        cache = "no .pyc written" if args.no_bytecode else "bytecode cached"
        print(f"traybreak start (xorg, trayer on Xvfb, {os.cpu_count()} CPUs; {args.runs} warm "
              f"runs, {cache}, cold first run {cold:.0f} ms discarded; load average {load:.2f} "
              f"before, {os.getloadavg()[0]:.2f} after):")
        for label, values in (("→ icon docked and viewable", times),
                              ("→ icon painted on screen", [r.painted_ms for r in runs]),
                              ("CPU used by then (process)", [r.cpu_ms for r in runs])):
            print(f"  {label:28s} median {statistics.median(values):5.0f} ms, "
                  f"min {min(values):5.0f}, max {max(values):5.0f}")
        print(f"budget: {BUDGET_MS:.0f} ms to docked and viewable → "
              f"{'OK' if median <= BUDGET_MS else 'OVER'}")
        if not args.no_breakdown:
            print(f"\n`python -c pass` (interpreter + site, the floor for any start): "
                  f"{interpreter_floor(5):.0f} ms")
            breakdown(starter, args.breakdown_runs, Path(tmp))
            import_profile(starter, Path(tmp), args.breakdown_runs, args.top)
        starter.watcher.close()
    return 0 if median <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
