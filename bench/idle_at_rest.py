"""Measure GNOME idle time and the lock watch on a real headless GNOME Shell 43 (started with the
display-manager stand-in, so org.gnome.ScreenSaver is there): what one GetIdletime costs, what
the engine loop and the whole tray app cost at rest with the gnome+gnome_lock source, and how
many wakeups Mutter's watches would have cost instead while someone works with short pauses.

1. ``--calls`` GetIdletime round trips (the gnome source's sample): median and 95th percentile
   latency, CPU per call.
2. The engine loop (bench/engine_at_rest.py's child) in the session for ``--seconds``, nobody
   at the keyboard: CPU seconds per hour and wakeups per minute; the same with the null source
   (what GNOME Wayland had before) for comparison.
3. The tray app (``python -m traybreak run``, tests/e2e/wayland_app.py) for ``--seconds``:
   CPU, wakeups, RSS.
4. The alternative: an AddIdleWatch(5 s) + AddUserActiveWatch listener (re-armed on each
   return, as Mutter's user-active watches fire once) while input comes every 10 s for
   ``--typing`` seconds: WatchFired signals per minute, each one a wakeup of the tray.

    python bench/idle_at_rest.py [--seconds 120] [--calls 200] [--typing 60]

Budgets (issue 14, the tray's): under 0.1 CPU-s per hour and under 20 wakeups per minute with
the source active. Exit status 1 if over, 2 if GNOME is not installed. Linux only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
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
from engine_at_rest import CHILD, measure  # noqa: E402
from tray_at_rest import CPU_BUDGET, RSS_BUDGET_MB, WAKEUP_BUDGET, memory_mb  # noqa: E402

from traybreak.platform.idle import gnome as gnome_idle  # noqa: E402

NULL_CHILD = CHILD.replace("choose_idle_source() if", "NullIdleSource('bench') if")


def round_trips(session: WaylandSession, calls: int) -> None:
    source = gnome_idle.source(session.address)
    source.idle()                                    # connect first
    times = []
    cpu0 = time.process_time()
    for _ in range(calls):
        t0 = time.perf_counter()
        assert source.idle() is not None
        times.append((time.perf_counter() - t0) * 1000)
    cpu = (time.process_time() - cpu0) / calls * 1000
    source.close()
    times.sort()
    print(f"GetIdletime, {calls} calls: median {statistics.median(times):.2f} ms, "
          f"p95 {times[int(0.95 * len(times))]:.2f} ms, CPU {cpu:.3f} ms per call")


def engine_at_rest(session: WaylandSession, child_code: str, seconds: float) -> tuple[float, float]:
    child = subprocess.Popen([sys.executable, "-c", child_code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env=session.full_env())
    assert child.stdout is not None and child.stdin is not None
    name = child.stdout.readline().strip()
    time.sleep(2.0)
    try:
        cpu, wakeups = measure(child.pid, seconds)
    finally:
        child.stdin.close()
        child.wait(10)
    print(f"engine loop, idle source {name}, {seconds:.0f} s at rest: CPU {cpu:.4f} s/h   "
          f"wakeups {wakeups:.1f}/min")
    return cpu, wakeups


def watches_while_typing(session: WaylandSession, seconds: float) -> None:
    """WatchFired signals a watch-based source would get: input every 10 s, watch at 5 s."""
    from jeepney import DBusAddress, MatchRule, new_method_call
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    monitor = DBusAddress("/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor",
                          "org.gnome.Mutter.IdleMonitor")
    conn = open_dbus_connection(session.address)
    rule = MatchRule(type="signal", interface=monitor.interface, member="WatchFired")
    conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)
    conn.send_and_get_reply(new_method_call(monitor, "AddIdleWatch", "t", (5000,)), timeout=5)
    active = conn.send_and_get_reply(new_method_call(monitor, "AddUserActiveWatch"),
                                     timeout=5).body[0]
    fired = 0
    stop = threading.Event()

    def listen() -> None:
        nonlocal fired, active
        with conn.filter(rule) as queue:
            while not stop.is_set():
                try:
                    msg = conn.recv_until_filtered(queue, timeout=0.5)
                except TimeoutError:
                    continue
                fired += 1
                if msg.body[0] == active:    # user-active watches fire once: re-arm
                    active = conn.send_and_get_reply(
                        new_method_call(monitor, "AddUserActiveWatch"), timeout=5).body[0]

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        session.touch()
        time.sleep(10)
    stop.set()
    thread.join(2)
    conn.close()
    print(f"watch-based alternative, input every 10 s for {seconds:.0f} s (idle watch 5 s): "
          f"{fired * 60 / seconds:.1f} WatchFired per minute, each a wakeup of the tray; "
          f"the GetIdletime design: 0 beyond the engine's own wakes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each rest phase")
    parser.add_argument("--calls", type=int, default=200, help="GetIdletime calls to time")
    parser.add_argument("--typing", type=float, default=60.0, help="length of the watch phase")
    args = parser.parse_args()
    reason = skip_reason("gnome")
    if reason:
        print(reason)
        return 2
    over = False
    with tempfile.TemporaryDirectory() as tmp, WaylandSession("gnome",
                                                             fake_gdm=True) as session:
        session.set_appindicator_extension(True)
        round_trips(session, args.calls)
        cpu, wakeups = engine_at_rest(session, CHILD, args.seconds)
        over |= cpu >= CPU_BUDGET or wakeups >= WAKEUP_BUDGET
        engine_at_rest(session, NULL_CHILD, args.seconds)
        app = SessionApp(session, Path(tmp) / "rest")
        try:
            app.wait_item()
            time.sleep(10)
            cpu, wakeups = measure(app.proc.pid, args.seconds)
            rss, peak = memory_mb(app.proc.pid)
            print(f"tray app ({app.status()['idle']}), {args.seconds:.0f} s at rest: CPU "
                  f"{cpu:.3f} s/h   wakeups {wakeups:.1f}/min   RSS {rss:.1f} MB "
                  f"(peak {peak:.1f})")
            over |= cpu >= CPU_BUDGET or wakeups >= WAKEUP_BUDGET or rss > RSS_BUDGET_MB
        finally:
            app.quit()
            app.end()
        watches_while_typing(session, args.typing)
    print(f"budgets: CPU < {CPU_BUDGET} s/h, wakeups < {WAKEUP_BUDGET:.0f}/min, "
          f"RSS <= {RSS_BUDGET_MB:.0f} MB")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
