"""Measure the whole tray app at rest on the xorg backend: CPU, wakeups and memory.

Starts a private Xvfb + trayer (tests/e2e/xdesktop.py) and the real `traybreak` command with the
default settings in an isolated XDG_* home, lets it settle, then measures two phases of
``--seconds`` each: "working" (the mouse moves every few seconds, so break timers count and the
tooltip counts down) and "away" (no input, measured from the moment the app has seen the natural
break: the break itself is an event, like a prompt, not rest). Prints CPU seconds per hour,
wakeups per minute (voluntary context switches of all its threads) and RSS. Linux only.

    python bench/tray_at_rest.py [--seconds 120] [--settle 15]

Budgets (issues 3 and 6): under 0.1 CPU-s per hour, under 20 wakeups per minute, RSS <= 25 MB.
Exit status 1 if any phase is over a budget.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from e2e.xdesktop import Desktop, end_process, missing_tools, skip_reason  # noqa: E402
from engine_at_rest import measure  # noqa: E402
from tray_start import launcher  # noqa: E402

CPU_BUDGET = 0.1       # CPU seconds per hour
WAKEUP_BUDGET = 20.0   # per minute
RSS_BUDGET_MB = 25.0


def wait_until_away(env: dict[str, str], limit_s: float = 900.0) -> float:
    """Seconds until `traybreak status --json` says "away" (the natural break was seen)."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        out = subprocess.run([launcher(), "status", "--json"], env=env, capture_output=True,
                             text=True, check=False).stdout
        if out and json.loads(out).get("state") == "away":
            return time.monotonic() - started
        time.sleep(5.0)
    raise SystemExit("the app never reported away after input stopped")


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, peak RSS) of ``pid`` in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if ":" in line
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each phase")
    parser.add_argument("--settle", type=float, default=15.0, help="wait after start")
    args = parser.parse_args()
    missing = missing_tools(tray=True)
    if missing:
        print(skip_reason(missing))
        return 2
    over = False
    # The app's last writes (the log's -wal/-shm files going away at its close) may race the
    # clean-up of its home: that must not turn a finished measurement into a traceback.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp, \
            Desktop(tray=True) as desk:
        home = Path(tmp)
        (home / "run").mkdir(mode=0o700)
        env = {"XDG_RUNTIME_DIR": str(home / "run"), "PYSTRAY_BACKEND": "xorg"}
        for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                         ("XDG_STATE_HOME", "state")):
            env[var] = str(home / sub)
        app = desk.spawn([launcher()], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        try:
            halt_work = desk.simulate_work(every_s=3.0)
            time.sleep(args.settle)
            print(f"traybreak (pid {app.pid}) at rest, default settings, "
                  f"{args.seconds:.0f} s per phase")
            for phase in ("working", "away"):
                if phase == "away":
                    halt_work()
                    waited = wait_until_away(env={**desk.env, **env})
                    print(f"  (input stopped; the app saw the natural break after {waited:.0f} s: "
                          "measuring from then)")
                cpu, wakeups = measure(app.pid, args.seconds)
                rss, peak = memory_mb(app.pid)
                print(f"  {phase:<9} CPU {cpu:.3f} s/h   wakeups {wakeups:.1f}/min   "
                      f"RSS {rss:.1f} MB (peak {peak:.1f})")
                over |= cpu >= CPU_BUDGET or wakeups >= WAKEUP_BUDGET or rss > RSS_BUDGET_MB
            print(f"  budgets   CPU < {CPU_BUDGET} s/h, wakeups < {WAKEUP_BUDGET:.0f}/min, "
                  f"RSS <= {RSS_BUDGET_MB:.0f} MB")
        finally:
            subprocess.run([launcher(), "quit"], env={**desk.env, **env}, check=False,
                           capture_output=True, timeout=10)
            end_process(app)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
