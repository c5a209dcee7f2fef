"""Measure the tray at rest on a real headless KDE Plasma session with the Wayland idle source
active (KWin's ext_idle_notifier_v1, platform/idle/wayland.py): CPU, wakeups and memory.

Starts the desktop with ``../shared/tools/wayland-desktop`` (tests/e2e/wayland_session.py) and
the real app, ``python -m traybreak run``, in an isolated XDG_* home with a stretch every 20
minutes and the other rules off, so nothing falls due while it is measured. Three phases of
``--seconds`` each, after ``--settle`` s:

1. away: nobody touches anything (the notification has sent *idled*; nothing more comes);
2. pausing: simulated input (org.freedesktop.ScreenSaver.SimulateUserActivity) every
   ``--pause-every`` s, just over the source's 30 s timeout, so each cycle brings one *idled*
   and one *resumed*: the most events the source can get;
3. the same app without the source (no WAYLAND_DISPLAY: idle unknown), for comparison.

Whole-process figures this small move with the machine's load; so first, without a desktop, the
reader thread's own CPU time per event (``--events`` idled/resumed events from the fake
compositor of tests/fake_compositor.py, read from the thread's /proc schedstat), which gives the
source's cost per hour for any rate of events.

    python bench/wayland_idle_at_rest.py [--seconds 120] [--settle 40] [--pause-every 32]
                                         [--events 2000]

Budgets (issue 14, unchanged from the tray's): under 0.1 CPU-s per hour, under 20 wakeups per
minute, RSS <= 25 MB. Exit status 1 if over a budget (or the source is not the Wayland one), 2
if KDE is not installed. Linux only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from e2e.wayland_app import SessionApp  # noqa: E402
from e2e.wayland_session import WaylandSession, skip_reason  # noqa: E402
from engine_at_rest import measure  # noqa: E402
from tray_at_rest import CPU_BUDGET, RSS_BUDGET_MB, WAKEUP_BUDGET, memory_mb  # noqa: E402

EXPECTED = "Wayland ext_idle_notifier_v1"


def reader_cpu_per_event(events: int) -> float:
    """Microseconds of the reader thread's CPU time per idled/resumed event (fake compositor,
    one event at a time so that each is a wakeup of its own)."""
    from fake_compositor import FakeCompositor

    from traybreak.platform.idle.wayland import WaylandIdleSource

    compositor = FakeCompositor()
    source = WaylandIdleSource({}, connect=compositor.connect)
    source.open()
    reader = source.reader
    assert reader is not None and reader.native_id is not None
    stat = Path(f"/proc/self/task/{reader.native_id}/schedstat")
    before = int(stat.read_text().split()[0])
    for n in range(events):
        compositor.resumed() if n % 2 else compositor.idled()
        time.sleep(0.002)
    after = int(stat.read_text().split()[0])
    source.close()
    return (after - before) / events / 1000


def phase(name: str, app: SessionApp, seconds: float) -> bool:
    """Measure ``app`` for ``seconds``, print one line; True if over a budget."""
    cpu, wakeups = measure(app.proc.pid, seconds)
    rss, peak = memory_mb(app.proc.pid)
    print(f"kde, {name} ({seconds:.0f} s): CPU {cpu:.3f} s/h   wakeups {wakeups:.1f}/min   "
          f"RSS {rss:.1f} MB (peak {peak:.1f})", flush=True)
    return cpu >= CPU_BUDGET or wakeups >= WAKEUP_BUDGET or rss > RSS_BUDGET_MB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each phase")
    parser.add_argument("--settle", type=float, default=40.0,
                        help="wait after start (past the 30 s timeout: idled has come)")
    parser.add_argument("--pause-every", type=float, default=32.0,
                        help="simulated input period in the pausing phase")
    parser.add_argument("--events", type=int, default=2000,
                        help="events for the reader's cost per event")
    args = parser.parse_args()
    per_event = reader_cpu_per_event(args.events)
    # The most events a 30 s timeout allows: one idled and one resumed per 30 s of quiet.
    print(f"reader thread: {per_event:.0f} us CPU per event ({args.events} events); at the "
          f"most 240 events per hour (timeout 30 s): {per_event * 240 / 1e6:.4f} CPU-s/h; "
          f"with a 5 s timeout up to 1440: {per_event * 1440 / 1e6:.4f} CPU-s/h", flush=True)
    reason = skip_reason("kde")
    if reason:
        print(reason)
        return 2
    over = False
    with tempfile.TemporaryDirectory() as tmp, WaylandSession("kde") as session:
        root = Path(tmp)
        session.simulate_activity()
        app = SessionApp(session, root / "with")
        try:
            app.wait_item()
            idle = app.status()["idle"]
            print(f"idle source: {idle}", flush=True)
            if not idle.startswith(EXPECTED):  # "+freedesktop_lock" where the lock is followed
                print(f"expected {EXPECTED}: {app.stderr_now()}")
                return 1
            time.sleep(args.settle)
            over |= phase("away, the source active", app, args.seconds)

            stop = threading.Event()

            def touch() -> None:
                while not stop.wait(args.pause_every):
                    session.simulate_activity()

            toucher = threading.Thread(target=touch, daemon=True)
            toucher.start()
            try:
                over |= phase(f"input every {args.pause_every:.0f} s, the source active", app,
                              args.seconds)
            finally:
                stop.set()
                toucher.join()
        finally:
            app.quit()
            app.end()

        bare = SessionApp(session, root / "without", WAYLAND_DISPLAY="")
        try:
            bare.wait_item()
            print(f"idle source: {bare.status()['idle']}", flush=True)
            time.sleep(args.settle)
            phase("away, no idle source (comparison)", bare, args.seconds)
        finally:
            bare.quit()
            bare.end()
    print(f"budgets: CPU < {CPU_BUDGET} s/h, wakeups < {WAKEUP_BUDGET:.0f}/min, "
          f"RSS <= {RSS_BUDGET_MB:.0f} MB")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
