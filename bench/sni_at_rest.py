"""Measure the SNI tray (StatusNotifierItem on jeepney) on a real headless GNOME Shell or KDE
Plasma session: start to item registered, then CPU, wakeups and memory at rest.

Starts the desktop with ``../shared/tools/wayland-desktop`` (tests/e2e/wayland_session.py) and
the real app, ``python -m traybreak run``, in an isolated XDG_* home with a stretch every 20
minutes and the other rules off, so nothing falls due while it is measured:

1. ``--runs`` starts: the time from spawning the process to the watcher's
   ``StatusNotifierItemRegistered`` signal for it (recorded by a bus monitor), then a quit.
2. One app left running: after ``--settle`` s, CPU seconds per hour and wakeups per minute
   (voluntary context switches of all its threads) and RSS over two phases of ``--seconds``, as
   bench/tray_at_rest.py does on xorg: "working" (simulated input every 4 s through Mutter's
   RemoteDesktop on GNOME, KWin's SimulateUserActivity on KDE: the countdown runs, the tooltip
   and the icon's ring move, the host re-reads them) and "away" (no input, measured from the
   moment the app has seen the natural break, which is an event, not rest).

    python bench/sni_at_rest.py [--desktop gnome|kde] [--runs 10] [--seconds 120] [--settle 15]
                                [--detail]

``--detail`` also prints, for each phase, the session-bus messages sent to or from the app, by
member: what the tray and the desktop do for each other at rest.

Budgets (issue 13, the same as the XEmbed tray's): start to registered <= 300 ms median; at rest
under 0.1 CPU-s per hour, under 20 wakeups per minute, RSS <= 25 MB. Exit status 1 if over a
budget, 2 if the desktop is not installed. Linux only.
"""

from __future__ import annotations

import argparse
import statistics
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

REGISTERED_BUDGET_MS = 300.0


class Touching:
    """Simulated user input every ``every`` s from a thread, while in the ``with`` block."""

    def __init__(self, session: WaylandSession, every: float = 4.0) -> None:
        self.session, self.every = session, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            if self.session.kind == "gnome":
                self.session.touch()
            else:
                self.session.simulate_activity()

    def __enter__(self) -> Touching:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def wait_until_away(app: SessionApp, limit_s: float = 900.0) -> float:
    """Seconds until the app's status says "away" (it has seen the natural break)."""
    began = time.monotonic()
    while time.monotonic() - began < limit_s:
        if app.status().get("state") == "away":
            return time.monotonic() - began
        time.sleep(2)
    raise SystemExit("the app never reported away after input stopped")


def time_to_registered(session: WaylandSession, home: Path) -> float:
    """Milliseconds from spawning one app to the watcher announcing its item; quits it."""
    since = session.bus_log.mark()
    app = SessionApp(session, home)
    try:
        signal = session.wait_signal("StatusNotifierItemRegistered", timeout=10, since=since)
        if signal is None:
            raise SystemExit(f"no item registered within 10 s: {app.stderr_now()}")
        return (signal.at - app.spawned) * 1000
    finally:
        app.quit()
        app.end()


def print_detail(session: WaylandSession, pid: int, mark: int, seconds: float) -> None:
    """The session-bus messages sent to or from the app since ``mark`` (``seconds`` ago), by
    member."""
    from collections import Counter

    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
    mine: dict[str, bool] = {}
    # A connection of our own: the session's recording one is a monitor and may not send.
    with open_dbus_connection(session.full_env()["DBUS_SESSION_BUS_ADDRESS"]) as conn:
        def ours(name: str) -> bool:
            if name.startswith(":") and name not in mine:
                reply = conn.send_and_get_reply(new_method_call(
                    bus, "GetConnectionUnixProcessID", "s", (name,)), timeout=5)
                mine[name] = bool(reply.body) and reply.body[0] == pid
            return mine.get(name, False)

        traffic = Counter(
            ("from app" if ours(m.sender) else "to app", m.kind, m.member)
            for m in session.bus_log.select(since=mark)
            if ours(m.sender) or ours(m.destination))
    print(f"  session-bus messages of the app over {seconds:.0f} s:")
    for (way, kind, member), count in sorted(traffic.items()):
        print(f"    {way:<8} {kind:<12} {member:<32} {count * 60 / seconds:5.1f}/min")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktop", choices=("gnome", "kde"), default="gnome")
    parser.add_argument("--runs", type=int, default=10, help="starts to time")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the rest phase")
    parser.add_argument("--settle", type=float, default=15.0, help="wait after start")
    parser.add_argument("--detail", action="store_true",
                        help="the app's bus messages by member, in each phase")
    args = parser.parse_args()
    reason = skip_reason(args.desktop)
    if reason:
        print(reason)
        return 2
    over = False
    with tempfile.TemporaryDirectory() as tmp, WaylandSession(args.desktop) as session:
        if args.desktop == "gnome":
            session.set_appindicator_extension(True)
        root = Path(tmp)
        starts = [time_to_registered(session, root / f"start{run}") for run in range(args.runs)]
        median = statistics.median(starts)
        print(f"{args.desktop}: start to item registered, {args.runs} runs: median "
              f"{median:.0f} ms (min {min(starts):.0f}, max {max(starts):.0f}; "
              f"budget {REGISTERED_BUDGET_MS:.0f})")
        over |= median > REGISTERED_BUDGET_MS

        app = SessionApp(session, root / "rest")
        try:
            app.wait_item()
            time.sleep(args.settle)
            busy = app.status().get("busy")   # the do-not-disturb / full-screen sources
            print(f"{args.desktop}: busy sources active: {busy}; budgets: CPU < {CPU_BUDGET} "
                  f"s/h, wakeups < {WAKEUP_BUDGET:.0f}/min, RSS <= {RSS_BUDGET_MB:.0f} MB")
            for phase in ("working", "away"):
                mark = session.bus_log.mark()
                if phase == "working":
                    with Touching(session):
                        cpu, wakeups = measure(app.proc.pid, args.seconds)
                else:
                    waited = wait_until_away(app)
                    print(f"  (the app saw the natural break {waited:.0f} s after input stopped)")
                    mark = session.bus_log.mark()
                    cpu, wakeups = measure(app.proc.pid, args.seconds)
                rss, peak = memory_mb(app.proc.pid)
                print(f"  {phase:<8} over {args.seconds:.0f} s: CPU {cpu:.3f} s/h   wakeups "
                      f"{wakeups:.1f}/min   RSS {rss:.1f} MB (peak {peak:.1f})")
                over |= cpu >= CPU_BUDGET or wakeups >= WAKEUP_BUDGET or rss > RSS_BUDGET_MB
                if args.detail:
                    print_detail(session, app.proc.pid, mark, args.seconds)
        finally:
            app.quit()
            app.end()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
