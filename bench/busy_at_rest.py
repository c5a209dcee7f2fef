"""Measure the whole tray app with its busy sources (platform/busy) on the xorg backend: CPU,
wakeups and memory while a full-screen window has the focus, with and without a prompt held.

Starts a private Xvfb + openbox + trayer (tests/e2e/xdesktop.py) and the real `traybreak`
command in an isolated XDG_* home (a stretch every ``--every`` of work, the other rules off),
with the mouse moving every few seconds (the user works), then measures three phases of
``--seconds`` each:

1. ``free``: no full-screen window; the full-screen source is sampled at each wake.
2. ``fullscreen``: a focused full-screen window, nothing due yet (the state is only sampled
   at the wakes the engine has anyway).
3. ``held``: the stretch fell due during full screen and is held back; the engine samples
   every ``[activity] sample_every`` (5 s) so the prompt shows soon after full screen ends.

    python bench/busy_at_rest.py [--seconds 120] [--settle 15] [--every 5m]

Budgets (issue 14, those of the tray at rest): under 0.1 CPU-s per hour, under 20 wakeups per
minute, RSS <= 25 MB. Phase 3 is not rest (a prompt is due and waits); it is reported against
the same budgets. Exit status 1 if phase 1 or 2 is over a budget. Linux only.
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
from tray_at_rest import CPU_BUDGET, RSS_BUDGET_MB, WAKEUP_BUDGET, memory_mb  # noqa: E402
from tray_start import launcher  # noqa: E402

CONFIG = """
[breaks.stretch]
every = "{every}"
[breaks.strengthen]
enabled = false
[breaks.relax]
enabled = false
"""


def status(env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run([launcher(), "status", "--json"], env=env, capture_output=True,
                         text=True, check=False).stdout
    return json.loads(out) if out else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each phase")
    parser.add_argument("--settle", type=float, default=15.0, help="wait after start")
    parser.add_argument("--every", default="5m", help="the stretch's interval (work time); "
                        "longer than settle + 2 phases, so it falls due in phase 3")
    args = parser.parse_args()
    missing = missing_tools(wm=True, tray=True)
    if missing:
        print(skip_reason(missing))
        return 2
    over = False
    with tempfile.TemporaryDirectory() as tmp, Desktop(wm=True, tray=True) as desk:
        home = Path(tmp)
        (home / "run").mkdir(mode=0o700)
        env = {"XDG_RUNTIME_DIR": str(home / "run"), "PYSTRAY_BACKEND": "xorg"}
        for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                         ("XDG_STATE_HOME", "state")):
            env[var] = str(home / sub)
        config = home / "config" / "traybreak" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(CONFIG.format(every=args.every))
        full = {**desk.env, **env}
        app = desk.spawn([launcher()], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        halt_work = desk.simulate_work(every_s=3.0)
        try:
            time.sleep(args.settle)
            print(f"traybreak (pid {app.pid}), busy sources {status(full).get('busy')}, "
                  f"stretch every {args.every}, {args.seconds:.0f} s per phase")
            desk.spawn(["xmessage", "-name", "film", "a presentation"])
            window = desk.wait_for_window(classname="^film$")
            for phase in ("free", "fullscreen", "held"):
                if phase == "fullscreen":
                    desk.set_fullscreen(window)
                if phase == "held":
                    started = time.monotonic()
                    while status(full).get("waiting_for") is None or not any(
                            r.get("prompt") == "held" for r in status(full).get("rules", [])):
                        if time.monotonic() - started > 900:
                            raise SystemExit("no prompt was held within 15 minutes")
                        time.sleep(2.0)
                cpu, wakeups = measure(app.pid, args.seconds)
                rss, peak = memory_mb(app.pid)
                print(f"  {phase:<11} CPU {cpu:.3f} s/h   wakeups {wakeups:.1f}/min   "
                      f"RSS {rss:.1f} MB (peak {peak:.1f})")
                if phase != "held":
                    over |= cpu >= CPU_BUDGET or wakeups >= WAKEUP_BUDGET or rss > RSS_BUDGET_MB
            print(f"  budgets     CPU < {CPU_BUDGET} s/h, wakeups < {WAKEUP_BUDGET:.0f}/min, "
                  f"RSS <= {RSS_BUDGET_MB:.0f} MB")
        finally:
            halt_work()
            subprocess.run([launcher(), "quit"], env=full, check=False, capture_output=True,
                           timeout=10)
            end_process(app)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
