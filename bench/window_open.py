"""Bench: time from launching a small window (`traybreak settings`, `history --window`,
`about --window`, `welcome`, the `notice` toast) to its window being mapped on Xvfb. Budget:
400 ms (issue 17).

Run: python bench/window_open.py [--runs 10] [--size 1024x768] [WINDOW ...]
(WINDOW: settings, history, about, welcome, notice; default settings)
Uses the e2e harness (tests/e2e/xdesktop.py) for the X server and the windows' test hook
(TRAYBREAK_TEST_GEOMETRY_FILE), which records the wall time of the window's first Map event,
as bench/prompt_open.py does for the prompt window. The toast has no such hook (the tray's
e2e tests take that file for the prompt's, and a notice comes before every prompt): its Map
is seen from the X server instead, as a MapNotify on the root window (python-xlib). The
settings window opens on a config file with comments and a rule of the user's own, as a real
one would be.
"""

from __future__ import annotations

import argparse
import json
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from e2e.xdesktop import Desktop, end_process, wait_until

BUDGET_MS = 400
CONFIG = """\
# My settings
[breaks.stretch]
every = "30m"   # a bit less often

[breaks.water]
message = "Drink some water"
every = "45m"

[prompt]
snooze = "10m"
"""
WINDOWS = {
    "settings": ["settings"],
    "history": ["history", "--window"],
    "about": ["about", "--window"],
    "welcome": ["welcome", "--window"],   # not --first-run: that would install a menu entry
    "notice": ["notice", "A stretch break in 10 s", "--for", "20s"],   # the toast
}


def open_once(desk: Desktop, window: str, folder: Path, run: int) -> float:
    """Milliseconds from Popen to the window's Map event."""
    geometry = folder / f"{window}-{run}.json"
    env = {"TRAYBREAK_TEST_GEOMETRY_FILE": str(geometry),
           "TRAYBREAK_CONFIG": str(folder / "config.toml"),
           "XDG_CONFIG_HOME": str(folder / "xdg"), "XDG_DATA_HOME": str(folder / "data"),
           "XDG_STATE_HOME": str(folder / "state"), "XDG_RUNTIME_DIR": str(folder / "run")}
    start = time.time()
    proc = desk.spawn([sys.executable, "-m", "traybreak", *WINDOWS[window]], env=env)
    if not wait_until(geometry.exists, 20):
        raise SystemExit(f"{window}: the window never mapped")
    mapped = float(json.loads(geometry.read_text())["mapped_at"])
    end_process(proc)
    return (mapped - start) * 1000


def toast_once(desk: Desktop, folder: Path) -> float:
    """Milliseconds from Popen to the notice toast's MapNotify (it is a child of the root)."""
    from Xlib import X
    from Xlib import display as xdisplay

    from traybreak.ui.notice.layout import NOTICE_TITLE

    conn = xdisplay.Display(desk.display_name)
    conn.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
    conn.sync()
    env = {"TRAYBREAK_CONFIG": str(folder / "config.toml"),
           "XDG_STATE_HOME": str(folder / "state"), "XDG_RUNTIME_DIR": str(folder / "run")}
    start = time.time()
    proc = desk.spawn([sys.executable, "-m", "traybreak", *WINDOWS["notice"]], env=env)
    try:
        while time.time() - start < 20:
            if not conn.pending_events():
                select.select([conn.fileno()], [], [], 0.5)
                continue
            event = conn.next_event()
            if event.type == X.MapNotify and event.window.get_wm_name() == NOTICE_TITLE:
                return (time.time() - start) * 1000
        raise SystemExit("notice: the toast never mapped")
    finally:
        end_process(proc)
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--size", default="1024x768")
    parser.add_argument("windows", nargs="*", metavar="WINDOW",
                        help=f"which windows: {', '.join(WINDOWS)} (default: settings)")
    args = parser.parse_args()
    unknown = set(args.windows) - set(WINDOWS)
    if unknown:
        parser.error(f"unknown window {', '.join(sorted(unknown))}; expected {', '.join(WINDOWS)}")
    width, height = (int(n) for n in args.size.split("x"))
    with Desktop((width, height)) as desk, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
        for window in args.windows or ["settings"]:
            def once(run: int, window: str = window) -> float:
                if window == "notice":
                    return toast_once(desk, folder)
                return open_once(desk, window, folder, run)

            once(-1)  # bytecode compiled and cached, as once installed
            times = [once(run) for run in range(args.runs)]
            median = statistics.median(times)
            verdict = "within" if median <= BUDGET_MS else "OVER"
            print(f"{window:10s} launch→mapped: median {median:6.1f} ms, min {min(times):6.1f}, "
                  f"max {max(times):6.1f} ({args.runs} runs, {args.size}; {verdict} the "
                  f"{BUDGET_MS} ms budget)")


if __name__ == "__main__":
    main()
