"""Bench: the memory of the prompt window's process on Xvfb (#18 point 12: it opens many times a
day, target ≤ 35 MB).

Run: python bench/prompt_memory.py [--runs 3] [--settle 3] [--size 1024x768] [--detail]
                                   [--shot DIR] [EXERCISE_ID ...]
Starts `python -m traybreak prompt ID` as the tray does (its own process, the tray's options),
waits until the window is mapped and its figure has shown and animated for ``--settle``
seconds, then prints the process's resident memory now (VmRSS) and at its peak (VmHWM), from
/proc/PID/status, and /proc/PID/smaps_rollup's split into file-backed and anonymous memory.
``--detail`` adds the mappings holding the most (shared libraries, the heap); ``--shot DIR``
saves a screenshot of each exercise's first window, to compare the look before and after.

The figure cache (XDG_CACHE_HOME) is a fresh temporary folder: each exercise's first window is
its first showing (the figure drawn by a process of its own), the later ones read it back. The
last line per exercise is that drawing process alone (`prompt ID --draw-figure PIXELS`): its
peak and how long it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from e2e.xdesktop import Desktop, end_process, wait_until

EXERCISES = ["seated_hip_flexor_stretch", "box_breathing", "glute_bridge"]


def status_kb(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM ... of /proc/PID/status, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            out[key] = int(value.split()[0])
    return out


def rollup_kb(pid: int) -> dict[str, int]:
    """/proc/PID/smaps_rollup's totals, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, value = line.partition(":")
        out[key] = int(value.split()[0])
    return out


def biggest_mappings(pid: int, top: int = 14) -> list[tuple[int, str]]:
    """(Rss kB, what) of the mappings holding the most, a file's mappings added up."""
    sizes: dict[str, int] = defaultdict(int)
    name = ""
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if len(head) >= 5 and "-" in head[0] and not head[0].endswith(":"):
            name = head[5] if len(head) > 5 else "[anonymous]"
        elif line.startswith("Rss:"):
            sizes[Path(name).name if name.startswith("/") else name] += int(head[1])
    return sorted(((kb, what) for what, kb in sizes.items()), reverse=True)[:top]


def measure(desk: Desktop, exercise: str, folder: Path, settle: float, detail: bool,
            shot: Path | None) -> tuple[float, float, int]:
    """(RSS MB, peak MB, figure px) of one prompt window, settled."""
    geometry = folder / f"{exercise}.json"
    geometry.unlink(missing_ok=True)
    env = {"TRAYBREAK_TEST_GEOMETRY_FILE": str(geometry),
           "TRAYBREAK_CONFIG": str(folder / "none.toml"), "XDG_CACHE_HOME": str(folder / "cache")}
    # The options the tray passes (so the config file is not read), as app/child_windows.py does.
    argv = [sys.executable, "-m", "traybreak", "prompt", exercise, "--guard-ms", "0",
            "--timeout", "10m", "--snooze", "5m", "--strict", "0s", "--snoozes-left", "3",
            "--skips-left", "unlimited"]
    proc = desk.spawn(argv, env=env)
    try:
        if not wait_until(geometry.exists, 20):
            raise SystemExit(f"{exercise}: the window never mapped")
        time.sleep(settle)
        if proc.poll() is not None:
            raise SystemExit(f"{exercise}: the window ended early ({proc.returncode})")
        status, rollup = status_kb(proc.pid), rollup_kb(proc.pid)
        if shot is not None:
            shot.mkdir(parents=True, exist_ok=True)
            desk.screenshot(shot / f"{exercise}.png")
        rss, peak = status["VmRSS"] / 1024, status["VmHWM"] / 1024
        figure = int(json.loads(geometry.read_text())["figure"])
        print(f"{exercise:28s} RSS {rss:5.1f} MB  peak {peak:5.1f} MB  "
              f"(anonymous {rollup['Anonymous'] / 1024:4.1f}, "
              f"files {(rollup['Rss'] - rollup['Anonymous']) / 1024:4.1f}, "
              f"PSS {rollup['Pss'] / 1024:4.1f})")
        if detail:
            for kb, what in biggest_mappings(proc.pid):
                print(f"    {kb / 1024:5.1f} MB  {what}")
        return rss, peak, figure
    finally:
        end_process(proc)


def drawer(exercise: str, pixels: int, folder: Path) -> None:
    """Print the peak memory and time of the process that draws a figure into the cache (run
    from a parent of its own, so that the peak is its alone)."""
    command = [sys.executable, "-m", "traybreak", "prompt", exercise, "--draw-figure",
               str(pixels)]
    parent = ("import resource, subprocess, time; start = time.monotonic(); "
              f"subprocess.run({command!r}, check=True, timeout=60); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "
              "(time.monotonic() - start) * 1000)")
    done = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True,
                          check=True, timeout=90,
                          env={**os.environ, "XDG_CACHE_HOME": str(folder)})
    peak, took = (float(word) for word in done.stdout.split())
    print(f"{exercise:28s} its drawing process (first showing only): peak {peak:5.1f} MB, "
          f"{took:4.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds to let the figure show and animate before measuring")
    parser.add_argument("--size", default="1024x768")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--shot", type=Path, help="save a screenshot of each window here")
    parser.add_argument("exercises", nargs="*", default=EXERCISES)
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    with Desktop((width, height)) as desk, tempfile.TemporaryDirectory() as tmp:
        for exercise in args.exercises:
            runs = [measure(desk, exercise, Path(tmp), args.settle, args.detail and run == 0,
                            args.shot if run == 0 else None) for run in range(args.runs)]
            first, later = runs[0], runs[1:] or runs
            print(f"{exercise:28s} first showing: RSS {first[0]:5.1f} MB, peak {first[1]:5.1f}"
                  f" MB; later (median of {len(later)}): RSS "
                  f"{statistics.median(r for r, _, _ in later):5.1f} MB, peak "
                  f"{statistics.median(p for _, p, _ in later):5.1f} MB ({args.size})")
            drawer(exercise, first[2], Path(tmp) / "drawer-cache")


if __name__ == "__main__":
    main()
