"""Bench: time from launching `python -m traybreak prompt ID` to its window being mapped on Xvfb.

Run: python bench/prompt_open.py [--runs 10] [--size 1024x768] [EXERCISE_ID ...]
Uses the e2e harness (tests/e2e/xdesktop.py) for the X server and the window's test hook
(TRAYBREAK_TEST_GEOMETRY_FILE), which records the wall time of the window's first Map event.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from e2e.xdesktop import Desktop, end_process, wait_until


def open_once(desk: Desktop, exercise: str, folder: Path, run: int) -> float:
    """Milliseconds from Popen to the window's Map event."""
    geometry = folder / f"{exercise}-{run}.json"
    env = {"TRAYBREAK_TEST_GEOMETRY_FILE": str(geometry),
           "TRAYBREAK_CONFIG": str(folder / "none.toml")}
    start = time.time()
    proc = desk.spawn([sys.executable, "-m", "traybreak", "prompt", exercise, "--guard-ms", "0"],
                      env=env)
    if not wait_until(geometry.exists, 20):
        raise SystemExit(f"{exercise}: the window never mapped")
    mapped = float(json.loads(geometry.read_text())["mapped_at"])
    end_process(proc)
    return (mapped - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--size", default="1024x768")
    parser.add_argument("exercises", nargs="*", default=["seated_hip_flexor_stretch",
                                                         "box_breathing"])
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    with Desktop((width, height)) as desk, tempfile.TemporaryDirectory() as tmp:
        for exercise in args.exercises:
            times = [open_once(desk, exercise, Path(tmp), run) for run in range(args.runs)]
            print(f"{exercise:28s} launch→mapped: median {statistics.median(times):6.1f} ms, "
                  f"min {min(times):6.1f}, max {max(times):6.1f} ({args.runs} runs, {args.size})")


if __name__ == "__main__":
    main()
