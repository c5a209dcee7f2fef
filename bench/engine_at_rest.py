"""Measure the engine loop at rest: CPU seconds per hour and wakeups per minute.

Runs the real service loop (default config rules, real idle source when DISPLAY is set, else the
null one, an in-memory sink) in a child process for N seconds and reads the child's /proc
counters; or measures any running process (e.g. the tray app) with --pid. Linux only.

    python bench/engine_at_rest.py [--seconds 60] [--pid PID]

Budget (issue 3): under 0.1 CPU-s per hour and under 20 wakeups per minute.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import logging, os, sys, threading
from datetime import timedelta
from traybreak.config.settings import default_config
from traybreak.core.engine import Engine
from traybreak.platform.idle.choose import choose_idle_source
from traybreak.platform.idle.null import NullIdleSource
from traybreak.app.clock_jobs import ClockScheduler
from traybreak.app.clocks import local_now
from traybreak.app.engine_thread import EngineService

cfg = default_config()
idle = choose_idle_source() if os.environ.get("DISPLAY") else NullIdleSource("bench: no DISPLAY")
kept = []
engine = Engine(cfg.rules, cfg.activity, cfg.prompt, cfg.hours)
service = EngineService(engine, ClockScheduler(cfg.rules, local_now()), idle, kept.extend)
print(idle.name, flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), service.stop()), daemon=True).start()
service.run()
"""


def cpu_seconds(pid: int) -> float:
    """CPU time of the whole process in seconds: nanoseconds from the threads' schedstat where
    the kernel has it (utime + stime in /proc/PID/stat only count 10 ms ticks), else utime+stime."""
    total_ns, found = 0, False
    for schedstat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total_ns += int(schedstat.read_text().split()[0])
            found = True
        except (FileNotFoundError, IndexError, ValueError):
            continue
    if found:
        return total_ns / 1e9
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def context_switches(pid: int) -> int:
    """Voluntary context switches summed over the process's threads: each is a thread going to
    sleep (and so, later, a wakeup). Involuntary switches are preemptions of a running thread:
    they grow with the machine's load, not with anything the app does, so they are left out."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches"):
                    total += int(line.split()[1])
        except FileNotFoundError:   # a thread ended while we read
            continue
    return total


def measure(pid: int, seconds: float) -> tuple[float, float]:
    """(CPU seconds per hour, wakeups per minute) of ``pid`` over ``seconds``."""
    cpu0, sw0, t0 = cpu_seconds(pid), context_switches(pid), time.monotonic()
    time.sleep(seconds)
    cpu1, sw1, t1 = cpu_seconds(pid), context_switches(pid), time.monotonic()
    span = t1 - t0
    return (cpu1 - cpu0) * 3600 / span, (sw1 - sw0) * 60 / span


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to measure")
    parser.add_argument("--pid", type=int, help="measure this running process instead")
    args = parser.parse_args()
    child = None
    if args.pid is None:
        child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
        source = child.stdout.readline().strip()
        time.sleep(2.0)                      # let imports and the first tick settle
        pid, what = child.pid, f"engine loop (idle source: {source})"
    else:
        pid, what = args.pid, f"process {args.pid}"
    try:
        cpu_per_hour, wakeups = measure(pid, args.seconds)
    finally:
        if child is not None:
            child.stdin.close()
            child.wait(10)
    print(f"{what}, {args.seconds:.0f} s at rest")
    print(f"CPU: {cpu_per_hour:.4f} s per hour   (budget < 0.1)")
    print(f"wakeups: {wakeups:.1f} per minute   (budget < 20)")
    return 0 if cpu_per_hour < 0.1 and wakeups < 20 else 1


if __name__ == "__main__":
    sys.exit(main())
